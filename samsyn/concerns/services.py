"""Use cases of concerns, triage, reports of concern and consultations. One function each.

Every function that reads or changes a child's information decides and logs in the caller's
transaction: through :func:`samsyn.access.services.access_child` where the policy has a ground
(the Barnkontakt's ``named_contact``, the intake group's ``legal_duty``), and through
:func:`samsyn.audit.services.access_log_append` for the two grounds that follow from the act
itself: ``reporting`` (anyone may register a concern or a report about a child whose number they
know) and ``reporter`` (the reporter sees the status of their own concern or report).

As in the children's services, a refusal is logged *before* the change's own atomic block, so
that the refusal's row stays in the request's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import Action, What, active_memberships, sees_no_children
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.audit.models import Ground
from samsyn.audit.services import AccessRecord, access_log_append
from samsyn.children.identity import InvalidIdentityNumber, parse_identity_number
from samsyn.children.models import Child, Guardianship
from samsyn.children.services import NotFoundForUser, ServiceError
from samsyn.concerns.deidentify import Identifiers, deidentify
from samsyn.concerns.models import (
    Concern,
    ConcernIndicator,
    ConcernStatus,
    Consultation,
    Indicator,
    ReportOfConcern,
    ReportStatus,
    Triage,
    TriageDecision,
    Urgency,
)
from samsyn.concerns.workdays import add_working_days
from samsyn.organisations.models import NO_CHILD_DATA_ROLES, Role, Unit, UnitType

__all__ = ["NotFoundForUser", "ServiceError"]


# --- Who may report, and from which unit ---------------------------------------------------


def reporting_units(user: User) -> list[Unit]:
    """The units through which ``user`` may register a concern or a report: those of their
    active memberships with a role that works with children."""
    units = {
        m.unit.pk: m.unit
        for m in active_memberships(user).select_related("unit")
        if m.role not in NO_CHILD_DATA_ROLES and m.role != Role.LOG_REVIEWER
    }
    return sorted(units.values(), key=lambda u: u.name)


def _require_reporter(user: User) -> None:
    if sees_no_children(user):
        raise NotFoundForUser()


def _reporter_unit(user: User, unit: Unit | None) -> Unit:
    units = reporting_units(user)
    if unit is None and len(units) == 1:
        return units[0]
    if unit is None or unit.pk not in {u.pk for u in units}:
        raise ServiceError(_("Choose one of your own units."), field="reporter_unit")
    return unit


def log_reporting(
    *,
    user: User,
    children: Iterable[Child],
    what: What,
    action: Action,
    ground: Ground,
    unit: Unit | None = None,
    detail: str = "",
) -> None:
    """Log accesses whose ground is the act of reporting (``reporting``) or the reporter's own
    concern or report (``reporter``): one row per distinct child."""
    seen: dict[int, Child] = {}
    for child in children:
        seen.setdefault(child.pk, child)
    if not seen:
        return
    access_log_append(
        records=[
            AccessRecord(
                user_id=user.pk,
                username=user.get_username(),
                child_id=child_id,
                what=what.value,
                action=action.value,
                allowed=True,
                ground=ground,
                acting_unit_id=unit.pk if unit is not None else None,
                detail=detail,
            )
            for child_id in seen
        ]
    )


# --- Step 1: the right child --------------------------------------------------------------


def child_by_personnummer(personnummer: str) -> Child:
    """The child with exactly this number. Nothing is logged: callers log what they show."""
    try:
        parsed = parse_identity_number(personnummer, allow_temporary=True)
    except InvalidIdentityNumber as exc:
        raise ServiceError(str(exc), field="personnummer") from exc
    child = Child.objects.filter(personnummer=parsed.value).first()
    if child is None:
        raise ServiceError(
            _("There is no child with that personnummer in Samsyn."), field="personnummer"
        )
    return child


def child_confirm_for_concern(*, user: User, personnummer: str) -> Child:
    """Find the child by exact personnummer so the reporter can confirm it is the right one.

    The caller shows only the name and the birth year. Logged as ``identity``/``view`` on the
    ground ``reporting``.
    """
    _require_reporter(user)
    child = child_by_personnummer(personnummer)
    units = reporting_units(user)
    log_reporting(
        user=user,
        children=[child],
        what=What.IDENTITY,
        action=Action.VIEW,
        ground=Ground.REPORTING,
        unit=units[0] if units else None,
        detail="concerns: confirm child",
    )
    return child


# --- Concerns ------------------------------------------------------------------------------


def concern_respond_by(*, day: dt.date) -> dt.date:
    working_days = int(settings.SAMSYN.get("CONCERN_RESPONSE_WORKING_DAYS", 5))
    return add_working_days(day, working_days)


def concern_register(
    *,
    actor: User,
    child: Child,
    observed: str,
    indicators: Sequence[str],
    urgency: str = Urgency.NORMAL,
    reporter_unit: Unit | None = None,
    today: dt.date | None = None,
) -> Concern:
    """Register a concern about ``child``; it lands with the child's Barnkontakt."""
    _require_reporter(actor)
    unit = _reporter_unit(actor, reporter_unit)
    observed = observed.strip()
    if not observed:
        raise ServiceError(_("Describe what you have observed."), field="observed")
    chosen = list(dict.fromkeys(indicators))
    if not chosen:
        raise ServiceError(_("Choose at least one wellbeing indicator."), field="indicators")
    if any(i not in Indicator.values for i in chosen):
        raise ServiceError(_("Choose among the eight indicators."), field="indicators")
    if urgency not in Urgency.values:
        raise ServiceError(_("Choose the urgency."), field="urgency")
    with transaction.atomic():
        concern = Concern.objects.create(
            child=child,
            reporter=actor,
            reporter_unit=unit,
            observed=observed,
            urgency=urgency,
            respond_by=concern_respond_by(day=today or timezone.localdate()),
        )
        ConcernIndicator.objects.bulk_create(
            [ConcernIndicator(concern=concern, indicator=i) for i in chosen]
        )
        log_reporting(
            user=actor,
            children=[child],
            what=What.CONCERN,
            action=Action.CREATE,
            ground=Ground.REPORTING,
            unit=unit,
            detail="concerns: register",
        )
    return concern


