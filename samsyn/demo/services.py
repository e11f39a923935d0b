"""Load the synthetic demo municipality (``samsyn demo-data``) into an empty database.

:func:`demo_data_load` plans the municipality with :func:`samsyn.demo.generator.demo_plan`
(deterministic in the seed, the number of children and today's date), writes it in one
transaction with bulk inserts, and then lets the children's own services do the rest: every
child's Barnkontakt comes from :func:`samsyn.children.services.barnkontakt_refresh_all`, this
August's move from preschool to school from :func:`~samsyn.children.services.enrolment_start`
(which makes the handovers), and the deputies' assignments from
:func:`~samsyn.children.services.barnkontakt_override`.

Loading is idempotent: a :class:`~samsyn.demo.models.DemoDataset` row marks the database, a second
run with the same seed and count changes nothing, and any other data makes the load refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import Action, What, visible_children
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.models import (
    Child,
    Enrolment,
    Guardian,
    Guardianship,
    Handover,
    HandoverStatus,
    ProtectedIdentity,
)
from samsyn.children.services import (
    barnkontakt_override,
    barnkontakt_refresh_all,
    enrolment_start,
    handover_acknowledge,
)
from samsyn.demo import organisation as org
from samsyn.demo.attendance import write_attendance
from samsyn.demo.generator import DemoPlan, demo_plan
from samsyn.demo.models import DemoDataset
from samsyn.demo.tsi import write_tsi
from samsyn.organisations.models import (
    UNIT_TYPE_DOMAIN,
    Agency,
    District,
    Membership,
    Municipality,
    Principal,
    Role,
    Unit,
)

DEFAULT_CHILDREN = 2500
# Small enough for fast tests; large enough that every demo account has children to work with.
MIN_CHILDREN = 100
DEMO_PASSWORD = "demo"
_BATCH = 500
_HANDOVER_NOTE = "Överlämningssamtal med förskolan och vårdnadshavarna hölls i juni."

# Called with a step's name, the work done and the work in all (0 when unknown).
Progress = Callable[[str, int, int], None]


class DemoDataRefused(Exception):
    """The demo data cannot be loaded here; the message (Swedish) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    title: str
    role: str
    unit: str
    has_password: bool


@dataclass(frozen=True)
class DemoDataResult:
    created: bool
    seed: int
    children: int
    generated_on: dt.date
    accounts: list[DemoAccount]
    counts: dict[str, int]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


def demo_data_load(
    *,
    seed: int,
    children: int = DEFAULT_CHILDREN,
    min_children: int = MIN_CHILDREN,
    progress: Progress | None = None,
) -> DemoDataResult:
    """Load the demo municipality for ``seed`` with ``children`` children, once.

    Demo accounts get the password ``demo`` only when ``settings.DEMO_MODE`` is on; otherwise
    they, like every other generated user, have an unusable password.
    """
    report = progress or _no_progress
    if children < min_children:
        raise DemoDataRefused(
            _("The demo needs at least %(min)s children.") % {"min": min_children}
        )
    existing = DemoDataset.objects.order_by("pk").first()
    if existing is not None:
        if existing.seed == seed and existing.children == children:
            return _result(existing, created=False)
        raise DemoDataRefused(
            _(
                "The database already holds the demo data for seed %(seed)s with %(children)s "
                "children. Demo data for seed %(new_seed)s with %(new_children)s children is "
                "only loaded into an empty database (make demo-reset deletes the demo database)."
            )
            % {
                "seed": existing.seed,
                "children": existing.children,
                "new_seed": seed,
                "new_children": children,
            }
        )
    today = timezone.localdate()
    report(_("Planning the municipality"), 0, 0)
    plan = demo_plan(seed=seed, children=children, today=today)
    if _database_in_use(plan):
        raise DemoDataRefused(
            _(
                "The database already holds data that is not Samsyn's demo data. Demo data is "
                "only loaded into an empty database."
            )
        )
    with transaction.atomic():
        _write(plan, report)
        dataset = DemoDataset.objects.create(seed=seed, children=children, generated_on=today)
    return _result(dataset, created=True)


def _database_in_use(plan: DemoPlan) -> bool:
    return (
        Child.objects.exists()
        or Municipality.objects.exists()
        or Principal.objects.exists()
        or User.objects.filter(username__in=[s.username for s in plan.staff]).exists()
    )


