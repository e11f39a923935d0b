"""Five years of synthetic activity for a municipality, for ``bench/bench_statistics.py``.

Deterministic: the organisations, children, enrolments and the whole TSI flow (concerns, triages,
reports of concern, Barnteams, consents, meetings, plans, follow-ups, absence investigations)
come from one seeded :class:`random.Random` walked in a fixed order, and are written with
PostgreSQL ``COPY`` (ids assigned here, sequences reset afterwards). The pupil-days and the
guardian-notification duties are made by PostgreSQL itself (``INSERT … SELECT`` over the school
enrolments × the school days), every random choice a hash of (pupil, day), so that ~29 million
pupil-days take minutes rather than an hour; they are made in a temporary table and packed into
the stored pupil-months (ADR 8) by one ``INSERT … SELECT … GROUP BY``.

The municipality (``--children`` 50,000 children born 1 Aug 2006 – 31 Jul 2026, i.e. 0–19 at the
end of the window 1 Aug 2021 – 31 Jul 2026):

- 6 districts; per 50,000 children 30 compulsory schools (F–9) and 10 upper secondary schools,
  each with its student health team, 60 preschools, 3 BVC, IFO with its intake group, BUP,
  a primary care clinic, a police area and 6 leisure centres (fewer for smaller runs);
- enrolments: preschool from 1 to 6, school F–9 (8 % move school once), upper secondary for 92 %
  from 16 to 19; 1 % of children have no district;
- concerns for ~5 % of children a year (a tenth of the children carry most of the risk), with
  1–3 wellbeing indicators and a reporter at a unit of the domain that meets the child at that
  age; ~95 % triaged after a median of ~4 days (no action 30 %, own agency 35 %, consultation 7 %,
  Barnteam 18 %, report 10 %); reports of concern from the triages and ~3 % of children a year
  straight to the intake group;
- a Barnteam for most "Barnteam" triages (not while the child has one), with consent from both
  guardians, 3–5 professional members across domains, meetings every ~6 weeks with invitations,
  a SIP (70 %) or GIP (15 %) after 2–10 weeks, follow-ups every ~3 months (70 % on time);
- pupil-days for every school day of every school enrolment (a pupil's absence propensity: 70 %
  away ~1.5 % of days, 20 % ~5 %, 7 % ~12 %, 3 % ~30 %; a tenth of it unexcused; single missed
  lessons), a guardian-notification duty for each day with unexcused absence (told the same day
  85 %, later 8 %, not 7 %) and absence investigations for the high-absence pupils.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")
WINDOW_START = dt.date(2021, 8, 1)
WINDOW_END = dt.date(2026, 7, 31)
DISTRICTS = ("Centrum", "Norr", "Söder", "Väster", "Öster", "Landsbygd")
DISTRICT_WEIGHTS = (0.22, 0.18, 0.2, 0.15, 0.15, 0.1)
SEED = 20260731


# --- School calendar ---------------------------------------------------------------------------


def _easter(year: int) -> dt.date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _week(year: int, week: int) -> tuple[dt.date, dt.date]:
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday, monday + dt.timedelta(days=4)


def school_days(first: dt.date = WINDOW_START, last: dt.date = WINDOW_END) -> list[dt.date]:
    """The school days of the school years in ``first``..``last``: mid-August to mid-June
    without the autumn, Christmas, sports and Easter breaks and the public holidays."""
    days: list[dt.date] = []
    for autumn in range(first.year - 1, last.year + 1):
        spring = autumn + 1
        easter = _easter(spring)
        breaks = [
            _week(autumn, 44),  # höstlov
            (dt.date(autumn, 12, 21), dt.date(spring, 1, 7)),  # jullov
            _week(spring, 9),  # sportlov
            (easter - dt.timedelta(days=3), easter + dt.timedelta(days=4)),  # påsklov
            (dt.date(spring, 5, 1), dt.date(spring, 5, 1)),
            (easter + dt.timedelta(days=39), easter + dt.timedelta(days=40)),  # Kristi himmelsfärd
            (dt.date(spring, 6, 6), dt.date(spring, 6, 6)),
        ]
        day = dt.date(autumn, 8, 18)
        end = dt.date(spring, 6, 12)
        while day <= end:
            if (
                first <= day <= last
                and day.weekday() < 5
                and not any(a <= day <= b for a, b in breaks)
            ):
                days.append(day)
            day += dt.timedelta(days=1)
    return days


# --- Writing -----------------------------------------------------------------------------------


def _uuid(table: str, pk: int) -> uuid.UUID:
    return uuid.UUID(bytes=hashlib.md5(f"{table}:{pk}".encode()).digest())


def copy_rows(connection: Any, model: Any, rows: Sequence[dict[str, Any]]) -> int:
    """``rows`` (by field attname, ``id`` included) into ``model``'s table with COPY. A field not
    given gets its default, NULL, or ''; ``public_id`` a UUID derived from the id."""
    from django.db import models

    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields]
    table = model._meta.db_table
    fill: list[tuple[str, Any]] = []
    for f in fields:
        if f.attname in rows[0]:
            fill.append(("given", None))
        elif f.name == "public_id":
            fill.append(("uuid", None))
        elif f.has_default() and not callable(f.default):
            fill.append(("const", f.default))
        elif f.has_default() and f.default in (list, dict):
            fill.append(("const", f.default()))
        elif f.null:
            fill.append(("const", None))
        elif isinstance(f, models.CharField | models.TextField):
            fill.append(("const", ""))
        else:
            raise ValueError(f"{table}.{f.attname} needs a value")
    is_json = [isinstance(f, models.JSONField) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            out = []
            for f, (how, const), js in zip(fields, fill, is_json, strict=True):
                if how == "given":
                    value = row[f.attname]
                elif how == "uuid":
                    value = _uuid(table, row["id"])
                else:
                    value = const
                if js and value is not None:
                    value = json.dumps(value)
                out.append(value)
            copy.write_row(out)
    return len(rows)


def reset_sequences(connection: Any, models_: Iterable[Any]) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


# --- The world ---------------------------------------------------------------------------------


@dataclass
class World:
    municipality_id: int = 0
    district_ids: list[int] = field(default_factory=list)
    units: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> unit row
    by_type: dict[str, list[int]] = field(default_factory=dict)
    users_of: dict[int, list[int]] = field(default_factory=dict)  # unit id -> user ids
    analyst_id: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    birth: dict[int, dt.date] = field(default_factory=dict)


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def propensity(child_id: int) -> int:
    """The pupil's absence class 0..3 (also computed in SQL, the same way)."""
    k = (child_id * 2654435761) % 100
    return 0 if k < 70 else 1 if k < 90 else 2 if k < 97 else 3


