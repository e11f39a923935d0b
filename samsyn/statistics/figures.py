"""The published statistical figures: aggregate tables that never reveal a child.

Each figure function takes a :class:`~samsyn.statistics.disclosure.Period` (a whole month or
term) and a :class:`Scope` (a predefined :class:`~samsyn.statistics.disclosure.Area`) and
returns the *raw* :class:`~samsyn.statistics.disclosure.Table` of counts together with what is
derived from it (medians, rates). Nothing about a single child leaves this module: records are
read as ids, dates and unit keys only, and counted here.

:func:`publish` turns every figure into a :class:`PublishedTable` — what the page, the CSV and
the Excel file show, cell for cell: counts through :func:`disclosure.protect`, rates through
:func:`disclosure.protect_rate` (or the seed's truncation, see :mod:`population`), and medians
over fewer than five cases shown as ``..``.

Areas. A *municipality* and a *district* are the children registered there (``Child``); a
*school* is the children with an enrolment at the school during the period. Tables over the
municipality have a row per district (and "No district" when a child has none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from django.db import connection
from django.db.models import Count, Expression, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.attendance.followup_models import AbsenceInvestigation, GuardianNotification
from samsyn.attendance.models import AttendanceMonth
from samsyn.children.models import Child, Enrolment
from samsyn.concerns.models import (
    ConcernIndicator,
    Indicator,
    ReportOfConcern,
    Triage,
    TriageDecision,
)
from samsyn.organisations.models import (
    District,
    Municipality,
    SecrecyDomain,
    Unit,
    UnitType,
)
from samsyn.plans.models import FollowUp, Plan, PlanKind
from samsyn.statistics import disclosure
from samsyn.statistics.disclosure import (
    Area,
    AreaError,
    AreaKind,
    Cell,
    Period,
    ProtectedTable,
    Rate,
    Reason,
    Table,
)
from samsyn.statistics.models import PopulationFigure
from samsyn.statistics.population import concern_rates
from samsyn.teams.models import Invitation, InvitationStatus

THRESHOLD = disclosure.DEFAULT_THRESHOLD
MIN_CASES = 5  # medians and averages over fewer cases are not published
LONG_OPEN_DAYS = 28
SCHOOL_TYPES = (UnitType.SCHOOL, UnitType.UPPER_SECONDARY)
# Absence bands: [low, high) as fractions of scheduled time; the last has no upper end.
ABSENCE_BANDS: tuple[tuple[Fraction, Fraction | None], ...] = (
    (Fraction(0), Fraction(5, 100)),
    (Fraction(5, 100), Fraction(10, 100)),
    (Fraction(10, 100), Fraction(20, 100)),
    (Fraction(20, 100), Fraction(50, 100)),
    (Fraction(50, 100), None),
)
ABSENCE_BAND_LABELS = ("< 5 %", "5–10 %", "10–20 %", "20–50 %", "≥ 50 %")


# --- Areas ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A predefined area, resolved: what its rows are and which children it holds."""

    area: Area
    label: str
    municipality: Municipality
    district: District | None = None
    school: Unit | None = None


def available_areas() -> list[tuple[Area, str]]:
    """Every predefined area: municipalities, then their districts, then their schools."""
    out: list[tuple[Area, str]] = []
    for m in Municipality.objects.order_by("name"):
        out.append((Area(AreaKind.MUNICIPALITY, m.code), m.name))
    for d in District.objects.select_related("municipality").order_by("municipality__name", "name"):
        out.append((Area(AreaKind.DISTRICT, str(d.pk)), f"{d.name} ({d.municipality.name})"))
    schools = Unit.objects.filter(unit_type__in=SCHOOL_TYPES).select_related("municipality")
    for u in schools.order_by("municipality__name", "name"):
        out.append((Area(AreaKind.SCHOOL, str(u.pk)), f"{u.name} ({u.municipality.name})"))
    return out


def resolve(area: Area) -> Scope:
    """The scope of a predefined area; :class:`AreaError` for anything else."""
    if area.kind == AreaKind.MUNICIPALITY:
        m = Municipality.objects.filter(code=area.id).first()
        if m is not None:
            return Scope(area, m.name, m)
    elif area.id.isdigit():
        if area.kind == AreaKind.DISTRICT:
            d = District.objects.select_related("municipality").filter(pk=int(area.id)).first()
            if d is not None:
                return Scope(area, d.name, d.municipality, district=d)
        else:
            u = (
                Unit.objects.select_related("municipality", "district")
                .filter(pk=int(area.id), unit_type__in=SCHOOL_TYPES)
                .first()
            )
            if u is not None:
                return Scope(area, u.name, u.municipality, district=u.district, school=u)
    raise AreaError(_("Statistics can only be filtered by predefined areas."))


