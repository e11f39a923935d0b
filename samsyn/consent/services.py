"""Recording, completing and withdrawing consent. Each function is one use case.

The Barnkontakt (or a team member under an earlier consent) documents a consent; each guardian
with custody decides on their own; the consent is complete — and so in force within its period —
when every guardian with custody has given it. Withdrawal by any guardian takes effect at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import Action, What
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.models import Child, Guardian, Guardianship
from samsyn.children.services import NotFoundForUser, ServiceError
from samsyn.consent.models import (
    ChildView,
    Consent,
    GuardianConsent,
    GuardianDecision,
    HowGiven,
    Purpose,
)
from samsyn.organisations.models import SecrecyDomain, Unit

# The longest period a consent may cover without being renewed.
MAX_CONSENT_DAYS = 366


def _age(child: Child, on: dt.date) -> int:
    born = child.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _guardians_with_custody(child: Child) -> list[Guardian]:
    return [g.guardian for g in Guardianship.objects.filter(child=child).select_related("guardian")]


def consent_record(
    *,
    actor: User,
    child: Child,
    purpose: str,
    units: Iterable[Unit],
    categories: Iterable[str],
    valid_from: dt.date,
    valid_to: dt.date,
    how_given: str,
    child_view: str = ChildView.NOT_ASKED,
    child_view_note: str = "",
    given_by: Iterable[Guardian] = (),
) -> Consent:
    """Document a consent for ``child``; ``given_by`` are the guardians who gave it now.

    Guardians with custody who are not in ``given_by`` are recorded as *pending*: the consent is
    in force only when they too have given it (:func:`consent_guardian_decide`).
    """
    decision = access_child(user=actor, child=child, what=What.CONSENT, action=Action.CREATE)
    if not decision.allowed:
        raise NotFoundForUser()
    unit_list = list(dict.fromkeys(units))
    category_list = list(dict.fromkeys(categories))
    if purpose not in Purpose.values:
        raise ServiceError(_("Choose what the consent is for."), field="purpose")
    if not unit_list:
        raise ServiceError(_("Choose at least one unit that may share information."), field="units")
    unknown = [c for c in category_list if c not in SecrecyDomain.values]
    if unknown or not category_list:
        raise ServiceError(
            _("Choose the kinds of information that may be shared."), field="categories"
        )
    if valid_to < valid_from:
        raise ServiceError(_("The consent must end after it starts."), field="valid_to")
    if (valid_to - valid_from).days > MAX_CONSENT_DAYS:
        raise ServiceError(
            _("A consent can cover at most one year; renew it after that."), field="valid_to"
        )
    if how_given not in HowGiven.values:
        raise ServiceError(_("Say how the consent was given."), field="how_given")
    guardians = _guardians_with_custody(child)
    given = {g.pk for g in given_by}
    if not given <= {g.pk for g in guardians}:
        raise ServiceError(_("Only the child's guardians can give consent."), field="given_by")
    if decision.unit_id is None:
        raise NotFoundForUser()
    now = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.create(
            child=child,
            purpose=purpose,
            categories=category_list,
            valid_from=valid_from,
            valid_to=valid_to,
            how_given=how_given,
            child_view=child_view,
            child_view_note=child_view_note.strip(),
            child_age=_age(child, timezone.localdate()),
            documented_by=actor,
            documented_by_unit_id=decision.unit_id,
        )
        consent.units.set(unit_list)
        GuardianConsent.objects.bulk_create(
            GuardianConsent(
                consent=consent,
                guardian=g,
                decision=GuardianDecision.GIVEN if g.pk in given else GuardianDecision.PENDING,
                how_given=how_given if g.pk in given else "",
                decided_at=now if g.pk in given else None,
                recorded_by=actor if g.pk in given else None,
            )
            for g in guardians
        )
        _update_complete(consent, now)
    return consent


def _update_complete(consent: Consent, now: dt.datetime) -> None:
    decisions = list(consent.guardians.values_list("decision", flat=True))
    complete = bool(decisions) and all(d == GuardianDecision.GIVEN for d in decisions)
    consent.complete_at = (consent.complete_at or now) if complete else None
    consent.save(update_fields=["complete_at"])


def consent_guardian_decide(
    *, actor: User, consent: Consent, guardian: Guardian, decision: str, how_given: str
) -> Consent:
    """Record one guardian's answer (given or refused)."""
    allowed = access_child(user=actor, child=consent.child, what=What.CONSENT, action=Action.CHANGE)
    if not allowed.allowed:
        raise NotFoundForUser()
    if consent.withdrawn_at is not None:
        raise ServiceError(_("The consent has been withdrawn; record a new one."))
    if decision not in (GuardianDecision.GIVEN, GuardianDecision.REFUSED):
        raise ServiceError(_("Choose given or refused."), field="decision")
    row = GuardianConsent.objects.filter(consent=consent, guardian=guardian).first()
    if row is None:
        raise ServiceError(_("Only the child's guardians can give consent."), field="guardian")
    now = timezone.now()
    with transaction.atomic():
        row.decision = decision
        row.how_given = how_given
        row.decided_at = now
        row.recorded_by = actor
        row.save(update_fields=["decision", "how_given", "decided_at", "recorded_by"])
        _update_complete(consent, now)
    return consent


def consent_withdraw(*, actor: User, consent: Consent, note: str) -> Consent:
    """A guardian (or the child, as the child's say grows) withdraws the consent: at once."""
    allowed = access_child(user=actor, child=consent.child, what=What.CONSENT, action=Action.CHANGE)
    if not allowed.allowed:
        raise NotFoundForUser()
    if consent.withdrawn_at is not None:
        return consent
    if not note.strip():
        raise ServiceError(_("Say who withdrew the consent, and how."), field="note")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_note = note.strip()
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    return consent
