from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "samsyn.statistics"
    label = "statistics"
    verbose_name = "Statistik"
