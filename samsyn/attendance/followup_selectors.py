"""Reads for the attendance pages: a pupil's weekly absence, a school's signals, the guardian
notification duties, the absence investigations and the monthly report to the organiser.

Nothing here decides or logs: the views ask the access policy first and log what they show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samsyn.access.policy import UNIT_LEAD_ROLES, active_memberships
from samsyn.accounts.models import User
from samsyn.attendance.followup_models import (
    AbsenceInvestigation,
    AbsenceSignal,
    GuardianNotification,
)
from samsyn.attendance.indicators import Indicator
from samsyn.attendance.models import AttendanceMonth
from samsyn.attendance.selectors import load_days
from samsyn.attendance.signalling import pupils_at_school
from samsyn.children.models import Child
from samsyn.organisations.models import NO_CHILD_DATA_ROLES, Role, Unit, UnitType

SCHOOL_UNIT_TYPES = frozenset({UnitType.SCHOOL, UnitType.UPPER_SECONDARY})
# How many ISO weeks the pupil's chart covers.
CHART_WEEKS = 20
# An investigation open longer than this at the end of the month is counted on its own.
LONG_OPEN_DAYS = 28


# --- Whose schools ---------------------------------------------------------------------------


def _working_memberships(user: User) -> list[tuple[str, str, int, int | None]]:
    return [
        (role, unit_type, unit_id, parent_id)
        for role, unit_type, unit_id, parent_id in active_memberships(user).values_list(
            "role", "unit__unit_type", "unit_id", "unit__parent_id"
        )
        if role not in NO_CHILD_DATA_ROLES and role != Role.LOG_REVIEWER
    ]


def school_units_of(user: User) -> set[int]:
    """The schools ``user`` works at, or whose student health team they are in."""
    units: set[int] = set()
    for _role, unit_type, unit_id, parent_id in _working_memberships(user):
        if unit_type in SCHOOL_UNIT_TYPES:
            units.add(unit_id)
        elif unit_type == UnitType.STUDENT_HEALTH and parent_id is not None:
            units.add(parent_id)
    return units


def led_schools_of(user: User) -> list[Unit]:
    """The schools ``user`` leads (principal or unit manager): the monthly report's schools."""
    ids = {
        unit_id
        for role, unit_type, unit_id, _parent in _working_memberships(user)
        if role in UNIT_LEAD_ROLES and unit_type in SCHOOL_UNIT_TYPES
    }
    return list(Unit.objects.filter(pk__in=ids).order_by("name"))


def school_staff(unit: Unit) -> QuerySet[User]:
    """Staff working with children at ``unit`` or its student health team today."""
    today = timezone.localdate()
    return (
        User.objects.filter(
            Q(memberships__unit=unit) | Q(memberships__unit__parent=unit),
            Q(memberships__valid_from__lte=today),
            Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=today),
            is_active=True,
        )
        .exclude(memberships__role__in=[*NO_CHILD_DATA_ROLES, Role.LOG_REVIEWER])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- One pupil -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """One ISO week of a pupil's attendance: minutes and the absence shares in per cent."""

    year: int
    week: int
    monday: dt.date
    scheduled: int
    valid: int
    invalid: int

    @property
    def valid_percent(self) -> Decimal:
        return _percent(self.valid, self.scheduled)

    @property
    def invalid_percent(self) -> Decimal:
        return _percent(self.invalid, self.scheduled)

    @property
    def total_percent(self) -> Decimal:
        return _percent(self.valid + self.invalid, self.scheduled)