def _children_q(scope: Scope, period: Period, prefix: str = "") -> Q:
    """The children of the area, as a filter on ``prefix`` + child fields."""
    if scope.school is not None:
        enrolled = Enrolment.objects.filter(
            Q(unit=scope.school),
            Q(start_date__lte=period.end),
            Q(end_date__isnull=True) | Q(end_date__gte=period.start),
        ).values("child_id")
        return Q(**{f"{prefix}pk__in": enrolled})
    if scope.district is not None:
        return Q(**{f"{prefix}district_id": scope.district.pk})
    return Q(**{f"{prefix}municipality_id": scope.municipality.pk})


class _Rows:
    """The rows of a table by district: one per district of a municipality, else the area."""

    def __init__(self, scope: Scope) -> None:
        self.single: str | None = None
        self.names: dict[int, str] = {}
        if scope.school is not None or scope.district is not None:
            self.single = scope.label
        else:
            for d in District.objects.filter(municipality=scope.municipality).order_by("name"):
                self.names[d.pk] = d.name
        self.none_label = _("No district")

    def label(self, district_id: int | None) -> str:
        if self.single is not None:
            return self.single
        if district_id is None or district_id not in self.names:
            return self.none_label
        return self.names[district_id]

    def labels(self, used: Iterable[str]) -> list[str]:
        if self.single is not None:
            return [self.single]
        labels = list(self.names.values())
        if self.none_label in set(used) or not labels:
            labels.append(self.none_label)
        return labels


def _aware_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


# --- Figures ----------------------------------------------------------------------------------


@dataclass
class Figure:
    """One figure's raw material: its table of counts and what derives from it."""

    key: str
    table: Table
    # The cases (days) per row label (None: the total row) for the median column.
    medians: dict[str | None, tuple[int, ...]] = field(default_factory=dict)
    children: Table | None = None  # reports of concern: children 0–19 per row
    months: int = 1


