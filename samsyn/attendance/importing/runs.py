"""The first fast path: a good CSV file whose pupil-days come line after line, read by a
compiled loop (:mod:`kernel`) in as many threads as there are cores.

School systems export lessons pupil by pupil (or day by day, pupil by pupil), so the lessons
of one pupil-day are consecutive lines: a *run*. The kernel sums each run as it reads, with no
hash table of millions of pupil-days, and checks every line as it goes. For a municipality's
school year (57 million lines) this takes a fraction of the time of any general CSV reader
that then groups the lines (ADR 9).

What it accepts is a strict subset of what the Polars path (``pipeline.parse_days_polars``)
accepts, read to the identical result:

- a personnummer of 10 or 12 digits with at most one ``-`` or ``+`` before the last four
  (then checked per distinct value, as on every path);
- a date written ``YYYY-MM-DD`` (each distinct date then checked to exist);
- a start time written ``HH:MM`` or ``HH:MM:SS`` (hours 00–23, minutes and seconds 00–59),
  or none;
- minutes written as one to four digits, at most 1440; none for the optional columns;
- any value may be quoted; a doubled quote only in the absence reason or a column we do not
  read; bytes outside ASCII only in the absence reason (which is then checked to be UTF-8);
- every line ends in ``\\n`` or ``\\r\\n`` and has as many fields as the header;
- no two lessons of a pupil-day have the same start time, and no pupil-day comes in two runs.

Anything else — a blank line, a control character, ``8.00``, `` 60``, a pupil-day split over
the file — declines the file, and the next path (DuckDB's, :mod:`fast`) reads it. The
absence reasons are kept as written and stripped and compared with the Polars path's own
expressions, so that the two cannot differ.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from samsyn.attendance.importing import columns as c
from samsyn.attendance.importing import kernel, sources
from samsyn.attendance.importing.pipeline import SUM_COLUMNS, ParsedDays, check_identity_numbers
from samsyn.attendance.importing.sources import LessonSource

# Bytes read at a time by each thread, and the runs and reasons one call of the kernel may write.
_CHUNK = 32 * 1024 * 1024
_RUNS = 1 << 20
_REASONS = 1 << 20
# The pupils one file may have (Sweden's largest municipality has about 150,000 pupils), and
# the slots of the table that numbers them (at most half full).
_PUPILS = 1 << 18
_REASON_BYTES = 16 * 1024 * 1024
# Below this much a file is read by one thread (starting threads costs more than it saves).
_PER_THREAD = 16 * 1024 * 1024
_ROLES = {
    c.PERSONNUMMER: kernel.PNR,
    c.DATE: kernel.DATE,
    c.START_TIME: kernel.START,
    c.SCHEDULED: kernel.SCHEDULED,
    c.ATTENDANCE: kernel.ATTENDANCE,
    c.VALID_ABSENCE: kernel.VALID,
    c.INVALID_ABSENCE: kernel.INVALID,
    c.OTHER_ATTENDANCE: kernel.OTHER,
    c.ABSENCE_REASON: kernel.REASON,
}
_SIGNS = {0: "", 1: "-", 2: "+"}
logger = logging.getLogger(__name__)


NOT_UTF8 = "an absence reason that is not UTF-8"


@dataclass
class Declined:
    """Why a file was declined: the kernel's reason or one found afterwards; and the file's
    SHA-256 when it was computed all the same (the next path need not compute it again)."""

    why: str = ""
    sha256: str = ""


# The last decline in this process, for tests and measurements only: imports may run at once
# (uploads run in threads), so nothing is decided by it.
last = Declined()


class _Decline(Exception):
    pass


@dataclass
class _Part:
    """What one thread read: its runs, their pupils and their distinct absence reasons."""

    # The pupils in the order met: the coded personnummer, the first and the latest date.
    pupil_keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    pupil_first: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    pupil_last: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    disordered: bool = False  # some pupil's runs not in date order
    pupils: list[np.ndarray] = field(default_factory=list)  # each run's pupil (a row above)
    dates: list[np.ndarray] = field(default_factory=list)
    sums: list[np.ndarray] = field(default_factory=list)
    lines: list[np.ndarray] = field(default_factory=list)
    reason_runs: list[np.ndarray] = field(default_factory=list)
    reason_text: list[bytes] = field(default_factory=list)
    runs: int = 0
    declined: str = ""


def try_parse_runs(source: LessonSource) -> ParsedDays | Declined:
    """The pupil-days of ``source`` (a UTF-8 CSV), or why this path declines it.

    When the file was not yet hashed (``source.encoding_checked`` False) its SHA-256 is
    computed in a thread beside the readers; on success it is set on ``source``, which is then
    known to be UTF-8 (every byte outside ASCII was in an absence reason, and those decoded).
    """
    global last
    declined = _try(source)
    if isinstance(declined, Declined):
        last = declined
    return declined


def _try(source: LessonSource) -> ParsedDays | Declined:
    data = source.csv_source
    if data is None:
        return Declined("not a CSV file")
    hasher: _Hasher | None = None
    try:
        roles, body = _roles(source)
        hasher = _Hasher(data) if not source.encoding_checked else None
        if hasher is not None:
            hasher.start()
        try:
            parts = _read_parts(data, roles, body, source.delimiter)
        finally:
            if hasher is not None:
                hasher.join()
        parsed = _assemble(parts, source)
    except _Decline as exc:
        return Declined(str(exc), hasher.hexdigest if hasher is not None else "")
    except Exception:  # a fault of this path must not cost the import: the next path reads it
        logger.exception("The runs path failed on a file; the next path reads it")
        return Declined("an unexpected error")
    if hasher is not None:
        source.sha256 = hasher.hexdigest
        source.encoding_checked = True
    return parsed


def _roles(source: LessonSource) -> tuple[np.ndarray, int]:
    """The role of each of the file's columns, and where the line after the header starts."""
    data = source.csv_source
    assert data is not None
    head = sources._head(data)
    end = head.find(b"\n")
    if end < 0:
        raise _Decline("no line after the header")
    try:
        text = head[:end].rstrip(b"\r").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Decline("a header that is not UTF-8") from exc
    header = sources.header_names(text, source.delimiter)
    roles = []
    for name in header:
        ours = c.ALIASES.get(c.fold(name))
        taken = ours is not None and _ROLES[ours] in roles
        roles.append(kernel.SKIP if ours is None or taken else _ROLES[ours])
    return np.array(roles, dtype=np.int64), end + 1