def _write(plan: DemoPlan, report: Progress) -> None:
    report(_("Organisation and staff"), 0, 0)
    units = _write_organisation(plan)
    users = _write_staff(plan, units)
    report(_("Children and guardians"), 0, len(plan.children))
    children = _write_children(plan, units, users)
    _write_barnkontakt(plan, children, units, users, report)
    report(_("Concerns, consents, Barnteams and plans"), 0, 0)
    write_tsi(users=users, today=plan.today)
    report(_("School attendance this term"), 0, 0)
    write_attendance(seed=plan.seed, today=plan.today)
    report(_("Access log"), 0, 0)
    _write_access_history(users)


# A little history in the access log, made through the ordinary door, so that the child's
# access log page and the log-review report have something to show in the demo.
_DEMO_VIEWERS = ("rektor", "larare", "skolskoterska", "kurator", "forskolechef", "bvc")


def _write_access_history(users: dict[str, User]) -> None:
    for username in _DEMO_VIEWERS:
        user = users.get(username)
        if user is None:
            continue
        for child in visible_children(user).order_by("pk")[:3]:
            for what in (What.IDENTITY, What.GUARDIANS, What.BARNKONTAKT):
                access_child(user=user, child=child, what=what, action=Action.VIEW)
    # Two attempts without a ground, for the log reviewer to find.
    pupil = visible_children(users["larare"]).order_by("pk").first() if "larare" in users else None
    for username in ("polis", "fritid"):
        if pupil is not None and username in users:
            access_child(user=users[username], child=pupil, what=What.IDENTITY, action=Action.VIEW)


def _write_organisation(plan: DemoPlan) -> dict[str, Unit]:
    municipality = Municipality.objects.create(
        code=org.MUNICIPALITY_CODE, name=org.MUNICIPALITY_NAME
    )
    districts = {
        d.name: District.objects.create(municipality=municipality, name=d.name)
        for d in org.DISTRICTS
    }
    principals = {p.key: Principal.objects.create(name=p.name, kind=p.kind) for p in org.PRINCIPALS}
    agencies = {
        key: Agency.objects.create(principal=principals[principal], name=name)
        for key, principal, name in org.AGENCIES
    }
    units: dict[str, Unit] = {}
    for spec in org.UNITS:  # a parent comes before its teams
        lowest, highest = spec.grades
        units[spec.key] = Unit.objects.create(
            public_id=plan.unit_ids[spec.key],
            agency=agencies[spec.agency],
            parent=units[spec.parent] if spec.parent else None,
            name=spec.name,
            unit_type=spec.unit_type,
            secrecy_domain=UNIT_TYPE_DOMAIN[spec.unit_type],
            municipality=municipality,
            district=districts[spec.district],
            school_unit_code=spec.school_unit_code,
            lowest_grade=lowest,
            highest_grade=highest,
        )
    return units


def _write_staff(plan: DemoPlan, units: dict[str, Unit]) -> dict[str, User]:
    # The demo password is public (printed on screen and on the login page), so the demo
    # accounts share one hash: hashing it fourteen times with Argon2 would only cost seconds.
    demo_hash = make_password(DEMO_PASSWORD) if settings.DEMO_MODE else None
    users = [
        User(
            username=s.username,
            first_name=s.first_name,
            last_name=s.last_name,
            email=s.email,
            title=s.title,
            phone=s.phone,
            is_staff=s.is_staff,
            password=demo_hash if s.demo and demo_hash else make_password(None),
        )
        for s in plan.staff
    ]
    User.objects.bulk_create(users, batch_size=_BATCH)
    by_username = {u.username: u for u in users}
    Membership.objects.bulk_create(
        [
            Membership(
                user=by_username[s.username],
                unit=units[s.unit],
                role=s.role,
                valid_from=s.valid_from,
            )
            for s in plan.staff
        ],
        batch_size=_BATCH,
    )
    _grant_configuration([by_username[s.username] for s in plan.staff if s.is_staff])
    return by_username


def _grant_configuration(users: list[User]) -> None:
    """Let the system administrator configure the organisation in the Django admin."""
    wanted = Q(pk__in=[])
    for app_label, codename in org.ADMIN_PERMISSIONS:
        q = Q(content_type__app_label=app_label)
        wanted |= q & Q(codename=codename) if codename else q
    group, _created = Group.objects.get_or_create(name=org.ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(wanted))
    for user in users:
        user.groups.add(group)


