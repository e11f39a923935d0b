"""Validate lessons and sum them to pupil-days, vectorised with Polars.

The fast path is one scan of the file: every line gets error flags, the good lines are summed per
(personnummer as written, date), and the unique personnummer values are collected. Only when
something is wrong is the file read again to word a Swedish message for each bad line.

Rules (a line breaking any of them rejects the whole file):

- personnummer, date, attendance, valid and invalid absence minutes are required; a personnummer
  must be valid (``samsyn.children.identity``; temporary school numbers are accepted), checked
  once per distinct value;
- dates are ``YYYY-MM-DD`` and exist; a start time is ``HH:MM`` (or ``HH:MM:SS``, ``HH.MM``);
- minutes are whole numbers from 0 to 1440; empty other-attendance minutes count as 0; empty
  scheduled minutes are the sum of the four minute columns;
- two lines with the same personnummer, date and start time are duplicates. Lines **without** a
  start time are never duplicates of each other: each is a lesson of its own and the day is their
  sum (a system that exports whole days writes one such line per pupil and day);
- blank lines are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from django.utils.translation import gettext as _

from samsyn.attendance.importing import columns as c
from samsyn.attendance.importing.errors import MAX_ERRORS, FileRejected, LineError
from samsyn.attendance.importing.sources import (
    KnownNumbers,
    LessonSource,
    check_encoding,
    find_ragged_lines,
)
from samsyn.children.identity import InvalidIdentityNumber, parse_identity_number

MAX_LESSON_MINUTES = 24 * 60
SUM_COLUMNS = (c.SCHEDULED, *c.MINUTE_COLUMNS)
DAY_COLUMNS = (*SUM_COLUMNS, "lesson_count", "absence_reasons")


@dataclass
class ParsedDays:
    """The file summed per pupil-day: ``personnummer`` is the 12-character stored form.

    A path may also number the pupils: ``pupils`` (their stored personnummer) and, for each
    row of ``days``, the row of its pupil in ``pupils`` (``pupil_of_day``), so that the
    pupils are matched to children without comparing millions of strings.
    """

    days: pl.DataFrame
    lines_total: int
    errors: list[LineError] = field(default_factory=list)
    pupils: pl.Series | None = None
    pupil_of_day: np.ndarray | None = None

    def numbers(self) -> list[str]:
        """The file's distinct personnummer (stored form)."""
        if self.pupils is not None:
            return self.pupils.to_list()
        return self.days[c.PERSONNUMMER].unique().to_list()

    def with_child_ids(self, ids: dict[str, int]) -> pl.DataFrame:
        """``days`` with ``child_id``, the days of pupils not in ``ids`` left out."""
        if self.pupils is None or self.pupil_of_day is None:
            mapping = pl.DataFrame(
                {c.PERSONNUMMER: list(ids), "child_id": list(ids.values())},
                schema={c.PERSONNUMMER: pl.String, "child_id": pl.Int64},
            )
            return self.days.join(mapping, on=c.PERSONNUMMER, how="inner")
        child = np.array([ids.get(number, -1) for number in self.pupils], dtype=np.int64)
        of_day = child[self.pupil_of_day]
        days = self.days.with_columns(pl.Series("child_id", of_day))
        return days if bool((of_day >= 0).all()) else days.filter(pl.col("child_id") >= 0)


