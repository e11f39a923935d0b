"""The "Barnets plan" panel on the child's page."""

from __future__ import annotations

from samsyn.access.policy import Action, What, decide
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.models import Child
from samsyn.core.extensions import Panel
from samsyn.plans import selectors


def plan_panel(user: User, child: Child) -> Panel | None:
    """Kind, status and next follow-up of the child's plan, for users who may view it.

    Users without any ground for the plan get no panel (and nothing is logged for them: the
    panel reads nothing they may not see)."""
    if not decide(user, child, What.PLAN, Action.VIEW):
        return None
    access_child(user=user, child=child, what=What.PLAN, action=Action.VIEW, detail="panel")
    plan = selectors.plan_of_child(child=child)
    return Panel(
        template="plans/_panel.html",
        context={
            "plan": plan,
            "next_follow_up": selectors.next_follow_up(plan=plan) if plan else None,
            "may_create": plan is None and decide(user, child, What.PLAN, Action.CREATE).allowed,
        },
        order=50,
    )