def reports_of_concern(period: Period, scope: Scope) -> Figure:
    """Reports of concern (orosanmälningar) per district and month; children 0–19 per row."""
    start, end = _aware_bounds(period)
    rows = _Rows(scope)
    months = period.months()
    month_index = {(p.year, p.number): i for i, p in enumerate(months)}
    counts: dict[str, list[int]] = {}
    # The local (Stockholm) year and month of each report, counted per district.
    records = (
        ReportOfConcern.objects.filter(
            _children_q(scope, period, "child__"), created_at__gte=start, created_at__lt=end
        )
        .annotate(year=ExtractYear("created_at"), month=ExtractMonth("created_at"))
        .values("child__district_id", "year", "month")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("child__district_id", "year", "month", "n")
    )
    for district_id, year, month, n in records:
        label = rows.label(district_id)
        counts.setdefault(label, [0] * len(months))[month_index[(year, month)]] += n
    labels = rows.labels(counts)
    table = Table(
        row_labels=labels,
        column_labels=[p.label for p in months],
        counts=[counts.get(label, [0] * len(months)) for label in labels],
        row_totals=len(months) > 1,
        column_totals=len(labels) > 1,
    )
    # Children 0–19 at the end of the period.
    born_after = _years_before(period.end, 20)
    population: dict[str, int] = {}
    children = (
        Child.objects.filter(
            _children_q(scope, period), birth_date__gt=born_after, birth_date__lte=period.end
        )
        .values("district_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("district_id", "n")
    )
    for district_id, n in children:
        label = rows.label(district_id)
        population[label] = population.get(label, 0) + n
    return Figure(
        key="reports",
        table=table,
        children=Table.from_counts(
            labels, [population.get(label, 0) for label in labels], total=len(labels) > 1
        ),
        months=len(months),
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _cross_counts(
    rows: QuerySet[Any],
    row_field: str,
    row_values: Sequence[Any],
    column_field: str,
    column_values: Sequence[Any],
) -> list[list[int]]:
    """``rows`` counted in the database by two fields: one list per row value, one count per
    column value (values outside the given ones are not counted)."""
    r_index = {str(v.value): n for n, v in enumerate(row_values)}
    c_index = {str(v.value): n for n, v in enumerate(column_values)}
    counts = [[0] * len(column_values) for _r in row_values]
    records = (
        rows.values(row_field, column_field)
        .annotate(n=Count("pk"))
        .order_by()
        .values_list(row_field, column_field, "n")
    )
    for row, column, n in records:
        if row in r_index and column in c_index:
            counts[r_index[row]][c_index[column]] += n
    return counts


def concerns_by_indicator(period: Period, scope: Scope) -> Figure:
    """Wellbeing indicators of the concerns registered in the period × reporter's domain."""
    start, end = _aware_bounds(period)
    indicators = list(Indicator)
    domains = list(SecrecyDomain)
    rows = ConcernIndicator.objects.filter(
        _children_q(scope, period, "concern__child__"),
        concern__created_at__gte=start,
        concern__created_at__lt=end,
    )
    table = Table(
        row_labels=[str(v.label) for v in indicators],
        column_labels=[str(v.label) for v in domains],
        counts=_cross_counts(
            rows, "indicator", indicators, "concern__reporter_unit__secrecy_domain", domains
        ),
    )
    return Figure(key="indicators", table=table)


CaseCount = tuple[int | None, int, int]  # (district id, days, number of cases)


def _days_between(later: str, earlier: str) -> Expression:
    """Calendar days from the local (Stockholm) date of ``earlier`` to that of ``later``, as a
    duration (whole days)."""
    return TruncDate(later) - TruncDate(earlier)


def _case_counts(rows: Iterable[tuple[int | None, dt.timedelta, int]]) -> list[CaseCount]:
    return [(district_id, days.days, n) for district_id, days, n in rows]


def _median_figure(key: str, scope: Scope, cases: Iterable[CaseCount], column: str) -> Figure:
    """Cases counted by (district id, days) → a table of n per row with the median days per
    row (each row's days in ascending order)."""
    rows = _Rows(scope)
    values: dict[str, list[int]] = {}
    for district_id, days, n in sorted(cases, key=lambda case: case[1]):
        values.setdefault(rows.label(district_id), []).extend([days] * n)
    labels = rows.labels(values)
    table = Table.from_counts(
        labels,
        [len(values.get(label, [])) for label in labels],
        column_label=column,
        total=len(labels) > 1,
    )
    medians: dict[str | None, tuple[int, ...]] = {
        label: tuple(values.get(label, [])) for label in labels
    }
    if len(labels) > 1:
        medians[None] = tuple(v for label in labels for v in values.get(label, []))
    return Figure(key=key, table=table, medians=medians)


def triage_days(period: Period, scope: Scope) -> Figure:
    """Days from a concern to its triage, for triages decided in the period."""
    start, end = _aware_bounds(period)
    records = (
        Triage.objects.filter(
            _children_q(scope, period, "concern__child__"),
            decided_at__gte=start,
            decided_at__lt=end,
        )
        .annotate(days=_days_between("decided_at", "concern__created_at"))
        .values("concern__child__district_id", "days")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("concern__child__district_id", "days", "n")
    )
    return _median_figure("triage", scope, _case_counts(records), _("Triaged concerns"))


def sip_waiting_days(period: Period, scope: Scope) -> Figure:
    """Days from a triage deciding on a Barnteam to the child's SIP, for SIPs made in the
    period (the latest such triage before the plan)."""
    start, end = _aware_bounds(period)
    latest_triage = (
        Triage.objects.filter(
            decision=TriageDecision.BARNTEAM,
            concern__child_id=OuterRef("child_id"),
            decided_at__lte=OuterRef("created_at"),
        )
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )
    records = (
        Plan.objects.filter(
            _children_q(scope, period, "child__"),
            kind=PlanKind.SIP,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(triaged_at=Subquery(latest_triage))
        .filter(triaged_at__isnull=False)  # SIPs without a Barnteam decision before them
        .annotate(days=_days_between("created_at", "triaged_at"))
        .values("child__district_id", "days")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("child__district_id", "days", "n")
    )
    return _median_figure("sip", scope, _case_counts(records), _("SIPs after a Barnteam decision"))


def follow_ups_on_time(period: Period, scope: Scope) -> Figure:
    """Follow-ups due in the period: held on time (done on or before the due date) or not."""
    rows = _Rows(scope)
    counts: dict[str, list[int]] = {}
    # Held on time: done on or before the due date (the local date of ``done_at``); not done
    # (NULL) is not on time.
    records = (
        FollowUp.objects.filter(
            _children_q(scope, period, "plan__child__"),
            due_date__gte=period.start,
            due_date__lte=period.end,
        )
        .annotate(done_on=TruncDate("done_at"))
        .values("plan__child__district_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(done_at__isnull=False, done_on__lte=F("due_date"))),
        )
        .order_by()
        .values_list("plan__child__district_id", "n", "on_time")
    )
    for district_id, n, on_time in records:
        row = counts.setdefault(rows.label(district_id), [0, 0])
        row[0] += on_time
        row[1] += n - on_time
    labels = rows.labels(counts)
    table = Table(
        row_labels=labels,
        column_labels=[_("Held on time"), _("Not held on time")],
        counts=[counts.get(label, [0, 0]) for label in labels],
        column_totals=len(labels) > 1,
    )
    return Figure(key="followups", table=table)


def invitations_by_domain(period: Period, scope: Scope) -> Figure:
    """Invitations to professionals for meetings in the period, by the member's unit's domain."""
    start, end = _aware_bounds(period)
    domains = list(SecrecyDomain)
    statuses = [InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.INVITED]
    rows = Invitation.objects.filter(
        _children_q(scope, period, "meeting__team__child__"),
        member__isnull=False,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
    )
    table = Table(
        row_labels=[str(v.label) for v in domains],
        column_labels=[_("Accepted"), _("Declined"), _("Not answered")],
        counts=_cross_counts(rows, "member__unit__secrecy_domain", domains, "status", statuses),
    )
    return Figure(key="invitations", table=table)


def _schools(scope: Scope) -> list[Unit]:
    if scope.school is not None:
        return [scope.school]
    units = Unit.objects.filter(unit_type__in=SCHOOL_TYPES, municipality=scope.municipality)
    if scope.district is not None:
        units = units.filter(district=scope.district)
    return list(units.order_by("name"))


def _school_labels(schools: Sequence[Unit]) -> dict[int, str]:
    """Unique row labels for schools (names are unique per agency only)."""
    seen: dict[str, int] = {}
    for u in schools:
        seen[u.name] = seen.get(u.name, 0) + 1
    return {u.pk: u.name if seen[u.name] == 1 else f"{u.name} ({u.pk})" for u in schools}


def absence_bands(period: Period, scope: Scope) -> Figure | None:
    """Pupils per school in each absence band over the period's school days.

    A pupil's share is (valid + unexcused absence minutes) / scheduled minutes over the
    period; the pupil counts at the school of their latest school enrolment in the period.
    """
    schools = _schools(scope)
    if not schools:
        return None
    labels = _school_labels(schools)
    counts = {u.pk: [0] * len(ABSENCE_BANDS) for u in schools}
    for unit_id, band, pupils in _absence_band_counts(period, [u.pk for u in schools]):
        counts[unit_id][band] = pupils
    table = Table(
        row_labels=[labels[u.pk] for u in schools],
        column_labels=list(ABSENCE_BAND_LABELS),
        counts=[counts[u.pk] for u in schools],
        column_totals=len(schools) > 1,
    )
    return Figure(key="absence", table=table)


def _absence_band_counts(period: Period, unit_ids: list[int]) -> list[tuple[int, int, int]]:
    """(school, band, pupils) counted in the database: each pupil's sums over the period come
    from the months' stored totals (periods are whole months), the band from exact integer
    comparisons (absent × d < n × scheduled for a bound n/d), the school from the pupil's latest
    school enrolment in the period (latest start, then latest created). Every pupil's sums are
    made and then joined with the schools' pupils: one index-only scan of the period's months
    (PostgreSQL), where a filter by the schools' pupils led the planner into one index lookup
    per pupil (0.5 s for a municipality's term)."""
    band = (
        "CASE "
        + " ".join(
            f"WHEN s.absent * {high.denominator} < {high.numerator} * s.scheduled THEN {n}"
            for n, (_low, high) in enumerate(ABSENCE_BANDS)
            if high is not None
        )
        + f" ELSE {len(ABSENCE_BANDS) - 1} END"
    )
    units = ", ".join(["%s"] * len(unit_ids))
    sql = f"""
        WITH place AS (
            SELECT child_id, unit_id, ROW_NUMBER() OVER (
                PARTITION BY child_id ORDER BY start_date DESC, id DESC) AS latest
            FROM {Enrolment._meta.db_table}
            WHERE unit_id IN ({units}) AND start_date <= %s
              AND (end_date IS NULL OR end_date >= %s)
        ),
        s AS (
            SELECT m.child_id, SUM(m.scheduled_minutes) AS scheduled,
                   SUM(m.valid_absence_minutes + m.invalid_absence_minutes) AS absent
            FROM {AttendanceMonth._meta.db_table} m
            WHERE m.month >= %s AND m.month <= %s
            GROUP BY m.child_id
        )
        SELECT p.unit_id, {band} AS band, COUNT(*)
        FROM s JOIN place p ON p.child_id = s.child_id AND p.latest = 1
        WHERE s.scheduled > 0
        GROUP BY p.unit_id, band
    """
    params: list[Any] = [*unit_ids, period.end, period.start, period.start, period.end]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(u), int(b), int(n)) for u, b, n in cursor.fetchall()]


def guardian_notifications(period: Period, scope: Scope) -> Figure | None:
    """Guardian-notification duties for days in the period, by when the guardians were told."""
    schools = _schools(scope)
    if not schools:
        return None
    labels = _school_labels(schools)
    counts = {u.pk: [0, 0, 0] for u in schools}
    told = Q(notified_at__isnull=False)
    # TruncDate takes the local (Stockholm) date of when the guardians were told.
    rows = (
        GuardianNotification.objects.filter(
            unit__in=schools, date__gte=period.start, date__lte=period.end
        )
        .annotate(told_on=TruncDate("notified_at"))
        .values("unit_id")
        .annotate(
            same_day=Count("pk", filter=told & Q(told_on__lte=F("date"))),
            later=Count("pk", filter=told & Q(told_on__gt=F("date"))),
            never=Count("pk", filter=~told),
        )
        .order_by()  # the model's ordering would join every row's child for nothing
        .values_list("unit_id", "same_day", "later", "never")
    )
    for unit_id, same_day, later, never in rows:
        counts[unit_id] = [same_day, later, never]
    table = Table(
        row_labels=[labels[u.pk] for u in schools],
        column_labels=[_("Told the same day"), _("Told later"), _("Not told")],
        counts=[counts[u.pk] for u in schools],
        column_totals=len(schools) > 1,
    )
    return Figure(key="notifications", table=table)


def investigations(period: Period, scope: Scope) -> Figure | None:
    """Absence investigations per school: opened and closed in the period, and at its end
    open longer than four weeks."""
    schools = _schools(scope)
    if not schools:
        return None
    labels = _school_labels(schools)
    long_before = period.end - dt.timedelta(days=LONG_OPEN_DAYS)
    counts = {u.pk: [0, 0, 0] for u in schools}
    still_open = Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)
    rows = (
        AbsenceInvestigation.objects.filter(
            Q(unit__in=schools),
            Q(opened_on__lte=period.end),
            Q(closed_on__isnull=True) | Q(closed_on__gte=period.start),
        )
        .values("unit_id")
        .annotate(
            opened=Count("pk", filter=Q(opened_on__gte=period.start)),
            closed=Count("pk", filter=Q(closed_on__isnull=False, closed_on__lte=period.end)),
            long_open=Count("pk", filter=still_open & Q(opened_on__lt=long_before)),
        )
        .order_by()
        .values_list("unit_id", "opened", "closed", "long_open")
    )
    for unit_id, opened, closed, long_open in rows:
        counts[unit_id] = [opened, closed, long_open]
    table = Table(
        row_labels=[labels[u.pk] for u in schools],
        column_labels=[
            _("Opened in the period"),
            _("Closed in the period"),
            _("Open longer than four weeks"),
        ],
        counts=[counts[u.pk] for u in schools],
        row_totals=False,
        column_totals=len(schools) > 1,
    )
    return Figure(key="investigations", table=table)