class _Hasher(threading.Thread):
    """The SHA-256 of the file, in a thread (hashlib lets go of the GIL while it hashes)."""

    def __init__(self, data: Path | bytes) -> None:
        super().__init__(daemon=True)
        self.data = data
        self.hexdigest = ""

    def run(self) -> None:
        digest = hashlib.sha256()
        if isinstance(self.data, bytes):
            digest.update(self.data)
        else:
            with self.data.open("rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    digest.update(chunk)
        self.hexdigest = digest.hexdigest()


def _size(data: Path | bytes) -> int:
    return len(data) if isinstance(data, bytes) else data.stat().st_size


def _read_parts(data: Path | bytes, roles: np.ndarray, body: int, delimiter: str) -> list[_Part]:
    """Read the lines after the header in as many threads as there are cores, each its own
    stretch of the file; a stretch starts where a pupil-day starts."""
    size = _size(data)
    threads = max(1, min(os.cpu_count() or 1, (size - body) // _PER_THREAD))
    bounds = _bounds(data, body, size, threads, roles, delimiter)
    parts = [_Part() for _ in range(len(bounds) - 1)]
    workers = [
        threading.Thread(
            target=_read_stretch,
            args=(data, lo, hi, roles, ord(delimiter), part),
            daemon=True,
        )
        for (lo, hi), part in zip(itertools.pairwise(bounds), parts, strict=True)
    ]
    if len(workers) == 1:
        workers[0].run()
    else:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    for part in parts:
        if part.declined:
            raise _Decline(part.declined)
    return parts


def _bounds(
    data: Path | bytes, body: int, size: int, threads: int, roles: np.ndarray, delimiter: str
) -> list[int]:
    """``threads`` stretches of the file from ``body``, each starting at the first line of a
    pupil-day (a stretch that would start inside one starts after it). Only the pupil and the
    date of a few lines are looked at; should a quoted delimiter mislead the look, a pupil-day
    is read in two runs and the file is declined, never misread."""
    bounds = [body]
    key_columns = [int(i) for i in np.flatnonzero(roles == kernel.PNR)] + [
        int(i) for i in np.flatnonzero(roles == kernel.DATE)
    ]
    sep = delimiter.encode()
    for k in range(1, threads):
        at = body + (size - body) * k // threads
        lines = _window(data, at, 1024 * 1024).split(b"\n")
        # lines[0] may be the end of a line; the last may be cut short.
        position = at + len(lines[0]) + 1
        for before, line in itertools.pairwise(lines[1:-1]):
            position += len(before) + 1
            if _key(line, key_columns, sep) != _key(before, key_columns, sep):
                break
        else:
            continue  # one pupil-day longer than the window: no stretch starts here
        if position > bounds[-1]:
            bounds.append(position)
    bounds.append(size)
    return bounds


def _window(data: Path | bytes, at: int, length: int) -> bytes:
    if isinstance(data, bytes):
        return data[at : at + length]
    with data.open("rb") as handle:
        handle.seek(at)
        return handle.read(length)


def _key(line: bytes, key_columns: list[int], sep: bytes) -> tuple[bytes, ...]:
    fields = line.rstrip(b"\r").split(sep)
    return tuple(fields[i] if i < len(fields) else b"" for i in key_columns)


def _read_stretch(
    data: Path | bytes, lo: int, hi: int, roles: np.ndarray, delimiter: int, part: _Part
) -> None:
    """Read ``[lo, hi)`` of the file into ``part`` (a thread of its own)."""
    table = np.full((2 * _PUPILS, 2), -1, np.int64)
    pupil_after = np.full(_PUPILS, -1, np.int32)
    pupil_keys = np.empty(_PUPILS, np.int64)
    pupil_first = np.empty(_PUPILS, np.int32)
    pupil_last = np.empty(_PUPILS, np.int32)
    pupils = np.empty(_RUNS, np.int32)
    dates = np.empty(_RUNS, np.int32)
    sums = np.empty((5, _RUNS), np.int32)
    lines = np.empty(_RUNS, np.int32)
    reason_run = np.empty(_REASONS, np.int64)
    reason_end = np.empty(_REASONS, np.int64)
    reason_bytes = np.empty(_REASON_BYTES, np.uint8)
    state = np.zeros(kernel.STATE_SIZE, np.int64)
    try:
        for buffer, length, final, advance in _buffers(data, lo, hi):
            kernel.read_runs(
                buffer,
                length,
                final,
                roles,
                delimiter,
                table,
                pupil_after,
                pupil_keys,
                pupil_first,
                pupil_last,
                pupils,
                dates,
                sums,
                lines,
                reason_run,
                reason_end,
                reason_bytes,
                state,
            )
            if state[kernel.STATUS] == kernel.DECLINE:
                part.declined = kernel.WHY_TEXT.get(int(state[kernel.WHY]), "declined")
                return
            runs = int(state[kernel.RUNS])
            reasons = int(state[kernel.REASONS])
            part.pupils.append(pupils[:runs].copy())
            part.dates.append(dates[:runs].copy())
            part.sums.append(sums[:, :runs].copy())
            part.lines.append(lines[:runs].copy())
            part.reason_runs.append(reason_run[:reasons] + part.runs)
            part.reason_text.append(reason_bytes[: state[kernel.REASON_BYTES]].tobytes())
            part.runs += runs
            consumed = int(state[kernel.CONSUMED])
            if consumed == 0 and not (final and state[kernel.STATUS] == kernel.OK):
                # Not one whole pupil-day in a chunk, or in the output arrays.
                part.declined = "a pupil-day larger than a chunk"
                return
            advance(consumed)  # the next buffer starts with the first line not read
        met = int(state[kernel.PUPILS])
        part.pupil_keys = pupil_keys[:met].copy()
        part.pupil_first = pupil_first[:met].copy()
        part.pupil_last = pupil_last[:met].copy()
        part.disordered = bool(state[kernel.DISORDERED])
    except Exception as exc:  # a decline: the next path reads the file
        part.declined = f"{type(exc).__name__}: {exc}"


def _buffers(data: Path | bytes, lo: int, hi: int) -> Iterator[tuple[np.ndarray, int, bool, Any]]:
    """Buffers over ``[lo, hi)``: (buffer, length, final, advance). After each, the caller
    says with ``advance(n)`` how many bytes it consumed; the next buffer starts there."""
    position = lo

    def advance(consumed: int) -> None:
        nonlocal position
        position += consumed

    if isinstance(data, bytes):
        view = np.frombuffer(data, dtype=np.uint8)
        while position < hi:
            end = min(hi, position + _CHUNK)
            yield view[position:end], end - position, end >= hi, advance
        return
    buffer = np.empty(_CHUNK, np.uint8)
    descriptor = os.open(data, os.O_RDONLY)
    try:
        while position < hi:
            want = min(_CHUNK, hi - position)
            got = os.preadv(descriptor, [buffer.data[:want]], position)
            if got <= 0:
                raise _Decline("the file changed while it was read")
            yield buffer, got, position + got >= hi, advance
    finally:
        os.close(descriptor)


def _assemble(parts: list[_Part], source: LessonSource) -> ParsedDays:
    """The threads' runs as ``ParsedDays``, with the same columns and values as every path.

    The pupils are numbered (``ParsedDays.pupils``, sorted) and each day carries its pupil's
    number as well as the personnummer, so that no later step compares millions of strings.
    """
    keys = np.unique(np.concatenate([p.pupil_keys for p in parts] or [_EMPTY]))
    if len(keys) == 0:
        raise _Decline("no lines")
    numbers = [np.searchsorted(keys, p.pupil_keys) for p in parts]
    pupil = np.concatenate(
        [number[a] for p, number in zip(parts, numbers, strict=True) for a in p.pupils]
    )
    date = np.concatenate([a for p in parts for a in p.dates])
    stored = _pupils(keys, source)
    if not _in_date_order(parts, numbers, len(keys)) and not _unique(pupil, date):
        raise _Decline("a pupil-day in more than one run")

    sums = np.concatenate([a for p in parts for a in p.sums], axis=1)
    lines = np.concatenate([a for p in parts for a in p.lines])
    days = pl.DataFrame(
        {
            c.PERSONNUMMER: stored.gather(pupil),
            c.DATE: pl.Series(date, dtype=pl.Int32).cast(pl.Date),
            **{k: pl.Series(sums[i], dtype=pl.Int64) for i, k in enumerate(SUM_COLUMNS)},
            "lesson_count": pl.Series(lines, dtype=pl.Int64),
            "absence_reasons": _reasons(parts, len(pupil)),
        }
    )
    return ParsedDays(
        days=days,
        lines_total=int(lines.sum()),
        pupils=stored,
        pupil_of_day=pupil,
    )


_EMPTY = np.empty(0, np.int64)


def _pupils(keys: np.ndarray, source: LessonSource) -> pl.Series:
    """The coded personnummer (sorted) → the stored forms of valid numbers, or decline."""
    written = [_written(int(key)) for key in keys]
    good, bad = check_identity_numbers(written, source.known_numbers)
    if bad:
        raise _Decline("an invalid personnummer")
    stored = [good[text] for text in written]
    if len(set(stored)) < len(stored):
        raise _Decline("one pupil written in two forms")
    return pl.Series(c.PERSONNUMMER, stored, dtype=pl.String)


def _written(key: int) -> str:
    """A coded personnummer (see ``kernel.read_runs``) as it was written in the file."""
    digits, form = divmod(key, 8)
    text = str(digits).zfill(12 if form & 4 else 10)
    sign = _SIGNS[form & 3]
    return f"{text[:-4]}{sign}{text[-4:]}" if sign else text


def _in_date_order(parts: list[_Part], numbers: list[np.ndarray], pupils: int) -> bool:
    """Whether each pupil's runs came in date order, through every stretch of the file: then
    no pupil-day came twice. True for a file sorted pupil by pupil or day by day."""
    latest = np.full(pupils, np.iinfo(np.int32).min, np.int64)
    for part, number in zip(parts, numbers, strict=True):
        if part.disordered or bool(np.any(part.pupil_first <= latest[number])):
            return False
        latest[number] = part.pupil_last
    return True


def _unique(pupil: np.ndarray, date: np.ndarray) -> bool:
    key = pl.Series(pupil.astype(np.int64) * (1 << 32) + date.astype(np.int64))
    return key.n_unique() == len(key)


def _reasons(parts: list[_Part], runs: int) -> pl.Series:
    """Each run's smallest and largest absence reason, stripped (the Polars path's own
    expressions), "" for the runs without one: ``absence_reasons``."""
    offsets = np.cumsum([0] + [p.runs for p in parts])[:-1]
    run_of = [r + offset for p, offset in zip(parts, offsets, strict=True) for r in p.reason_runs]
    column = pl.repeat("", runs, dtype=pl.String, eager=True).alias("absence_reasons")
    if not run_of or not sum(len(r) for r in run_of):
        return column
    try:
        texts = b"".join(t for p in parts for t in p.reason_text).decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise _Decline(NOT_UTF8) from exc
    given = pl.DataFrame(
        {"_run": np.concatenate(run_of), "reason": texts[:-1]},
        schema={"_run": pl.Int64, "reason": pl.String},
    )
    reason = pl.col("reason").str.strip_chars()
    kept = reason.filter(reason.is_not_null() & (reason != ""))
    low, high = pl.col("low"), pl.col("high")
    found = (
        given.group_by("_run")
        .agg(kept.min().alias("low"), kept.max().alias("high"))
        .filter(low.is_not_null())
        .select(
            "_run",
            pl.when(low == high).then(low).otherwise(pl.concat_str(low, pl.lit("; "), high)),
        )
    )
    return column.scatter(found["_run"], found.to_series(1))
