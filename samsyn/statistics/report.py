"""The half-year report: a term's key figures for an area, their trend and a short summary.

For the spring and autumn collaboration meetings. :func:`half_year_report` publishes the term
and the two terms before it with :func:`figures.publish` — the dashboard's own protected tables,
cell for cell — and picks the key figures out of them *as displayed*. Everything after that
(the change against the previous term, the charts, the summary sentences) reads only those
display texts: a figure shown as ``<5``, ``..`` or ``.`` has no number here, so nothing can be
computed from a suppressed cell. If either side of a comparison is suppressed, the report says
that the figure cannot be compared.

:func:`render_pdf` makes the PDF with WeasyPrint from ``statistics/half_year.html``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samsyn.concerns.models import Indicator
from samsyn.statistics import figures
from samsyn.statistics.charts import BarChart
from samsyn.statistics.charts import bar_chart as draw_bar_chart
from samsyn.statistics.disclosure import UNDEFINED_DISPLAY, Period, ProtectedRow
from samsyn.statistics.figures import BarDatum, PublishedTable, Scope

Kind = Literal["count", "decimal", "days", "percent"]
Direction = Literal["up", "down", "same", "none"]

MINUS = "−"  # U+2212, the typographic minus
ABSENT_DISPLAY = "–"  # no such figure (e.g. no schools in the area that term)
_NUMBER_RE = re.compile(r"^\d+(,\d+)?$")


def published_number(display: str) -> Decimal | None:
    """The number a published display text shows, or None for ``<5``, ``..``, ``.`` and ``–``.

    Only a plain published figure (digits, optionally a decimal comma) is a number: this is the
    one way into arithmetic in this module, so a suppressed cell can never be computed with.
    """
    if not _NUMBER_RE.match(display):
        return None
    return Decimal(display.replace(",", "."))


def _decimal_text(value: Decimal) -> str:
    return str(value).replace(".", ",")


def _signed(value: Decimal) -> str:
    if value > 0:
        return f"+{_decimal_text(value)}"
    if value < 0:
        return f"{MINUS}{_decimal_text(-value)}"
    return "±0"


def _percent_change(now: Decimal, previous: Decimal) -> str | None:
    """The relative change in whole per cent, rounded half away from zero (None from 0)."""
    if previous == 0:
        return None
    exact = Fraction(now - previous) / Fraction(previous) * 100
    whole = math.floor(abs(exact) + Fraction(1, 2))
    return f"{_signed(Decimal(whole if exact >= 0 else -whole))} %"


@dataclass(frozen=True)
class KeyFigure:
    """One key figure over three terms, as published, and its change against the last term."""

    key: str
    section: str
    label: str
    kind: Kind
    values: tuple[str, str, str]  # now, the previous term, the one before (display texts)
    change: str  # "" when the figure cannot be compared
    direction: Direction
    subject: str = ""  # the summary sentence's subject; "" for no sentence

    @property
    def comparable(self) -> bool:
        return self.direction != "none"


@dataclass(frozen=True)
class Report:
    period: Period
    periods: tuple[Period, Period, Period]  # the term, the previous term, the one before
    scope: Scope
    key_figures: tuple[KeyFigure, ...]
    summary: tuple[str, ...]
    charts: tuple[BarChart, ...]
    tables: tuple[PublishedTable, ...]  # the term's tables, as on the dashboard
    generated: dt.date

    def sections(self) -> list[tuple[str, list[KeyFigure]]]:
        out: list[tuple[str, list[KeyFigure]]] = []
        for figure in self.key_figures:
            if not out or out[-1][0] != figure.section:
                out.append((figure.section, []))
            out[-1][1].append(figure)
        return out


# --- Picking the key figures out of the published tables ----------------------------------


def _total_index(table: PublishedTable) -> int | None:
    """The row holding the table's total: the total row, or the only row of a one-row table."""
    for n, row in enumerate(table.rows):
        if row.kind == "total":
            return n
    leaves = [n for n, row in enumerate(table.rows) if row.kind == "leaf"]
    return leaves[0] if len(leaves) == 1 else None


def _row_index(table: PublishedTable, label: str | None) -> int | None:
    if label is None:
        return _total_index(table)
    for n, row in enumerate(table.rows):
        if row.kind != "total" and row.label == label:
            return n
    return None


def displayed(table: PublishedTable | None, column: str, row: str | None = None) -> str:
    """The cell as the dashboard shows it: ``row`` (None: the total) × ``column``; ``–`` if the
    table or the cell does not exist."""
    if table is None or column not in table.columns:
        return ABSENT_DISPLAY
    index = _row_index(table, row)
    if index is None:
        return ABSENT_DISPLAY
    return table.rows[index].cells[table.columns.index(column)]


@dataclass(frozen=True)
class _Spec:
    key: str
    table: str
    column: str
    label: str
    kind: Kind
    section: str
    subject: str = ""
    row: str | None = None  # a row label; None: the table's total


