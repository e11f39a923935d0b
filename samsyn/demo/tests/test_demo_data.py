"""``samsyn demo-data``: the synthetic municipality is deterministic, complete and loaded once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation

from samsyn.accounts.models import User
from samsyn.children.identity import IdKind, parse_identity_number
from samsyn.children.models import (
    LIFE_STAGE_KINDS,
    AssignmentSource,
    BarnkontaktAssignment,
    Child,
    Enrolment,
    EnrolmentKind,
    Guardian,
    Handover,
    HandoverStatus,
    LifeStage,
    ProtectedIdentity,
)
from samsyn.children.selectors import children_without_barnkontakt, handovers_waiting, my_children
from samsyn.children.services import barnkontakt_refresh
from samsyn.demo import organisation as org
from samsyn.demo.generator import demo_plan
from samsyn.demo.models import DemoDataset
from samsyn.demo.plan import age_on, school_year
from samsyn.demo.services import DemoDataRefused, demo_data_load
from samsyn.organisations.models import (
    UNIT_TYPE_DOMAIN,
    Membership,
    Principal,
    PrincipalKind,
    Role,
    Unit,
    UnitType,
)

SMALL = 150  # children: enough for every demo account to have some, and quick


def _load(seed: int = 1, children: int = SMALL, *, demo_mode: bool = True, settings=None) -> str:
    if settings is not None:
        settings.DEMO_MODE = demo_mode
    out = StringIO()
    with translation.override("sv"):
        call_command("demo_data", seed=seed, children=children, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db: None, settings) -> str:
    return _load(settings=settings)


def _snapshot() -> list[tuple]:
    """Everything a person would see of the generated children, without database ids."""
    rows = []
    for child in Child.objects.order_by("personnummer").prefetch_related(
        "enrolments__unit", "enrolments__contact_person", "guardianships__guardian"
    ):
        enrolments = sorted(
            (
                e.unit.name,
                e.kind,
                e.grade,
                e.start_date,
                e.end_date,
                e.contact_person.username if e.contact_person else "",
            )
            for e in child.enrolments.all()
        )
        guardians = sorted(
            (g.guardian.personnummer, g.guardian.full_name, g.custody, g.lives_with)
            for g in child.guardianships.all()
        )
        rows.append(
            (
                child.personnummer,
                str(child.public_id),
                child.full_name,
                child.street_address,
                child.protected_identity,
                tuple(enrolments),
                tuple(guardians),
            )
        )
    return rows


def _load_and_forget(seed: int) -> tuple[list[tuple], list[str]]:
    """Load into what is, for this test, a fresh database, read it, and roll it all back."""
    with transaction.atomic():
        demo_data_load(seed=seed, children=SMALL)
        snapshot = _snapshot()
        staff = list(User.objects.order_by("username").values_list("username", flat=True))
        transaction.set_rollback(True)
    assert not Child.objects.exists()
    return snapshot, staff


@pytest.mark.django_db
def test_demo_data__same_seed_twice__same_children_guardians_and_enrolments() -> None:
    first, first_staff = _load_and_forget(seed=3)
    second, second_staff = _load_and_forget(seed=3)
    other, _staff = _load_and_forget(seed=4)

    assert len(first) == SMALL
    assert [row[0] for row in first] == [row[0] for row in second]  # the personnummer
    assert first == second
    assert first_staff == second_staff
    assert [row[0] for row in other] != [row[0] for row in first]


def test_demo_plan__default_size__realistic_ages_without_database() -> None:
    today = dt.date(2026, 11, 23)
    plan = demo_plan(seed=1, children=2500, today=today)

    ages = Counter(age_on(c.birth_date, today) for c in plan.children)
    assert len(plan.children) == 2500
    assert sorted(ages) == list(range(20))
    assert all(0.04 <= ages[a] / 2500 <= 0.06 for a in range(20))
    assert sum(ages[a] for a in range(13, 20)) / 7 > sum(ages[a] for a in range(6)) / 6
    assert demo_plan(seed=1, children=2500, today=today).children == plan.children
    assert len({c.personnummer for c in plan.children}) == 2500
    assert sum(c.transition is not None for c in plan.children) == 30


@pytest.mark.django_db
def test_demo_data__every_child__exactly_one_current_barnkontakt(demo: str) -> None:
    assert Child.objects.count() == SMALL
    assert not children_without_barnkontakt().exists()
    current = Counter(
        BarnkontaktAssignment.objects.filter(ended_at__isnull=True).values_list(
            "child_id", flat=True
        )
    )
    assert set(current.values()) == {1}
    before = BarnkontaktAssignment.objects.count()
    for child in Child.objects.all():  # the daily refresh has nothing to change
        barnkontakt_refresh(child=child)
    assert BarnkontaktAssignment.objects.count() == before


@pytest.mark.django_db
def test_demo_data__identity_numbers__valid_unique_and_synthetic(demo: str) -> None:
    today = timezone.localdate()
    numbers = list(Child.objects.values_list("personnummer", "id_kind", "birth_date"))
    numbers_g = list(Guardian.objects.values_list("personnummer", flat=True))
    for value, id_kind, birth in numbers:
        parsed = parse_identity_number(value, today=today)
        assert parsed.value == value
        assert parsed.birth_date == birth
        assert parsed.kind == (
            IdKind.SAMORDNINGSNUMMER if id_kind == "samordningsnummer" else IdKind.PERSONNUMMER
        )
        assert 900 <= int(value[8:11]) <= 999
        assert 0 <= age_on(birth, today) <= 19
    for value in numbers_g:
        parsed = parse_identity_number(value, today=today)
        assert age_on(parsed.birth_date, today) >= 18
        assert 900 <= int(value[8:11]) <= 999
    everyone = [n for n, _k, _b in numbers] + numbers_g
    assert len(set(everyone)) == len(everyone)


@pytest.mark.django_db
def test_demo_data__organisation__units_domains_and_teams(demo: str) -> None:
    units = list(Unit.objects.select_related("parent", "agency__principal", "district"))
    assert all(u.secrecy_domain == UNIT_TYPE_DOMAIN[u.unit_type] for u in units)
    assert all(u.district is not None for u in units)
    by_type = Counter(u.unit_type for u in units)
    assert by_type[UnitType.SCHOOL] >= 4
    assert by_type[UnitType.PRESCHOOL] >= 4
    assert by_type[UnitType.UPPER_SECONDARY] == 1
    for kind in (
        UnitType.ACTIVITY_RESPONSIBILITY,
        UnitType.ADMINISTRATION,
        UnitType.BVC,
        UnitType.MATERNITY,
        UnitType.SOCIAL_SERVICES,
        UnitType.INTAKE,
        UnitType.CAMHS,
        UnitType.PRIMARY_CARE,
        UnitType.POLICE_AREA,
        UnitType.LEISURE_CENTRE,
    ):
        assert by_type[kind] >= 1, kind
    schools = [u for u in units if u.unit_type == UnitType.SCHOOL]
    assert all((u.lowest_grade, u.highest_grade) == (0, 9) for u in schools)
    assert any(u.agency.principal.kind == PrincipalKind.PRIVATE for u in schools)
    upper = next(u for u in units if u.unit_type == UnitType.UPPER_SECONDARY)
    assert (upper.lowest_grade, upper.highest_grade) == (1, 3)
    teams = {u.parent_id for u in units if u.unit_type == UnitType.STUDENT_HEALTH}
    assert {u.pk for u in units if u.unit_type in (UnitType.SCHOOL, UnitType.UPPER_SECONDARY)} <= (
        teams
    )
    intake = next(u for u in units if u.unit_type == UnitType.INTAKE)
    assert intake.parent is not None and intake.parent.unit_type == UnitType.SOCIAL_SERVICES
    assert set(Principal.objects.values_list("kind", flat=True)) == set(PrincipalKind.values)
    names = {u.name for u in units}
    assert {"Skolsocialt team", "BUP Dalby", "Vårdcentralen Dalby"} <= names
    assert any("Närvaroteamet" in n for n in names)
    assert any(n.startswith("Fritidsgården") for n in names)


@pytest.mark.django_db
def test_demo_data__staff__every_post_and_demo_account(demo: str) -> None:
    roles = set(Membership.objects.values_list("unit__unit_type", "role"))
    for school_type in (UnitType.SCHOOL, UnitType.PRESCHOOL):
        for unit in Unit.objects.filter(unit_type=school_type):
            assert unit.memberships.filter(role=Role.PRINCIPAL).exists(), unit
    for team in Unit.objects.filter(unit_type=UnitType.STUDENT_HEALTH, parent__isnull=False):
        team_roles = set(team.memberships.values_list("role", flat=True))
        assert {Role.SCHOOL_NURSE, Role.COUNSELLOR, Role.PSYCHOLOGIST} <= team_roles, team
    for pair in (
        (UnitType.SCHOOL, Role.SPECIAL_EDUCATOR),
        (UnitType.SCHOOL, Role.TEACHER),
        (UnitType.PRESCHOOL, Role.PRESCHOOL_TEACHER),
        (UnitType.BVC, Role.BVC_NURSE),
        (UnitType.MATERNITY, Role.MIDWIFE),
        (UnitType.SOCIAL_SERVICES, Role.SOCIAL_WORKER),
        (UnitType.SOCIAL_SERVICES, Role.UNIT_MANAGER),
        (UnitType.SOCIAL_SERVICES, Role.SSPF_COORDINATOR),
        (UnitType.INTAKE, Role.SOCIAL_WORKER),
        (UnitType.CAMHS, Role.CLINICIAN),
        (UnitType.PRIMARY_CARE, Role.CLINICIAN),
        (UnitType.POLICE_AREA, Role.POLICE_OFFICER),
        (UnitType.LEISURE_CENTRE, Role.LEISURE_LEADER),
        (UnitType.ACTIVITY_RESPONSIBILITY, Role.ACTIVITY_COORDINATOR),
        (UnitType.ADMINISTRATION, Role.LOG_REVIEWER),
        (UnitType.ADMINISTRATION, Role.ANALYST),
        (UnitType.ADMINISTRATION, Role.SYSTEM_ADMIN),
    ):
        assert pair in roles, pair
    assert Membership.objects.filter(unit__unit_type=UnitType.BVC, role=Role.BVC_NURSE).count() > 1
    unit_names = {u.key: u.name for u in org.UNITS}
    for spec in org.DEMO_ACCOUNTS:
        user = User.objects.get(username=spec.username)
        membership = user.memberships.get()
        assert (membership.role, membership.unit.name) == (spec.role, unit_names[spec.unit])
        assert user.first_name and user.last_name and user.title
        assert not user.is_superuser
        assert user.is_staff == (spec.username == "admin")
    assert User.objects.get(username="rektor").memberships.get().unit.name == "Centrumskolan"
    team = User.objects.get(username="skolskoterska").memberships.get().unit
    assert team.parent is not None and team.parent.name == "Centrumskolan"


@pytest.mark.django_db
def test_demo_data__admin__configures_organisation_in_django_admin_only(demo: str, client) -> None:
    admin = User.objects.get(username="admin")
    client.force_login(admin)

    assert admin.is_staff and not admin.is_superuser
    assert admin.has_perm("organisations.change_unit")
    assert admin.has_perm("organisations.add_membership")
    assert not admin.has_perm("accounts.change_user")
    assert not any(p.startswith("children.") for p in admin.get_all_permissions())
    assert client.get("/admin/organisations/unit/").status_code == 200
    assert not User.objects.get(username="rektor").is_staff


@pytest.mark.django_db
def test_demo_data__demo_mode__demo_accounts_have_password_demo(db: None, settings) -> None:
    out = _load(settings=settings, demo_mode=True)

    for username in org.DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password("demo"), username
    others = User.objects.exclude(username__in=org.DEMO_USERNAMES)
    assert others.exists()
    assert not any(u.has_usable_password() for u in others)
    assert "Lösenord" in out
    assert "socialsekreterare" in out


@pytest.mark.django_db
def test_demo_data__demo_mode_off__no_passwords_and_says_so(db: None, settings) -> None:
    out = _load(settings=settings, demo_mode=False)

    assert not any(u.has_usable_password() for u in User.objects.all())
    assert "Lösenord" not in out
    assert "Demoläget är avstängt" in out
    assert "rektor" in out


@pytest.mark.django_db
def test_demo_data__run_again_same_seed__changes_nothing(demo: str, settings) -> None:
    counts = (
        Child.objects.count(),
        Guardian.objects.count(),
        Enrolment.objects.count(),
        BarnkontaktAssignment.objects.count(),
        User.objects.count(),
    )
    out = _load(settings=settings)

    assert "Demodata finns redan (seed 1" in out
    assert "rektor" in out
    assert DemoDataset.objects.count() == 1
    assert counts == (
        Child.objects.count(),
        Guardian.objects.count(),
        Enrolment.objects.count(),
        BarnkontaktAssignment.objects.count(),
        User.objects.count(),
    )


@pytest.mark.django_db
def test_demo_data__other_seed_or_count_loaded__refused(demo: str, settings) -> None:
    with pytest.raises(CommandError, match="seed 1 med 150 barn"):
        _load(seed=2, settings=settings)
    with pytest.raises(CommandError):
        _load(seed=1, children=SMALL + 1, settings=settings)
    assert Child.objects.count() == SMALL


@pytest.mark.django_db
def test_demo_data__database_with_other_data__refused(world) -> None:
    with pytest.raises(DemoDataRefused):
        demo_data_load(seed=1, children=SMALL)
    assert not DemoDataset.objects.exists()


@pytest.mark.django_db
def test_demo_data__too_few_children__refused() -> None:
    with pytest.raises(CommandError, match="minst"), translation.override("sv"):
        call_command("demo_data", seed=1, children=10, stdout=StringIO())


@pytest.mark.django_db
def test_demo_data__protected_identity__both_kinds(demo: str) -> None:
    kinds = Counter(Child.objects.values_list("protected_identity", flat=True))
    assert kinds[ProtectedIdentity.SEKRETESSMARKERING] >= 1
    assert kinds[ProtectedIdentity.SKYDDAD_FOLKBOKFORING] >= 1
    assert kinds[ProtectedIdentity.NONE] > 0.95 * SMALL


@pytest.mark.django_db
def test_demo_data__rektor__handovers_waiting_and_some_acknowledged(demo: str) -> None:
    rektor = User.objects.get(username="rektor")
    waiting = list(handovers_waiting(user=rektor))

    assert len(waiting) >= 2
    for handover in waiting:
        assert handover.from_assignment is not None
        assert handover.from_assignment.life_stage == LifeStage.PRESCHOOL
        assert handover.to_assignment.life_stage == LifeStage.SCHOOL
        school = handover.child.enrolments.get(kind=EnrolmentKind.SCHOOL)
        preschool = handover.child.enrolments.get(kind=EnrolmentKind.PRESCHOOL)
        assert school.grade == 0
        assert preschool.end_date == school.start_date - dt.timedelta(days=1)
        assert school.start_date.month == 8
    assert Handover.objects.filter(
        status=HandoverStatus.ACKNOWLEDGED, to_assignment__user=rektor
    ).exists()
    overrides = BarnkontaktAssignment.objects.filter(
        source=AssignmentSource.OVERRIDE, ended_at__isnull=True
    )
    assert overrides.count() >= 2
    assert all(o.reason for o in overrides)


@pytest.mark.django_db
def test_demo_data__demo_accounts__have_children_to_work_with(demo: str) -> None:
    def user(name: str) -> User:
        return User.objects.get(username=name)

    def open_at(unit: Unit) -> int:
        return Enrolment.objects.filter(unit=unit, end_date__isnull=True).count()

    assert my_children(user=user("rektor")).count() > 10
    assert my_children(user=user("forskolechef")).exists()
    assert my_children(user=user("bvc")).exists()
    for name in ("socialsekreterare", "bup", "vardcentral", "fritid"):
        assert open_at(user(name).memberships.get().unit) >= 3, name
    assert Enrolment.objects.filter(
        contact_person=user("socialsekreterare"), end_date__isnull=True
    ).exists()


@pytest.mark.django_db
def test_demo_data__education_path__matches_age_and_school_year(demo: str) -> None:
    today = timezone.localdate()
    year = school_year(today)
    stages: dict[int, set[str]] = {}
    for e in Enrolment.objects.filter(
        start_date__lte=today, end_date__isnull=True, kind__in=LIFE_STAGE_KINDS
    ).select_related("child"):
        stages.setdefault(e.child_id, set()).add(e.kind)
        level = year - e.child.birth_date.year - 6  # förskoleklass is 0
        if e.kind == EnrolmentKind.SCHOOL:
            assert e.grade == level
        if e.kind == EnrolmentKind.UPPER_SECONDARY:
            assert e.grade == min(3, level - 9)
    after_school = {EnrolmentKind.UPPER_SECONDARY, EnrolmentKind.ACTIVITY_RESPONSIBILITY}
    for child in Child.objects.all():
        level = year - child.birth_date.year - 6
        kinds = stages[child.pk]
        if age_on(child.birth_date, today) == 0:
            assert kinds == {EnrolmentKind.BVC}
        if level < 0:
            assert not kinds & ({EnrolmentKind.SCHOOL} | after_school)
        elif level <= 9:
            assert EnrolmentKind.SCHOOL in kinds
            assert EnrolmentKind.PRESCHOOL not in kinds
        else:
            assert len(kinds & after_school) == 1


@pytest.mark.django_db
def test_demo_data__access_log__history_with_refusals_and_intact_chain(demo: str) -> None:
    from samsyn.audit.models import AccessLogEntry
    from samsyn.audit.verify import audit_verify

    assert AccessLogEntry.objects.filter(allowed=True).count() >= 10
    assert set(AccessLogEntry.objects.filter(allowed=False).values_list("username", flat=True)) == {
        "polis",
        "fritid",
    }
    assert audit_verify().ok


def test_demo_data__tsi__each_demo_account_has_work_in_the_chain(demo: str) -> None:
    """The stories: an overdue concern for the principal, the teacher's answered concern, a SIP
    that was followed up, an overdue GIP follow-up, a report with feedback, a consultation with
    advice and a withdrawn consent — written through the services, so the log stays intact."""
    from samsyn.audit.verify import audit_verify
    from samsyn.concerns.models import ConcernStatus, ReportStatus
    from samsyn.concerns.selectors import (
        concerns_overdue_for_lead,
        concerns_reported_by,
        concerns_to_answer,
    )
    from samsyn.consent.models import Consent
    from samsyn.plans.models import FollowUpStatus, GuardianAgreement, Plan, PlanKind
    from samsyn.teams.models import Barnteam, TeamMember

    users = {u.username: u for u in User.objects.filter(username__in=org.DEMO_USERNAMES)}
    today = timezone.localdate()
    to_answer = list(concerns_to_answer(user=users["rektor"]))
    assert any(c.respond_by < today for c in to_answer), "one concern overdue"
    assert any(c.created_at.date() == today for c in to_answer), "one concern from today"
    assert concerns_overdue_for_lead(user=users["rektor"]) is not None
    mine = list(concerns_reported_by(user=users["larare"]))
    assert {c.status for c in mine} == {ConcernStatus.RECEIVED, ConcernStatus.TRIAGED}

    sip = Plan.objects.get(kind=PlanKind.SIP)
    assert sip.follow_ups.filter(status=FollowUpStatus.DONE).exists()
    assert sip.follow_ups.filter(status=FollowUpStatus.SCHEDULED, due_date__gt=today).exists()
    assert GuardianAgreement.objects.filter(version__plan=sip).count() == 2
    team = Barnteam.objects.get(child=sip.child)
    assert set(TeamMember.objects.filter(team=team).values_list("user__username", flat=True)) == {
        "rektor",
        "skolskoterska",
        "socialsekreterare",
        "bup",
    }
    assert team.meetings.filter(minutes__gt="").exists()
    gip = Plan.objects.get(kind=PlanKind.GIP)
    assert gip.follow_ups.get(status=FollowUpStatus.SCHEDULED).due_date < today

    from samsyn.concerns.models import Consultation, ReportOfConcern

    report = ReportOfConcern.objects.get()
    assert report.status == ReportStatus.DECIDED and report.feedback
    assert Consultation.objects.get().advice
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() == 1
    assert audit_verify().ok


def test_demo_data__attendance__this_term_with_signals_and_duties(demo: str) -> None:
    """Every pupil has this term's attendance (imported like a school system's file); the
    schools have signals and investigations, and unexcused absence to tell guardians about."""
    from samsyn.attendance.models import (
        AbsenceSignal,
        AttendanceImport,
        AttendanceMonth,
        GuardianNotification,
    )
    from samsyn.demo.attendance import school_days

    last = school_days(timezone.localdate())[-1]
    pupils = (
        Enrolment.objects.filter(kind__in=["school", "upper_secondary"], end_date__isnull=True)
        .values("child_id")
        .distinct()
        .count()
    )
    with_days = AttendanceMonth.objects.values("child_id").distinct().count()
    assert with_days == pupils
    assert AttendanceImport.objects.get().status == "succeeded"
    assert AbsenceSignal.objects.filter(closed_on__isnull=True).exists()
    assert GuardianNotification.objects.filter(date=last, notified_at__isnull=True).exists()
