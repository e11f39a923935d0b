"""A small municipality for tests: one unit of each kind, one user per role, a few children.

``World`` names every actor the matrix and journey tests need, including a user of *another*
school (same secrecy domain, other unit) and users of other secrecy domains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from samsyn.accounts.models import User
from samsyn.children.models import Child, EnrolmentKind
from samsyn.children.services import barnkontakt_refresh
from samsyn.organisations.models import Municipality, PrincipalKind, Role, Unit, UnitType
from samsyn.testing.factories import (
    AgencyFactory,
    ChildFactory,
    DistrictFactory,
    EnrolmentFactory,
    GuardianshipFactory,
    MunicipalityFactory,
    PrincipalFactory,
    UnitFactory,
    staff,
)


@dataclass
class World:
    municipality: Municipality
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)


def build_world() -> World:
    today = timezone.localdate()
    municipality = MunicipalityFactory(code="9999", name="Testkommun")
    district = DistrictFactory(municipality=municipality, name="Centrum")
    kommun = PrincipalFactory(name="Testkommun", kind=PrincipalKind.MUNICIPALITY)
    region = PrincipalFactory(name="Region Test", kind=PrincipalKind.REGION)
    polisen = PrincipalFactory(name="Polismyndigheten", kind=PrincipalKind.STATE)
    education = AgencyFactory(principal=kommun, name="Utbildningsförvaltningen")
    social = AgencyFactory(principal=kommun, name="Socialförvaltningen")
    leisure = AgencyFactory(principal=kommun, name="Kultur- och fritidsförvaltningen")
    health = AgencyFactory(principal=region, name="Barn- och ungdomsmedicin")
    police = AgencyFactory(principal=polisen, name="Polisområde Test")

    def unit(key: str, agency, unit_type: str, name: str, parent: Unit | None = None) -> Unit:
        u = UnitFactory(
            agency=agency,
            unit_type=unit_type,
            name=name,
            municipality=municipality,
            district=district,
            parent=parent,
        )
        world.units[key] = u
        return u

    world = World(municipality=municipality)
    school = unit("school", education, UnitType.SCHOOL, "Norrskolan")
    unit("student_health", education, UnitType.STUDENT_HEALTH, "Elevhälsan Norrskolan", school)
    unit("other_school", education, UnitType.SCHOOL, "Söderskolan")
    unit("preschool", education, UnitType.PRESCHOOL, "Förskolan Solen")
    unit("kaa", education, UnitType.ACTIVITY_RESPONSIBILITY, "KAA Testkommun")
    unit("admin", education, UnitType.ADMINISTRATION, "Utbildningskontoret")
    ifo = unit("ifo", social, UnitType.SOCIAL_SERVICES, "IFO Barn och familj")
    unit("intake", social, UnitType.INTAKE, "Mottagningsgruppen", ifo)
    unit("leisure", leisure, UnitType.LEISURE_CENTRE, "Fritidsgården Navet")
    unit("bvc", health, UnitType.BVC, "BVC Centrum")
    unit("bup", health, UnitType.CAMHS, "BUP Test")
    unit("primary_care", health, UnitType.PRIMARY_CARE, "Vårdcentralen Centrum")
    unit("police", police, UnitType.POLICE_AREA, "Lokalpolisområde Test")

    people = [
        ("rektor", Role.PRINCIPAL, "school"),
        ("larare", Role.TEACHER, "school"),
        ("skolskoterska", Role.SCHOOL_NURSE, "student_health"),
        ("kurator", Role.COUNSELLOR, "student_health"),
        ("annan_rektor", Role.PRINCIPAL, "other_school"),
        ("annan_larare", Role.TEACHER, "other_school"),
        ("forskolechef", Role.PRINCIPAL, "preschool"),
        ("kaa", Role.ACTIVITY_COORDINATOR, "kaa"),
        ("socialsekreterare", Role.SOCIAL_WORKER, "ifo"),
        ("mottagning", Role.SOCIAL_WORKER, "intake"),
        ("bvc", Role.BVC_NURSE, "bvc"),
        ("bup", Role.CLINICIAN, "bup"),
        ("vardcentral", Role.CLINICIAN, "primary_care"),
        ("polis", Role.POLICE_OFFICER, "police"),
        ("fritid", Role.LEISURE_LEADER, "leisure"),
        ("analytiker", Role.ANALYST, "admin"),
        ("admin", Role.SYSTEM_ADMIN, "admin"),
        ("granskare", Role.LOG_REVIEWER, "admin"),
    ]
    for username, role, unit_key in people:
        world.users[username] = staff(role, world.units[unit_key], username=username)

    def child(
        key: str, unit_key: str, kind: str, age: int, grade: int | None = None, **kw
    ) -> Child:
        c = ChildFactory(
            birth_date=today - dt.timedelta(days=365 * age + 30),
            municipality=municipality,
            district=district,
            **kw,
        )
        EnrolmentFactory(
            child=c,
            unit=world.units[unit_key],
            kind=kind,
            grade=grade,
            start_date=today - dt.timedelta(days=100),
        )
        GuardianshipFactory(child=c)
        barnkontakt_refresh(child=c)
        world.children[key] = c
        return c

    child("pupil", "school", EnrolmentKind.SCHOOL, 10, grade=4, first_name="Alva", last_name="Berg")
    child(
        "protected_pupil",
        "school",
        EnrolmentKind.SCHOOL,
        11,
        grade=5,
        protected=True,
        first_name="Siri",
        last_name="Skyddad",
    )
    child("other_pupil", "other_school", EnrolmentKind.SCHOOL, 9, grade=3)
    child("preschooler", "preschool", EnrolmentKind.PRESCHOOL, 4)
    child("infant", "bvc", EnrolmentKind.BVC, 1)
    child("youth", "kaa", EnrolmentKind.ACTIVITY_RESPONSIBILITY, 17)
    return world
