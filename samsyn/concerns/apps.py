from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "samsyn.concerns"
    label = "concerns"
