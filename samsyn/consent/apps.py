from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "samsyn.consent"
    label = "consent"

    def ready(self) -> None:
        from samsyn.consent.panels import consent_panel
        from samsyn.core.extensions import register_child_panel

        register_child_panel(consent_panel)
