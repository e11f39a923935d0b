"""Readable, translated names for the access policy's vocabulary (for pages and the log)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samsyn.access.policy import Action, What

WHAT_LABELS: dict[str, Promise] = {
    What.IDENTITY: _("Identity"),
    What.GUARDIANS: _("Guardians"),
    What.ADDRESS: _("Address and contact details"),
    What.ENROLMENTS: _("Enrolments"),
    What.BARNKONTAKT: _("Barnkontakt"),
    What.HANDOVER: _("Handover"),
    What.ACCESS_LOG: _("Access log"),
}

ACTION_LABELS: dict[str, Promise] = {
    Action.LIST: _("Listed"),
    Action.VIEW: _("Viewed"),
    Action.CREATE: _("Created"),
    Action.CHANGE: _("Changed"),
}


def what_label(value: str) -> str:
    return str(WHAT_LABELS.get(value, value))


def action_label(value: str) -> str:
    return str(ACTION_LABELS.get(value, value))
