"""What staff do with the attendance signals: record that the guardians were told of the day's
unexcused absence, and carry an absence investigation through to its close (and to a concern).

Each use case decides and logs (``access_child`` on ``attendance``/``change``) in the caller's
transaction, *before* its own atomic block, so that a refusal's log row stays in the request's
transaction when the view answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import Action, What, decide
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.attendance.followup_models import (
    AbsenceInvestigation,
    GuardianNotification,
    InvestigationStatus,
    NotificationMethod,
)
from samsyn.attendance.followup_selectors import school_staff
from samsyn.children.models import Child
from samsyn.children.services import NotFoundForUser, ServiceError
from samsyn.concerns.models import Concern

__all__ = [
    "NotFoundForUser",
    "ServiceError",
    "investigation_close",
    "investigation_link_concern",
    "investigation_update",
    "notification_record",
]


def _require_change(actor: User, child: Child, detail: str) -> None:
    if not access_child(
        user=actor, child=child, what=What.ATTENDANCE, action=Action.CHANGE, detail=detail
    ):
        raise NotFoundForUser()


# --- The same-day guardian notification -------------------------------------------------------


def notification_record(
    *,
    actor: User,
    notification: GuardianNotification,
    method: str,
    notified_at: dt.datetime,
    note: str = "",
) -> GuardianNotification:
    """Record how and when the guardians were told of the pupil's unexcused absence."""
    _require_change(actor, notification.child, "attendance: guardians notified")
    if notification.notified_at is not None:
        raise ServiceError(_("That the guardians were told is already recorded."))
    if method not in NotificationMethod.values:
        raise ServiceError(_("Choose how the guardians were told."), field="method")
    if timezone.is_naive(notified_at):
        notified_at = timezone.make_aware(notified_at)
    if notified_at > timezone.now():
        raise ServiceError(_("The time cannot be in the future."), field="notified_at")
    if timezone.localtime(notified_at).date() < notification.date:
        raise ServiceError(
            _("The guardians cannot have been told before the day of the absence."),
            field="notified_at",
        )
    with transaction.atomic():
        notification.method = method
        notification.notified_at = notified_at
        notification.notified_by = actor
        notification.note = note.strip()
        notification.save(update_fields=["method", "notified_at", "notified_by", "note"])
    return notification


# --- The absence investigation ----------------------------------------------------------------


def _require_open(investigation: AbsenceInvestigation) -> None:
    if investigation.status != InvestigationStatus.OPEN:
        raise ServiceError(_("The investigation is closed and can no longer be changed."))


def investigation_update(
    *,
    actor: User,
    investigation: AbsenceInvestigation,
    investigator: User | None,
    with_pupil: bool,
    with_guardians: bool,
    with_student_health: bool,
    participants: str,
    findings: str,
    measures: str,
) -> AbsenceInvestigation:
    """Save who investigates, with whom, what was found and what is done about it."""
    _require_change(actor, investigation.child, "attendance: investigation changed")
    _require_open(investigation)
    if (
        investigator is not None
        and not school_staff(investigation.unit).filter(pk=investigator.pk).exists()
    ):
        raise ServiceError(
            _("Choose a member of staff at the pupil's school."), field="investigator"
        )
    with transaction.atomic():
        investigation.investigator = investigator
        investigation.with_pupil = with_pupil
        investigation.with_guardians = with_guardians
        investigation.with_student_health = with_student_health
        investigation.participants = participants.strip()
        investigation.findings = findings.strip()
        investigation.measures = measures.strip()
        investigation.save(
            update_fields=[
                "investigator",
                "with_pupil",
                "with_guardians",
                "with_student_health",
                "participants",
                "findings",
                "measures",
            ]
        )
    return investigation


def investigation_close(
    *, actor: User, investigation: AbsenceInvestigation, on: dt.date | None = None
) -> AbsenceInvestigation:
    """Close the investigation; it needs its findings and measures first."""
    _require_change(actor, investigation.child, "attendance: investigation closed")
    _require_open(investigation)
    if not investigation.findings.strip():
        raise ServiceError(
            _("Write down the findings before closing the investigation."), field="findings"
        )
    if not investigation.measures.strip():
        raise ServiceError(
            _("Write down the measures before closing the investigation."), field="measures"
        )
    day = on or timezone.localdate()
    if day < investigation.opened_on:
        raise ServiceError(_("An investigation cannot close before it was opened."))
    with transaction.atomic():
        investigation.status = InvestigationStatus.CLOSED
        investigation.closed_on = day
        investigation.closed_by = actor
        investigation.save(update_fields=["status", "closed_on", "closed_by"])
    return investigation


def investigation_link_concern(
    *, actor: User, investigation: AbsenceInvestigation, concern: Concern | None
) -> AbsenceInvestigation:
    """Note the concern the investigation led to (or none). The actor must see the concern."""
    _require_change(actor, investigation.child, "attendance: investigation linked to concern")
    if concern is not None:
        if concern.child_id != investigation.child_id:
            raise ServiceError(_("Choose a concern about the same pupil."), field="concern")
        if not decide(actor, investigation.child, What.CONCERN, Action.VIEW):
            raise ServiceError(_("Choose a concern about the same pupil."), field="concern")
    with transaction.atomic():
        investigation.concern = concern
        investigation.save(update_fields=["concern"])
    return investigation
