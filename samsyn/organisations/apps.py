from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "samsyn.organisations"
    label = "organisations"
