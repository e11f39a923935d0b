from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "samsyn.teams"
    label = "teams"