def _present(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() & (pl.col(name).str.len_bytes() > 0)


def _clean(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Drop blank lines, add typed values and one error flag for the line.

    Cheap expressions only (this runs on every line): no regular expressions, and the
    personnummer is left as written (stripped and checked per distinct value later).
    """
    lf = lf.filter(pl.any_horizontal(*[_present(k) for k in c.ALL_COLUMNS]))
    date_text = pl.col(c.DATE).str.strip_chars()
    start = pl.col(c.START_TIME)
    typed = lf.with_columns(
        pl.when(date_text.str.len_bytes() == 10)
        .then(date_text.str.to_date("%Y-%m-%d", strict=False))
        .alias("_date"),
        pl.coalesce(
            start.str.to_time("%H:%M", strict=False),
            start.str.to_time("%H:%M:%S", strict=False),
            start.str.to_time("%H.%M", strict=False),
        ).alias("_start"),
        *[
            pl.col(k).str.strip_chars().cast(pl.Int64, strict=False).alias(f"_{k}")
            for k in SUM_COLUMNS
        ],
    )
    bad_minutes = [
        _present(k)
        & (
            pl.col(f"_{k}").is_null()
            | (pl.col(f"_{k}") < 0)
            | (pl.col(f"_{k}") > MAX_LESSON_MINUTES)
        )
        for k in SUM_COLUMNS
    ]
    flags = [
        ~_present(c.PERSONNUMMER),
        pl.col("_date").is_null(),
        _present(c.START_TIME) & pl.col("_start").is_null(),
        *[~_present(k) for k in (c.ATTENDANCE, c.VALID_ABSENCE, c.INVALID_ABSENCE)],
        *bad_minutes,
    ]
    other = pl.col(f"_{c.OTHER_ATTENDANCE}").fill_null(0)
    return typed.with_columns(
        pl.any_horizontal(*flags).alias("_bad"),
        other.alias(f"_{c.OTHER_ATTENDANCE}"),
        pl.coalesce(
            pl.col(f"_{c.SCHEDULED}"),
            pl.col(f"_{c.ATTENDANCE}")
            + pl.col(f"_{c.VALID_ABSENCE}")
            + pl.col(f"_{c.INVALID_ABSENCE}")
            + other,
        ).alias(f"_{c.SCHEDULED}"),
    )


def _sum_days(clean: pl.LazyFrame) -> pl.LazyFrame:
    """The one pass over the file: every line (good or bad) summed per pupil-day as written.

    ``_bad_lines`` counts the bad lines of a group (any → the file is rejected and read again
    for the messages); ``_reasons`` is the list of the day's distinct raw absence reasons.
    """
    return (
        clean.group_by(c.PERSONNUMMER, "_date")
        .agg(
            *[pl.col(f"_{k}").sum().alias(k) for k in SUM_COLUMNS],
            pl.len().alias("lesson_count"),
            pl.col("_start").count().alias("_starts"),
            *_slot_words(),
            pl.col("_bad").sum().alias("_bad_lines"),
            *_reason_bounds(),
        )
        .with_columns(pl.concat_list("_reason_min", "_reason_max").alias("_reasons"))
        .drop("_reason_min", "_reason_max")
    )


def _reason_bounds() -> list[pl.Expr]:
    """The day's smallest and largest absence reason (as stripped text). A list of every
    distinct reason per pupil-day held a set for each of millions of days (gigabytes for a
    year); a day has one or two reasons in practice, and with three or more the middle ones are
    not kept (documented in ADR 7)."""
    reason = pl.col(c.ABSENCE_REASON).str.strip_chars()
    given = reason.filter(reason.is_not_null() & (reason != ""))
    return [given.min().alias("_reason_min"), given.max().alias("_reason_max")]


# Duplicate start times are found without a set of start times per pupil-day (which for
# millions of days costs gigabytes): each day's start times set bits in a 288-bit mask of
# five-minute slots, kept as five 64-bit words combined with a bitwise OR. Fewer bits than
# lessons with a start time means two lessons in one slot — a duplicate, or two lessons that
# start within five minutes of each other; the exact check that words the messages tells which.
SLOT_MINUTES = 5
_WORDS = 5  # 288 slots a day


def _slot_words() -> list[pl.Expr]:
    minute = pl.col("_start").dt.hour().cast(pl.Int64) * 60 + pl.col("_start").dt.minute()
    slot = minute // SLOT_MINUTES
    # 2 ** n is exact in a float for n < 64, so the cast gives the single bit.
    bit = pl.lit(2.0).pow(slot % 64).cast(pl.UInt64)
    return [
        pl.when(slot // 64 == word)
        .then(bit)
        .otherwise(0)
        .cast(pl.UInt64)
        .bitwise_or()
        .alias(f"_w{word}")
        for word in range(_WORDS)
    ]


def _slots_taken() -> pl.Expr:
    return pl.sum_horizontal(
        *[pl.col(f"_w{word}").fill_null(0).bitwise_count_ones() for word in range(_WORDS)]
    )


def _join_reasons(reasons: pl.Expr) -> pl.Expr:
    """A list of raw reasons → the distinct stripped non-empty ones, sorted, joined by "; "."""
    return (
        reasons.list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.unique()
        .list.sort()
        .list.join("; ")
    )


def _line_messages(bad: pl.DataFrame, names: dict[str, str]) -> list[LineError]:
    """Word the errors of lines flagged bad (few: at most MAX_ERRORS + 1 lines)."""
    errors: list[LineError] = []
    for row in bad.iter_rows(named=True):
        line = row["line"]
        if not row[c.PERSONNUMMER]:
            errors.append(LineError(line, _("the personnummer is missing")))
        if not row[c.DATE]:
            errors.append(LineError(line, _("the date is missing")))
        elif row["_date"] is None:
            errors.append(
                LineError(
                    line, _("invalid date %(value)s (write YYYY-MM-DD)") % {"value": row[c.DATE]}
                )
            )
        if row[c.START_TIME] and row["_start"] is None:
            errors.append(
                LineError(
                    line,
                    _("invalid start time %(value)s (write HH:MM)") % {"value": row[c.START_TIME]},
                )
            )
        for column in SUM_COLUMNS:
            raw, value, name = row[column], row[f"_{column}"], names[column]
            if not raw:
                if column in (c.ATTENDANCE, c.VALID_ABSENCE, c.INVALID_ABSENCE):
                    errors.append(LineError(line, _("%(column)s is missing") % {"column": name}))
                continue
            if value is None:
                message = _("%(column)s: %(value)s is not a whole number of minutes")
            elif value < 0:
                message = _("%(column)s: negative number of minutes %(value)s")
            elif value > MAX_LESSON_MINUTES:
                message = _("%(column)s: %(value)s minutes is more than a day")
            else:
                continue
            errors.append(LineError(line, message % {"column": name, "value": raw.strip()}))
    return errors


_TWELVE_DIGITS = re.compile(r"^\d{8}-?\d{4}$")


def check_identity_numbers(
    values: list[str], known: KnownNumbers | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Distinct personnummer values as written → (stored 12-character form, error message).

    ``known`` (given 12-digit numbers, the ones a child in Samsyn has) spares the full check
    for a value written ``YYYYMMDDNNNN`` or ``YYYYMMDD-NNNN`` that is a child's stored
    number: it was checked when the child was registered. A municipality's file has 50,000.
    """
    good: dict[str, str] = {}
    bad: dict[str, str] = {}
    if known is not None:
        digits = {v: v.replace("-", "") for v in values if _TWELVE_DIGITS.match(v)}
        stored = known(sorted(set(digits.values())))
        good = {v: d for v, d in digits.items() if d in stored}
    for value in values:
        if value in good:
            continue
        try:
            good[value] = parse_identity_number(value, allow_temporary=True).value
        except InvalidIdentityNumber as exc:
            bad[value] = _("invalid personnummer %(value)s – %(reason)s") % {
                "value": value,
                "reason": str(exc),
            }
    return good, bad


def _duplicate_messages(clean: pl.LazyFrame, groups: pl.DataFrame) -> list[LineError]:
    rows = (
        clean.filter(~pl.col("_bad") & pl.col("_start").is_not_null())
        .join(groups.lazy(), on=[c.PERSONNUMMER, "_date"], how="semi")
        .with_columns(pl.col("line").min().over(c.PERSONNUMMER, "_date", "_start").alias("_first"))
        .filter(pl.col("line") != pl.col("_first"))
        .select("line", "_first")
        .sort("line")
        .head(MAX_ERRORS + 1)
        .collect()
    )
    return [
        LineError(line, _("same pupil, date and start time as line %(line)s") % {"line": first})
        for line, first in rows.iter_rows()
    ]


def parse_days(source: LessonSource) -> ParsedDays:
    """Validate every line and sum them per pupil-day; raise FileRejected if any line is bad.

    A CSV file is first given to the DuckDB fast path (``fast``), which accepts only good files;
    any other file (and every Excel or SS 12000 source) is read here with Polars: one scan of
    the file when it is good, and again for the messages when it is not.
    """
    from samsyn.attendance.importing import fast

    parsed = fast.try_parse_days(source)
    if parsed is not None:
        return parsed
    return parse_days_polars(source)


def parse_days_polars(source: LessonSource) -> ParsedDays:
    """The Polars path of :func:`parse_days` (every source; every message is worded here)."""
    check_encoding(source)
    clean = _clean(source.frame)
    try:
        days = _sum_days(clean).collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        errors = []
        if source.csv_source is not None:
            errors = find_ragged_lines(source.csv_source, source.delimiter)
        if not errors:
            errors = [LineError(None, _("the file could not be read: %(error)s") % {"error": exc})]
        raise FileRejected(errors) from exc

    lines_total = int(days["lesson_count"].sum() or 0)
    bad_total = int(days["_bad_lines"].sum() or 0)
    errors = list(source.extra_errors)
    if bad_total:
        bad = clean.filter(pl.col("_bad")).head(MAX_ERRORS + 1).collect()
        errors += _line_messages(bad, source.names)
        if bad_total > len(bad):
            errors.append(
                LineError(
                    None, _("%(n)s lines in all have missing or invalid values.") % {"n": bad_total}
                )
            )
    numbers = days.filter(_present(c.PERSONNUMMER))[c.PERSONNUMMER].unique().to_list()
    good_numbers, bad_numbers = check_identity_numbers(numbers, source.known_numbers)
    if bad_numbers:
        lines = (
            clean.filter(pl.col(c.PERSONNUMMER).is_in(list(bad_numbers)))
            .select("line", c.PERSONNUMMER)
            .sort("line")
            .head(MAX_ERRORS + 1)
            .collect()
        )
        errors += [LineError(line, bad_numbers[value]) for line, value in lines.iter_rows()]
    suspect = days.filter(pl.col("_starts") > _slots_taken())
    if len(suspect):
        errors += _duplicate_messages(clean, suspect.select(c.PERSONNUMMER, "_date"))
    if errors:
        raise FileRejected(errors)

    mapping = pl.DataFrame(
        {c.PERSONNUMMER: list(good_numbers), "_stored": list(good_numbers.values())},
        schema={c.PERSONNUMMER: pl.String, "_stored": pl.String},
    )
    days = (
        days.join(mapping, on=c.PERSONNUMMER, how="left")
        .drop(c.PERSONNUMMER, "_starts", "_bad_lines", *[f"_w{w}" for w in range(_WORDS)])
        .rename({"_stored": c.PERSONNUMMER, "_date": c.DATE})
    )
    if len(set(good_numbers.values())) < len(good_numbers):
        # One pupil written in two forms (e.g. with and without century): merge their days.
        days = days.group_by(c.PERSONNUMMER, c.DATE).agg(
            *[pl.col(k).sum() for k in (*SUM_COLUMNS, "lesson_count")],
            pl.col("_reasons").list.explode(keep_nulls=False, empty_as_null=False).unique(),
        )
    days = days.select(
        c.PERSONNUMMER,
        c.DATE,
        *[pl.col(k).cast(pl.Int64) for k in (*SUM_COLUMNS, "lesson_count")],
        _join_reasons(pl.col("_reasons")).fill_null("").alias("absence_reasons"),
    )
    return ParsedDays(days=days, lines_total=lines_total)