# Share of days away by class, and the SQL that computes the class of ``e.child_id``.
AWAY = (0.015, 0.05, 0.12, 0.30)
_CLASS_SQL = (
    "CASE WHEN mod(e.child_id::bigint * 2654435761, 100) < 70 THEN 0"
    " WHEN mod(e.child_id::bigint * 2654435761, 100) < 90 THEN 1"
    " WHEN mod(e.child_id::bigint * 2654435761, 100) < 97 THEN 2 ELSE 3 END"
)


def generate(connection: Any, children: int, *, seed: int = SEED, log: Any = print) -> World:
    """Everything, into the (migrated, empty) database behind ``connection``."""
    world = World()
    rng = random.Random(seed)
    started = time.perf_counter()

    def step(label: str) -> None:
        log(f"  {label}: {time.perf_counter() - started:.0f} s")

    _organisations(connection, world, children, rng)
    step("organisations and staff")
    enrolments = _children(connection, world, children, rng)
    step(f"{children:,} children and their enrolments")
    _tsi(connection, world, rng, enrolments)
    step("concerns, triages, reports, Barnteams, consents, meetings, plans")
    _attendance(connection, world, log)
    step("pupil-days and guardian notifications")
    _investigations(connection, world, rng, enrolments)
    step("absence investigations")
    from django.apps import apps

    reset_sequences(connection, apps.get_models())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("sequences reset, VACUUM ANALYZE")
    return world


