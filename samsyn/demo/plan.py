"""The plan of the demo municipality: plain data, made by :mod:`samsyn.demo.generator`.

Units and people are referred to by key and username; :mod:`samsyn.demo.services` writes the plan
to the database. Also the calendar the plan follows: the school year and ages.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from samsyn.children.models import ProtectedIdentity


def school_start(year: int) -> dt.date:
    """The first school day of the school year beginning in ``year``: Monday of ISO week 34."""
    return dt.date.fromisocalendar(year, 34, 1)


def school_year(today: dt.date) -> int:
    """The year in which the current school year began."""
    return today.year if today >= school_start(today.year) else today.year - 1


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from ``first`` to ``last`` inclusive (``first`` when the range is empty)."""
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def random_uuid(rng: random.Random) -> uuid.UUID:
    """A version 4 UUID drawn from ``rng``: public ids stay the same from one load to the next."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class PlannedStaff:
    username: str
    first_name: str
    last_name: str
    title: str
    unit: str
    role: str
    valid_from: dt.date
    email: str
    phone: str
    demo: bool = False
    is_staff: bool = False


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    district: str


@dataclass
class PlannedGuardian:
    public_id: uuid.UUID
    personnummer: str
    first_name: str
    last_name: str
    address: Address
    phone: str
    email: str


@dataclass(frozen=True)
class PlannedGuardianship:
    guardian: int  # index into DemoPlan.guardians
    custody: str
    lives_with: bool


@dataclass
class PlannedEnrolment:
    unit: str
    kind: str
    start: dt.date
    end: dt.date | None = None
    grade: int | None = None
    contact: str | None = None  # username


@dataclass
class PlannedChild:
    public_id: uuid.UUID
    personnummer: str
    id_kind: str
    first_name: str
    last_name: str
    birth_date: dt.date
    address: Address
    level: int  # school year counted from förskoleklass (0); negative before school
    moved_in: dt.date | None = None
    protected_identity: str = ProtectedIdentity.NONE
    guardianships: list[PlannedGuardianship] = field(default_factory=list)
    enrolments: list[PlannedEnrolment] = field(default_factory=list)
    # Started with enrolment_start after a first Barnkontakt refresh, to make a handover.
    transition: PlannedEnrolment | None = None
    acknowledge_handover: bool = False


@dataclass(frozen=True)
class PlannedOverride:
    child: int  # index into DemoPlan.children
    user: str
    actor: str
    reason: str


@dataclass
class DemoPlan:
    seed: int
    today: dt.date
    staff: list[PlannedStaff]
    guardians: list[PlannedGuardian]
    children: list[PlannedChild]
    overrides: list[PlannedOverride]
    unit_ids: dict[str, uuid.UUID]
