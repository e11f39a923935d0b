from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "samsyn.attendance"
    label = "attendance"
    verbose_name = "Närvaro"
