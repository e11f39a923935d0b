"""The one door to personal data.

Two faces, as in Wagtail's permission policies:

- :func:`decide` — may *this user* do *this action* on *this part* of *this child's*
  information? Returns a :class:`Decision` naming its ground (or refusing).
- :func:`visible_children` — the queryset of children the user may see at all.

Default deny. A ground is one of: the user is the child's **named contact** (Barnkontakt); the
child is at the user's **own unit** (an active enrolment at the unit of an active membership, or
at the unit a student health team or intake group belongs to); later issues add team membership
under consent and legal duties. Analysts and system administrators never see a child. A child
with protected identity is seen only through a direct ground (named contact, or enrolled at the
user's very unit), and their address and unit are never shown.

Every view and API route calls :mod:`samsyn.access.services`, which decides *and* logs in the
caller's transaction. Nothing else reads a child's information.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from samsyn.accounts.models import User
from samsyn.audit.models import Ground
from samsyn.children.models import BarnkontaktAssignment, Child, Enrolment
from samsyn.organisations.models import (
    NO_CHILD_DATA_ROLES,
    Membership,
    Role,
    SecrecyDomain,
    UnitType,
)


class What(StrEnum):
    """Parts of a child's information, as the policy and the access log name them."""

    IDENTITY = "identity"  # name, personnummer, birth date, age
    GUARDIANS = "guardians"  # guardians and custody
    ADDRESS = "address"  # the child's and guardians' addresses and contact details
    ENROLMENTS = "enrolments"  # units the child is at
    BARNKONTAKT = "barnkontakt"  # the named contact and its history
    HANDOVER = "handover"  # handover items between Barnkontakter
    ACCESS_LOG = "access_log"  # who has looked at the child
    # The TSI core (concerns, consent, the Barnteam, the plan).
    CONCERN = "concern"  # concerns about the child and their triage
    REPORT = "report"  # reports of concern (orosanmälan) to social services
    CONSENT = "consent"  # the guardians' consents and the child's view
    TEAM = "team"  # the Barnteam, its meetings, invitations and minutes
    PLAN = "plan"  # the child's plan (SIP/GIP) and its versions
    FOLLOW_UP = "follow_up"  # follow-ups of the plan
    # School attendance, its signals, the guardian-notification duties and the absence
    # investigations: school-domain information.
    ATTENDANCE = "attendance"


# The parts of a child's information that the child's own units see (the foundation's parts).
UNIT_PARTS = frozenset(
    {What.IDENTITY, What.GUARDIANS, What.ADDRESS, What.ENROLMENTS, What.BARNKONTAKT, What.HANDOVER}
)
# What a team member sees under a consent in force, by the consent's purpose.
TEAM_PARTS_BY_PURPOSE: dict[str, frozenset[What]] = {
    "barnteam": frozenset(
        {What.IDENTITY, What.GUARDIANS, What.BARNKONTAKT, What.CONSENT, What.TEAM}
    ),
    "plan": frozenset(
        {What.IDENTITY, What.GUARDIANS, What.BARNKONTAKT, What.CONSENT, What.PLAN, What.FOLLOW_UP}
    ),
}
# Secrecy domains whose units see a pupil's attendance through their own unit.
ATTENDANCE_DOMAINS = frozenset({SecrecyDomain.SCHOOL, SecrecyDomain.SCHOOL_HEALTH})
# What a team member may change under consent (minutes, the plan, follow-ups).
TEAM_CHANGES = frozenset({What.TEAM, What.PLAN, What.FOLLOW_UP})
# What social services' intake sees of a child it has a report of concern about (legal duty).
LEGAL_DUTY_PARTS = frozenset({What.IDENTITY, What.GUARDIANS, What.ADDRESS, What.REPORT})


class Action(StrEnum):
    LIST = "list"  # shown in a list or search result
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"