def _write_children(plan: DemoPlan, units: dict[str, Unit], users: dict[str, User]) -> list[Child]:
    municipality = Municipality.objects.get(code=org.MUNICIPALITY_CODE)
    districts = {d.name: d for d in District.objects.filter(municipality=municipality)}
    guardians = [
        Guardian(
            public_id=g.public_id,
            personnummer=g.personnummer,
            first_name=g.first_name,
            last_name=g.last_name,
            street_address=g.address.street,
            postal_code=g.address.postal_code,
            city=g.address.city,
            phone=g.phone,
            email=g.email,
        )
        for g in plan.guardians
    ]
    Guardian.objects.bulk_create(guardians, batch_size=_BATCH)
    children = [
        Child(
            public_id=c.public_id,
            personnummer=c.personnummer,
            id_kind=c.id_kind,
            first_name=c.first_name,
            last_name=c.last_name,
            birth_date=c.birth_date,
            municipality=municipality,
            district=districts[c.address.district],
            # Stored also for protected children: the access policy and the UI hide it.
            street_address=c.address.street,
            postal_code=c.address.postal_code,
            city=c.address.city,
            protected_identity=c.protected_identity,
        )
        for c in plan.children
    ]
    Child.objects.bulk_create(children, batch_size=_BATCH)
    Guardianship.objects.bulk_create(
        [
            Guardianship(
                child=child,
                guardian=guardians[link.guardian],
                custody=link.custody,
                lives_with=link.lives_with,
            )
            for child, planned in zip(children, plan.children, strict=True)
            for link in planned.guardianships
        ],
        batch_size=_BATCH,
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                child=child,
                unit=units[e.unit],
                kind=e.kind,
                grade=e.grade,
                start_date=e.start,
                end_date=e.end,
                contact_person=users[e.contact] if e.contact else None,
            )
            for child, planned in zip(children, plan.children, strict=True)
            for e in planned.enrolments
        ],
        batch_size=_BATCH,
    )
    return children


def _write_barnkontakt(
    plan: DemoPlan,
    children: list[Child],
    units: dict[str, Unit],
    users: dict[str, User],
    report: Progress,
) -> None:
    """Every child's Barnkontakt, as the daily refresh makes it; then the moves and overrides."""
    report(_("Barnkontakt"), 0, len(children))
    barnkontakt_refresh_all(day=plan.today)
    report(_("Barnkontakt"), len(children), len(children))
    report(_("Handovers and overrides"), 0, 0)
    for child, planned in zip(children, plan.children, strict=True):
        move = planned.transition
        if move is None:
            continue
        enrolment_start(child=child, unit=units[move.unit], start_date=move.start, grade=move.grade)
        if planned.acknowledge_handover:
            handover = (
                Handover.objects.filter(child=child, status=HandoverStatus.OPEN)
                .select_related("to_assignment__user")
                .get()
            )
            handover_acknowledge(
                handover=handover, actor=handover.to_assignment.user, note=_HANDOVER_NOTE
            )
    for override in plan.overrides:
        barnkontakt_override(
            child=children[override.child],
            user=users[override.user],
            reason=override.reason,
            actor=users[override.actor],
        )


def _result(dataset: DemoDataset, *, created: bool) -> DemoDataResult:
    return DemoDataResult(
        created=created,
        seed=dataset.seed,
        children=dataset.children,
        generated_on=dataset.generated_on,
        accounts=demo_accounts(),
        counts={
            "children": Child.objects.count(),
            "guardians": Guardian.objects.count(),
            "enrolments": Enrolment.objects.count(),
            "units": Unit.objects.count(),
            "staff": User.objects.filter(memberships__isnull=False).distinct().count(),
            "protected": Child.objects.exclude(protected_identity=ProtectedIdentity.NONE).count(),
            "handovers_open": Handover.objects.filter(status=HandoverStatus.OPEN).count(),
        },
    )


def demo_accounts() -> list[DemoAccount]:
    """The demo accounts in the order of :data:`organisation.DEMO_ACCOUNTS`."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=org.DEMO_USERNAMES).prefetch_related(
            "memberships__unit"
        )
    }
    accounts = []
    for spec in org.DEMO_ACCOUNTS:
        user = users.get(spec.username)
        if user is None:
            continue
        membership = next(iter(user.memberships.all()), None)
        accounts.append(
            DemoAccount(
                username=user.username,
                name=user.get_full_name(),
                title=user.title,
                role=str(Role(membership.role).label) if membership else "",
                unit=membership.unit.name if membership else "",
                has_password=user.has_usable_password(),
            )
        )
    return accounts
