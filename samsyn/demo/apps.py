from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "samsyn.demo"
    label = "demo"