def _organisations(connection: Any, world: World, children: int, rng: random.Random) -> None:
    from samsyn.accounts.models import User
    from samsyn.organisations.models import (
        UNIT_TYPE_DOMAIN,
        Agency,
        District,
        Membership,
        Municipality,
        Principal,
        Role,
        Unit,
        UnitType,
    )

    scale = max(children / 50000, 0.04)
    world.municipality_id = 1
    copy_rows(connection, Municipality, [{"id": 1, "code": "9999", "name": "Benchby kommun"}])
    world.district_ids = list(range(1, len(DISTRICTS) + 1))
    copy_rows(
        connection,
        District,
        [{"id": i, "municipality_id": 1, "name": n} for i, n in enumerate(DISTRICTS, 1)],
    )
    principals = [
        (1, "Benchby kommun", "municipality"),
        (2, "Region Benchland", "region"),
        (3, "Polismyndigheten", "state"),
    ]
    copy_rows(connection, Principal, [{"id": i, "name": n, "kind": k} for i, n, k in principals])
    agencies = [
        (1, 1, "Utbildningsförvaltningen"),
        (2, 1, "Socialförvaltningen"),
        (3, 1, "Kultur- och fritidsförvaltningen"),
        (4, 2, "Barn- och ungdomspsykiatrin"),
        (5, 2, "Primärvården"),
        (6, 3, "Polisområde Benchby"),
    ]
    copy_rows(connection, Agency, [{"id": i, "principal_id": p, "name": n} for i, p, n in agencies])
    units: list[dict[str, Any]] = []

    def unit(agency: int, name: str, kind: str, district: int | None, **extra: Any) -> int:
        pk = len(units) + 1
        row = {
            "id": pk,
            "agency_id": agency,
            "parent_id": None,
            "name": name,
            "unit_type": kind,
            "secrecy_domain": UNIT_TYPE_DOMAIN[kind],
            "municipality_id": 1,
            "district_id": district,
            "school_unit_code": "",
            "lowest_grade": None,
            "highest_grade": None,
        }
        row.update(extra)
        units.append(row)
        world.by_type.setdefault(kind, []).append(pk)
        return pk

    def district_of(n: int) -> int:
        return world.district_ids[n % len(world.district_ids)]

    unit(1, "Utbildningsförvaltningen, kansli", UnitType.ADMINISTRATION, None)
    for n in range(max(3, round(30 * scale))):
        school = unit(
            1,
            f"{DISTRICTS[n % 6]}skolan {n // 6 + 1}",
            UnitType.SCHOOL,
            district_of(n),
            school_unit_code=f"{90000000 + n}",
            lowest_grade=0,
            highest_grade=9,
        )
        unit(1, f"Elevhälsan {units[school - 1]['name']}", UnitType.STUDENT_HEALTH, None)
        units[-1]["parent_id"] = school
        units[-1]["district_id"] = district_of(n)
    for n in range(max(1, round(10 * scale))):
        school = unit(
            1,
            f"{DISTRICTS[n % 6]} gymnasium {n // 6 + 1}",
            UnitType.UPPER_SECONDARY,
            district_of(n),
            school_unit_code=f"{91000000 + n}",
            lowest_grade=10,
            highest_grade=12,
        )
        unit(1, f"Elevhälsan {units[school - 1]['name']}", UnitType.STUDENT_HEALTH, None)
        units[-1]["parent_id"] = school
        units[-1]["district_id"] = district_of(n)
    for n in range(max(3, round(60 * scale))):
        unit(1, f"Förskolan {DISTRICTS[n % 6]} {n // 6 + 1}", UnitType.PRESCHOOL, district_of(n))
    unit(1, "Kommunala aktivitetsansvaret", UnitType.ACTIVITY_RESPONSIBILITY, None)
    ifo = unit(2, "Individ- och familjeomsorgen", UnitType.SOCIAL_SERVICES, None)
    unit(2, "Mottagningsgruppen", UnitType.INTAKE, None)
    units[-1]["parent_id"] = ifo
    for n in range(max(1, round(6 * scale))):
        unit(3, f"Fritidsgården {DISTRICTS[n % 6]}", UnitType.LEISURE_CENTRE, district_of(n))
    unit(4, "BUP Benchby", UnitType.CAMHS, None)
    for n in range(3):
        unit(5, f"BVC {DISTRICTS[n * 2]}", UnitType.BVC, district_of(n * 2))
    unit(5, "Vårdcentralen Benchby", UnitType.PRIMARY_CARE, None)
    unit(6, "Polisområde Benchby, ungdomsgruppen", UnitType.POLICE_AREA, None)
    copy_rows(connection, Unit, units)
    world.units = {u["id"]: u for u in units}

    role_of = {
        UnitType.ADMINISTRATION: Role.SSPF_COORDINATOR,
        UnitType.SCHOOL: Role.TEACHER,
        UnitType.UPPER_SECONDARY: Role.TEACHER,
        UnitType.PRESCHOOL: Role.PRESCHOOL_TEACHER,
        UnitType.STUDENT_HEALTH: Role.COUNSELLOR,
        UnitType.ACTIVITY_RESPONSIBILITY: Role.ACTIVITY_COORDINATOR,
        UnitType.SOCIAL_SERVICES: Role.SOCIAL_WORKER,
        UnitType.INTAKE: Role.SOCIAL_WORKER,
        UnitType.LEISURE_CENTRE: Role.LEISURE_LEADER,
        UnitType.CAMHS: Role.CLINICIAN,
        UnitType.BVC: Role.BVC_NURSE,
        UnitType.PRIMARY_CARE: Role.CLINICIAN,
        UnitType.POLICE_AREA: Role.POLICE_OFFICER,
    }
    users: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    joined = _aware(dt.date(2020, 1, 1), 8)

    def user(name: str, unit_id: int, role: str) -> int:
        pk = len(users) + 1
        users.append(
            {
                "id": pk,
                "password": "!",
                "last_login": None,
                "is_superuser": False,
                "username": name,
                "first_name": "Personal",
                "last_name": str(pk),
                "email": "",
                "is_staff": False,
                "is_active": True,
                "date_joined": joined,
            }
        )
        memberships.append(
            {
                "id": len(memberships) + 1,
                "user_id": pk,
                "unit_id": unit_id,
                "role": role,
                "valid_from": dt.date(2020, 1, 1),
                "valid_to": None,
            }
        )
        return pk

    for u in units:
        many = 6 if u["unit_type"] in (UnitType.SCHOOL, UnitType.UPPER_SECONDARY) else 3
        world.users_of[u["id"]] = [
            user(f"u{u['id']}-{k}", u["id"], role_of[u["unit_type"]]) for k in range(many)
        ]
    world.analyst_id = user("analytiker", 1, Role.ANALYST)
    copy_rows(connection, User, users)
    copy_rows(connection, Membership, memberships)
    world.counts["users"] = len(users)


@dataclass
class Enrolled:
    child_id: int
    unit_id: int
    kind: str
    start: dt.date
    end: dt.date | None