def _percent(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal(0)
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def weekly_absence(
    *, child: Child, as_of: dt.date | None = None, weeks: int = CHART_WEEKS
) -> list[Week]:
    """The pupil's absence per ISO week over the last ``weeks`` weeks up to ``as_of``, oldest
    first; weeks with nothing scheduled (holidays) are left out."""
    end = as_of or timezone.localdate()
    start = end - dt.timedelta(days=end.weekday()) - dt.timedelta(weeks=weeks - 1)
    sums: dict[tuple[int, int], list[int]] = {}
    days = load_days([child.pk], start, end).select(
        "date", "scheduled_minutes", "valid_absence_minutes", "invalid_absence_minutes"
    )
    for day, scheduled, valid, invalid in days.iter_rows():
        year, week, _weekday = day.isocalendar()
        total = sums.setdefault((year, week), [0, 0, 0])
        total[0] += scheduled
        total[1] += valid
        total[2] += invalid
    return [
        Week(
            year=year,
            week=week,
            monday=dt.date.fromisocalendar(year, week, 1),
            scheduled=scheduled,
            valid=valid,
            invalid=invalid,
        )
        for (year, week), (scheduled, valid, invalid) in sorted(sums.items())
        if scheduled > 0
    ]


def has_attendance(child: Child) -> bool:
    """Whether there is anything to show: attendance days or a signal."""
    return (
        AttendanceMonth.objects.filter(child=child).exists()
        or AbsenceSignal.objects.filter(child=child).exists()
    )


def open_signal(child: Child) -> AbsenceSignal | None:
    return AbsenceSignal.objects.filter(child=child, closed_on__isnull=True).first()


def child_notifications(child: Child, limit: int = 50) -> list[GuardianNotification]:
    return list(
        GuardianNotification.objects.filter(child=child)
        .select_related("notified_by")
        .order_by("-date")[:limit]
    )


def child_investigations(child: Child) -> list[AbsenceInvestigation]:
    return list(
        AbsenceInvestigation.objects.filter(child=child)
        .select_related("investigator")
        .order_by("status", "-opened_on")
    )


# --- A school's signals ----------------------------------------------------------------------

# ?ordning= value -> the order of the rows.
SIGNAL_ORDERINGS: dict[str, tuple[str, ...]] = {
    "niva": ("level", "child__last_name", "child__first_name", "pk"),
    "-niva": ("-level", "child__last_name", "child__first_name", "pk"),
    "namn": ("child__last_name", "child__first_name", "pk"),
    "-namn": ("-child__last_name", "-child__first_name", "-pk"),
    "arskurs": ("grade", "child__last_name", "child__first_name", "pk"),
    "-arskurs": ("-grade", "child__last_name", "child__first_name", "pk"),
    "oppnad": ("opened_on", "child__last_name", "child__first_name", "pk"),
    "-oppnad": ("-opened_on", "child__last_name", "child__first_name", "pk"),
}
DEFAULT_SIGNAL_ORDERING = "-niva"


def school_signals(
    *,
    units: set[int],
    level: int | None = None,
    grade: int | None = None,
    indicator: str | None = None,
    ordering: str = DEFAULT_SIGNAL_ORDERING,
) -> QuerySet[AbsenceSignal]:
    """The open signals at ``units``, filtered and ordered."""
    signals = AbsenceSignal.objects.filter(unit_id__in=units, closed_on__isnull=True)
    if level is not None:
        signals = signals.filter(level=level)
    if grade is not None:
        signals = signals.filter(grade=grade)
    if indicator:
        # The indicators are a JSON list; a school's open signals are few, so match in Python
        # (the same on SQLite and PostgreSQL).
        ids = [
            pk
            for pk, entries in signals.values_list("pk", "indicators")
            if any(e.get("indicator") == indicator for e in entries or [])
        ]
        signals = signals.filter(pk__in=ids)
    order = SIGNAL_ORDERINGS.get(ordering, SIGNAL_ORDERINGS[DEFAULT_SIGNAL_ORDERING])
    return signals.select_related("child").order_by(*order)


def school_grades(units: set[int]) -> list[int]:
    """The grades that have an open signal at ``units`` (for the filter)."""
    return sorted(
        g
        for g in AbsenceSignal.objects.filter(
            unit_id__in=units, closed_on__isnull=True, grade__isnull=False
        )
        .order_by()
        .values_list("grade", flat=True)
        .distinct()
        if g is not None
    )


RISK_INDICATORS = [i for i in Indicator if i is not Indicator.UNEXCUSED_TODAY]


# --- Guardian notification duties ------------------------------------------------------------


def duties_undone(*, units: set[int]) -> list[GuardianNotification]:
    """Undone duties at ``units``: today's first, then older ones, newest first."""
    today = timezone.localdate()
    undone = GuardianNotification.objects.filter(
        unit_id__in=units, notified_at__isnull=True, date__lte=today
    ).select_related("child")
    rows = list(undone.order_by("-date", "child__last_name", "child__first_name")[:200])
    return sorted(rows, key=lambda n: n.date != today)


def duties_done_today(*, units: set[int]) -> list[GuardianNotification]:
    today = timezone.localdate()
    return list(
        GuardianNotification.objects.filter(
            unit_id__in=units, notified_at__isnull=False, date=today
        )
        .select_related("child", "notified_by")
        .order_by("child__last_name", "child__first_name")[:200]
    )


def notification_by_public_id(public_id: Any) -> GuardianNotification | None:
    return GuardianNotification.objects.filter(public_id=public_id).select_related("child").first()


# --- Investigations --------------------------------------------------------------------------


def school_investigations(*, units: set[int]) -> QuerySet[AbsenceInvestigation]:
    """Investigations at ``units``: open ones first (oldest first), then closed ones."""
    return (
        AbsenceInvestigation.objects.filter(unit_id__in=units)
        .select_related("child", "investigator")
        .order_by("-status", "opened_on", "pk")
    )


def investigation_by_public_id(public_id: Any) -> AbsenceInvestigation | None:
    return (
        AbsenceInvestigation.objects.filter(public_id=public_id)
        .select_related("child", "unit", "investigator", "closed_by", "concern")
        .first()
    )


# --- The monthly report to the organiser -----------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    unit: Unit
    opened: int
    closed: int
    open_at_end: int
    open_long: int


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def monthly_report(*, units: list[Unit], year: int, month: int) -> list[MonthRow]:
    """Per school: investigations opened and closed in the month, open at its end and, of
    those, open longer than four weeks. Counts only: no child is read."""
    first, last = month_bounds(year, month)
    long_before = last - dt.timedelta(days=LONG_OPEN_DAYS)
    counts: dict[int, list[int]] = {u.pk: [0, 0, 0, 0] for u in units}
    rows = AbsenceInvestigation.objects.filter(
        Q(unit_id__in=list(counts)),
        Q(opened_on__lte=last),
        Q(closed_on__isnull=True) | Q(closed_on__gte=first),
    ).values_list("unit_id", "opened_on", "closed_on")
    for unit_id, opened_on, closed_on in rows:
        row = counts[unit_id]
        if opened_on >= first:
            row[0] += 1
        if closed_on is not None and first <= closed_on <= last:
            row[1] += 1
        if closed_on is None or closed_on > last:
            row[2] += 1
            if opened_on < long_before:
                row[3] += 1
    return [MonthRow(u, *counts[u.pk]) for u in units]


def pupils_at(units: list[Unit]) -> set[int]:
    """The children with a school place today at ``units`` (whose attendance a lead uploads)."""
    today = timezone.localdate()
    return {child_id for unit in units for child_id in pupils_at_school(today, unit)}