# --- Publishing -------------------------------------------------------------------------------

Family = Literal["concerns", "process", "attendance"]


@dataclass(frozen=True)
class DisplayRow:
    label: str
    kind: disclosure.RowKind
    level: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class BarDatum:
    label: str
    value: int | None  # None: suppressed (no bar)
    display: str


@dataclass(frozen=True)
class PublishedTable:
    """One table as shown: every cell as its display text, exactly as exported."""

    key: str
    family: Family
    title: str
    description: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[DisplayRow, ...]
    protected: ProtectedTable
    series: tuple[BarDatum, ...] = ()  # a 1-D series for the bar chart
    series_title: str = ""
    withheld: bool = False

    def header(self) -> list[str]:
        return [self.row_header, *self.columns]

    def body(self) -> list[list[str]]:
        return [[row.label, *row.cells] for row in self.rows]


def _suppressed_rate() -> Rate:
    return Rate(None, True, Reason.DERIVED)


def _decimal_display(value: Decimal) -> str:
    return str(value).replace(".", ",")


def median_display(values: Sequence[int], n: Cell) -> str:
    """The median of ``values`` with one decimal, or ``..`` over fewer than five cases."""
    if n.suppressed or len(values) < MIN_CASES:
        return disclosure.SECONDARY_DISPLAY
    ordered = sorted(values)
    mid = len(ordered) // 2
    exact = (
        Fraction(ordered[mid]) if len(ordered) % 2 else Fraction(ordered[mid - 1] + ordered[mid], 2)
    )
    if exact.denominator == 1:
        return str(exact.numerator)
    return _decimal_display(Decimal(exact.numerator) / Decimal(exact.denominator))


