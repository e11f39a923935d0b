"""From attendance days to signals, guardian-notification duties and absence investigations.

:func:`evaluate` computes the indicators in effect for the pupils of the municipality's schools as
of a date (with each municipality's own thresholds). :func:`signals_refresh` stores the outcome:

- a pupil with a risk indicator in effect gets an open :class:`AbsenceSignal` at their school
  (opened, or updated with today's level and indicators); a pupil with none has theirs closed;
- ``LONG_ABSENCE``, ``REPEATED_ABSENCE``, ``UNEXCUSED_REPEATED`` or ``ABSENCE_SHARE`` at level 2
  or more opens an :class:`AbsenceInvestigation` (7 kap. 19 a § skollagen) when none is open;
- ``UNEXCUSED_TODAY`` opens the day's :class:`GuardianNotification` duty (7 kap. 17 §).

This is a batch run by the system (after an import, or ``samsyn attendance signals --update``):
it reads no one's information *for* a person, so nothing is written to the access log here; the
pages that show signals log every read through the access policy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

import polars as pl
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from samsyn.attendance.followup_models import (
    AbsenceInvestigation,
    AbsenceSignal,
    AttendanceSettings,
    GuardianNotification,
    InvestigationStatus,
)
from samsyn.attendance.importing.writer import copy_lines
from samsyn.attendance.indicators import (
    OUTPUT_SCHEMA,
    Indicator,
    Thresholds,
    indicators_from_figures,
    term_start,
)
from samsyn.attendance.selectors import read_months, recent_figures
from samsyn.children.models import Enrolment, EnrolmentKind
from samsyn.core.bulk import copy_create
from samsyn.organisations.models import Unit

SCHOOL_KINDS = (EnrolmentKind.SCHOOL, EnrolmentKind.UPPER_SECONDARY)
# Indicators that open an absence investigation whatever their level …
INVESTIGATE_ANY_LEVEL = frozenset(
    {Indicator.LONG_ABSENCE, Indicator.REPEATED_ABSENCE, Indicator.UNEXCUSED_REPEATED}
)
# … and the one that does from level 2.
INVESTIGATE_FROM_LEVEL_2 = frozenset({Indicator.ABSENCE_SHARE})
# Calendar days of history besides the term (from the first of that month), at the least:
# 60 school days fit even across the Christmas break (about 85 calendar days without breaks).
HISTORY_DAYS = 120
SHARE_INDICATORS = frozenset({Indicator.ABSENCE_SHARE, Indicator.TERM_ABSENCE_SHARE})
# From how many pupils a whole municipality is read: one scan, and rows picked in Python,
# beat tens of thousands of ids in an IN list.
_MANY = 5000


class Pupil(NamedTuple):
    """A pupil's school place (a tuple: a municipality's 50,000 are made at every refresh)."""

    child_id: int
    unit_id: int
    grade: int | None
    municipality_id: int


@dataclass
class RefreshResult:
    as_of: dt.date
    pupils: int = 0
    signals_opened: int = 0
    signals_updated: int = 0
    signals_closed: int = 0
    investigations_opened: int = 0
    notifications_opened: int = 0


def thresholds_for(municipality_id: int) -> Thresholds:
    """The municipality's thresholds: the defaults with its own settings on top."""
    row = AttendanceSettings.objects.filter(municipality_id=municipality_id).first()
    if row is None or not row.thresholds:
        return Thresholds()
    names = {f.name for f in dataclasses.fields(Thresholds)}
    values: dict[str, Any] = {}
    for key, value in row.thresholds.items():
        if key not in names or value in (None, ""):
            continue
        values[key] = (
            tuple(_number(v) for v in value) if isinstance(value, list) else _number(value)
        )
    return Thresholds(**values)


def _number(value: Any) -> Any:
    if isinstance(value, str):
        return Decimal(value)
    return value


def pupils_at_school(as_of: dt.date, unit: Unit | None = None) -> dict[int, Pupil]:
    """Every pupil with a school place on ``as_of`` (at ``unit`` when given), by child id."""
    enrolments = Enrolment.objects.filter(
        Q(kind__in=SCHOOL_KINDS),
        Q(start_date__lte=as_of),
        Q(end_date__isnull=True) | Q(end_date__gte=as_of),
    )
    if unit is not None:
        enrolments = enrolments.filter(unit=unit)
    pupils: dict[int, Pupil] = {}
    query = enrolments.order_by("child_id", "start_date", "pk").values_list(
        "child_id", "unit_id", "grade", "child__municipality_id"
    )
    # The rows as the driver gives them (on PostgreSQL with one COPY): a municipality's
    # 50,000 through the ORM's row iteration cost a third of a second more.
    sql, params = query.query.sql_with_params()
    rows: Iterable[tuple[Any, ...]]
    if connection.vendor == "postgresql":
        names = ["child_id", "unit_id", "grade", "municipality_id"]
        rows = copy_lines(sql, list(params), names).iter_rows()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    for child_id, unit_id, grade, municipality_id in rows:
        # The latest place wins when two overlap (a move on the same day).
        pupils[child_id] = Pupil(child_id, unit_id, grade, municipality_id)
    return pupils


