from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "samsyn.concerns"
    label = "concerns"

    def ready(self) -> None:
        from samsyn.concerns.panels import register

        register()
