"""The "Samtycken" panel on the child's page."""

from __future__ import annotations

from samsyn.access.policy import Action, What, decide
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.audit.models import Ground
from samsyn.children.models import Child
from samsyn.consent import selectors
from samsyn.consent.models import Consent
from samsyn.core.extensions import Panel

PANEL_ROWS = 5


def consent_panel(user: User, child: Child) -> Panel | None:
    # Asking whether to show the panel reads nothing; showing it is an access, logged.
    if not decide(user, child, What.CONSENT, Action.VIEW):
        return None
    decision = access_child(user=user, child=child, what=What.CONSENT, action=Action.VIEW)
    if not decision:
        return None
    consents = list(
        Consent.objects.filter(child=child).select_related("documented_by")[:PANEL_ROWS]
    )
    return Panel(
        template="consent/panel.html",
        context={
            "child": child,
            "rows": [{"consent": c, "state": selectors.consent_state(c)} for c in consents],
            # Only the named contact records consents (the policy gives team members no
            # changes to consents), so the ground says it without asking again.
            "may_record": decision.ground == Ground.NAMED_CONTACT,
        },
        order=30,
    )