def concern_triage(
    *,
    actor: User,
    concern: Concern,
    in_the_way: str,
    information: str,
    i_can_do: str,
    agency_can_do: str,
    help_needed: str,
    decision: str,
) -> Triage:
    """The Barnkontakt answers a concern: the five questions and a decision."""
    allowed = access_child(
        user=actor, child=concern.child, what=What.CONCERN, action=Action.CHANGE
    ).allowed
    if not allowed:
        raise NotFoundForUser()
    if concern.status != ConcernStatus.RECEIVED or Triage.objects.filter(concern=concern).exists():
        raise ServiceError(_("The concern has already been answered."))
    if decision not in TriageDecision.values:
        raise ServiceError(_("Choose a decision."), field="decision")
    answers = {
        "in_the_way": in_the_way.strip(),
        "information": information.strip(),
        "i_can_do": i_can_do.strip(),
        "agency_can_do": agency_can_do.strip(),
        "help_needed": help_needed.strip(),
    }
    for name, value in answers.items():
        if not value:
            raise ServiceError(_("Answer the question."), field=name)
    with transaction.atomic():
        triage = Triage.objects.create(
            concern=concern, decision=decision, decided_by=actor, **answers
        )
        concern.status = ConcernStatus.TRIAGED
        concern.answered_at = timezone.now()
        concern.save(update_fields=["status", "answered_at"])
    return triage


# --- Reports of concern (orosanmälan) ------------------------------------------------------


def intake_unit_for(child: Child) -> Unit:
    unit = (
        Unit.objects.filter(unit_type=UnitType.INTAKE, municipality_id=child.municipality_id)
        .order_by("pk")
        .first()
    )
    if unit is None:
        raise ServiceError(
            _(
                "There is no intake group of social services for the child's municipality in "
                "Samsyn. Call social services and report by phone."
            )
        )
    return unit


def report_register(
    *,
    actor: User,
    child: Child,
    description: str,
    immediate_danger: bool = False,
    reporter_unit: Unit | None = None,
    concern: Concern | None = None,
) -> ReportOfConcern:
    """Send a report of concern to the intake group of the child's municipality. No consent is
    needed: reporting is a legal duty (SoL 14 kap. 1 §)."""
    _require_reporter(actor)
    if concern is not None:
        if concern.child_id != child.pk:
            raise NotFoundForUser()
        allowed = access_child(
            user=actor, child=child, what=What.CONCERN, action=Action.VIEW
        ).allowed
        if not allowed:
            raise NotFoundForUser()
    unit = _reporter_unit(actor, reporter_unit)
    description = description.strip()
    if not description:
        raise ServiceError(_("Describe what the report is about."), field="description")
    intake = intake_unit_for(child)
    with transaction.atomic():
        report = ReportOfConcern.objects.create(
            child=child,
            concern=concern,
            reporter=actor,
            reporter_unit=unit,
            intake_unit=intake,
            description=description,
            immediate_danger=immediate_danger,
        )
        log_reporting(
            user=actor,
            children=[child],
            what=What.REPORT,
            action=Action.CREATE,
            ground=Ground.REPORTING,
            unit=unit,
            detail="concerns: report of concern",
        )
    return report


