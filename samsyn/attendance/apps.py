from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "samsyn.attendance"
    label = "attendance"
    verbose_name = "Närvaro"

    def ready(self) -> None:
        from samsyn.attendance.panels import register

        register()