def _specs() -> list[_Spec]:
    """The key figures, in the report's order (built in the active language: the column
    labels must match the published tables')."""
    total = _("Total")
    concerns = _("Concerns and reports of concern")
    process = _("The process")
    attendance = _("Attendance")
    specs = [
        _Spec(
            "reports",
            "reports",
            total,
            _("Reports of concern"),
            "count",
            concerns,
            subject=_("The reports of concern"),
        ),
        _Spec(
            "reports_month",
            "reports",
            _("Monthly average"),
            _("Reports of concern per month"),
            "decimal",
            concerns,
        ),
        _Spec(
            "reports_child",
            "reports",
            _("Per child 0–19 and month"),
            _("Reports of concern per child 0–19 and month"),
            "decimal",
            concerns,
            subject=_("The reports of concern per child and month"),
        ),
        _Spec(
            "concerns",
            "indicators",
            total,
            _("Wellbeing indicators in concerns, total"),
            "count",
            concerns,
            subject=_("The wellbeing indicators in concerns"),
        ),
    ]
    for indicator in Indicator:
        label = str(indicator.label)
        specs.append(
            _Spec(
                f"indicator_{indicator.value}",
                "indicators",
                total,
                _("Wellbeing indicator in concerns: %(indicator)s") % {"indicator": label},
                "count",
                concerns,
                row=label,
            )
        )
    specs += [
        _Spec("triaged", "triage", _("Triaged concerns"), _("Triaged concerns"), "count", process),
        _Spec(
            "triage_days",
            "triage",
            _("Median days"),
            _("Median days from concern to triage"),
            "days",
            process,
            subject=_("The median time from concern to triage"),
        ),
        _Spec(
            "sips",
            "sip",
            _("SIPs after a Barnteam decision"),
            _("SIPs after a Barnteam decision"),
            "count",
            process,
        ),
        _Spec(
            "sip_days",
            "sip",
            _("Median days"),
            _("Median days waiting for a SIP"),
            "days",
            process,
            subject=_("The median waiting time for a SIP"),
        ),
        _Spec(
            "followups",
            "followups",
            _("Held on time"),
            _("Follow-ups held on time"),
            "count",
            process,
        ),
        _Spec(
            "followups_share",
            "followups",
            _("Share on time, %"),
            _("Share of follow-ups held on time"),
            "percent",
            process,
            subject=_("The share of follow-ups held on time"),
        ),
    ]
    for n, label in enumerate(figures.ABSENCE_BAND_LABELS):
        specs.append(
            _Spec(
                f"absence_{n}",
                "absence",
                label,
                _("Pupils with absence %(band)s") % {"band": label},
                "count",
                attendance,
                subject=_("The pupils with absence of at least 50 %")
                if label == figures.ABSENCE_BAND_LABELS[-1]
                else "",
            )
        )
    specs += [
        _Spec(
            "notified",
            "notifications",
            _("Told the same day"),
            _("Guardians told the same day"),
            "count",
            attendance,
        ),
        _Spec(
            "notified_share",
            "notifications",
            _("Share told the same day, %"),
            _("Share of guardians told the same day"),
            "percent",
            attendance,
            subject=_("The share of guardians told of unexcused absence the same day"),
        ),
        _Spec(
            "opened",
            "investigations",
            _("Opened in the period"),
            _("Absence investigations opened"),
            "count",
            attendance,
            subject=_("The absence investigations opened"),
        ),
        _Spec(
            "closed",
            "investigations",
            _("Closed in the period"),
            _("Absence investigations closed"),
            "count",
            attendance,
        ),
        _Spec(
            "long_open",
            "investigations",
            _("Open longer than four weeks"),
            _("Investigations open longer than four weeks"),
            "count",
            attendance,
            subject=_("The investigations open longer than four weeks"),
        ),
    ]
    return specs


def _change(kind: Kind, now: str, previous: str) -> tuple[str, Direction]:
    """The change from ``previous`` to ``now``, from the published texts only."""
    a, b = published_number(now), published_number(previous)
    if a is None or b is None:
        return "", "none"
    diff = a - b
    direction: Direction = "up" if diff > 0 else "down" if diff < 0 else "same"
    if kind == "count":
        relative = _percent_change(a, b)
        text = _signed(diff) if relative is None or diff == 0 else f"{_signed(diff)} ({relative})"
    elif kind == "percent":
        text = _("%(change)s percentage points") % {"change": _signed(diff)}
    else:
        text = _signed(diff)
    return text, direction


def key_figures(
    published: Sequence[Sequence[PublishedTable]],
) -> list[KeyFigure]:
    """The key figures from the published tables of the term and the terms before it."""
    by_key = [{t.key: t for t in tables} for tables in published]
    out = []
    for spec in _specs():
        present = [spec.table in tables for tables in by_key]
        if not any(present):
            continue  # e.g. attendance for an area without schools
        now, previous, before = (
            displayed(tables.get(spec.table), spec.column, spec.row) for tables in by_key
        )
        change, direction = _change(spec.kind, now, previous)
        out.append(
            KeyFigure(
                key=spec.key,
                section=spec.section,
                label=spec.label,
                kind=spec.kind,
                values=(now, previous, before),
                change=change,
                direction=direction,
                subject=spec.subject,
            )
        )
    return out