def _intake_decision(actor: User, report: ReportOfConcern) -> None:
    decision = access_child(user=actor, child=report.child, what=What.REPORT, action=Action.CHANGE)
    member = active_memberships(actor).filter(unit_id=report.intake_unit_id).exists()
    if not (decision.allowed and member):
        raise NotFoundForUser()


def report_receive(*, actor: User, report: ReportOfConcern) -> ReportOfConcern:
    """The intake group records that it has received the report."""
    _intake_decision(actor, report)
    if report.status != ReportStatus.SENT:
        return report
    with transaction.atomic():
        report.status = ReportStatus.RECEIVED
        report.received_by = actor
        report.received_at = timezone.now()
        report.save(update_fields=["status", "received_by", "received_at"])
    return report


def report_decide(
    *, actor: User, report: ReportOfConcern, investigation_opened: bool, feedback: str
) -> ReportOfConcern:
    """The intake group records whether an investigation is opened, with feedback to the
    reporter."""
    _intake_decision(actor, report)
    if report.status == ReportStatus.DECIDED:
        raise ServiceError(_("A decision has already been recorded."))
    feedback = feedback.strip()
    if not feedback:
        raise ServiceError(_("Write the feedback to the reporter."), field="feedback")
    now = timezone.now()
    with transaction.atomic():
        if report.received_at is None:
            report.received_by = actor
            report.received_at = now
        report.status = ReportStatus.DECIDED
        report.investigation_opened = investigation_opened
        report.feedback = feedback
        report.decided_at = now
        report.save(
            update_fields=[
                "status",
                "received_by",
                "received_at",
                "investigation_opened",
                "feedback",
                "decided_at",
            ]
        )
    return report


# --- De-identified consultation ------------------------------------------------------------


def _age_years(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def identifiers_of(child: Child, *, flagged: str = "") -> Identifiers:
    """Everything that identifies ``child`` (and the guardians) for :func:`deidentify`."""
    guardians = [
        g.guardian for g in Guardianship.objects.filter(child=child).select_related("guardian")
    ]
    ids = Identifiers(
        child_names=[child.first_name, child.last_name, child.full_name],
        other_names=[n for g in guardians for n in (g.first_name, g.last_name)]
        + [n.strip() for n in flagged.split(",") if n.strip()],
        numbers=[child.personnummer] + [g.personnummer for g in guardians],
        birth_dates=[child.birth_date],
        addresses=[a for a in [child.street_address, child.city] if a]
        + [a for g in guardians for a in (g.street_address, g.city) if a],
        postal_codes=[c for c in [child.postal_code, *(g.postal_code for g in guardians)] if c],
        phones=[g.phone for g in guardians if g.phone],
        unit_names=list(
            Unit.objects.filter(municipality_id=child.municipality_id).values_list(
                "name", flat=True
            )
        ),
    )
    return ids


def consultation_groups(child: Child) -> list[Unit]:
    """Units that can be asked for a de-identified consultation: those in the child's
    municipality."""
    return list(Unit.objects.filter(municipality_id=child.municipality_id).order_by("name"))


def consultation_create(
    *,
    actor: User,
    concern: Concern,
    group_unit: Unit | None,
    text: str,
    flagged_names: str = "",
    today: dt.date | None = None,
) -> Consultation:
    """The Barnkontakt presents the case to a consultation group, de-identified."""
    child = concern.child
    allowed = access_child(user=actor, child=child, what=What.CONCERN, action=Action.CHANGE).allowed
    if not allowed:
        raise NotFoundForUser()
    if group_unit is None or group_unit.municipality_id != child.municipality_id:
        raise ServiceError(_("Choose the consultation group."), field="group_unit")
    if not text.strip():
        raise ServiceError(_("Describe the case."), field="text")
    clean = deidentify(text.strip(), identifiers_of(child, flagged=flagged_names))
    with transaction.atomic():
        return Consultation.objects.create(
            concern=concern,
            group_unit=group_unit,
            age_years=_age_years(child.birth_date, today or timezone.localdate()),
            text=clean,
            created_by=actor,
        )


def consultation_advise(*, actor: User, consultation: Consultation, advice: str) -> Consultation:
    """A member of the consultation group gives the group's advice."""
    if not active_memberships(actor).filter(unit_id=consultation.group_unit_id).exists():
        raise NotFoundForUser()
    advice = advice.strip()
    if not advice:
        raise ServiceError(_("Write the group's advice."), field="advice")
    with transaction.atomic():
        consultation.advice = advice
        consultation.advice_by = actor
        consultation.advice_at = timezone.now()
        consultation.save(update_fields=["advice", "advice_by", "advice_at"])
    return consultation
