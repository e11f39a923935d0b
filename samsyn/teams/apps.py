from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "samsyn.teams"
    label = "teams"

    def ready(self) -> None:
        from samsyn.core.extensions import MenuItem, register_child_panel, register_menu_item
        from samsyn.teams.panels import shows_my_meetings, team_panel

        register_child_panel(team_panel)
        register_menu_item(
            MenuItem(
                url_name="teams:my_meetings",
                label=cast(str, _("My meetings")),
                visible=shows_my_meetings,
                order=40,
            )
        )