def _rows(protected: ProtectedTable) -> list[tuple[str | None, disclosure.ProtectedRow]]:
    return [(None if r.kind == "total" else r.label, r) for r in protected.rows]


def _count_cells(row: disclosure.ProtectedRow) -> list[str]:
    cells = [c.display for c in row.cells]
    if row.total is not None:
        cells.append(row.total.display)
    return cells


def _count_columns(protected: ProtectedTable, table: Table) -> list[str]:
    columns = list(protected.column_labels)
    if table.row_totals:
        columns.append(_("Total"))
    return columns


def _row_total(row: disclosure.ProtectedRow) -> Cell:
    return row.total if row.total is not None else row.cells[0]


def _series(protected: ProtectedTable) -> tuple[BarDatum, ...]:
    """The chart's series: the leaf rows' totals, or for one row its columns."""
    leaves = [r for r in protected.rows if r.kind == "leaf"]
    if len(leaves) == 1 and len(protected.column_labels) > 1:
        row = leaves[0]
        return tuple(
            BarDatum(label, c.value, c.display)
            for label, c in zip(protected.column_labels, row.cells, strict=True)
        )
    out = []
    for row in leaves:
        cell = _row_total(row)
        out.append(BarDatum(row.label, cell.value, cell.display))
    return tuple(out)


