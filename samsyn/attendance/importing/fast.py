"""The fast path for a good CSV file: DuckDB reads, checks and sums it in one query.

Most files are good, and for a good file the only result is the pupil-days. This module reads
the file with DuckDB (every column as text, in the file's order), checks every line with cheap
vectorised expressions and sums the lines per (personnummer as written, date as written). The
SHA-256 of the file is computed at the same time in a thread.

The fast path only ever *accepts* a file, never rejects one: it is deliberately stricter than
the Polars path in ``pipeline`` (e.g. minutes must be written as plain whole numbers, a start
time as ``HH:MM`` or ``HH:MM:SS``, a date as ``YYYY-MM-DD``). Anything it cannot vouch for —
a DuckDB read or conversion error (invalid UTF-8, ragged lines, a broken quote), a missing or
invalid value, a possible duplicate start time (a coarse screen), a personnummer that fails the
check, NUL bytes, lone carriage returns, whitespace other than spaces around an absence reason,
one pupil written in two forms — makes :func:`try_parse_days` return None, and the Polars path
reads the file again and words a Swedish, line-numbered message for each bad line exactly as
before. For a good file both paths give the identical :class:`~pipeline.ParsedDays`.

A start time is read as a value of an ENUM type whose labels are every ``HH:MM`` and
``HH:MM:SS`` of a day, in order: DuckDB's reader then checks the exact form itself (anything
else fails the read), and the label's number gives the minute of the day, at a fifth of the
cost of casting the text to a time and writing it back for comparison.

The minute columns are read typed by DuckDB's CSV reader (about a fifth of the query's time
less than reading them as text and checking each value). DuckDB's integer reading is lenient
where the Polars path is not: it takes ``5.0``, ``5.4`` (rounded), ``.5``, ``1e2``, ``0x10``,
``0b11`` and ``5_000``. Each of those has a digit followed by one of ``._xXbBeE``, or a ``.``
followed by a digit, somewhere in the line; the thread that hashes the file looks for these
pairs in the bytes (:class:`_Scanner`) and, when any is found (a reason such as "kl. 9.30" is
enough), the query is run once more with the minutes read as text and checked value by value.

For a source whose encoding ``sources.read_csv`` has not checked yet, a successful DuckDB read
proves the file is UTF-8 (DuckDB rejects invalid UTF-8; NUL bytes are looked for while hashing),
so the separate check is skipped. When the read fails the encoding is checked as before (which
transcodes a Windows-1252 file, or rejects a file that is not text) and a transcoded file is
given to the fast path once more.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from samsyn.attendance.importing import columns as c
from samsyn.attendance.importing import runs, sources
from samsyn.attendance.importing.pipeline import (
    MAX_LESSON_MINUTES,
    SLOT_MINUTES,
    SUM_COLUMNS,
    ParsedDays,
    check_identity_numbers,
)
from samsyn.attendance.importing.sources import KnownNumbers, LessonSource

_CHUNK = 16 * 1024 * 1024
MEMORY_LIMIT = "4GB"
# Whitespace that Polars' strip_chars() removes but DuckDB's trim() does not.
_OTHER_WHITESPACE = r"[\t\n\x0B\f\r\x{85}\p{Z}]"
# Every start time the fast path reads, as an ENUM: code m < 1440 is minute m written HH:MM,
# code 1440 + s is second s written HH:MM:SS.
_START_TIME_TYPE = """
    CREATE TYPE samsyn_start_time AS ENUM (
        SELECT label FROM (
            SELECT m AS code, printf('%02d:%02d', m // 60, m % 60) AS label
            FROM range(1440) AS minutes(m)
            UNION ALL
            SELECT 1440 + s, printf('%02d:%02d:%02d', s // 3600, s // 60 % 60, s % 60)
            FROM range(86400) AS seconds(s)
        ) ORDER BY code
    )
"""
_MINUTES_A_DAY = 1440
# The duplicate screen: each start time sets the bit of its five-minute slot in a 127-bit word
# (slots wrap after 10 h 35 min). Fewer bits than start times → the file goes the careful way.
_SLOTS = 127  # bits 0..126 of a HUGEINT (bit_count takes no UHUGEINT)


@dataclass
class Stats:
    """How often each path was taken (for tests and measurements): ``taken`` by either fast
    path (``runs`` of them by :mod:`runs`), ``declined`` by both."""

    taken: int = 0
    declined: int = 0
    runs: int = 0


# Off only in tests of the DuckDB path itself.
RUNS_FIRST = True


stats = Stats()


# Bytes after a digit that DuckDB's integer reading accepts and the Polars path does not.
_LENIENT_AFTER_DIGIT = b"._xXbBeE"
# More occurrences of one such byte in a chunk than this, and the chunk is not looked through
# (each occurrence costs a step in Python): the minutes are then read as text and checked.
_SCAN_BUDGET = 200_000


# The scanner reads 1 MB at a time: its several looks at each chunk then find it in the CPU's
# cache (with 16 MB chunks the looks took four times as long, time taken from DuckDB's threads).
_SCAN_CHUNK = 1024 * 1024


class _Scanner(threading.Thread):
    """One read of the file in 1 MB chunks, in a thread beside DuckDB's: the SHA-256 when
    ``digest`` (hashlib releases the GIL), a look for bytes the fast path does not vouch for —
    NUL (UTF-16 or binary) and lone carriage returns (DuckDB ends a line at one, Polars does
    not) — and for the number forms only DuckDB's integer reading accepts (``lenient``)."""

    def __init__(self, source: Path | bytes, *, digest: bool) -> None:
        super().__init__(daemon=True)
        self.source = source
        self.digest = digest
        self.hexdigest = ""
        self.unusual = False
        self.lenient = False

    def run(self) -> None:
        digest = hashlib.sha256() if self.digest else None
        previous = b""
        for chunk in sources._chunks(self.source, _SCAN_CHUNK):
            if digest is not None:
                digest.update(chunk)
            if not (self.unusual and self.lenient):
                # The last byte of the chunk before: a pair may span two chunks.
                data = previous[-1:] + chunk
                self.unusual = self.unusual or b"\x00" in chunk or _lone_cr(data)
                self.lenient = self.lenient or lenient_numbers(data)
            previous = chunk
        if digest is not None:
            self.hexdigest = digest.hexdigest()


def lenient_numbers(data: bytes) -> bool:
    """Whether ``data`` may hold a number that DuckDB's integer reading would accept and the
    Polars path would not: a digit followed by one of ``._xXbBeE``, or ``.`` followed by a
    digit (True also when a byte is too frequent to look through)."""
    for byte in _LENIENT_AFTER_DIGIT:
        at = data.find(byte)
        seen = 0
        while at >= 0:
            seen += 1
            if seen > _SCAN_BUDGET:
                return True
            if at > 0 and 48 <= data[at - 1] <= 57:
                return True
            if byte == 46 and at + 1 < len(data) and 48 <= data[at + 1] <= 57:  # "."
                return True
            at = data.find(byte, at + 1)
    return False


def _lone_cr(data: bytes) -> bool:
    if b"\r" not in data:
        return False
    # A chunk may end between \r and \n: the last byte is looked at with the next chunk.
    body = data[:-1] if data.endswith(b"\r") else data
    return body.count(b"\r") != body.count(b"\r\n")


def try_parse_days(source: LessonSource) -> ParsedDays | None:
    """The pupil-days of a good CSV source, or None when the Polars path must read it.

    May check the encoding of the source in place (``sources.check_encoding``), which raises
    FileRejected for a file that is not text, just as ``sources.read_csv`` did.
    """
    if source.csv_source is None:
        return None
    parsed = _attempt(source)
    if parsed is None and not source.encoding_checked:
        try:
            transcoded = sources.check_encoding(source)
        except Exception:
            stats.declined += 1
            raise
        if transcoded:  # from Windows-1252: try once more
            parsed = _attempt(source)
    if parsed is None:
        stats.declined += 1
    else:
        stats.taken += 1
    return parsed


def _attempt(source: LessonSource) -> ParsedDays | None:
    """The runs path, then DuckDB's; None when both decline."""
    known_sha256 = ""
    if RUNS_FIRST:
        parsed = runs.try_parse_runs(source)
        if not isinstance(parsed, runs.Declined):
            stats.runs += 1
            return parsed
        if parsed.why == runs.NOT_UTF8:
            return None  # DuckDB would find the same (after reading much of the file)
        known_sha256 = parsed.sha256
    return _attempt_duckdb(source, known_sha256=known_sha256)


def _attempt_duckdb(source: LessonSource, *, known_sha256: str = "") -> ParsedDays | None:
    assert source.csv_source is not None
    data = source.csv_source
    scanner = _Scanner(data, digest=not source.encoding_checked and not known_sha256)
    with tempfile.TemporaryDirectory(prefix="samsyn-duckdb-") as tmp:
        if isinstance(data, bytes):
            path = Path(tmp) / "lessons.csv"
            path.write_bytes(data)
        else:
            path = data
        scanner.start()
        try:
            days = _read_days(source, path, typed_minutes=True)
        finally:
            scanner.join()
        if days is not None and scanner.lenient and not scanner.unusual:
            # A number form DuckDB reads leniently may be in the file: read the minutes as
            # text and check each value.
            days = _read_days(source, path, typed_minutes=False)
    if days is None or scanner.unusual:
        return None
    parsed = _checked_days(days, source.known_numbers)
    if parsed is not None and not source.encoding_checked:
        source.sha256 = scanner.hexdigest if scanner.digest else known_sha256
        source.encoding_checked = True
    return parsed


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _query(source: LessonSource, path: Path, *, typed_minutes: bool = True) -> str:
    """One query: every line typed and checked, summed per pupil-day as written. With
    ``typed_minutes`` DuckDB's CSV reader reads the minute columns as numbers (see the
    module's text for the forms it accepts that must be screened for beforehand)."""
    header = sources.csv_header(path, source.delimiter)
    file_columns = [f"c{i}" for i in range(len(header))]
    position = {name: i for i, name in reversed(list(enumerate(header)))}
    ours = {
        column: f"c{position[source.names[column]]}"
        for column in c.ALL_COLUMNS
        if source.names[column] in position
        and c.ALIASES.get(c.fold(source.names[column])) == column
    }

    def raw(column: str) -> str:
        return ours.get(column, "NULL::VARCHAR")

    typed = {ours[k]: "USMALLINT" for k in SUM_COLUMNS if k in ours and typed_minutes}
    if c.START_TIME in ours:
        typed[ours[c.START_TIME]] = "samsyn_start_time"
    types = ", ".join(f"{_quote(name)}: '{typed.get(name, 'VARCHAR')}'" for name in file_columns)
    read = (
        f"read_csv({_quote(str(path))}, header = true, auto_detect = false, "
        f"delim = {_quote(source.delimiter)}, quote = '\"', escape = '\"', "
        f"columns = {{{types}}})"
    )
    given = " OR ".join(f"{raw(k)} IS NOT NULL" for k in c.ALL_COLUMNS)
    if typed_minutes:
        # Read as numbers: a value DuckDB cannot read fails the query (the Polars path words
        # it); the lenient forms were screened for in the bytes.
        numbers = ", ".join(f"{raw(k)}::USMALLINT AS _{k}" for k in SUM_COLUMNS)
        minutes_ok = " AND ".join(
            f"({raw(k)} IS NULL OR _{k} <= {MAX_LESSON_MINUTES})" for k in SUM_COLUMNS
        )
    else:
        numbers = ", ".join(f"TRY_CAST({raw(k)} AS USMALLINT) AS _{k}" for k in SUM_COLUMNS)
        # A plain whole number: the text is exactly how DuckDB writes the value (no sign,
        # spaces, leading zeros, decimals or exponents, all of which DuckDB's cast accepts).
        minutes_ok = " AND ".join(
            f"({raw(k)} IS NULL OR (_{k} <= {MAX_LESSON_MINUTES} AND _{k}::VARCHAR = {raw(k)}))"
            for k in SUM_COLUMNS
        )
    required = " AND ".join(
        f"{raw(k)} IS NOT NULL"
        for k in (c.PERSONNUMMER, c.DATE, c.ATTENDANCE, c.VALID_ABSENCE, c.INVALID_ABSENCE)
    )
    start = ours.get(c.START_TIME)
    # The minute of the day (an exact form, a time of the day: the reader has checked both).
    minute = (
        f"CASE WHEN enum_code({start}) < {_MINUTES_A_DAY} THEN enum_code({start}) "
        f"ELSE (enum_code({start}) - {_MINUTES_A_DAY}) // 60 END"
        if start
        else "NULL::INTEGER"
    )
    reason = raw(c.ABSENCE_REASON)
    reason_ok = (
        f"(_reason IS NULL OR NOT regexp_matches(_reason, "
        f"'^{_OTHER_WHITESPACE}|{_OTHER_WHITESPACE}$'))"
    )
    a, v, i, o, s = (f"_{k}" for k in (*c.MINUTE_COLUMNS, c.SCHEDULED))
    return f"""
        WITH lines AS (
            SELECT
                {raw(c.PERSONNUMMER)} AS _pnr,
                {raw(c.DATE)} AS _date,
                {numbers},
                {minute} AS _minute,
                CASE WHEN {reason} IS NOT NULL THEN NULLIF(trim({reason}), '') END AS _reason,
                NOT coalesce({required} AND {minutes_ok} AND {reason_ok}, false)
                    AS _bad
            FROM {read}
            WHERE {given}
        )
        SELECT
            _pnr, _date,
            sum(coalesce({s}, {a} + {v} + {i} + coalesce({o}, 0))) AS {c.SCHEDULED},
            sum({a}) AS {c.ATTENDANCE},
            sum({v}) AS {c.VALID_ABSENCE},
            sum({i}) AS {c.INVALID_ABSENCE},
            sum(coalesce({o}, 0)) AS {c.OTHER_ATTENDANCE},
            count(*) AS lesson_count,
            bool_or(_bad) AS _bad,
            count(_minute) > bit_count(coalesce(bit_or(
                1::HUGEINT << (_minute // {SLOT_MINUTES} % {_SLOTS})::HUGEINT
            ), 0::HUGEINT)) AS _suspect,
            min(_reason) AS _reason_min,
            max(_reason) AS _reason_max
        FROM lines
        GROUP BY _pnr, _date
    """


_database_lock = threading.Lock()
_database: duckdb.DuckDBPyConnection | None = None


def _duckdb() -> duckdb.DuckDBPyConnection:
    """A new connection to the process's DuckDB database: in memory, made at the first
    import with the start-time type (making the type takes a tenth of a second, as long as a
    day's file takes to read), spilling to a folder of its own that goes when the process
    ends. Imports running at once share its memory limit."""
    global _database
    with _database_lock:
        if _database is None:
            spill = tempfile.mkdtemp(prefix="samsyn-duckdb-")
            atexit.register(shutil.rmtree, spill, ignore_errors=True)
            config = {
                "threads": os.cpu_count() or 1,
                "memory_limit": MEMORY_LIMIT,
                "temp_directory": spill,
                "preserve_insertion_order": False,
            }
            database = duckdb.connect(config=config)  # type: ignore[arg-type]
            database.execute(_START_TIME_TYPE)
            _database = database
        return _database.cursor()


def _read_days(source: LessonSource, path: Path, *, typed_minutes: bool) -> pl.DataFrame | None:
    try:
        with _duckdb() as con:
            return pl.DataFrame(con.sql(_query(source, path, typed_minutes=typed_minutes)))
    except (duckdb.Error, UnicodeDecodeError, KeyError):
        return None


def _checked_days(days: pl.DataFrame, known: KnownNumbers | None = None) -> ParsedDays | None:
    """The summed days as ``ParsedDays``, or None if anything needs the careful path."""
    if days.height == 0 or bool(days["_bad"].any()) or bool(days["_suspect"].any()):
        return None
    numbers = days["_pnr"].unique().to_list()
    good, bad = check_identity_numbers(numbers, known)
    if bad or len(set(good.values())) < len(good):
        return None
    dates = days.select(pl.col("_date").unique())
    dates = dates.with_columns(pl.col("_date").str.to_date("%Y-%m-%d", strict=False).alias(c.DATE))
    canonical = dates[c.DATE].dt.strftime("%Y-%m-%d") == dates["_date"]
    if not bool(canonical.fill_null(False).all()):
        return None
    mapping = pl.DataFrame(
        {"_pnr": list(good), c.PERSONNUMMER: list(good.values())},
        schema={"_pnr": pl.String, c.PERSONNUMMER: pl.String},
    )
    low, high = pl.col("_reason_min"), pl.col("_reason_max")
    result = (
        days.lazy()
        .join(mapping.lazy(), on="_pnr", how="left")
        .join(dates.lazy(), on="_date", how="left")
        .select(
            c.PERSONNUMMER,
            c.DATE,
            *[pl.col(k).cast(pl.Int64) for k in (*SUM_COLUMNS, "lesson_count")],
            pl.when(low.is_null())
            .then(pl.lit(""))
            .when(low == high)
            .then(low)
            .otherwise(pl.concat_str(low, pl.lit("; "), high))
            .alias("absence_reasons"),
        )
        .collect()
    )
    return ParsedDays(days=result, lines_total=int(result["lesson_count"].sum() or 0))
