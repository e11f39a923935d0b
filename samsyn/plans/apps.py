from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "samsyn.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from samsyn.core.extensions import MenuItem, register_child_panel, register_menu_item
        from samsyn.plans.panels import plan_panel
        from samsyn.plans.selectors import is_follow_up_responsible

        register_child_panel(plan_panel)
        register_menu_item(
            MenuItem(
                url_name="plans:worklist",
                label=_("To follow up"),
                visible=is_follow_up_responsible,
                order=60,
            )
        )