# Roles that may act on a child's enrolments and Barnkontakt at their unit (besides the
# Barnkontakt).
UNIT_LEAD_ROLES = frozenset({Role.PRINCIPAL, Role.UNIT_MANAGER})
# Roles that may register a new child at their own unit.
REGISTERING_ROLES = frozenset(
    {Role.PRINCIPAL, Role.UNIT_MANAGER, Role.BVC_NURSE, Role.ACTIVITY_COORDINATOR}
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    ground: Ground = Ground.NONE
    unit_id: int | None = None
    detail: str = ""

    def __bool__(self) -> bool:
        return self.allowed


DENY = Decision(False)


@dataclass
class _Grounds:
    named_contact: bool = False
    direct_units: set[int] = field(default_factory=set)
    parent_units: set[int] = field(default_factory=set)
    lead_units: set[int] = field(default_factory=set)
    barnkontakt_unit_id: int | None = None
    # own units (direct or parent) in the school's secrecy domains: they see attendance
    school_units: set[int] = field(default_factory=set)
    # unit of team membership -> purposes of the consents in force that cover that unit
    team_consent: dict[int, set[str]] = field(default_factory=dict)
    # unit of team membership -> categories (secrecy domains) those consents let it share
    team_categories: dict[int, set[str]] = field(default_factory=dict)
    intake_units: set[int] = field(default_factory=set)


def _today() -> dt.date:
    return timezone.localdate()


def active_memberships(
    user: User | AnonymousUser, on: dt.date | None = None
) -> QuerySet[Membership]:
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    day = on or _today()
    return Membership.objects.filter(
        Q(user_id=user.pk), Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def _child_data_memberships(user: User | AnonymousUser) -> list[Membership]:
    return [
        m
        for m in active_memberships(user).select_related("unit")
        if m.role not in NO_CHILD_DATA_ROLES and m.role != Role.LOG_REVIEWER
    ]


def _active_enrolments(on: dt.date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def _grounds_for(user: User, children: list[Child]) -> dict[int, _Grounds]:
    """The grounds ``user`` has towards each child, in three queries whatever the number."""
    ids = [c.pk for c in children]
    grounds = {pk: _Grounds() for pk in ids}
    for child_id, contact_id, unit_id in BarnkontaktAssignment.objects.filter(
        child_id__in=ids, ended_at__isnull=True
    ).values_list("child_id", "user_id", "unit_id"):
        grounds[child_id].named_contact = contact_id == user.pk
        grounds[child_id].barnkontakt_unit_id = unit_id
    memberships = _child_data_memberships(user)
    if not memberships:
        return grounds
    enrolled: dict[int, set[int]] = {pk: set() for pk in ids}
    for child_id, unit_id in Enrolment.objects.filter(
        _active_enrolments(_today()), child_id__in=ids
    ).values_list("child_id", "unit_id"):
        enrolled[child_id].add(unit_id)
    for child_id, units in enrolled.items():
        g = grounds[child_id]
        for m in memberships:
            if m.unit_id in units:
                g.direct_units.add(m.unit_id)
                if m.role in UNIT_LEAD_ROLES:
                    g.lead_units.add(m.unit_id)
            elif m.unit.parent_id is not None and m.unit.parent_id in units:
                g.parent_units.add(m.unit_id)
            else:
                continue
            if m.unit.secrecy_domain in ATTENDANCE_DOMAINS:
                g.school_units.add(m.unit_id)
    _team_consent_grounds(user, ids, {m.unit_id for m in memberships}, grounds)
    _legal_duty_grounds(memberships, ids, grounds)
    return grounds


def _consents_in_force(on: dt.date) -> Q:
    """A consent is in force when every guardian with custody has given it (``complete_at``),
    within its period, and it has not been withdrawn."""
    return Q(
        complete_at__isnull=False,
        withdrawn_at__isnull=True,
        valid_from__lte=on,
        valid_to__gte=on,
    )


def _team_consent_grounds(
    user: User, ids: list[int], member_units: set[int], grounds: dict[int, _Grounds]
) -> None:
    """Team membership (through a unit the user works at) under a consent that covers it."""
    from samsyn.consent.models import Consent
    from samsyn.teams.models import TeamMember

    teams = list(
        TeamMember.objects.filter(
            user_id=user.pk,
            left_at__isnull=True,
            team__status="active",
            team__child_id__in=ids,
            unit_id__in=member_units,
        ).values_list("team__child_id", "unit_id")
    )
    if not teams:
        return
    covered: dict[tuple[int, int], set[str]] = {}
    categories: dict[tuple[int, int], set[str]] = {}
    for child_id, purpose, unit_id, shared in Consent.objects.filter(
        _consents_in_force(_today()),
        child_id__in={c for c, _u in teams},
        units__in={u for _c, u in teams},
    ).values_list("child_id", "purpose", "units", "categories"):
        covered.setdefault((child_id, unit_id), set()).add(purpose)
        categories.setdefault((child_id, unit_id), set()).update(shared or [])
    for child_id, unit_id in teams:
        purposes = covered.get((child_id, unit_id))
        if purposes:
            grounds[child_id].team_consent.setdefault(unit_id, set()).update(purposes)
            grounds[child_id].team_categories.setdefault(unit_id, set()).update(
                categories.get((child_id, unit_id), set())
            )


def _legal_duty_grounds(
    memberships: list[Membership], ids: list[int], grounds: dict[int, _Grounds]
) -> None:
    """Social services' intake group and the reports of concern it has received."""
    from samsyn.concerns.models import ReportOfConcern

    intake_units = {m.unit_id for m in memberships if m.unit.unit_type == UnitType.INTAKE}
    if not intake_units:
        return
    for child_id, unit_id in ReportOfConcern.objects.filter(
        child_id__in=ids, intake_unit_id__in=intake_units
    ).values_list("child_id", "intake_unit_id"):
        grounds[child_id].intake_units.add(unit_id)


def decide(user: User | AnonymousUser, child: Child, what: What, action: Action) -> Decision:
    """May ``user`` perform ``action`` on ``what`` of ``child``? Default deny."""
    return decide_many(user, [child], what, action)[child.pk]


def decide_many(
    user: User | AnonymousUser, children: list[Child], what: What, action: Action
) -> dict[int, Decision]:
    """:func:`decide` for many children at once, with a fixed number of queries."""
    if not user.is_authenticated or not user.is_active:
        return {c.pk: DENY for c in children}
    assert isinstance(user, User)
    all_grounds = _grounds_for(user, children)
    reviewer: Decision | None = None
    decisions: dict[int, Decision] = {}
    for child in children:
        if what is What.ACCESS_LOG and not (
            action is Action.VIEW and all_grounds[child.pk].named_contact
        ):
            if reviewer is None:
                reviewer = log_reviewer_decision(user)
            decisions[child.pk] = reviewer
            continue
        decisions[child.pk] = _decide_on(all_grounds[child.pk], child, what, action)
    return decisions


def _decide_on(grounds: _Grounds, child: Child, what: What, action: Action) -> Decision:
    protected = child.is_protected
    if what is What.ADDRESS and protected:
        return DENY
    if grounds.named_contact:
        return Decision(True, Ground.NAMED_CONTACT, grounds.barnkontakt_unit_id)
    own_unit = sorted(grounds.direct_units) or ([] if protected else sorted(grounds.parent_units))
    if own_unit and what in UNIT_PARTS:
        if action in (Action.LIST, Action.VIEW):
            return Decision(True, Ground.OWN_UNIT, own_unit[0])
        # Changes: enrolments, Barnkontakt and handovers belong to the leads of the child's unit.
        if what in (What.ENROLMENTS, What.BARNKONTAKT, What.HANDOVER) and grounds.lead_units:
            return Decision(True, Ground.OWN_UNIT, sorted(grounds.lead_units)[0])
    if what is What.ATTENDANCE:
        return _decide_attendance(grounds, protected, action)
    for unit_id, purposes in sorted(grounds.team_consent.items()):
        parts = frozenset().union(*(TEAM_PARTS_BY_PURPOSE.get(p, frozenset()) for p in purposes))
        if what not in parts:
            continue
        if action in (Action.LIST, Action.VIEW) or what in TEAM_CHANGES:
            return Decision(True, Ground.TEAM_CONSENT, unit_id)
    legal_duty_action = action in (Action.LIST, Action.VIEW) or what is What.REPORT
    if grounds.intake_units and what in LEGAL_DUTY_PARTS and legal_duty_action:
        return Decision(True, Ground.LEGAL_DUTY, sorted(grounds.intake_units)[0])
    return DENY


def _decide_attendance(grounds: _Grounds, protected: bool, action: Action) -> Decision:
    """Attendance is school-domain information. The school and its student health team see and
    act on it (record a guardian notification, investigate); another secrecy domain sees it only
    as a team member under a consent in force whose categories include the school's information.
    """
    direct_school = grounds.school_units & grounds.direct_units
    school = sorted(direct_school if protected else grounds.school_units)
    if school:
        return Decision(True, Ground.OWN_UNIT, school[0])
    if action not in (Action.LIST, Action.VIEW):
        return DENY
    for unit_id, shared in sorted(grounds.team_categories.items()):
        if SecrecyDomain.SCHOOL in shared:
            return Decision(True, Ground.TEAM_CONSENT, unit_id)
    return DENY


def log_reviewer_decision(user: User) -> Decision:
    reviewer = active_memberships(user).filter(role=Role.LOG_REVIEWER).first()
    if reviewer is None:
        return DENY
    return Decision(True, Ground.LOG_REVIEW, reviewer.unit_id)


def visible_children(user: User | AnonymousUser) -> QuerySet[Child]:
    """The children ``user`` may see at all: the queryset face of :func:`decide`."""
    from samsyn.concerns.models import ReportOfConcern
    from samsyn.consent.models import Consent
    from samsyn.teams.models import TeamMember

    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    memberships = _child_data_memberships(user)
    named = Exists(
        BarnkontaktAssignment.objects.filter(
            child=OuterRef("pk"), user_id=user.pk, ended_at__isnull=True
        )
    )
    if not memberships:
        return Child.objects.filter(named)
    today = _today()
    direct_units = {m.unit_id for m in memberships}
    parent_units = {m.unit.parent_id for m in memberships if m.unit.parent_id is not None}
    enrolled_direct = Exists(
        Enrolment.objects.filter(
            _active_enrolments(today), child=OuterRef("pk"), unit_id__in=direct_units
        )
    )
    enrolled_parent = Exists(
        Enrolment.objects.filter(
            _active_enrolments(today), child=OuterRef("pk"), unit_id__in=parent_units
        )
    )
    team_under_consent = Exists(
        TeamMember.objects.filter(
            user_id=user.pk,
            left_at__isnull=True,
            team__status="active",
            team__child=OuterRef("pk"),
            unit_id__in=direct_units,
        ).filter(
            Exists(
                Consent.objects.filter(
                    _consents_in_force(today),
                    child=OuterRef("team__child"),
                    units=OuterRef("unit"),
                )
            )
        )
    )
    intake_units = {m.unit_id for m in memberships if m.unit.unit_type == UnitType.INTAKE}
    legal_duty = Exists(
        ReportOfConcern.objects.filter(child=OuterRef("pk"), intake_unit_id__in=intake_units)
    )
    not_protected = Q(protected_identity="none")
    return Child.objects.filter(
        named
        | enrolled_direct
        | (enrolled_parent & not_protected)
        | team_under_consent
        | legal_duty
    )


def may_register_children(user: User | AnonymousUser) -> list[Membership]:
    """The memberships through which ``user`` may register a child at their unit."""
    return [m for m in _child_data_memberships(user) if m.role in REGISTERING_ROLES]


def is_log_reviewer(user: User | AnonymousUser) -> bool:
    return active_memberships(user).filter(role=Role.LOG_REVIEWER).exists()


def sees_no_children(user: User | AnonymousUser) -> bool:
    """True for users whose every role is statistics- or configuration-only."""
    return not _child_data_memberships(user)