def _build(
    figure: Figure,
    *,
    family: Family,
    title: str,
    description: str,
    row_header: str,
    extra_columns: Sequence[str] = (),
    extra: Callable[[str | None, disclosure.ProtectedRow], list[str]] | None = None,
    series_title: str = "",
    chart: bool = True,
) -> PublishedTable:
    protected = disclosure.protect(figure.table, THRESHOLD)
    rows = []
    for label, prow in _rows(protected):
        cells = _count_cells(prow)
        if extra is not None:
            cells += extra(label, prow)
        rows.append(DisplayRow(prow.label, prow.kind, prow.level, tuple(cells)))
    return PublishedTable(
        key=figure.key,
        family=family,
        title=title,
        description=description,
        row_header=row_header,
        columns=(*_count_columns(protected, figure.table), *extra_columns),
        rows=tuple(rows),
        protected=protected,
        series=_series(protected) if chart else (),
        series_title=series_title,
        withheld=protected.withheld,
    )


def _publish_reports(figure: Figure, scope: Scope) -> PublishedTable:
    assert figure.children is not None
    children = disclosure.protect(figure.children, THRESHOLD)

    def extra(label: str | None, prow: disclosure.ProtectedRow) -> list[str]:
        total = _row_total(prow)
        kids = children.cell(label, "")
        if total.suppressed or kids.suppressed:
            average: Rate = _suppressed_rate()
            per_child: Rate = _suppressed_rate()
        else:
            assert total.value is not None and kids.value is not None
            months = [0] * figure.months
            months[0] = total.value
            if kids.value > 0:
                rates = concern_rates(kids.value, months)
                average = Rate(rates.monthly_average, False, None)
                per_child = Rate(rates.per_child, False, None)
            else:
                rates = concern_rates(1, months)
                average = Rate(rates.monthly_average, False, None)
                per_child = Rate(None, False, None)
        return [average.display, kids.display, per_child.display]

    return _build(
        figure,
        family="concerns",
        title=_("Reports of concern to social services"),
        description=_(
            "Reports of concern (orosanmälningar) made in the period about children of the area,"
            " per month; the monthly average and the monthly reports per child 0–19 (children"
            " registered in the area at the end of the period), truncated as in the pre-study."
        ),
        row_header=_("District") if scope.school is None else _("School"),
        extra_columns=(_("Monthly average"), _("Children 0–19"), _("Per child 0–19 and month")),
        extra=extra,
        series_title=_("Reports of concern"),
    )


def _publish_medians(
    figure: Figure, *, title: str, description: str, scope: Scope
) -> PublishedTable:
    def extra(label: str | None, prow: disclosure.ProtectedRow) -> list[str]:
        return [median_display(figure.medians.get(label, ()), _row_total(prow))]

    return _build(
        figure,
        family="process",
        title=title,
        description=description,
        row_header=_("District") if scope.school is None else _("School"),
        extra_columns=(_("Median days"),),
        extra=extra,
        chart=False,
    )


