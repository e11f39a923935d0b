"""Population context: inhabitants, children 0–19 and the demographic dependency ratio.

The input is a CSV file (comma or semicolon separated, optionally with a byte order mark)
with the columns ``area`` (municipality/district code or name), ``year``, ``age_band``
(``0-19``, ``20-64``, ``65+`` or five-year bands ``0-4``, ``5-9``, …, ``95+``; any bands
that do not straddle 19/20 or 64/65 may be mixed) and ``inhabitants``. For every area and
year the bands must cover all ages exactly once.

The demographic dependency ratio (demografisk försörjningskvot) is
``(persons 0–19 + persons 65 and older) / persons 20–64``.

:func:`concern_rates` reproduces the figures on reports of concern (orosanmälningar) in
§2.5 of the Dalsland pre-study (seed 002): the monthly average is the total divided by the
number of months, *truncated* to one decimal, and the reports per child is that average per
child 0–19, *truncated* to three decimals. Rounding cannot be what the seed did: Mellerud's
45,5 per month over January–September is no integer total rounded (409/9 = 45,44 and
410/9 = 45,56), but 410 truncated; and its 0,022 per child is 410/9/2000 = 0,02277…
truncated (rounding would give 0,023), as are Bengtsfors's 0,019 (0,0196…) and
Färgelanda's 0,019 (0,0197…).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple, TextIO

from django.utils.translation import gettext as _

COLUMNS = ("area", "year", "age_band", "inhabitants")
MIN_YEAR = 1900
MAX_YEAR = 2200

# The three age groups of the dependency ratio, as inclusive age ranges (None: no upper end).
CHILDREN = (0, 19)
WORKING_AGE = (20, 64)
ELDERLY = (65, None)

_BAND_RE = re.compile(r"^(\d{1,3})\s*(?:[-–—]\s*(\d{1,3})|(\+))?(?:\s*år)?$")


@dataclass(frozen=True, order=True)
class AgeBand:
    """Ages ``low``..``high`` inclusive; ``high`` None means "and older"."""

    low: int
    high: int | None

    @classmethod
    def parse(cls, text: str) -> AgeBand:
        match = _BAND_RE.match(text.strip())
        if not match:
            raise ValueError(text)
        low = int(match[1])
        if match[3]:
            return cls(low, None)
        high = int(match[2]) if match[2] is not None else low
        if high < low:
            raise ValueError(text)
        return cls(low, high)

    def __str__(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        if self.high == self.low:
            return str(self.low)
        return f"{self.low}-{self.high}"

    def within(self, low: int, high: int | None) -> bool:
        if self.low < low:
            return False
        if high is None:
            return True
        return self.high is not None and self.high <= high


@dataclass(frozen=True, order=True)
class PopulationLineError:
    """A Swedish reason why a line (or, with ``line`` None, the whole file) was refused."""

    line: int | None
    message: str

    def text(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class PopulationFileError(ValueError):
    """The file has errors; nothing from it is used."""

    def __init__(self, errors: Sequence[PopulationLineError]) -> None:
        self.errors = sorted(errors, key=lambda e: (-1 if e.line is None else e.line, e.message))
        super().__init__("; ".join(e.text() for e in self.errors[:5]))


@dataclass(frozen=True)
class PopulationSummary:
    area: str
    year: int
    inhabitants: int
    children_0_19: int
    aged_20_64: int
    aged_65_plus: int

    @property
    def dependency_ratio(self) -> Fraction | None:
        """(0–19 + 65+) / 20–64, exactly; None if nobody is 20–64."""
        if self.aged_20_64 == 0:
            return None
        return Fraction(self.children_0_19 + self.aged_65_plus, self.aged_20_64)

    def dependency_ratio_rounded(self, decimals: int = 2) -> Decimal | None:
        """The ratio rounded half-up, as published (the seed gives two decimals)."""
        ratio = self.dependency_ratio
        if ratio is None:
            return None
        return _quantize(ratio, decimals, ROUND_HALF_UP)


@dataclass(frozen=True)
class Population:
    summaries: tuple[PopulationSummary, ...]

    def get(self, area: str, year: int) -> PopulationSummary:
        for summary in self.summaries:
            if summary.area == area and summary.year == year:
                return summary
        raise KeyError((area, year))

    def areas(self) -> list[str]:
        return sorted({s.area for s in self.summaries})

    def years(self) -> list[int]:
        return sorted({s.year for s in self.summaries})


@dataclass(frozen=True)
class _Line:
    line: int
    area: str
    year: int
    band: AgeBand
    inhabitants: int


def parse_population_csv(source: str | TextIO) -> Population:
    """Parse and check a population file; :class:`PopulationFileError` lists every problem."""
    text = source if isinstance(source, str) else source.read()
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    errors: list[PopulationLineError] = []
    header = next(reader, None)
    if header is None:
        raise PopulationFileError([PopulationLineError(None, _("The file is empty."))])
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise PopulationFileError(
            [
                PopulationLineError(
                    1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
                )
            ]
        )
    position = {c: names.index(c) for c in COLUMNS}
    lines: list[_Line] = []
    start = reader.line_num + 1
    for record in reader:
        number = start
        start = reader.line_num + 1
        if not any(field.strip() for field in record):
            continue
        parsed = _parse_line(number, record, position, errors)
        if parsed is not None:
            lines.append(parsed)
    # Gaps in the age bands are only reported once every line reads (a refused line is
    # likely the missing band).
    summaries = _summarise(lines, errors, check_coverage=not errors)
    if not lines and not errors:
        errors.append(PopulationLineError(None, _("The file has no population lines.")))
    if errors:
        raise PopulationFileError(errors)
    return Population(tuple(summaries))


def _parse_line(
    number: int,
    record: list[str],
    position: dict[str, int],
    errors: list[PopulationLineError],
) -> _Line | None:
    if len(record) < len(position) or len(record) <= max(position.values()):
        errors.append(
            PopulationLineError(
                number,
                _("Expected %(expected)s columns, found %(found)s.")
                % {"expected": max(position.values()) + 1, "found": len(record)},
            )
        )
        return None
    area = record[position["area"]].strip()
    year_text = record[position["year"]].strip()
    band_text = record[position["age_band"]].strip()
    count_text = record[position["inhabitants"]].strip()
    ok = True
    if not area:
        errors.append(PopulationLineError(number, _("The area is missing.")))
        ok = False
    year = 0
    if not re.fullmatch(r"\d{4}", year_text) or not MIN_YEAR <= int(year_text) <= MAX_YEAR:
        errors.append(
            PopulationLineError(
                number, _("%(value)s is not a year.") % {"value": year_text or '""'}
            )
        )
        ok = False
    else:
        year = int(year_text)
    band = AgeBand(0, None)
    try:
        band = AgeBand.parse(band_text)
    except ValueError:
        errors.append(
            PopulationLineError(
                number,
                _("%(value)s is not an age band (such as 0-19, 20-64, 65+ or 5-9).")
                % {"value": band_text or '""'},
            )
        )
        ok = False
    else:
        if not any(band.within(*group) for group in (CHILDREN, WORKING_AGE, ELDERLY)):
            errors.append(
                PopulationLineError(
                    number,
                    _("The age band %(band)s spans more than one of 0-19, 20-64 and 65+.")
                    % {"band": str(band)},
                )
            )
            ok = False
    digits = re.sub(r"[\s\u00a0\u202f]", "", count_text)
    inhabitants = 0
    if not re.fullmatch(r"\d+", digits):
        errors.append(
            PopulationLineError(
                number,
                _("%(value)s is not a number of inhabitants (a whole number, 0 or more).")
                % {"value": count_text or '""'},
            )
        )
        ok = False
    else:
        inhabitants = int(digits)
    if not ok:
        return None
    return _Line(number, area, year, band, inhabitants)


def _summarise(
    lines: Iterable[_Line], errors: list[PopulationLineError], *, check_coverage: bool
) -> list[PopulationSummary]:
    groups: dict[tuple[str, int], list[_Line]] = {}
    for line in lines:
        groups.setdefault((line.area, line.year), []).append(line)
    summaries: list[PopulationSummary] = []
    for (area, year), members in sorted(groups.items()):
        accepted: list[_Line] = []
        for line in members:
            clash = next((a for a in accepted if _overlap(a.band, line.band)), None)
            if clash is not None:
                errors.append(
                    PopulationLineError(
                        line.line,
                        _(
                            "The age band %(band)s for %(area)s %(year)s overlaps "
                            "%(other)s on line %(other_line)s."
                        )
                        % {
                            "band": str(line.band),
                            "area": area,
                            "year": year,
                            "other": str(clash.band),
                            "other_line": clash.line,
                        },
                    )
                )
            else:
                accepted.append(line)
        gaps = _gaps([a.band for a in accepted])
        if gaps:
            if check_coverage:
                errors.append(
                    PopulationLineError(
                        members[0].line,
                        _("The age bands for %(area)s %(year)s do not cover the ages %(gaps)s.")
                        % {"area": area, "year": year, "gaps": ", ".join(str(g) for g in gaps)},
                    )
                )
            continue
        by_group = [
            sum(a.inhabitants for a in accepted if a.band.within(*group))
            for group in (CHILDREN, WORKING_AGE, ELDERLY)
        ]
        summaries.append(
            PopulationSummary(
                area=area,
                year=year,
                inhabitants=sum(a.inhabitants for a in accepted),
                children_0_19=by_group[0],
                aged_20_64=by_group[1],
                aged_65_plus=by_group[2],
            )
        )
    return summaries


def _overlap(a: AgeBand, b: AgeBand) -> bool:
    a_high = float("inf") if a.high is None else a.high
    b_high = float("inf") if b.high is None else b.high
    return a.low <= b_high and b.low <= a_high


def _gaps(bands: Sequence[AgeBand]) -> list[AgeBand]:
    """The ages (as bands) that no band covers."""
    gaps: list[AgeBand] = []
    age = 0
    for band in sorted(bands):
        if band.low > age:
            gaps.append(AgeBand(age, band.low - 1))
        if band.high is None:
            return gaps
        age = max(age, band.high + 1)
    gaps.append(AgeBand(age, None))
    return gaps


# ---------------------------------------------------------------------------------------------
# Reports of concern, as in the seed


class ConcernRates(NamedTuple):
    total: int
    monthly_average: Decimal  # one decimal, truncated
    per_child: Decimal  # monthly average per child 0–19, three decimals, truncated


def concern_rates(children_0_19: int, reports_per_month: list[int]) -> ConcernRates:
    """Total, monthly average and monthly reports per child, computed as the seed does.

    ``per_child`` is the exact monthly average (total / months) divided by the number of
    children, truncated; for the seed's figures this equals the truncated average divided
    by the children, truncated. These are plain arithmetic: publish them through
    :func:`samsyn.statistics.disclosure.protect_count` / ``protect_rate`` like any figure.
    """
    if not reports_per_month:
        raise ValueError("at least one month of reports is needed")
    if any(isinstance(r, bool) or not isinstance(r, int) or r < 0 for r in reports_per_month):
        raise ValueError("reports per month must be non-negative ints")
    if isinstance(children_0_19, bool) or not isinstance(children_0_19, int):
        raise TypeError("children_0_19 must be an int")
    if children_0_19 <= 0:
        raise ValueError("children_0_19 must be positive")
    total = sum(reports_per_month)
    average = Fraction(total, len(reports_per_month))
    return ConcernRates(
        total=total,
        monthly_average=_quantize(average, 1, ROUND_DOWN),
        per_child=_quantize(average / children_0_19, 3, ROUND_DOWN),
    )


def _quantize(value: Fraction, decimals: int, rounding: str) -> Decimal:
    """``value`` to ``decimals`` places, exactly (no binary floating point on the way)."""
    scaled = abs(value) * 10**decimals
    if rounding == ROUND_DOWN:
        whole = math.floor(scaled)
    elif rounding == ROUND_HALF_UP:
        whole = math.floor(scaled + Fraction(1, 2))
    else:
        raise ValueError(rounding)
    return Decimal(-whole if value < 0 else whole).scaleb(-decimals)
