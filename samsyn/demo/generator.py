"""The demo municipality as a plan: staff, families, children and enrolments (no database).

:func:`demo_plan` is a pure function of the seed, the number of children and *today*: the same
three give the same names, personnummer, addresses, units, enrolments, guardians, overrides and
handovers. Ages are counted back from *today* so the data always looks current; run on another
day, the same seed gives the same kind of municipality with other birth dates.

Every person is fictitious. Personnummer and samordningsnummer are valid (check digit, date) but
use serial numbers 900–999 only, so that they are easy to recognise as synthetic; the phone
numbers are the series the Swedish Post and Telecom Authority reserves for fiction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from samsyn.children.identity import make_identity_number
from samsyn.children.models import Custody, EnrolmentKind, IdKind, ProtectedIdentity
from samsyn.demo import names
from samsyn.demo import organisation as org
from samsyn.demo.plan import (
    Address,
    DemoPlan,
    PlannedChild,
    PlannedEnrolment,
    PlannedGuardian,
    PlannedGuardianship,
    PlannedOverride,
    add_years,
    age_on,
    random_day,
    random_uuid,
    school_start,
    school_year,
)
from samsyn.demo.staff import Rotation, plan_staff
from samsyn.organisations.models import Role

# Relative number of children per year of age 0–19: births have fallen in recent years, and the
# teens are slightly more (cf. the population shares of the Dalsland report, seed 002 § 2.4).
AGE_WEIGHTS: tuple[float, ...] = (
    0.88, 0.90, 0.92, 0.94, 0.96, 0.97, 1.0, 1.0, 1.0, 1.0,
    1.03, 1.04, 1.05, 1.05, 1.06, 1.06, 1.06, 1.05, 1.04, 1.03,
)  # fmt: skip
FAMILY_SIZES = ((1, 42), (2, 40), (3, 14), (4, 4))
# together: both guardians, one home; two_homes: joint custody, the child lives in both homes
# (växelvis boende); lives_with_one: joint custody, the child lives with one; sole: one guardian.
ARRANGEMENTS = (("together", 70), ("two_homes", 12), ("lives_with_one", 6), ("sole", 12))
PRESCHOOL_SHARE = 0.85
UPPER_SECONDARY_SHARE = 0.90
MOVED_IN_SHARE = 0.06
COORDINATION_SHARE = 0.01
PROTECTED_SHARE = 0.007
MAX_TRANSITIONS = 30


class _Numbers:
    """Unique, valid identity numbers with serials 900–999 (odd last serial digit: male)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, birth: dt.date, *, male: bool, coordination: bool = False) -> str:
        for _attempt in range(200):
            serial = 900 + 2 * self.rng.randrange(50) + (1 if male else 0)
            value = make_identity_number(birth, serial, coordination=coordination)
            if value not in self.used:
                self.used.add(value)
                return value
        raise RuntimeError(f"no free synthetic number for {birth}")


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


# --- families ------------------------------------------------------------------------------


def _ages(total: int) -> list[int]:
    """How many children of each age 0–19, by largest remainder over :data:`AGE_WEIGHTS`."""
    weight_sum = sum(AGE_WEIGHTS)
    exact = [total * w / weight_sum for w in AGE_WEIGHTS]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda a: (counts[a] - exact[a], a))
    for age in by_remainder[: total - sum(counts)]:
        counts[age] += 1
    return counts


def _family_ages(rng: random.Random, remaining: list[int]) -> list[int]:
    """One family's children's ages, drawn from ``remaining`` (which is decremented)."""
    anchor = rng.choices(range(len(remaining)), weights=remaining)[0]
    remaining[anchor] -= 1
    ages = [anchor]
    size = int(_weighted(rng, tuple((str(k), w) for k, w in FAMILY_SIZES)))
    while len(ages) < size:
        if rng.random() < 0.03 and remaining[ages[-1]] > 0:  # twins (the same birth date)
            candidates = [ages[-1]]
        else:
            candidates = [
                a
                for a in range(len(remaining))
                if remaining[a] > 0
                and min(abs(a - x) for x in ages) >= 1
                and max([*ages, a]) - min([*ages, a]) <= 12
            ]
        if not candidates:
            break
        age = rng.choices(candidates, weights=[remaining[a] for a in candidates])[0]
        remaining[age] -= 1
        ages.append(age)
    return ages