def _share_extra(numerator: int = 0) -> Callable[[str | None, disclosure.ProtectedRow], list[str]]:
    """A share in per cent (one decimal): column ``numerator`` of the row's total."""

    def extra(label: str | None, prow: disclosure.ProtectedRow) -> list[str]:
        total = _row_total(prow)
        rate = disclosure.protect_rate(
            prow.cells[numerator], total, per=100, decimals=1, share=True
        )
        return [rate.display]

    return extra


def population_context(period: Period, scope: Scope) -> Figure | None:
    """The imported population of the area (and its districts) in the period's year: 0–19,
    20–64, 65+ and in all. None when nothing is imported for them (or for a school)."""
    if scope.school is not None:
        return None
    year = period.start.year
    if scope.district is not None:
        names = [scope.district.name]
    else:
        districts = District.objects.filter(municipality=scope.municipality).order_by("name")
        names = [
            scope.municipality.code,
            scope.municipality.name,
            *districts.values_list("name", flat=True),
        ]
    found = {
        f.area: f
        for f in PopulationFigure.objects.filter(area__in=names, year__lte=year).order_by("year")
    }
    rows = [found[n] for n in dict.fromkeys(names) if n in found]
    if not rows:
        return None
    labels = [
        scope.municipality.name if f.area == scope.municipality.code else f.area for f in rows
    ]
    counts = [[f.children_0_19, f.aged_20_64, f.aged_65_plus] for f in rows]
    table = Table(
        row_labels=[f"{label} ({f.year})" for label, f in zip(labels, rows, strict=True)],
        column_labels=[_("0–19 years"), _("20–64 years"), _("65 years and over")],
        counts=counts,
        row_totals=True,
        column_totals=False,
    )
    return Figure(key="population", table=table)