# --- The summary ----------------------------------------------------------------------------


def _with_unit(kind: Kind, display: str) -> str:
    if kind == "percent":
        return f"{display} %"
    if kind == "days":
        return _("%(days)s days") % {"days": display}
    return display


def _sentence_change(figure: KeyFigure) -> str:
    """A count's change in per cent (in numbers from 0); otherwise the table's change."""
    if figure.kind == "count":
        now, previous = published_number(figure.values[0]), published_number(figure.values[1])
        if now is not None and previous is not None:
            return _percent_change(now, previous) or _signed(now - previous)
    return figure.change


def summary(figures_: Sequence[KeyFigure], previous: Period) -> list[str]:
    """Swedish sentences on the changes against the previous term, from published figures.

    A figure suppressed now or in the previous term is only said to be not comparable; its
    value is never named.
    """
    out = []
    for figure in figures_:
        if not figure.subject:
            continue
        now, before = figure.values[0], figure.values[1]
        if now == ABSENT_DISPLAY and before == ABSENT_DISPLAY:
            continue
        values = {
            "subject": figure.subject,
            "now": _with_unit(figure.kind, now),
            "previous": _with_unit(figure.kind, before),
            "change": _sentence_change(figure),
        }
        if figure.direction == "up":
            out.append(
                _("%(subject)s increased from %(previous)s to %(now)s (%(change)s).") % values
            )
        elif figure.direction == "down":
            out.append(
                _("%(subject)s decreased from %(previous)s to %(now)s (%(change)s).") % values
            )
        elif figure.direction == "same":
            out.append(_("%(subject)s stayed at %(now)s.") % values)
        elif UNDEFINED_DISPLAY in (now, before):
            out.append(
                _(
                    "%(subject)s cannot be compared with %(period)s: there is nothing to compute"
                    " it from."
                )
                % {"subject": figure.subject, "period": previous.label}
            )
        else:
            out.append(
                _(
                    "%(subject)s cannot be compared with %(period)s: a figure is suppressed to"
                    " protect individuals."
                )
                % {"subject": figure.subject, "period": previous.label}
            )
    return out


# --- Charts ---------------------------------------------------------------------------------


def bar_chart(key: str, title: str, data: Sequence[BarDatum]) -> BarChart | None:
    """A horizontal bar chart sized for the printed page."""
    return draw_bar_chart(key, title, data, bar_height=20, gap=6, top=6)


def _datum(label: str, display: str) -> BarDatum:
    number = published_number(display)
    value = int(number) if number is not None and number == number.to_integral_value() else None
    return BarDatum(label, value, display)


def _total_row(table: PublishedTable) -> ProtectedRow | None:
    index = _total_index(table)
    return None if index is None else table.protected.rows[index]


def charts(
    periods: Sequence[Period], published: Sequence[Sequence[PublishedTable]], kf: list[KeyFigure]
) -> list[BarChart]:
    out: list[BarChart | None] = []
    reports = next((f for f in kf if f.key == "reports"), None)
    if reports is not None:
        trend = [
            _datum(p.label, v)
            for p, v in zip(reversed(periods), reversed(reports.values), strict=True)
        ]
        out.append(bar_chart("trend", _("Reports of concern per term"), trend))
    now = {t.key: t for t in published[0]}
    table = now.get("reports")
    row = _total_row(table) if table is not None else None
    if table is not None and row is not None:
        months = [
            BarDatum(label, cell.value, cell.display)
            for label, cell in zip(table.protected.column_labels, row.cells, strict=True)
        ]
        out.append(bar_chart("months", _("Reports of concern per month"), months))
    for key in ("indicators", "absence"):
        table = now.get(key)
        if table is not None and table.series:
            out.append(bar_chart(key, table.series_title or table.title, table.series))
    return [c for c in out if c is not None]


# --- The report -----------------------------------------------------------------------------


def half_year_report(period: Period, scope: Scope) -> Report:
    """The report for a whole term and a predefined area (the caller validates both)."""
    if period.kind != "term":
        raise ValueError("the half-year report is for a whole term")
    previous = period.previous()
    periods = (period, previous, previous.previous())
    with translation.override("sv"):
        published = [figures.publish(p, scope) for p in periods]
        kf = key_figures(published)
        return Report(
            period=period,
            periods=periods,
            scope=scope,
            key_figures=tuple(kf),
            summary=tuple(summary(kf, previous)),
            charts=tuple(charts(periods, published, kf)),
            tables=tuple(published[0]),
            generated=timezone.localdate(),
        )


def report_html(report: Report) -> str:
    with translation.override("sv"):
        return render_to_string(
            "statistics/half_year.html",
            {"report": report, "sections": report.sections(), "scope": report.scope},
        )


def render_pdf(report: Report, *, compress: bool = True) -> bytes:
    """The PDF; ``compress=False`` leaves its objects readable (for tests)."""
    from weasyprint import HTML

    return bytes(HTML(string=report_html(report)).write_pdf(uncompressed_pdf=not compress))