def _children(
    connection: Any, world: World, children: int, rng: random.Random
) -> dict[int, list[Enrolled]]:
    from samsyn.children.models import Child, Enrolment

    span = (WINDOW_END - dt.date(2006, 8, 1)).days + 1
    schools = world.by_type["school"]
    upper = world.by_type["upper_secondary"]
    preschools = world.by_type["preschool"]
    by_district: dict[int | None, dict[str, list[int]]] = {}
    for d in world.district_ids:
        by_district[d] = {
            "school": [u for u in schools if world.units[u]["district_id"] == d] or schools,
            "preschool": [u for u in preschools if world.units[u]["district_id"] == d]
            or preschools,
        }
    by_district[None] = {"school": schools, "preschool": preschools}
    rows: list[dict[str, Any]] = []
    enrol_rows: list[dict[str, Any]] = []
    enrolled: dict[int, list[Enrolled]] = {}
    created = _aware(dt.date(2021, 6, 1), 3)

    def enrol(child: int, unit: int, kind: str, start: dt.date, end: dt.date | None, grade: Any):
        if end is not None and end < WINDOW_START:
            return
        if start > WINDOW_END:
            return
        enrol_rows.append(
            {
                "id": len(enrol_rows) + 1,
                "child_id": child,
                "unit_id": unit,
                "kind": kind,
                "grade": grade,
                "start_date": start,
                "end_date": end,
                "contact_person_id": None,
            }
        )
        enrolled.setdefault(child, []).append(Enrolled(child, unit, kind, start, end))

    for pk in range(1, children + 1):
        birth = dt.date(2006, 8, 1) + dt.timedelta(days=(pk * 7919) % span)
        r = rng.random()
        district = None if r < 0.01 else rng.choices(world.district_ids, DISTRICT_WEIGHTS)[0]
        serial = 1 + pk // span
        rows.append(
            {
                "id": pk,
                "personnummer": f"{birth:%Y%m%d}{serial:04d}",
                "id_kind": "personnummer",
                "first_name": "Barn",
                "last_name": str(pk),
                "birth_date": birth,
                "municipality_id": 1,
                "district_id": district,
                "street_address": "",
                "postal_code": "",
                "city": "Benchby",
                "protected_identity": "none",
                "created_at": created,
            }
        )
        local = by_district[district]
        # Preschool from the age of 1 to the summer of the year they turn 6.
        six = birth.year + 6
        if rng.random() < 0.93:
            start = _add_years(birth, 1).replace(day=1)
            enrol(pk, rng.choice(local["preschool"]), "preschool", start, dt.date(six, 6, 30), None)
        # Compulsory school F–9: August of the year they turn 6 to June of the year they turn 16.
        first, last = dt.date(six, 8, 15), dt.date(six + 10, 6, 12)
        school = rng.choice(local["school"]) if rng.random() < 0.9 else rng.choice(schools)
        if rng.random() < 0.08:  # moves school once
            move = first + dt.timedelta(days=rng.randrange((last - first).days))
            enrol(pk, school, "school", first, move, 0)
            enrol(pk, rng.choice(schools), "school", move + dt.timedelta(days=1), last, None)
        else:
            enrol(pk, school, "school", first, last, 0)
        if rng.random() < 0.92:
            enrol(
                pk,
                rng.choice(upper),
                "upper_secondary",
                dt.date(six + 10, 8, 15),
                dt.date(six + 13, 6, 12),
                10,
            )
    # Enrolments still running at the end of the window have no end date.
    for row in enrol_rows:
        if row["end_date"] is not None and row["end_date"] > WINDOW_END:
            row["end_date"] = None
    for items in enrolled.values():
        for e in items:
            if e.end is not None and e.end > WINDOW_END:
                e.end = None
    copy_rows(connection, Child, rows)
    copy_rows(connection, Enrolment, enrol_rows)
    world.counts["children"] = len(rows)
    world.counts["enrolments"] = len(enrol_rows)
    world.birth = {r["id"]: r["birth_date"] for r in rows}
    return enrolled


def _enrolment_on(enrolled: list[Enrolled], day: dt.date, kinds: tuple[str, ...]) -> int | None:
    for e in enrolled:
        if e.kind in kinds and e.start <= day and (e.end is None or day <= e.end):
            return e.unit_id
    return None


INDICATORS = (
    "safe",
    "healthy",
    "achieving",
    "nurtured",
    "active",
    "respected",
    "responsible",
    "included",
)
INDICATOR_WEIGHTS = (20, 18, 16, 14, 6, 8, 8, 10)
DECISIONS = ("no_action", "own_agency", "consultation", "barnteam", "report")
DECISION_WEIGHTS = (30, 35, 7, 18, 10)


