"""The published figures on a small hand-made municipality: values, suppression, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from samsyn.accounts.models import User
from samsyn.attendance.followup_models import AbsenceInvestigation, GuardianNotification
from samsyn.attendance.testing.storage import store_days
from samsyn.children.models import Child, EnrolmentKind
from samsyn.concerns.models import (
    Concern,
    ConcernIndicator,
    Indicator,
    ReportOfConcern,
    Triage,
    TriageDecision,
)
from samsyn.organisations.models import District, Municipality, SecrecyDomain, Unit, UnitType
from samsyn.plans.models import FollowUp, FollowUpStatus, Plan, PlanKind
from samsyn.statistics import disclosure, exports, figures
from samsyn.statistics.disclosure import Area, AreaError, AreaKind, Period
from samsyn.testing.factories import (
    ChildFactory,
    DistrictFactory,
    EnrolmentFactory,
    MunicipalityFactory,
    UnitFactory,
)
from samsyn.testing.world import World

pytestmark = pytest.mark.django_db

MARCH = Period.month(2026, 3)
SPRING = Period.term("VT", 2026)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@dataclass
class Dalby:
    """A municipality with two districts: Norr (20 children aged 10) and Söder (6)."""

    world: World
    municipality: Municipality
    norr: District
    soder: District
    school: Unit
    children: dict[str, list[Child]] = field(default_factory=dict)

    @property
    def reporter(self) -> User:
        return self.world.users["larare"]

    def report(self, child: Child, day: dt.date) -> ReportOfConcern:
        report = ReportOfConcern.objects.create(
            child=child,
            reporter=self.reporter,
            reporter_unit=self.world.units["school"],
            intake_unit=self.world.units["intake"],
            description="x",
        )
        ReportOfConcern.objects.filter(pk=report.pk).update(created_at=at(day))
        return report

    def concern(
        self, child: Child, day: dt.date, unit: str = "school", indicators: tuple[str, ...] = ()
    ) -> Concern:
        concern = Concern.objects.create(
            child=child,
            reporter=self.reporter,
            reporter_unit=self.world.units[unit],
            observed="x",
            respond_by=day + dt.timedelta(days=7),
        )
        Concern.objects.filter(pk=concern.pk).update(created_at=at(day))
        for indicator in indicators:
            ConcernIndicator.objects.create(concern=concern, indicator=indicator)
        concern.refresh_from_db()
        return concern

    def triage(self, concern: Concern, day: dt.date, decision: str = "own_agency") -> Triage:
        triage = Triage.objects.create(
            concern=concern,
            in_the_way="x",
            information="x",
            i_can_do="x",
            agency_can_do="x",
            help_needed="x",
            decision=decision,
            decided_by=self.reporter,
        )
        Triage.objects.filter(pk=triage.pk).update(decided_at=at(day, 14))
        return triage


@pytest.fixture
def dalby(world: World) -> Dalby:
    municipality = MunicipalityFactory(code="9998", name="Dalby")
    norr = DistrictFactory(municipality=municipality, name="Norr")
    soder = DistrictFactory(municipality=municipality, name="Söder")
    school = UnitFactory(
        agency=world.units["school"].agency,
        unit_type=UnitType.SCHOOL,
        name="Dalbyskolan",
        municipality=municipality,
        district=norr,
    )
    town = Dalby(world, municipality, norr, soder, school)
    ten = dt.date(2016, 1, 15)
    town.children["norr"] = [
        ChildFactory(birth_date=ten, municipality=municipality, district=norr) for _ in range(20)
    ]
    town.children["soder"] = [
        ChildFactory(birth_date=ten, municipality=municipality, district=soder) for _ in range(6)
    ]
    # Not a child 0–19 at the end of the period.
    ChildFactory(birth_date=dt.date(2001, 1, 1), municipality=municipality, district=norr)
    return town


def scope_of(area: Area) -> figures.Scope:
    return figures.resolve(area)


def published(tables: list[figures.PublishedTable], key: str) -> figures.PublishedTable:
    return next(t for t in tables if t.key == key)


def cells(table: figures.PublishedTable, label: str | None) -> dict[str, str]:
    row = next(r for r in table.rows if (r.kind == "total" if label is None else r.label == label))
    return dict(zip(table.columns, row.cells, strict=True))


def assert_protected(table: disclosure.Table, protected: disclosure.ProtectedTable) -> None:
    assert disclosure.audit(table, protected) == []


# --- Areas ------------------------------------------------------------------------------------


def test_areas__municipalities_districts_schools_only(dalby: Dalby) -> None:
    codes = [a.code for a, _label in figures.available_areas()]
    assert "municipality:9998" in codes
    assert f"district:{dalby.norr.pk}" in codes
    assert f"school:{dalby.school.pk}" in codes
    assert f"school:{dalby.world.units['bvc'].pk}" not in codes
    with pytest.raises(AreaError):
        figures.resolve(Area(AreaKind.SCHOOL, str(dalby.world.units["bvc"].pk)))
    with pytest.raises(AreaError):
        figures.resolve(Area(AreaKind.DISTRICT, "999999"))
    with pytest.raises(AreaError):
        figures.resolve(Area(AreaKind.MUNICIPALITY, "0000"))


# --- 1. Reports of concern ----------------------------------------------------------------------


def test_reports__district_month__total_average_per_child(dalby: Dalby) -> None:
    for n in range(10):
        dalby.report(dalby.children["norr"][n], dt.date(2026, 3, 2 + n))
    dalby.report(dalby.children["norr"][0], dt.date(2026, 1, 20))
    dalby.report(dalby.children["norr"][0], dt.date(2026, 4, 1))  # outside March
    scope = scope_of(Area(AreaKind.DISTRICT, str(dalby.norr.pk)))
    table = published(figures.publish(MARCH, scope), "reports")
    assert cells(table, "Norr")[MARCH.label] == "10"
    # months…, then monthly average, children 0–19, per child and month
    assert table.rows[0].cells == ("10", "10,0", "20", "0,500")


def test_reports__term__months_with_the_term_as_total(dalby: Dalby) -> None:
    for n in range(10):
        dalby.report(dalby.children["norr"][n], dt.date(2026, 3, 2 + n))
    for n in range(5):
        dalby.report(dalby.children["norr"][n], dt.date(2026, 1, 12 + n))
    scope = scope_of(Area(AreaKind.DISTRICT, str(dalby.norr.pk)))
    figure = figures.reports_of_concern(SPRING, scope)
    assert figure.table.column_labels == [p.label for p in SPRING.months()]
    table = published(figures.publish(SPRING, scope), "reports")
    # Jan 5, Feb 0, Mar 10, Apr–Jul 0, term 15; 15/7 = 2,14 → 2,1; 2,142…/20 = 0,107.
    assert table.rows[0].cells == ("5", "0", "10", "0", "0", "0", "0", "15", "2,1", "20", "0,107")
    # The chart is the one row over the months.
    assert [d.display for d in table.series] == ["5", "0", "10", "0", "0", "0", "0"]


def test_reports__small_district__suppressed_and_protected(dalby: Dalby) -> None:
    for n in range(7):
        dalby.report(dalby.children["norr"][n], dt.date(2026, 3, 2 + n))
    for n in range(2):
        dalby.report(dalby.children["soder"][n], dt.date(2026, 3, 2 + n))
    scope = scope_of(Area(AreaKind.MUNICIPALITY, "9998"))
    figure = figures.reports_of_concern(MARCH, scope)
    assert figure.table.row_labels == ["Norr", "Söder"]
    assert [list(r) for r in figure.table.counts] == [[7], [2]]
    table = published(figures.publish(MARCH, scope), "reports")
    soder = table.rows[[r.label for r in table.rows].index("Söder")].cells
    assert soder[0] == "<5"
    assert soder[1] == ".."  # its average
    assert soder[2] == "6"  # children 0–19
    assert soder[3] == ".."
    # Norr or the total is suppressed too: 9 − 7 would give Söder away.
    norr = table.rows[[r.label for r in table.rows].index("Norr")].cells
    total = next(r for r in table.rows if r.kind == "total").cells
    assert ".." in (norr[0], total[0])
    assert_protected(figure.table, table.protected)


# --- 2. Indicators × secrecy domain -----------------------------------------------------------


def test_indicators__by_reporter_domain_with_totals(dalby: Dalby) -> None:
    for n in range(6):
        dalby.concern(
            dalby.children["norr"][n], dt.date(2026, 3, 3), indicators=("safe", "healthy")
        )
    for n in range(2):
        dalby.concern(dalby.children["norr"][n], dt.date(2026, 3, 4), "bvc", ("healthy",))
    dalby.concern(dalby.children["norr"][9], dt.date(2026, 2, 4), "bvc", ("safe",))  # February
    scope = scope_of(Area(AreaKind.MUNICIPALITY, "9998"))
    figure = figures.concerns_by_indicator(MARCH, scope)
    safe, healthy = str(Indicator.SAFE.label), str(Indicator.HEALTHY.label)
    school, health = str(SecrecyDomain.SCHOOL.label), str(SecrecyDomain.HEALTH_CARE.label)
    table = figure.table
    counts = {
        (r, c): table.counts[i][j]
        for i, r in enumerate(table.row_labels)
        for j, c in enumerate(table.column_labels)
    }
    assert counts[(safe, school)] == 6
    assert counts[(healthy, school)] == 6
    assert counts[(healthy, health)] == 2
    assert counts[(safe, health)] == 0
    protected = disclosure.protect(table)
    assert protected.cell(healthy, health).display == "<5"
    assert protected.cell(safe, health).display == "0"
    assert protected.cell(None, health).suppressed  # the column total is 2 too
    assert_protected(table, protected)


# --- 3. The process ---------------------------------------------------------------------------


def test_triage_days__median_and_n(dalby: Dalby) -> None:
    for n, days in enumerate((2, 3, 4, 5, 9)):
        concern = dalby.concern(dalby.children["norr"][n], dt.date(2026, 3, 2))
        dalby.triage(concern, dt.date(2026, 3, 2) + dt.timedelta(days=days))
    scope = scope_of(Area(AreaKind.DISTRICT, str(dalby.norr.pk)))
    table = published(figures.publish(MARCH, scope), "triage")
    assert table.rows[0].cells == ("5", "4")


def test_triage_days__fewer_than_five__no_median(dalby: Dalby) -> None:
    for n, days in enumerate((2, 3, 4, 6)):
        concern = dalby.concern(dalby.children["norr"][n], dt.date(2026, 3, 2))
        dalby.triage(concern, dt.date(2026, 3, 2) + dt.timedelta(days=days))
    scope = scope_of(Area(AreaKind.DISTRICT, str(dalby.norr.pk)))
    table = published(figures.publish(MARCH, scope), "triage")
    assert table.rows[0].cells == ("<5", "..")


def test_median_display__even_count_and_suppression() -> None:
    n = disclosure.protect_count(6)
    assert figures.median_display([1, 2, 3, 4, 5, 6], n) == "3,5"
    assert figures.median_display([1, 2, 3, 4], disclosure.protect_count(4)) == ".."


def test_sip_waiting__days_from_barnteam_triage_to_plan(dalby: Dalby) -> None:
    user = dalby.reporter
    for n, days in enumerate((10, 12, 14, 20, 30)):
        child = dalby.children["norr"][n]
        concern = dalby.concern(child, dt.date(2026, 1, 10))
        dalby.triage(concern, dt.date(2026, 2, 1), TriageDecision.BARNTEAM)
        plan = Plan.objects.create(child=child, kind=PlanKind.SIP, created_by=user)
        Plan.objects.filter(pk=plan.pk).update(
            created_at=at(dt.date(2026, 2, 1) + dt.timedelta(days=days))
        )
    scope = scope_of(Area(AreaKind.DISTRICT, str(dalby.norr.pk)))
    table = published(figures.publish(MARCH, scope), "sip")
    # 10 and 12 days fall in February; three in March: too few for a median.
    assert table.rows[0].cells == ("<5", "..")
    table = published(figures.publish(SPRING, scope), "sip")
    assert table.rows[0].cells == ("5", "14")


def test_follow_ups__share_held_on_time(dalby: Dalby) -> None:
    user = dalby.reporter
    for n in range(11):
        plan = Plan.objects.create(
            child=dalby.children["norr"][n], kind=PlanKind.SIP, created_by=user
        )
        due = dt.date(2026, 3, 10)
        done = due - dt.timedelta(days=1) if n < 6 else due + dt.timedelta(days=2)
        FollowUp.objects.create(
            plan=plan,
            due_date=due,
            scheduled_by=user,
            status=FollowUpStatus.DONE if n < 9 else FollowUpStatus.SCHEDULED,
            done_at=at(done) if n < 9 else None,
        )
    scope = scope_of(Area(AreaKind.DISTRICT, str(dalby.norr.pk)))
    table = published(figures.publish(MARCH, scope), "followups")
    # 6 on time, 3 late and 2 not yet held: 5 not on time; 6/11 = 54,5 %.
    assert table.rows[0].cells == ("6", "5", "11", "54,5")


def test_invitations__by_member_domain(dalby: Dalby) -> None:
    from samsyn.teams.models import Invitation, InvitationStatus, Meeting, TeamMember
    from samsyn.testing.factories import barnteam_for

    world = dalby.world
    lead = dalby.reporter
    for n in range(6):
        team = barnteam_for(
            dalby.children["norr"][n],
            lead,
            world.units["school"],
            [(world.users["socialsekreterare"], world.units["ifo"])],
        )
        meeting = Meeting.objects.create(
            team=team,
            starts_at=at(dt.date(2026, 3, 10)),
            ends_at=at(dt.date(2026, 3, 10), 11),
            location="Rum 1",
            created_by=lead,
        )
        for member in TeamMember.objects.filter(team=team):
            at_school = member.unit == world.units["school"]
            Invitation.objects.create(
                meeting=meeting,
                member=member,
                status=InvitationStatus.ACCEPTED
                if at_school or n < 4
                else InvitationStatus.DECLINED,
            )
    scope = scope_of(Area(AreaKind.MUNICIPALITY, "9998"))
    figure = figures.invitations_by_domain(MARCH, scope)
    table = published(figures.publish(MARCH, scope), "invitations")
    school = cells(table, str(SecrecyDomain.SCHOOL.label))
    social = cells(table, str(SecrecyDomain.SOCIAL_SERVICES.label))
    assert list(school.values()) == ["6", "0", "0", "6", "100,0"]
    accepted, declined, _unanswered, _sent, share = social.values()
    assert "<5" in (accepted, declined)
    assert share == ".."
    assert_protected(figure.table, table.protected)


# --- 4. Attendance ----------------------------------------------------------------------------


def test_absence_band__boundaries(dalby: Dalby) -> None:
    """Each band's lower bound belongs to it, a hair below belongs to the band under it
    (exact integer comparisons in SQL, no rounding)."""
    pupils = dalby.children["norr"][:8]
    _at_school(pupils, dalby)
    # Per day 1,000 scheduled minutes and ``absent`` of them away: the share is absent/1000.
    for child, absent in zip(pupils, [0, 49, 50, 99, 100, 200, 499, 500], strict=True):
        _days(child, absent, scheduled=1000, days=1)
    counts = figures._absence_band_counts(MARCH, [dalby.school.pk])
    assert sorted(counts) == [
        (dalby.school.pk, 0, 2),  # 0 and 4.9 %
        (dalby.school.pk, 1, 2),  # 5 and 9.9 %
        (dalby.school.pk, 2, 1),  # 10 %
        (dalby.school.pk, 3, 2),  # 20 and 49.9 %
        (dalby.school.pk, 4, 1),  # 50 %
    ]


def _at_school(pupils: list[Child], dalby: Dalby) -> None:
    for child in pupils:
        EnrolmentFactory(
            child=child,
            unit=dalby.school,
            kind=EnrolmentKind.SCHOOL,
            start_date=dt.date(2025, 8, 15),
        )


def _days(child: Child, absent: int, scheduled: int = 300, days: int = 10) -> None:
    store_days(
        dict(
            child=child,
            date=dt.date(2026, 3, 2) + dt.timedelta(days=d),
            scheduled_minutes=scheduled,
            attendance_minutes=scheduled - absent,
            valid_absence_minutes=absent // 2,
            invalid_absence_minutes=absent - absent // 2,
            other_attendance_minutes=0,
            lesson_count=5,
        )
        for d in range(days)
    )


def test_absence_bands__pupils_per_school(dalby: Dalby) -> None:
    pupils = dalby.children["norr"][:12]
    _at_school(pupils, dalby)
    for child in pupils[:8]:
        _days(child, 0)
    for child in pupils[8:10]:
        _days(child, 15)  # exactly 5 %
    _days(pupils[10], 180)  # 60 %
    # pupils[11] has no days: not counted.
    scope = scope_of(Area(AreaKind.SCHOOL, str(dalby.school.pk)))
    figure = figures.absence_bands(MARCH, scope)
    assert figure is not None
    assert [list(r) for r in figure.table.counts] == [[8, 2, 0, 0, 1]]
    table = published(figures.publish(MARCH, scope), "absence")
    assert table.rows[0].label == "Dalbyskolan"
    shown = table.rows[0].cells
    # Two suppressed cells adding up to 3 (11 − 8): 1 + 2 or 2 + 1, neither is given away.
    assert shown == ("8", "<5", "0", "0", "<5", "11")
    assert_protected(figure.table, table.protected)


def test_notifications_and_investigations(dalby: Dalby) -> None:
    child = dalby.children["norr"][10]
    school = dalby.school
    for n in range(7):
        GuardianNotification.objects.create(
            child=dalby.children["norr"][n],
            unit=school,
            date=dt.date(2026, 3, 9),
            invalid_minutes=40,
            notified_at=at(dt.date(2026, 3, 9), 15) if n < 6 else None,
        )
    for n in range(6):
        AbsenceInvestigation.objects.create(
            child=dalby.children["norr"][n], unit=school, opened_on=dt.date(2026, 1, 10)
        )
    AbsenceInvestigation.objects.create(
        child=child, unit=school, opened_on=dt.date(2026, 3, 20), closed_on=dt.date(2026, 3, 30)
    )
    scope = scope_of(Area(AreaKind.SCHOOL, str(school.pk)))
    tables = figures.publish(MARCH, scope)
    notified = published(tables, "notifications")
    shown = notified.rows[0].cells
    assert shown[1] == "0" and shown[2] == "<5"
    assert ".." in (shown[0], shown[3])  # 7 − 6 would give the one not told away
    assert shown[4] == ".."  # so the share is not shown either
    assert_protected(figures.guardian_notifications(MARCH, scope).table, notified.protected)  # type: ignore[union-attr]
    opened = published(tables, "investigations")
    assert opened.rows[0].cells == ("<5", "<5", "6")


# --- Exports ----------------------------------------------------------------------------------


def test_exports__csv_and_excel_equal_the_displayed_cells(dalby: Dalby) -> None:
    for n in range(7):
        dalby.report(dalby.children["norr"][n], dt.date(2026, 3, 2 + n))
    for n in range(2):
        dalby.report(dalby.children["soder"][n], dt.date(2026, 3, 2 + n))
    scope = scope_of(Area(AreaKind.MUNICIPALITY, "9998"))
    for table in figures.publish(SPRING, scope):
        expected = [table.header(), *table.body()]
        text = exports.to_csv(table).decode("utf-8")
        assert text.startswith("\ufeff")
        assert list(csv.reader(io.StringIO(text[1:]), delimiter=";")) == expected
        sheet: Any = load_workbook(io.BytesIO(exports.to_xlsx(table))).active
        rows = [["" if v is None else str(v) for v in row] for row in sheet.values]
        assert rows == expected
    reports = published(figures.publish(SPRING, scope), "reports")
    flat = [c for r in reports.body() for c in r]
    assert "<5" in flat and ".." in flat


# --- Counted in the database: local dates, latest triage, one table per export -----------------


def at_time(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def test_reports__month_of_the_local_date(dalby: Dalby) -> None:
    # 00:30 on 1 April in Stockholm is still 31 March in UTC: it counts in April.
    for n in range(5):
        report = dalby.report(dalby.children["norr"][n], dt.date(2026, 4, 1))
        ReportOfConcern.objects.filter(pk=report.pk).update(
            created_at=at_time(dt.date(2026, 4, 1), 0, 30)
        )
    scope = scope_of(Area(AreaKind.DISTRICT, str(dalby.norr.pk)))
    figure = figures.reports_of_concern(SPRING, scope)
    assert dict(zip(figure.table.column_labels, figure.table.counts[0], strict=True)) == {
        p.label: (5 if p.number == 4 else 0) for p in SPRING.months()
    }
    assert figure.children is not None and figure.children.counts == [[20]]


def test_triage_days__calendar_days_of_the_local_dates(dalby: Dalby) -> None:
    # 23:30 → 00:30 the next day (Stockholm) is one calendar day, though the same UTC date.
    for n in range(5):
        concern = dalby.concern(dalby.children["norr"][n], dt.date(2026, 3, 2))
        Concern.objects.filter(pk=concern.pk).update(
            created_at=at_time(dt.date(2026, 3, 2), 23, 30)
        )
        triage = dalby.triage(concern, dt.date(2026, 3, 3))
        Triage.objects.filter(pk=triage.pk).update(decided_at=at_time(dt.date(2026, 3, 3), 0, 30))
    scope = scope_of(Area(AreaKind.MUNICIPALITY, "9998"))
    figure = figures.triage_days(MARCH, scope)
    assert figure.medians["Norr"] == (1, 1, 1, 1, 1)
    assert figure.medians["Söder"] == ()
    assert figure.medians[None] == (1, 1, 1, 1, 1)


def test_sip_waiting__the_latest_barnteam_triage_before_the_plan(dalby: Dalby) -> None:
    user = dalby.reporter
    for n, days in enumerate((10, 12, 14, 20, 30, 40)):
        child = dalby.children["norr" if n < 4 else "soder"][n]
        early = dalby.concern(child, dt.date(2025, 12, 1))
        dalby.triage(early, dt.date(2025, 12, 2), TriageDecision.BARNTEAM)
        concern = dalby.concern(child, dt.date(2026, 1, 10))
        dalby.triage(concern, dt.date(2026, 2, 1), TriageDecision.BARNTEAM)
        # Neither another decision nor a Barnteam decision after the plan counts.
        other = dalby.concern(child, dt.date(2026, 2, 3))
        dalby.triage(other, dt.date(2026, 2, 4), TriageDecision.OWN_AGENCY)
        plan = Plan.objects.create(child=child, kind=PlanKind.SIP, created_by=user)
        Plan.objects.filter(pk=plan.pk).update(
            created_at=at(dt.date(2026, 2, 1) + dt.timedelta(days=days))
        )
        later = dalby.concern(child, dt.date(2026, 4, 1))
        dalby.triage(later, dt.date(2026, 4, 2), TriageDecision.BARNTEAM)
    # A SIP without a Barnteam decision before it is not counted.
    Plan.objects.create(child=dalby.children["norr"][10], kind=PlanKind.SIP, created_by=user)
    Plan.objects.filter(child=dalby.children["norr"][10]).update(created_at=at(dt.date(2026, 3, 5)))
    scope = scope_of(Area(AreaKind.MUNICIPALITY, "9998"))
    figure = figures.sip_waiting_days(SPRING, scope)
    assert figure.medians["Norr"] == (10, 12, 14, 20)
    assert figure.medians["Söder"] == (30, 40)
    assert figure.table.counts == [[4], [2]]


def test_follow_ups__held_after_midnight_is_late(dalby: Dalby) -> None:
    user = dalby.reporter
    due = dt.date(2026, 3, 10)
    for n in range(6):
        plan = Plan.objects.create(
            child=dalby.children["norr"][n], kind=PlanKind.SIP, created_by=user
        )
        # 00:30 the day after the due date (Stockholm) is the due date in UTC.
        FollowUp.objects.create(
            plan=plan,
            due_date=due,
            scheduled_by=user,
            status=FollowUpStatus.DONE,
            done_at=at_time(due + dt.timedelta(days=1), 0, 30) if n < 3 else at_time(due, 23, 30),
        )
    scope = scope_of(Area(AreaKind.DISTRICT, str(dalby.norr.pk)))
    assert figures.follow_ups_on_time(MARCH, scope).table.counts == [[3, 3]]


def test_investigations__opened_closed_and_long_open(dalby: Dalby) -> None:
    school = dalby.school
    kids = dalby.children["norr"]
    cases = [
        (dt.date(2026, 1, 10), None),  # open long: counted as such
        (dt.date(2026, 3, 20), None),  # opened in March, not four weeks yet
        (dt.date(2026, 2, 1), dt.date(2026, 3, 5)),  # closed in March
        (dt.date(2026, 3, 2), dt.date(2026, 3, 9)),  # opened and closed in March
        (dt.date(2026, 1, 5), dt.date(2026, 4, 2)),  # closed after March: open long at its end
        (dt.date(2026, 1, 5), dt.date(2026, 2, 20)),  # closed before March: not counted
        (dt.date(2026, 4, 1), None),  # opened after March: not counted
    ]
    for kid, (opened_on, closed_on) in zip(kids, cases, strict=False):
        AbsenceInvestigation.objects.create(
            child=kid, unit=school, opened_on=opened_on, closed_on=closed_on
        )
    scope = scope_of(Area(AreaKind.SCHOOL, str(school.pk)))
    figure = figures.investigations(MARCH, scope)
    assert figure is not None and figure.table.counts == [[2, 2, 2]]


def test_publish_table__each_key_as_published(dalby: Dalby) -> None:
    for n in range(7):
        dalby.report(dalby.children["norr"][n], dt.date(2026, 3, 2 + n))
    scope = scope_of(Area(AreaKind.MUNICIPALITY, "9998"))
    tables = figures.publish(SPRING, scope)
    assert [t.key for t in tables] == [
        key
        for key, _build in figures.PUBLISHERS
        if figures.publish_table(SPRING, scope, key) is not None
    ]
    for table in tables:
        assert figures.publish_table(SPRING, scope, table.key) == table
    assert figures.publish_table(SPRING, scope, "nope") is None
    assert figures.publish_table(SPRING, scope, "population") is None  # nothing imported


def test_publish_table__computes_only_its_figure(
    dalby: Dalby, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(period: Period, scope: figures.Scope) -> figures.Figure:
        raise AssertionError("computed a figure that was not asked for")

    for name in ("absence_bands", "guardian_notifications", "investigations", "triage_days"):
        monkeypatch.setattr(figures, name, refuse)
    scope = scope_of(Area(AreaKind.MUNICIPALITY, "9998"))
    table = figures.publish_table(SPRING, scope, "reports")
    assert table is not None and table.key == "reports"
