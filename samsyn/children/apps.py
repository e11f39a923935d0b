from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "samsyn.children"
    label = "children"