def _tsi(
    connection: Any, world: World, rng: random.Random, enrolled: dict[int, list[Enrolled]]
) -> None:
    from samsyn.children.models import Guardian, Guardianship
    from samsyn.concerns.models import Concern, ConcernIndicator, ReportOfConcern, Triage
    from samsyn.consent.models import Consent, GuardianConsent
    from samsyn.plans.models import FollowUp, Plan
    from samsyn.teams.models import Barnteam, FamilyParticipant, Invitation, Meeting, TeamMember

    birth = world.birth
    bt = world.by_type
    intake = bt["intake"][0]
    ifo = bt["social_services"][0]
    health_of_school = {
        u["parent_id"]: u["id"] for u in world.units.values() if u["unit_type"] == "student_health"
    }

    def when(lo: dt.date, hi: dt.date) -> dt.datetime:
        day = lo + dt.timedelta(days=rng.randrange(max(1, (hi - lo).days + 1)))
        while day.weekday() >= 5 and day < hi:
            day += dt.timedelta(days=1)
        return _aware(day, rng.randrange(8, 17), rng.randrange(60))

    def staff(unit: int) -> int:
        return rng.choice(world.users_of[unit])

    def reporter_unit(child: int, day: dt.date) -> int:
        age = (day - birth[child]).days / 365.25
        school = _enrolment_on(enrolled.get(child, []), day, ("school", "upper_secondary"))
        pre = _enrolment_on(enrolled.get(child, []), day, ("preschool",))
        r = rng.random()
        if school is not None and age >= 6:
            if r < 0.55:
                return school
            if r < 0.70:
                return health_of_school.get(school, school)
            if r < 0.78:
                return ifo
            if r < 0.84:
                return bt["camhs"][0]
            if r < 0.88:
                return bt["primary_care"][0]
            if r < 0.94:
                return bt["police_area"][0]
            return rng.choice(bt["leisure_centre"])
        if pre is not None:
            if r < 0.70:
                return pre
            if r < 0.82:
                return rng.choice(bt["bvc"])
            if r < 0.92:
                return ifo
            return bt["police_area"][0]
        if age < 1.5:
            return rng.choice(bt["bvc"]) if r < 0.75 else ifo
        return ifo if r < 0.5 else (bt["police_area"][0] if r < 0.75 else bt["primary_care"][0])

    concerns: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    triages: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    family: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    invitations: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    followups: list[dict[str, Any]] = []
    consents: list[dict[str, Any]] = []
    consent_units: list[dict[str, Any]] = []
    guardians: list[dict[str, Any]] = []
    guardianships: list[dict[str, Any]] = []
    guardian_consents: list[dict[str, Any]] = []
    guardians_of: dict[int, list[int]] = {}
    team_until: dict[int, dt.datetime] = {}  # child -> when their current team closes
    plan_until: dict[int, dt.datetime] = {}

    def report(child: int, at: dt.datetime, unit: int, concern: int | None) -> None:
        received = at + dt.timedelta(hours=rng.randrange(1, 72))
        decided = received + dt.timedelta(days=rng.randrange(1, 14))
        done = decided.date() <= WINDOW_END
        reports.append(
            {
                "id": len(reports) + 1,
                "child_id": child,
                "concern_id": concern,
                "reporter_id": staff(unit),
                "reporter_unit_id": unit,
                "intake_unit_id": intake,
                "description": "Syntetisk orosanmälan.",
                "immediate_danger": rng.random() < 0.05,
                "created_at": at,
                "status": "decided" if done else "received",
                "received_by_id": staff(intake),
                "received_at": received,
                "investigation_opened": (rng.random() < 0.35) if done else None,
                "decided_at": decided if done else None,
                "feedback": "",
            }
        )

    def guardians_for(child: int) -> list[int]:
        if child not in guardians_of:
            ids = []
            for _k in range(2 if rng.random() < 0.8 else 1):
                pk = len(guardians) + 1
                guardians.append(
                    {
                        "id": pk,
                        "personnummer": str(198000000000 + pk),
                        "first_name": "Vårdnadshavare",
                        "last_name": str(pk),
                    }
                )
                guardianships.append(
                    {
                        "id": len(guardianships) + 1,
                        "child_id": child,
                        "guardian_id": pk,
                        "custody": "joint",
                        "lives_with": True,
                    }
                )
                ids.append(pk)
            guardians_of[child] = ids
        return guardians_of[child]

    def barnteam(child: int, lead_unit: int, decided: dt.datetime) -> None:
        convened = decided + dt.timedelta(days=rng.randrange(1, 15), hours=rng.randrange(4))
        if convened.date() > WINDOW_END or team_until.get(child, convened) > convened:
            return
        lasts = dt.timedelta(days=rng.randrange(120, 600))
        closes = convened + lasts
        still_open = closes.date() > WINDOW_END
        team_until[child] = closes if not still_open else dt.datetime.max.replace(tzinfo=TZ)
        team = len(teams) + 1
        lead_user = staff(lead_unit)
        teams.append(
            {
                "id": team,
                "child_id": child,
                "convened_by_id": lead_user,
                "convened_at": convened,
                "status": "active" if still_open else "closed",
                "closed_at": None if still_open else closes,
            }
        )
        # Consent for the team, from every guardian, a few days before.
        ids = guardians_for(child)
        given = convened - dt.timedelta(days=rng.randrange(0, 5))
        consent = len(consents) + 1
        age = (convened.date() - birth[child]).days // 365
        consents.append(
            {
                "id": consent,
                "child_id": child,
                "purpose": "barnteam",
                "categories": ["school", "school_health", "social_services", "health_care"],
                "valid_from": given.date(),
                "valid_to": _add_years(given.date(), 1),
                "how_given": rng.choice(("written", "digital", "oral")),
                "child_view": "agrees" if age >= 12 else "not_asked",
                "child_view_note": "",
                "child_age": age,
                "documented_by_id": lead_user,
                "documented_by_unit_id": lead_unit,
                "documented_at": given,
                "complete_at": given,
                "withdrawn_at": None,
                "withdrawn_by_id": None,
                "withdrawal_note": "",
            }
        )
        for g in ids:
            guardian_consents.append(
                {
                    "id": len(guardian_consents) + 1,
                    "consent_id": consent,
                    "guardian_id": g,
                    "decision": "given",
                    "how_given": "written",
                    "decided_at": given,
                    "recorded_by_id": lead_user,
                }
            )
        # Members: the lead at the reporting unit and 2–4 from other domains.
        others = [ifo, bt["camhs"][0], bt["primary_care"][0], rng.choice(bt["leisure_centre"])]
        school = _enrolment_on(enrolled.get(child, []), convened.date(), ("school",))
        if school is not None:
            others.insert(0, health_of_school.get(school, school))
            if lead_unit != school:
                others.insert(0, school)
        chosen = [lead_unit]
        for u in others:
            if u not in chosen and len(chosen) < 2 + rng.randrange(1, 4):
                chosen.append(u)
        member_ids = []
        for n, u in enumerate(chosen):
            pk = len(members) + 1
            members.append(
                {
                    "id": pk,
                    "team_id": team,
                    "user_id": lead_user if n == 0 else staff(u),
                    "unit_id": u,
                    "is_lead": n == 0,
                    "joined_at": convened,
                    "left_at": None,
                }
            )
            member_ids.append(pk)
            consent_units.append(
                {"id": len(consent_units) + 1, "consent_id": consent, "unit_id": u}
            )
        participants = []
        for g in ids:
            pk = len(family) + 1
            family.append({"id": pk, "team_id": team, "guardian_id": g, "is_child": False})
            participants.append(pk)
        # Meetings every ~6 weeks while the team is active.
        day = convened + dt.timedelta(days=rng.randrange(7, 21))
        while day < closes and day.date() <= WINDOW_END:
            start = _aware(day.date(), rng.randrange(8, 16))
            meeting = len(meetings) + 1
            meetings.append(
                {
                    "id": meeting,
                    "team_id": team,
                    "starts_at": start,
                    "ends_at": start + dt.timedelta(hours=1),
                    "location": "Skolan",
                    "agenda": "",
                    "minutes": "",
                    "decisions": "",
                    "minutes_by_id": None,
                    "minutes_at": None,
                    "created_by_id": lead_user,
                    "created_at": start - dt.timedelta(days=14),
                }
            )
            for m in member_ids:
                r = rng.random()
                status = "accepted" if r < 0.75 else "declined" if r < 0.87 else "invited"
                invitations.append(
                    {
                        "id": len(invitations) + 1,
                        "meeting_id": meeting,
                        "member_id": m,
                        "participant_id": None,
                        "status": status,
                        "responded_at": None if status == "invited" else start - dt.timedelta(7),
                        "reminded_at": None,
                    }
                )
            for p in participants:
                invitations.append(
                    {
                        "id": len(invitations) + 1,
                        "meeting_id": meeting,
                        "member_id": None,
                        "participant_id": p,
                        "status": "accepted",
                        "responded_at": start - dt.timedelta(days=5),
                        "reminded_at": None,
                    }
                )
            day += dt.timedelta(days=rng.randrange(35, 56))
        # A plan: SIP 70 %, GIP 15 %, none 15 %.
        r = rng.random()
        if r >= 0.85 or plan_until.get(child, convened) > convened:
            return
        made = convened + dt.timedelta(days=rng.randrange(14, 70), hours=rng.randrange(6))
        if made.date() > WINDOW_END:
            return
        plan_open = still_open or closes < made
        plan_closes = None if plan_open else closes
        plan_until[child] = (
            dt.datetime.max.replace(tzinfo=TZ) if plan_closes is None else plan_closes
        )
        plan = len(plans) + 1
        plans.append(
            {
                "id": plan,
                "child_id": child,
                "status": "active" if plan_open else "closed",
                "kind": "sip" if r < 0.70 else "gip",
                "version": 1,
                "wellbeing": {},
                "created_by_id": lead_user,
                "created_at": made,
                "updated_at": made,
                "closed_at": plan_closes,
            }
        )
        due = made.date() + dt.timedelta(days=rng.randrange(60, 100))
        end = WINDOW_END if plan_closes is None else plan_closes.date()
        while due <= end + dt.timedelta(days=60):
            last = due > end
            r = rng.random()
            if last and plan_open:
                done_at = None
            elif r < 0.70:
                done_at = _aware(due - dt.timedelta(days=rng.randrange(0, 3)), 10)
            elif r < 0.95:
                done_at = _aware(due + dt.timedelta(days=rng.randrange(1, 30)), 10)
            else:
                done_at = None if last else _aware(due + dt.timedelta(days=45), 10)
            followups.append(
                {
                    "id": len(followups) + 1,
                    "plan_id": plan,
                    "due_date": due,
                    "status": "scheduled" if done_at is None else "done",
                    "scheduled_by_id": lead_user,
                    "done_at": done_at,
                    "done_by_id": None if done_at is None else lead_user,
                    "wellbeing": {},
                    "decision": "" if done_at is None else "continue",
                    "notes": "",
                    "plan_version": 1,
                }
            )
            if last:
                break
            due += dt.timedelta(days=rng.randrange(75, 110))

    # A tenth of the children carry most of the risk: ~5 % of all children a year.
    children = sorted(birth)
    risk = {c: (5.5 if rng.random() < 0.1 else 0.5) for c in children}
    for year in range(5):
        lo = dt.date(2021 + year, 8, 1)
        hi = dt.date(2022 + year, 7, 31)
        for child in children:
            born = birth[child]
            if born > hi:
                continue
            start = max(lo, born)
            share = ((hi - start).days + 1) / 365
            p = 0.05 * risk[child] * share
            # Reports of concern straight to the intake group (~3 % a year).
            if rng.random() < 0.6 * p:
                at = when(start, hi)
                report(child, at, reporter_unit(child, at.date()), None)
            if rng.random() >= p:
                continue
            created = when(start, hi)
            unit = reporter_unit(child, created.date())
            pk = len(concerns) + 1
            decided = created + dt.timedelta(
                days=min(int(rng.expovariate(1 / 5)), 60), hours=rng.randrange(0, 5)
            )
            triaged = rng.random() < 0.95 and decided.date() <= WINDOW_END
            concerns.append(
                {
                    "id": pk,
                    "child_id": child,
                    "reporter_id": staff(unit),
                    "reporter_unit_id": unit,
                    "observed": "Syntetisk oro.",
                    "urgency": "urgent" if rng.random() < 0.08 else "normal",
                    "created_at": created,
                    "respond_by": created.date() + dt.timedelta(days=7),
                    "status": "triaged" if triaged else "received",
                    "answered_at": decided if triaged else None,
                }
            )
            for ind in set(rng.choices(INDICATORS, INDICATOR_WEIGHTS, k=rng.randint(1, 3))):
                indicators.append({"id": len(indicators) + 1, "concern_id": pk, "indicator": ind})
            if not triaged:
                continue
            decision = rng.choices(DECISIONS, DECISION_WEIGHTS)[0]
            school = _enrolment_on(
                enrolled.get(child, []), created.date(), ("school", "upper_secondary", "preschool")
            )
            barnkontakt = school if school is not None else ifo
            triages.append(
                {
                    "id": len(triages) + 1,
                    "concern_id": pk,
                    "in_the_way": "",
                    "information": "",
                    "i_can_do": "",
                    "agency_can_do": "",
                    "help_needed": "",
                    "decision": decision,
                    "decided_by_id": staff(barnkontakt),
                    "decided_at": decided,
                }
            )
            if decision == "report":
                report(child, decided + dt.timedelta(hours=1), unit, pk)
            elif decision == "barnteam" and rng.random() < 0.9:
                barnteam(child, barnkontakt, decided)

    for model, rows in (
        (Concern, concerns),
        (ConcernIndicator, indicators),
        (Triage, triages),
        (ReportOfConcern, reports),
        (Guardian, guardians),
        (Guardianship, guardianships),
        (Barnteam, teams),
        (TeamMember, members),
        (FamilyParticipant, family),
        (Meeting, meetings),
        (Invitation, invitations),
        (Consent, consents),
        (Consent.units.through, consent_units),
        (GuardianConsent, guardian_consents),
        (Plan, plans),
        (FollowUp, followups),
    ):
        copy_rows(connection, model, rows)
        world.counts[model._meta.db_table] = len(rows)


