"""The "Barnteam" panel on the child's page and the "Mina möten" menu item."""

from __future__ import annotations

from samsyn.access.policy import Action, What, decide, sees_no_children
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.audit.models import Ground
from samsyn.children.models import Child
from samsyn.consent.models import Purpose
from samsyn.core.extensions import Panel
from samsyn.teams import selectors


def team_panel(user: User, child: Child) -> Panel | None:
    # Asking whether to show the panel reads nothing; showing it is an access, logged.
    if not decide(user, child, What.TEAM, Action.VIEW):
        return None
    decision = access_child(user=user, child=child, what=What.TEAM, action=Action.VIEW)
    if not decision:
        return None
    team = selectors.child_active_team(child=child)
    members = list(selectors.team_members(team=team)) if team else []
    # Only the named contact convenes (``barnteam_convene``).
    may_convene = team is None and decision.ground == Ground.NAMED_CONTACT
    return Panel(
        template="teams/panel.html",
        context={
            "child": child,
            "team": team,
            "members": members,
            "lead": next((m for m in members if m.is_lead), None),
            "next_meeting": selectors.team_next_meeting(team=team) if team else None,
            "may_convene": may_convene,
            "has_consent": may_convene
            and bool(selectors.covered_units(child=child, purpose=Purpose.BARNTEAM)),
            "protected": child.is_protected,
        },
        order=40,
    )


def shows_my_meetings(user: User) -> bool:
    """Staff who may see children at all get "Mina möten"; asked once per request (the answer
    is kept on the request's user object)."""
    cached: bool | None = getattr(user, "_samsyn_shows_my_meetings", None)
    if cached is None:
        cached = not sees_no_children(user)
        user._samsyn_shows_my_meetings = cached  # type: ignore[attr-defined]
    return cached
