from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "samsyn.access"
    label = "access"
