from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "samsyn.statistics"
    label = "statistics"
    verbose_name = "Statistik"

    def ready(self) -> None:
        from samsyn.statistics.panels import register

        register()