def _dependency_ratio(_label: str | None, row: disclosure.ProtectedRow) -> list[str]:
    """(0–19 + 65+) / 20–64 with two decimals, from the published cells only."""
    young, working, old = (cell.value for cell in row.cells[:3])
    if young is None or working is None or old is None or working == 0:
        return [disclosure.SECONDARY_DISPLAY]
    ratio = (Decimal(young + old) / Decimal(working)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return [_decimal_display(ratio)]


def _publish_population(period: Period, scope: Scope) -> PublishedTable | None:
    population = population_context(period, scope)
    if population is None:
        return None
    return _build(
        population,
        family="concerns",
        title=_("Population"),
        description=_(
            "Inhabitants by age group from the imported population statistics (the"
            " latest year up to the period's), and the demographic dependency ratio"
            " (0–19 + 65+) / 20–64."
        ),
        row_header=_("Area (year)"),
        extra_columns=(_("Dependency ratio"),),
        extra=_dependency_ratio,
        chart=False,
    )


def _publish_reports_table(period: Period, scope: Scope) -> PublishedTable:
    return _publish_reports(reports_of_concern(period, scope), scope)


def _publish_indicators(period: Period, scope: Scope) -> PublishedTable:
    return _build(
        concerns_by_indicator(period, scope),
        family="concerns",
        title=_("Concerns by wellbeing indicator and the reporter's secrecy domain"),
        description=_(
            "Concerns registered in the period: each wellbeing indicator a concern touches"
            " counts once, so a concern can count in more than one row."
        ),
        row_header=_("Wellbeing indicator"),
        series_title=_("Concerns per wellbeing indicator"),
    )


def _publish_triage(period: Period, scope: Scope) -> PublishedTable:
    return _publish_medians(
        triage_days(period, scope),
        title=_("Days from concern to triage"),
        description=_(
            "Concerns triaged in the period: calendar days from the concern to the"
            " Barnkontakt's decision. Medians over fewer than five cases are not shown."
        ),
        scope=scope,
    )


def _publish_sip(period: Period, scope: Scope) -> PublishedTable:
    return _publish_medians(
        sip_waiting_days(period, scope),
        title=_("Waiting time for a SIP"),
        description=_(
            "SIPs made in the period: calendar days from the triage deciding to convene a"
            " Barnteam to the plan. Medians over fewer than five cases are not shown."
        ),
        scope=scope,
    )


def _publish_follow_ups(period: Period, scope: Scope) -> PublishedTable:
    return _build(
        follow_ups_on_time(period, scope),
        family="process",
        title=_("Follow-ups held on time"),
        description=_(
            "Follow-ups of plans due in the period: held on or before the due date, or not"
            " (held later or not yet)."
        ),
        row_header=_("District") if scope.school is None else _("School"),
        extra_columns=(_("Share on time, %"),),
        extra=_share_extra(0),
        chart=False,
    )


def _publish_invitations(period: Period, scope: Scope) -> PublishedTable:
    return _build(
        invitations_by_domain(period, scope),
        family="process",
        title=_("Meeting invitations by secrecy domain"),
        description=_(
            "Invitations to professionals for Barnteam meetings in the period, by the secrecy"
            " domain of the member's unit; the total is the invitations sent."
        ),
        row_header=_("Secrecy domain"),
        extra_columns=(_("Share accepted, %"),),
        extra=_share_extra(0),
        series_title=_("Invitations sent"),
    )


def _publish_absence(period: Period, scope: Scope) -> PublishedTable | None:
    absence = absence_bands(period, scope)
    if absence is None:
        return None
    return _build(
        absence,
        family="attendance",
        title=_("Pupils by absence"),
        description=_(
            "Pupils per school by their absence (valid and unexcused) as a share of"
            " scheduled time over the period's school days."
        ),
        row_header=_("School"),
        series_title=_("Pupils per absence band") if scope.school else _("Pupils"),
    )


def _publish_notifications(period: Period, scope: Scope) -> PublishedTable | None:
    notified = guardian_notifications(period, scope)
    if notified is None:
        return None
    return _build(
        notified,
        family="attendance",
        title=_("Guardians told of unexcused absence"),
        description=_(
            "Duties to tell the guardians of unexcused absence on days in the period:"
            " told the same day, later, or not."
        ),
        row_header=_("School"),
        extra_columns=(_("Share told the same day, %"),),
        extra=_share_extra(0),
        chart=False,
    )


def _publish_investigations(period: Period, scope: Scope) -> PublishedTable | None:
    opened = investigations(period, scope)
    if opened is None:
        return None
    return _build(
        opened,
        family="attendance",
        title=_("Absence investigations"),
        description=_(
            "Investigations opened and closed in the period, and those open at its end"
            " that were opened more than four weeks before."
        ),
        row_header=_("School"),
        chart=False,
    )


# Every published table by its key, in the page's order. Each computes only its own figure, so
# that an export of one table does not compute the others.
PUBLISHERS: tuple[tuple[str, Callable[[Period, Scope], PublishedTable | None]], ...] = (
    ("population", _publish_population),
    ("reports", _publish_reports_table),
    ("indicators", _publish_indicators),
    ("triage", _publish_triage),
    ("sip", _publish_sip),
    ("followups", _publish_follow_ups),
    ("invitations", _publish_invitations),
    ("absence", _publish_absence),
    ("notifications", _publish_notifications),
    ("investigations", _publish_investigations),
)


def publish(period: Period, scope: Scope) -> list[PublishedTable]:
    """Every figure for the period and area, protected, in the page's order."""
    tables = (build(period, scope) for _key, build in PUBLISHERS)
    return [table for table in tables if table is not None]


def publish_table(period: Period, scope: Scope, key: str) -> PublishedTable | None:
    """The one published table ``key`` for the period and area (as :func:`publish` has it), or
    None if there is no such table for the area. Computes that figure only."""
    build = dict(PUBLISHERS).get(key)
    return None if build is None else build(period, scope)


def raw_tables(period: Period, scope: Scope) -> dict[str, Table]:
    """The unprotected tables by key (for tests and audits; never shown)."""
    figures: list[Figure | None] = [
        reports_of_concern(period, scope),
        concerns_by_indicator(period, scope),
        triage_days(period, scope),
        sip_waiting_days(period, scope),
        follow_ups_on_time(period, scope),
        invitations_by_domain(period, scope),
        absence_bands(period, scope),
        guardian_notifications(period, scope),
        investigations(period, scope),
    ]
    return {f.key: f.table for f in figures if f is not None}


def recent_periods(today: dt.date, months: int = 12, terms: int = 4) -> list[Period]:
    """The filter's choices: the current and previous months, then the current and previous
    terms, newest first."""
    out: list[Period] = []
    month = Period.month(today.year, today.month)
    for _n in range(months):
        out.append(month)
        month = month.previous()
    term = Period.containing_term(today)
    for _n in range(terms):
        out.append(term)
        term = term.previous()
    return out


def default_period(today: dt.date) -> Period:
    """The last whole month."""
    return Period.month(today.year, today.month).previous()