def _attendance(connection: Any, world: World, log: Any = print) -> None:
    """Pupil-days for every school day of every school enrolment, in SQL, packed into the
    stored pupil-months (ADR 8); then the duties."""
    from samsyn.attendance.followup_models import GuardianNotification
    from samsyn.attendance.models import AttendanceMonth
    from samsyn.children.models import Enrolment

    months = AttendanceMonth._meta.db_table
    days = "bench_day"
    enrol = Enrolment._meta.db_table
    notes = GuardianNotification._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_school_day (day date PRIMARY KEY)")
        cursor.execute(
            "INSERT INTO bench_school_day SELECT unnest(%s::date[])",
            [school_days()],
        )
        cursor.execute(
            f"CREATE TEMP TABLE {days} (child_id bigint, date date, scheduled_minutes integer, "
            "attendance_minutes integer, valid_absence_minutes integer, "
            "invalid_absence_minutes integer, other_attendance_minutes integer, "
            "lesson_count integer, absence_reasons text)"
        )
        away = " ".join(f"WHEN {k} THEN {v}" for k, v in enumerate(AWAY))
        # u1: whole day away?  u2: unexcused?  u3: a missed lesson?
        insert = f"""
            INSERT INTO "{days}" (child_id, date, scheduled_minutes, attendance_minutes,
                valid_absence_minutes, invalid_absence_minutes, other_attendance_minutes,
                lesson_count, absence_reasons)
            SELECT child_id, day, sched,
                   sched - valid - invalid - other,
                   valid, invalid, other, lessons,
                   CASE WHEN valid > 0 THEN 'Sjukdom' ELSE '' END
            FROM (
                SELECT child_id, day, sched, lessons,
                       CASE WHEN u1 < p AND u2 >= 0.1 THEN sched
                            WHEN u1 >= p AND u3 < 0.02 THEN 50 ELSE 0 END AS valid,
                       CASE WHEN u1 < p AND u2 < 0.1 THEN sched
                            WHEN u1 >= p AND u3 >= 0.02 AND u3 < 0.02 + p / 4 THEN 50
                            ELSE 0 END AS invalid,
                       CASE WHEN u1 >= p AND u3 >= 0.98 THEN 50 ELSE 0 END AS other
                FROM (
                    SELECT e.child_id, d.day,
                           (CASE {_CLASS_SQL} {away} END)::float8 AS p,
                           CASE WHEN extract(isodow FROM d.day) = 5 THEN 250 ELSE 300 END
                               + mod(e.child_id, 3) * 25 AS sched,
                           CASE WHEN extract(isodow FROM d.day) = 5 THEN 5 ELSE 6 END AS lessons,
                           (hashint8(e.child_id::bigint * 100000 + (d.day - DATE '2000-01-01'))
                               & 2147483647) / 2147483648.0::float8 AS u1,
                           (hashint8(e.child_id::bigint * 100000 + (d.day - DATE '2000-01-01')
                               + 7777777) & 2147483647) / 2147483648.0::float8 AS u2,
                           (hashint8(e.child_id::bigint * 100000 + (d.day - DATE '2000-01-01')
                               + 99999999) & 2147483647) / 2147483648.0::float8 AS u3
                    FROM "{enrol}" e
                    JOIN bench_school_day d
                      ON d.day >= e.start_date AND d.day <= COALESCE(e.end_date, DATE '9999-12-31')
                    WHERE e.kind IN ('school', 'upper_secondary')
                      AND d.day >= %s AND d.day < %s
                    ORDER BY d.day, e.child_id
                    OFFSET 0
                ) AS x
                OFFSET 0
            ) AS y
            """
        # Month by month in date order, as daily imports would leave the table.
        total = 0
        month = WINDOW_START
        while month <= WINDOW_END:
            following = (month + dt.timedelta(days=32)).replace(day=1)
            cursor.execute(insert, [month, following])
            total += cursor.rowcount
            month = following
        log(f"    {total:,} pupil-days made: {time.perf_counter() - started:.0f} s")
        day_of_month = "extract(day FROM date)::int"
        cursor.execute(
            f"""
            INSERT INTO "{months}" (child_id, month, days, reasons, school_days,
                scheduled_minutes, valid_absence_minutes, invalid_absence_minutes, import_id)
            SELECT child_id, date_trunc('month', date)::date,
                   string_agg(concat_ws(',', {day_of_month}, scheduled_minutes,
                       attendance_minutes, valid_absence_minutes, invalid_absence_minutes,
                       other_attendance_minutes, lesson_count), ';' ORDER BY date),
                   coalesce(string_agg(CASE WHEN absence_reasons <> ''
                       THEN {day_of_month} || chr(31) || absence_reasons END,
                       chr(30) ORDER BY date), ''),
                   count(*) FILTER (WHERE scheduled_minutes > 0),
                   sum(scheduled_minutes), sum(valid_absence_minutes),
                   sum(invalid_absence_minutes), NULL
            FROM "{days}" GROUP BY 1, 2 ORDER BY 2, 1
            """
        )
        world.counts[months] = cursor.rowcount
        world.counts["pupil-days"] = total
        log(
            f"    packed into {cursor.rowcount:,} pupil-months: "
            f"{time.perf_counter() - started:.0f} s"
        )
        # Guardian-notification duties: each day with unexcused absence, at the day's school.
        cursor.execute(
            f"""
            INSERT INTO "{notes}" (public_id, child_id, unit_id, date, invalid_minutes,
                                   notified_at, method, notified_by_id, note)
            SELECT md5('gn:' || a.child_id || ':' || a.date)::uuid, a.child_id, e.unit_id,
                   a.date, a.invalid_absence_minutes,
                   CASE WHEN h < 0.85 THEN (a.date + TIME '11:00') AT TIME ZONE 'Europe/Stockholm'
                        WHEN h < 0.93 THEN (a.date + 1 + TIME '09:00')
                                            AT TIME ZONE 'Europe/Stockholm'
                        END,
                   CASE WHEN h < 0.93 THEN 'text' ELSE '' END, NULL, ''
            FROM (
                SELECT *, (hashint8(child_id::bigint * 100000 + (date - DATE '2000-01-01')
                           + 4242) & 2147483647) / 2147483648.0::float8 AS h
                FROM "{days}" WHERE invalid_absence_minutes > 0
            ) AS a
            JOIN "{enrol}" e ON e.child_id = a.child_id
             AND e.kind IN ('school', 'upper_secondary')
             AND a.date >= e.start_date AND a.date <= COALESCE(e.end_date, DATE '9999-12-31')
            """
        )
        world.counts[notes] = cursor.rowcount