def _birth_date(rng: random.Random, age: int, today: dt.date) -> dt.date:
    first = add_years(today, -(age + 1)) + dt.timedelta(days=1)
    return random_day(rng, first, add_years(today, -age))


def _address(rng: random.Random, district: org.DistrictSpec) -> Address:
    street = rng.choice(names.STREETS[district.name])
    number = f"{rng.randint(1, 64)}{rng.choice(['', '', '', ' A', ' B'])}"
    return Address(
        f"{street} {number}", rng.choice(district.postal_codes), district.city, district.name
    )


def _district(rng: random.Random) -> org.DistrictSpec:
    return rng.choices(org.DISTRICTS, weights=[d.share for d in org.DISTRICTS])[0]


@dataclass
class _Family:
    children: list[int]
    guardians: list[int]


class _Planner:
    def __init__(self, *, seed: int, today: dt.date) -> None:
        self.today = today
        self.sy = school_year(today)
        self.rng = random.Random(f"samsyn-demo:{seed}:children")
        self.ids = random.Random(f"samsyn-demo:{seed}:ids")
        self.numbers = _Numbers(self.rng)
        self.staff = plan_staff(rng=random.Random(f"samsyn-demo:{seed}:staff"), today=today)
        self.children: list[PlannedChild] = []
        self.guardians: list[PlannedGuardian] = []
        self.families: list[_Family] = []
        self.bvc_current = Rotation(self.staff, org.BVC, Role.BVC_NURSE)
        self.bvc_past = Rotation(self.staff, org.BVC, Role.BVC_NURSE)

    # guardians and children

    def _guardian(
        self, *, birth: dt.date, male: bool, last_name: str, address: Address, coordination: bool
    ) -> int:
        first = self.rng.choice(names.MEN if male else names.WOMEN)
        email = ""
        if self.rng.random() < 0.8:
            email = (
                f"{names.ascii_slug(f'{first} {last_name}')}{self.rng.randint(1, 99)}@post.example"
            )
        self.guardians.append(
            PlannedGuardian(
                public_id=random_uuid(self.ids),
                personnummer=self.numbers.new(birth, male=male, coordination=coordination),
                first_name=first,
                last_name=last_name,
                address=address,
                phone=names.fiction_phone(self.rng.randrange(95)),
                email=email,
            )
        )
        return len(self.guardians) - 1

    def family(self, ages: list[int]) -> None:
        rng, today = self.rng, self.today
        births: list[dt.date] = []
        for i, age in enumerate(ages):
            if i > 0 and age == ages[i - 1]:
                births.append(births[-1])  # twins
                continue
            for _attempt in range(10):
                birth = _birth_date(rng, age, today)
                if all(abs((birth - b).days) >= 300 for b in births):
                    break
            births.append(birth)
        coordination = rng.random() < COORDINATION_SHARE
        moved_in: dt.date | None = None
        if coordination:
            moved_in = today - dt.timedelta(days=rng.randint(30, 700))
        elif rng.random() < MOVED_IN_SHARE:
            moved_in = random_day(rng, min(births), today - dt.timedelta(days=30))
        district = _district(rng)
        home = _address(rng, district)
        surname = rng.choice(names.SURNAMES)
        arrangement = _weighted(rng, ARRANGEMENTS)
        oldest = min(births)
        if arrangement == "sole":
            sexes = [rng.random() < 0.2]
        else:
            pair = _weighted(rng, (("wm", 97), ("ww", 2), ("mm", 1)))
            sexes = [c == "m" for c in pair]
        guardians: list[int] = []
        for n, male in enumerate(sexes):
            years = rng.randint(24, 42) if male else rng.randint(22, 38)
            birth = oldest - dt.timedelta(days=int(years * 365.25) + rng.randint(0, 364))
            same_home = n == 0 or arrangement == "together"
            last = (
                surname
                if n == 0 or (same_home and rng.random() < 0.75)
                else rng.choice(names.SURNAMES)
            )
            address = home if same_home else _address(rng, _district(rng))
            guardians.append(
                self._guardian(
                    birth=birth,
                    male=male,
                    last_name=last,
                    address=address,
                    coordination=coordination,
                )
            )
        custody = Custody.SOLE if arrangement == "sole" else Custody.JOINT
        links = [
            PlannedGuardianship(g, custody, n == 0 or arrangement != "lives_with_one")
            for n, g in enumerate(guardians)
        ]
        family = _Family(children=[], guardians=guardians)
        for birth in births:
            male = rng.random() < 0.512
            first = rng.choice(names.BOYS if male else names.GIRLS)
            child = PlannedChild(
                public_id=random_uuid(self.ids),
                personnummer=self.numbers.new(birth, male=male, coordination=coordination),
                id_kind=IdKind.SAMORDNINGSNUMMER if coordination else IdKind.PERSONNUMMER,
                first_name=first,
                last_name=surname,
                birth_date=birth,
                address=home,
                level=self.sy - birth.year - 6,
                moved_in=moved_in if moved_in and moved_in > birth else None,
                guardianships=list(links),
            )
            child.enrolments = self.education(child)
            family.children.append(len(self.children))
            self.children.append(child)
        self.families.append(family)

    # the education path

    def education(self, child: PlannedChild) -> list[PlannedEnrolment]:
        rng, today, birth, level = self.rng, self.today, child.birth_date, child.level
        district = child.address.district
        path: list[PlannedEnrolment] = []
        sixth = add_years(birth, 6)
        bvc_end = sixth - dt.timedelta(days=1) if sixth <= today else None
        path.append(
            PlannedEnrolment(
                org.BVC,
                EnrolmentKind.BVC,
                min(birth + dt.timedelta(days=7), today),
                bvc_end,
                contact=(self.bvc_current if bvc_end is None else self.bvc_past).next(),
            )
        )
        preschool_start = birth + dt.timedelta(days=rng.randint(365, 610))
        in_preschool = rng.random() < PRESCHOOL_SHARE
        if level < 0:
            if in_preschool and preschool_start <= today:
                path.append(
                    PlannedEnrolment(
                        org.PRESCHOOLS[district], EnrolmentKind.PRESCHOOL, preschool_start
                    )
                )
            return self._clip(child, path)
        f9_start = school_start(self.sy - level)
        if in_preschool and preschool_start < f9_start:
            path.append(
                PlannedEnrolment(
                    org.PRESCHOOLS[district],
                    EnrolmentKind.PRESCHOOL,
                    preschool_start,
                    f9_start - dt.timedelta(days=1),
                )
            )
        school = org.SCHOOLS[district]
        if rng.random() < org.FRISKOLA_SHARE[district]:
            school = org.FRISKOLA
        if level <= 9:
            path.append(PlannedEnrolment(school, EnrolmentKind.SCHOOL, f9_start, grade=level))
            return self._clip(child, path)
        upper_start = school_start(self.sy - level + 10)
        path.append(
            PlannedEnrolment(
                school, EnrolmentKind.SCHOOL, f9_start, upper_start - dt.timedelta(days=1), 9
            )
        )
        path.extend(self._after_compulsory(level, upper_start))
        return self._clip(child, path)

    def _after_compulsory(self, level: int, upper_start: dt.date) -> list[PlannedEnrolment]:
        """Upper secondary school (grades 1–3) or the activity responsibility (KAA)."""
        rng, today, one_day = self.rng, self.today, dt.timedelta(days=1)
        upper, kaa = EnrolmentKind.UPPER_SECONDARY, EnrolmentKind.ACTIVITY_RESPONSIBILITY
        if level <= 12:
            r = rng.random()
            if r < UPPER_SECONDARY_SHARE:
                return [PlannedEnrolment(org.UPPER_SECONDARY, upper, upper_start, grade=level - 9)]
            earliest_drop = upper_start + dt.timedelta(days=60)
            latest_drop = today - dt.timedelta(days=14)
            if r < 0.95 or earliest_drop > latest_drop:  # never started upper secondary school
                return [PlannedEnrolment(org.KAA, kaa, upper_start)]
            dropped = random_day(rng, earliest_drop, latest_drop)
            grade = min(3, 1 + (dropped - upper_start).days // 365)
            return [
                PlannedEnrolment(org.UPPER_SECONDARY, upper, upper_start, dropped, grade),
                PlannedEnrolment(org.KAA, kaa, dropped + one_day),
            ]
        if level == 13 and rng.random() < 0.2:  # a fourth year (extended studies) in grade 3
            return [PlannedEnrolment(org.UPPER_SECONDARY, upper, upper_start, grade=3)]
        # Finished in June; kept on the KAA list so that every 0–19-year-old has a Barnkontakt.
        graduated = dt.date(self.sy - (level - 13), 6, 12)
        return [
            PlannedEnrolment(org.UPPER_SECONDARY, upper, upper_start, graduated, 3),
            PlannedEnrolment(org.KAA, kaa, graduated + one_day),
        ]

    def _clip(self, child: PlannedChild, path: list[PlannedEnrolment]) -> list[PlannedEnrolment]:
        """A child who moved here has only the enrolments from the move on."""
        if child.moved_in is None:
            return path
        kept = []
        for enrolment in path:
            if enrolment.end is not None and enrolment.end < child.moved_in:
                continue
            enrolment.start = max(enrolment.start, child.moved_in)
            kept.append(enrolment)
        return kept


def _pick(rng: random.Random, candidates: list[int], share: float, minimum: int) -> list[int]:
    count = min(len(candidates), max(minimum, round(share * len(candidates))))
    return rng.sample(candidates, count)


def _add_relations(planner: _Planner) -> None:
    """Cases at social services, patients at BUP and the clinics, participants at leisure."""
    rng, today, children = planner.rng, planner.today, planner.children

    def ages(low: int, high: int) -> list[int]:
        return [i for i, c in enumerate(children) if low <= age_on(c.birth_date, today) <= high]

    def relate(
        picked: list[int],
        unit: str,
        kind: str,
        *,
        days_back: int,
        open_share: float,
        rotation: Rotation | None,
        always_open: int = 0,
        earliest_age: int = 0,
    ) -> None:
        for n, i in enumerate(picked):
            child = children[i]
            earliest = max(
                add_years(child.birth_date, earliest_age), child.moved_in or child.birth_date
            )
            start = max(today - dt.timedelta(days=rng.randint(1, days_back)), earliest)
            end = None
            if n >= always_open and rng.random() >= open_share and start < today:
                end = random_day(rng, start, today - dt.timedelta(days=1))
            contact = rotation.next() if rotation else None
            child.enrolments.append(PlannedEnrolment(unit, kind, start, end, contact=contact))

    staff = planner.staff
    client, patient = EnrolmentKind.CLIENT, EnrolmentKind.PATIENT
    relate(
        _pick(rng, ages(0, 19), 0.03, 4),
        org.IFO,
        client,
        days_back=900,
        open_share=0.65,
        rotation=Rotation(staff, org.IFO, Role.SOCIAL_WORKER),
        always_open=3,
    )
    relate(
        _pick(rng, ages(0, 19), 0.008, 2),
        org.INTAKE,
        client,
        days_back=60,
        open_share=1.0,
        rotation=Rotation(staff, org.INTAKE, Role.SOCIAL_WORKER),
    )
    relate(
        _pick(rng, ages(7, 15), 0.01, 1),
        org.SCHOOL_SOCIAL_TEAM,
        client,
        days_back=400,
        open_share=0.7,
        rotation=Rotation(staff, org.SCHOOL_SOCIAL_TEAM, Role.SOCIAL_WORKER),
    )
    relate(
        _pick(rng, ages(4, 17), 0.02, 4),
        org.BUP,
        patient,
        days_back=1000,
        open_share=0.75,
        rotation=Rotation(staff, org.BUP, Role.CLINICIAN),
        always_open=3,
    )
    relate(
        _pick(rng, ages(0, 19), 0.03, 4),
        org.PRIMARY_CARE,
        patient,
        days_back=400,
        open_share=0.5,
        rotation=Rotation(staff, org.PRIMARY_CARE, Role.CLINICIAN),
        always_open=3,
    )
    relate(
        _pick(rng, ages(13, 19), 0.04, 1),
        org.YOUTH_CLINIC,
        patient,
        days_back=300,
        open_share=0.6,
        rotation=None,
    )
    teens = ages(12, 17)
    navet, sjoglimten = org.LEISURE_CENTRES
    for centre, minimum, in_sjovik in ((navet, 3, False), (sjoglimten, 1, True)):
        local = [i for i in teens if (children[i].address.district == "Sjövik") == in_sjovik]
        relate(
            _pick(rng, local, 0.10, minimum),
            centre,
            EnrolmentKind.PARTICIPANT,
            days_back=700,
            open_share=0.8,
            rotation=None,
            always_open=minimum,
            earliest_age=12,
        )


def _add_protected(planner: _Planner) -> None:
    """Whole families with protected identity: sekretessmarkering, some skyddad folkbokföring."""
    rng = planner.rng
    target = max(2, round(PROTECTED_SHARE * len(planner.children)))
    kinds = (
        ProtectedIdentity.SKYDDAD_FOLKBOKFORING,
        ProtectedIdentity.SEKRETESSMARKERING,
        ProtectedIdentity.SEKRETESSMARKERING,
    )
    marked = 0
    for n, family in enumerate(rng.sample(planner.families, len(planner.families))):
        if marked >= target and n >= 2:  # at least one family of each kind
            break
        for i in family.children:
            planner.children[i].protected_identity = kinds[n % len(kinds)]
            marked += 1


def _add_transitions(planner: _Planner) -> None:
    """This August's move from preschool to förskoleklass, made so that handovers exist."""
    rng, children = planner.rng, planner.children
    first_day = school_start(planner.sy)

    def candidate(c: PlannedChild) -> bool:
        preschool_until = (EnrolmentKind.PRESCHOOL, first_day - dt.timedelta(days=1))
        return (
            c.level == 0
            and any((e.kind, e.end) == preschool_until for e in c.enrolments)
            and any((e.kind, e.start) == (EnrolmentKind.SCHOOL, first_day) for e in c.enrolments)
        )

    def school_of(c: PlannedChild) -> PlannedEnrolment:
        return next(e for e in c.enrolments if e.kind == EnrolmentKind.SCHOOL)

    pool = [i for i, c in enumerate(children) if candidate(c)]
    rng.shuffle(pool)
    home = "centrumskolan"
    pool.sort(key=lambda i: school_of(children[i]).unit != home)
    target = min(len(pool), max(3, min(MAX_TRANSITIONS, round(len(children) * 0.012))))
    chosen = pool[:target]
    at_home = sum(1 for i in chosen if school_of(children[i]).unit == home)
    for i in chosen[at_home : at_home + max(0, 3 - at_home)]:
        school_of(children[i]).unit = home  # the family chose the demo principal's school
    home_count = 0
    for i in chosen:
        child = children[i]
        school = school_of(child)
        child.enrolments.remove(school)
        for enrolment in child.enrolments:
            if enrolment.kind == EnrolmentKind.PRESCHOOL:
                enrolment.end = None  # enrolment_start ends it the day before school starts
        child.transition = school
        if school.unit == home:
            home_count += 1
            # A third of the principal's handovers are already acknowledged; the rest wait.
            child.acknowledge_handover = home_count % 3 == 0
        else:
            child.acknowledge_handover = rng.random() < 0.5


def _add_overrides(planner: _Planner) -> list[PlannedOverride]:
    """A deputy principal named Barnkontakt by hand, with the reason."""
    staff, children, rng = planner.staff, planner.children, planner.rng
    overrides: list[PlannedOverride] = []
    cases = (
        ("centrumskolan", 2, (7, 8, 9), "Biträdande rektor ansvarar för årskurs 7–9 och är "
         "barnkontakt för eleven enligt rektors delegation."),
        (org.UPPER_SECONDARY, 1, (10, 11, 12), "Eleven och vårdnadshavarna har sedan tidigare "
         "kontakt med biträdande rektor; rektor har delegerat barnkontaktskapet."),
    )  # fmt: skip
    for unit, count, levels, reason in cases:
        principals = [s.username for s in staff if s.unit == unit and s.role == Role.PRINCIPAL]
        pupils = [
            i
            for i, c in enumerate(children)
            if c.level in levels
            and c.transition is None
            and any(e.unit == unit and e.end is None for e in c.enrolments)
        ]
        for i in rng.sample(pupils, min(count, len(pupils))):
            overrides.append(PlannedOverride(i, principals[1], principals[0], reason))
    return overrides


def demo_plan(*, seed: int, children: int, today: dt.date) -> DemoPlan:
    """Plan the whole municipality. Deterministic in ``seed``, ``children`` and ``today``."""
    planner = _Planner(seed=seed, today=today)
    remaining = _ages(children)
    while sum(remaining) > 0:
        planner.family(_family_ages(planner.rng, remaining))
    _add_relations(planner)
    _add_protected(planner)
    _add_transitions(planner)
    overrides = _add_overrides(planner)
    unit_ids = {u.key: random_uuid(planner.ids) for u in org.UNITS}
    return DemoPlan(
        seed=seed,
        today=today,
        staff=planner.staff,
        guardians=planner.guardians,
        children=planner.children,
        overrides=overrides,
        unit_ids=unit_ids,
    )