def evaluate(as_of: dt.date, pupils: dict[int, Pupil]) -> pl.DataFrame:
    """The indicators in effect on ``as_of`` for ``pupils`` (columns of ``OUTPUT_SCHEMA``)."""
    if not pupils:
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    by_municipality: dict[int, list[int]] = {}
    for pupil in pupils.values():
        by_municipality.setdefault(pupil.municipality_id, []).append(pupil.child_id)
    thresholds = {m: thresholds_for(m) for m in by_municipality}
    recent = max(t.window_days + t.trend_prior_days for t in thresholds.values())
    # Whole months from the start of the term or further back, so that they hold every
    # pupil's last ``recent`` school days (60 by default fit in 120 calendar days even across
    # the Christmas break); the months before those count through their totals.
    history = dt.timedelta(days=max(HISTORY_DAYS, 2 * recent))
    start = min(term_start(as_of), as_of - history).replace(day=1)
    everyone = len(pupils) > _MANY  # a whole municipality: one scan beats a long id list
    months = read_months(None if everyone else sorted(pupils), start, as_of)
    frames = [
        indicators_from_figures(
            recent_figures(months, ids, as_of, thresholds[municipality_id]),
            as_of,
            thresholds[municipality_id],
        )
        for municipality_id, ids in sorted(by_municipality.items())
    ]
    return pl.concat(frames) if len(frames) > 1 else frames[0]


def _entry_frame(indicators: pl.DataFrame) -> pl.DataFrame:
    """Indicator rows as their stored entries (``child_id`` besides): the level an int, the
    window's dates as ISO text (the value is rounded to four places in Python)."""
    return indicators.select(
        "child_id",
        "indicator",
        pl.col("level").cast(pl.Int64),
        pl.col("value"),
        pl.col("window_start").dt.to_string("%Y-%m-%d"),
        pl.col("window_end").dt.to_string("%Y-%m-%d"),
    )


def _investigate(entries: list[dict[str, Any]]) -> bool:
    return any(
        e["indicator"] in INVESTIGATE_ANY_LEVEL
        or (e["indicator"] in INVESTIGATE_FROM_LEVEL_2 and e["level"] >= 2)
        for e in entries
    )


def signals_refresh(*, as_of: dt.date, unit: Unit | None = None) -> RefreshResult:
    """Evaluate and store signals, investigations and notification duties as of ``as_of``."""
    pupils = pupils_at_school(as_of, unit)
    indicators = evaluate(as_of, pupils)
    result = RefreshResult(as_of=as_of, pupils=len(pupils))
    # Each pupil's indicators in effect, as stored with the signal and the investigation.
    risk: dict[int, list[dict[str, Any]]] = {}
    today = pl.col("indicator") == str(Indicator.UNEXCUSED_TODAY)
    unexcused_today: dict[int, int] = dict(
        indicators.filter(today).select("child_id", pl.col("value").cast(pl.Int64)).iter_rows()
    )
    entries = _entry_frame(indicators.filter(~today))
    names = entries.columns[1:]
    value_at = names.index("value")
    for child_id, *values in entries.iter_rows():
        values[value_at] = round(values[value_at], 4)
        risk.setdefault(child_id, []).append(dict(zip(names, values, strict=True)))
    with transaction.atomic():
        _store_signals(as_of, pupils, risk, result)
        _store_investigations(as_of, pupils, risk, result)
        _store_notifications(as_of, pupils, unexcused_today, result)
    return result


def _of_children(rows: QuerySet[Any, Any], children: Collection[int]) -> list[Any]:
    """``rows`` (``values_list`` with the child's id first) of ``children``. For a whole
    municipality the open rows are fetched and picked in Python: tens of thousands of ids in
    an IN list cost more than they save."""
    if len(children) > _MANY:
        return [row for row in rows if row[0] in children]
    return list(rows.filter(child_id__in=list(children)))


# (id, unit, grade, level, highest level, indicators, as of): an open signal re-evaluated.
_Changed = tuple[int, int, int | None, int, int, list[dict[str, Any]], dt.date]
_CHANGED_FIELDS = ("unit_id", "grade", "level", "highest_level", "indicators", "as_of")