def _investigations(
    connection: Any, world: World, rng: random.Random, enrolled: dict[int, list[Enrolled]]
) -> None:
    """An investigation in a school year for most class-3 and some class-2 pupils."""
    from samsyn.attendance.followup_models import AbsenceInvestigation

    rows: list[dict[str, Any]] = []
    for child in sorted(enrolled):
        cls = propensity(child)
        if cls < 2:
            continue
        for year in range(5):
            opened = dt.date(2021 + year, 9, 15) + dt.timedelta(days=rng.randrange(240))
            if opened > WINDOW_END or rng.random() >= (0.7 if cls == 3 else 0.15):
                continue
            unit = _enrolment_on(enrolled[child], opened, ("school", "upper_secondary"))
            if unit is None:
                continue
            closed: dt.date | None = opened + dt.timedelta(days=rng.randrange(14, 120))
            if closed is not None and closed > WINDOW_END:
                closed = None
            rows.append(
                {
                    "id": len(rows) + 1,
                    "child_id": child,
                    "unit_id": unit,
                    "opened_on": opened,
                    "indicators": [],
                    "investigator_id": None,
                    "with_pupil": True,
                    "with_guardians": True,
                    "with_student_health": rng.random() < 0.8,
                    "participants": "",
                    "findings": "",
                    "measures": "",
                    "status": "open" if closed is None else "closed",
                    "closed_on": closed,
                    "closed_by_id": None,
                    "concern_id": None,
                }
            )
    copy_rows(connection, AbsenceInvestigation, rows)
    world.counts[AbsenceInvestigation._meta.db_table] = len(rows)
