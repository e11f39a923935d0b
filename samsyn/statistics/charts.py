"""Horizontal bar charts as SVG geometry, for the dashboard and the half-year report.

A suppressed value (``value`` None) gets no bar, only its text ("<5" or ".."); the chart's
description says so, and the same figures are always in the table beside the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from samsyn.statistics.figures import BarDatum

CHART_WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 48
MAX_LABEL = 28


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    y: float
    text_y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_x: int
    plot_left: int
    bar_height: int
    bars: tuple[Bar, ...]


def bar_chart(
    key: str, title: str, data: Sequence[BarDatum], *, bar_height: int, gap: int, top: int
) -> BarChart | None:
    """The chart of ``data`` (None for fewer than two values: nothing to compare)."""
    if len(data) < 2:
        return None
    plot = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    highest = max((d.value or 0 for d in data), default=0) or 1
    bars = []
    for n, datum in enumerate(data):
        y = top + n * (bar_height + gap)
        width = round((datum.value or 0) / highest * plot, 2)
        label = datum.label if len(datum.label) <= MAX_LABEL else datum.label[: MAX_LABEL - 1] + "…"
        bars.append(
            Bar(
                label=label,
                display=datum.display,
                y=y,
                text_y=y + bar_height / 2,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    description = _(
        "Bars for %(count)s values; the same figures are in the table beside the chart."
    ) % {"count": len(data)}
    if any(d.value is None for d in data):
        description += " " + _(
            "Values shown as <5 or .. are suppressed to protect individuals and have no bar."
        )
    return BarChart(
        id=f"chart-{key}",
        title=title,
        description=description,
        width=CHART_WIDTH,
        height=top * 2 + len(bars) * (bar_height + gap),
        label_x=LABEL_WIDTH - 8,
        plot_left=LABEL_WIDTH,
        bar_height=bar_height,
        bars=tuple(bars),
    )