def _store_signals(
    as_of: dt.date,
    pupils: dict[int, Pupil],
    risk: dict[int, list[dict[str, Any]]],
    result: RefreshResult,
) -> None:
    open_signals: dict[int, tuple[int, dt.date, int]] = {
        child_id: (pk, signal_as_of, highest)
        for child_id, pk, signal_as_of, highest in _of_children(
            AbsenceSignal.objects.filter(closed_on__isnull=True)
            .order_by()
            .values_list("child_id", "pk", "as_of", "highest_level"),
            pupils,
        )
    }
    new: list[dict[str, Any]] = []
    changed: list[_Changed] = []
    for child_id, rows in risk.items():
        pupil = pupils[child_id]
        level = max(r["level"] for r in rows)
        signal = open_signals.get(child_id)
        if signal is None:
            new.append(
                {
                    "child_id": child_id,
                    "unit_id": pupil.unit_id,
                    "grade": pupil.grade,
                    "level": level,
                    "highest_level": level,
                    "indicators": rows,
                    "as_of": as_of,
                    "opened_on": as_of,
                }
            )
            continue
        pk, signal_as_of, highest = signal
        if signal_as_of > as_of:
            continue  # a later evaluation already stands
        changed.append((pk, pupil.unit_id, pupil.grade, level, max(highest, level), rows, as_of))
    copy_create(AbsenceSignal, new)
    _update_signals(changed)
    ended = [
        pk
        for child_id, (pk, signal_as_of, _highest) in open_signals.items()
        if child_id not in risk and signal_as_of <= as_of
    ]
    for start in range(0, len(ended), 1000):
        AbsenceSignal.objects.filter(pk__in=ended[start : start + 1000]).update(
            closed_on=as_of, as_of=as_of
        )
    result.signals_opened = len(new)
    result.signals_updated = len(changed)
    result.signals_closed = len(ended)


def _update_signals(changed: list[_Changed]) -> None:
    """Write the re-evaluated open signals. On PostgreSQL through COPY and one UPDATE: Django's
    ``bulk_update`` builds a CASE per field and row, which for tens of thousands of signals
    costs more than the evaluation itself."""
    if not changed:
        return
    if connection.vendor != "postgresql":
        AbsenceSignal.objects.bulk_update(
            [
                AbsenceSignal(pk, **dict(zip(_CHANGED_FIELDS, rest, strict=True)))
                for pk, *rest in changed
            ],
            ["unit", "grade", "level", "highest_level", "indicators", "as_of"],
            batch_size=1000,
        )
        return
    connection.ensure_connection()
    raw: Any = connection.connection
    table = AbsenceSignal._meta.db_table
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE absence_signal_in (id bigint, unit_id bigint, grade smallint, "
            "level smallint, highest_level smallint, indicators jsonb, as_of date) "
            "ON COMMIT DROP"
        )
        with cursor.copy(
            "COPY absence_signal_in (id, unit_id, grade, level, highest_level, indicators, "
            "as_of) FROM STDIN"
        ) as copy:
            for pk, unit_id, grade, level, highest, entries, signal_as_of in changed:
                copy.write_row(
                    (pk, unit_id, grade, level, highest, json.dumps(entries), signal_as_of)
                )
        cursor.execute(
            f"UPDATE {table} AS s SET unit_id = i.unit_id, grade = i.grade, level = i.level, "
            "highest_level = i.highest_level, indicators = i.indicators, as_of = i.as_of "
            "FROM absence_signal_in AS i WHERE s.id = i.id"
        )
        cursor.execute("DROP TABLE absence_signal_in")


def _store_investigations(
    as_of: dt.date,
    pupils: dict[int, Pupil],
    risk: dict[int, list[dict[str, Any]]],
    result: RefreshResult,
) -> None:
    wanted = {child_id for child_id, rows in risk.items() if _investigate(rows)}
    if not wanted:
        return
    open_now = AbsenceInvestigation.objects.filter(status=InvestigationStatus.OPEN).order_by()
    already = {row[0] for row in _of_children(open_now.values_list("child_id"), wanted)}
    result.investigations_opened = copy_create(
        AbsenceInvestigation,
        [
            {
                "child_id": child_id,
                "unit_id": pupils[child_id].unit_id,
                "opened_on": as_of,
                "indicators": risk[child_id],
            }
            for child_id in sorted(wanted - already)
        ],
    )


def _store_notifications(
    as_of: dt.date, pupils: dict[int, Pupil], minutes: dict[int, int], result: RefreshResult
) -> None:
    if not minutes:
        return
    existing = set(
        GuardianNotification.objects.filter(date=as_of, child_id__in=list(minutes)).values_list(
            "child_id", flat=True
        )
    )
    result.notifications_opened = copy_create(
        GuardianNotification,
        [
            {
                "child_id": child_id,
                "unit_id": pupils[child_id].unit_id,
                "date": as_of,
                "invalid_minutes": value,
            }
            for child_id, value in sorted(minutes.items())
            if child_id not in existing
        ],
    )


def format_value(indicator: str, value: float) -> str:
    """A share as a decimal with four places; a count as an integer."""
    if indicator in SHARE_INDICATORS or indicator == Indicator.RISING_TREND:
        return f"{value:.4f}"
    return str(int(value))
