"""The compiled loop of the first fast path (:mod:`runs`): lesson lines → pupil-day runs.

One function, compiled by Numba to machine code on first use (and cached beside this file, or
in Numba's cache folder when this one is read-only), that reads a buffer of CSV lines byte by
byte and sums each *run* of consecutive lines of the same pupil and date. It releases the GIL,
so several threads each read their own part of a file at once.

It accepts only lines it can read exactly as the Polars path reads them and declines anything
else (see :mod:`runs` for the list); it never words a message. Every index is checked against
the buffer's length before it is read, because the buffer is an uploaded file.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

# The role of each of the file's columns.
PNR, DATE, START, SCHEDULED, ATTENDANCE, VALID, INVALID, OTHER, REASON, SKIP = range(10)

# ``state`` on return: [0] bytes consumed, [1] runs written, [2] reasons written, [3] reason
# bytes written, [4] status, [5] the offset where the kernel declined, [6] why; kept from call
# to call (0 before the first): [7] the pupils met so far, [8] 1 when some pupil's days did
# not come in date order.
CONSUMED, RUNS, REASONS, REASON_BYTES, STATUS, AT, WHY, PUPILS, DISORDERED = range(9)
STATE_SIZE = 9
# Statuses: OK (the buffer read; continue at ``consumed``), FULL (the output arrays are full;
# continue at ``consumed``), DECLINE (the file is not for this path).
OK, FULL, DECLINE = 0, 1, 2

# Why the kernel declined (``state[WHY]``), for tests and measurements.
WHY_TEXT = {
    1: "more fields than the header",
    2: "a control character in a quoted value",
    3: "a byte outside ASCII outside the absence reason",
    4: "a doubled quote outside the absence reason",
    5: "a control character or a quote in an unquoted value",
    6: "a personnummer with other characters than digits and one - or +",
    7: "a personnummer of neither 10 nor 12 digits, or a misplaced - or +",
    8: "a date not written YYYY-MM-DD, or a day that does not exist",
    9: "a start time not written HH:MM or HH:MM:SS",
    10: "minutes not written as at most four digits",
    11: "more than 1440 minutes",
    12: "a carriage return not followed by a line feed",
    13: "text after a closing quote",
    14: "fewer fields than the header",
    15: "a required value missing",
    16: "two lessons of a pupil-day with the same start time",
    17: "more than 64 lessons with a start time in one pupil-day",
    18: "an unterminated quote",
    19: "a blank line",
    20: "more pupils than the table of pupils holds",
}

MAX_MINUTES = 1440
_MAX_STARTS = 64
_QUOTE, _LF, _CR, _COLON, _MINUS, _PLUS, _ZERO, _NINE = 34, 10, 13, 58, 45, 43, 48, 57


_NO_DAY = -(1 << 40)


@njit(nogil=True, cache=True)
def _day_number(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a date of years 1–9999, or ``_NO_DAY`` when it does not exist
    (H. Hinnant's days_from_civil)."""
    if year < 1 or month < 1 or month > 12 or day < 1:
        return _NO_DAY
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    length = 30 if month in (4, 6, 9, 11) else 31
    if month == 2:
        length = 29 if leap else 28
    if day > length:
        return _NO_DAY
    y = year - 1 if month <= 2 else year
    era = y // 400
    of_era = y - era * 400
    of_year = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1
    of_days = of_era * 365 + of_era // 4 - of_era // 100 + of_year
    return int(era * 146097 + of_days - 719468)


@njit(nogil=True, cache=True)
def _pupil(table: Any, mask: int, key: int, count: int, keys: Any, after: Any, last: int) -> int:
    """The number of the pupil ``key``: the pupil ``last`` itself or its follower last time
    when either is ``key``, else from ``table`` (``count`` if new: then entered)."""
    if last >= 0:
        if keys[last] == key:
            return last
        guess = after[last]
        if guess >= 0 and keys[guess] == key:
            return int(guess)
    slot = ((key * 0x9E3779B1) >> 7) & mask
    while True:
        found = table[slot, 0]
        if found == key:
            return int(table[slot, 1])
        if found == -1:
            table[slot, 0] = key
            table[slot, 1] = count
            return count
        slot = (slot + 1) & mask


@njit(nogil=True, cache=True)
def _decline(state: Any, at: int, why: int) -> None:
    state[AT] = at
    state[WHY] = why
    state[STATUS] = DECLINE


@njit(nogil=True, cache=True)
def _stop(
    state: Any, consumed: int, runs: int, pupils: int, reasons: int, used: int, status: int
) -> None:
    state[CONSUMED] = consumed
    state[RUNS] = runs
    state[PUPILS] = pupils
    state[REASONS] = reasons
    state[REASON_BYTES] = used
    state[STATUS] = status


@njit(nogil=True, cache=True)
def _close_run(
    out: Any,
    state: Any,
    run: int,
    start: int,
    key: int,
    date: int,
    totals: Any,
    npupils: int,
    last_pupil: int,
) -> tuple[int, int]:
    """Write the finished run number ``run`` (starting at byte ``start``) into ``out`` and
    number its pupil (see ``read_runs``). Returns (the pupils met, the run's pupil), or
    (-1, -1) when the output arrays are full, or when the table of pupils is (the file then
    declined in ``state``)."""
    table, after, pupil_keys, pupil_first, pupil_last, pupils, dates, sums, lines = out
    if run >= pupils.shape[0]:
        return -1, -1
    pupil = _pupil(table, table.shape[0] - 1, key, npupils, pupil_keys, after, last_pupil)
    if pupil == npupils and npupils >= pupil_keys.shape[0]:
        _decline(state, start, 20)
        return -1, -1
    if last_pupil >= 0:
        after[last_pupil] = pupil
    if pupil == npupils:  # met for the first time
        pupil_keys[pupil] = key
        pupil_first[pupil] = date
        pupil_last[pupil] = date
        npupils += 1
    elif date > pupil_last[pupil]:
        pupil_last[pupil] = date
    else:
        state[DISORDERED] = 1  # the caller then checks each pupil-day
    pupils[run] = pupil
    dates[run] = date
    for k in range(5):
        sums[k, run] = totals[k]
    lines[run] = totals[5]
    return npupils, pupil


@njit(nogil=True, cache=True)
def read_runs(  # one loop over the bytes, kept whole for speed
    buf: Any,
    n: int,
    final: bool,
    roles: Any,
    delimiter: int,
    table: Any,
    after_: Any,
    pupil_keys: Any,
    pupil_first: Any,
    pupil_last: Any,
    pupils: Any,
    dates: Any,
    sums: Any,
    lines: Any,
    reason_run: Any,
    reason_end: Any,
    reason_bytes: Any,
    state: Any,
) -> None:
    """Read the lines in ``buf[:n]`` (whole lines: the header is not in it) into runs.

    For each finished run: ``pupils`` (the run's pupil, a row of ``pupil_keys``), ``dates``
    (days since 1970-01-01), ``sums`` (a row each for scheduled, attended, valid, invalid
    and other minutes) and ``lines``. The pupils are numbered as they are met, through
    ``table`` (an open-addressing hash table of 2**k slots: a row of key and number each,
    keys -1 when free; ``after_``, -1 at first, remembers each pupil's follower):
    ``pupil_keys`` holds each one's personnummer as written, coded (its
    digits × 8 + 4 when it has 12 digits + 1 for ``-`` or 2 for ``+``), ``pupil_first`` and
    ``pupil_last`` the dates of its first and latest run. Each run's
    distinct non-empty absence reasons (as written, unquoted) go to ``reason_bytes``, each
    followed by a line feed, with their run's number in ``reason_run`` and their end in
    ``reason_end``.

    Unless ``final``, the run that reaches the end of the buffer is left for the next call:
    ``state[CONSUMED]`` is where it starts. A run that does not fit in the output arrays is
    left the same way (status FULL).
    """
    ncols = roles.shape[0]
    out = (table, after_, pupil_keys, pupil_first, pupil_last, pupils, dates, sums, lines)
    reason_capacity = reason_run.shape[0]
    byte_capacity = reason_bytes.shape[0]
    for k in range(PUPILS):  # the pupils and the order are kept from the call before
        state[k] = 0
    pos = 0
    runs = 0
    npupils = state[PUPILS]
    # The pupils' order is mostly the same every day (or a pupil's days come together): each
    # pupil's follower last time is tried before the table (which is larger than the cache).
    last_pupil = -1
    reasons = 0
    used = 0
    run_start = -1
    run_key = -1
    run_date = -1
    run_reasons = 0  # the first reason of the run in progress
    run_used = 0  # and where its bytes start
    totals = np.zeros(6, np.int64)  # scheduled, attended, valid, invalid, other, lines
    starts = np.empty(_MAX_STARTS, np.int64)
    nstarts = 0
    minutes = np.empty(5, np.int64)
    complete = True
    while pos < n:
        line_start = pos
        i = pos
        if buf[i] == _LF or (buf[i] == _CR and i + 1 < n and buf[i + 1] == _LF):
            _decline(state, i, 19)
            return
        key = -1
        date = _NO_DAY
        start = -1
        for k in range(5):
            minutes[k] = -1
        reason_from = -1
        reason_to = -1
        reason_escaped = False
        col = 0
        complete = False
        while True:  # the fields of one line
            if col >= ncols:
                _decline(state, i, 1)
                return
            role = roles[col]
            escaped = False
            if i < n and buf[i] == _QUOTE:
                i += 1
                fs = i
                closed = False
                while i < n:
                    b = buf[i]
                    if b == _QUOTE:
                        if i + 1 < n and buf[i + 1] == _QUOTE:
                            escaped = True
                            i += 2
                            continue
                        closed = True
                        break
                    if b < 32:
                        _decline(state, i, 2)
                        return
                    if b >= 128 and role != REASON:
                        _decline(state, i, 3)
                        return
                    i += 1
                if not closed:
                    if final:
                        _decline(state, line_start, 18)
                        return
                    break  # the line goes on in the next buffer
                fe = i
                i += 1  # the closing quote
                if escaped and role != REASON and role != SKIP:
                    _decline(state, fs, 4)
                    return
            else:
                fs = i
                while i < n:
                    b = buf[i]
                    if b == delimiter or b == _LF or b == _CR:  # noqa: SIM109 (plain compares)
                        break
                    if b < 32 or b == _QUOTE:
                        _decline(state, i, 5)
                        return
                    if b >= 128 and role != REASON:
                        _decline(state, i, 3)
                        return
                    i += 1
                fe = i
                if i >= n and not final:
                    break  # the line goes on in the next buffer
            length = fe - fs
            if role == PNR:
                digits = 0
                count = 0
                sign = 0
                at = -1
                for j in range(fs, fe):
                    b = buf[j]
                    if _ZERO <= b <= _NINE:
                        digits = digits * 10 + (int(b) - _ZERO)
                        count += 1
                    elif (b == _MINUS or b == _PLUS) and at < 0:  # noqa: SIM109
                        sign = 1 if b == _MINUS else 2
                        at = j - fs
                    else:
                        _decline(state, j, 6)
                        return
                if (count != 10 and count != 12) or (at >= 0 and at != length - 5):
                    _decline(state, fs, 7)
                    return
                key = digits * 8 + (4 if count == 12 else 0) + sign
            elif role == DATE:
                if length != 10 or buf[fs + 4] != _MINUS or buf[fs + 7] != _MINUS:
                    _decline(state, fs, 8)
                    return
                value = 0
                for j in range(fs, fe):
                    if j == fs + 4 or j == fs + 7:
                        continue
                    b = buf[j]
                    if b < _ZERO or b > _NINE:
                        _decline(state, j, 8)
                        return
                    value = value * 10 + (int(b) - _ZERO)
                date = _day_number(value // 10000, value // 100 % 100, value % 100)
                if date == _NO_DAY:
                    _decline(state, fs, 8)
                    return
            elif role == START:
                if length > 0:
                    if (
                        (length != 5 and length != 8)
                        or buf[fs + 2] != _COLON
                        or (length == 8 and buf[fs + 5] != _COLON)
                    ):
                        _decline(state, fs, 9)
                        return
                    seconds = 0
                    for part in range(length // 3 + 1):  # HH, MM and perhaps SS
                        high = int(buf[fs + 3 * part]) - _ZERO
                        low = int(buf[fs + 3 * part + 1]) - _ZERO
                        if high < 0 or high > 9 or low < 0 or low > 9:
                            _decline(state, fs, 9)
                            return
                        value = high * 10 + low
                        if value > (23 if part == 0 else 59):
                            _decline(state, fs, 9)
                            return
                        seconds = seconds * 60 + value
                    if length == 5:
                        seconds *= 60
                    start = seconds
            elif role >= SCHEDULED and role <= OTHER:
                if length > 0:
                    if length > 4:
                        _decline(state, fs, 10)
                        return
                    value = 0
                    for j in range(fs, fe):
                        b = buf[j]
                        if b < _ZERO or b > _NINE:
                            _decline(state, j, 10)
                            return
                        value = value * 10 + (int(b) - _ZERO)
                    if value > MAX_MINUTES:
                        _decline(state, fs, 11)
                        return
                    minutes[role - SCHEDULED] = value
            elif role == REASON and length > 0:
                reason_from = fs
                reason_to = fe
                reason_escaped = escaped
            col += 1
            # After the field: a delimiter, the line's end or the end of the data.
            if i >= n:
                complete = True  # the last line of the file, without a line feed
                break
            b = buf[i]
            if b == delimiter:
                i += 1
                continue
            if b == _LF:
                i += 1
                complete = True
                break
            if b == _CR:
                if i + 1 < n and buf[i + 1] == _LF:
                    i += 2
                    complete = True
                    break
                if i + 1 >= n and not final:
                    break  # perhaps \r\n across two buffers
                _decline(state, i, 12)
                return
            _decline(state, i, 13)
            return
        if not complete:
            break
        if col != ncols:
            _decline(state, line_start, 14)
            return
        if key < 0 or date == _NO_DAY or minutes[1] < 0 or minutes[2] < 0 or minutes[3] < 0:
            _decline(state, line_start, 15)
            return
        other = minutes[4] if minutes[4] >= 0 else 0
        scheduled = minutes[0]
        if scheduled < 0:
            scheduled = minutes[1] + minutes[2] + minutes[3] + other
        if run_start < 0 or key != run_key or date != run_date:
            if run_start >= 0:  # the run before is finished
                met, last_pupil = _close_run(
                    out, state, runs, run_start, run_key, run_date, totals, npupils, last_pupil
                )
                if met < 0:  # the output arrays are full (or the file declined)
                    if state[STATUS] != DECLINE:
                        _stop(state, run_start, runs, npupils, run_reasons, run_used, FULL)
                    return
                npupils = met
                runs += 1
            run_start = line_start
            run_key = key
            run_date = date
            for k in range(6):
                totals[k] = 0
            nstarts = 0
            run_reasons = reasons
            run_used = used
        totals[0] += scheduled
        totals[1] += minutes[1]
        totals[2] += minutes[2]
        totals[3] += minutes[3]
        totals[4] += other
        totals[5] += 1
        if start >= 0:
            for k in range(nstarts):
                if starts[k] == start:
                    _decline(state, line_start, 16)
                    return
            if nstarts >= _MAX_STARTS:
                _decline(state, line_start, 17)
                return
            starts[nstarts] = start
            nstarts += 1
        if reason_from >= 0:
            if used + (reason_to - reason_from) + 1 > byte_capacity or reasons >= reason_capacity:
                _stop(state, run_start, runs, npupils, run_reasons, run_used, FULL)
                return
            end = used  # the reason, unquoted, after the others
            j = reason_from
            while j < reason_to:
                b = buf[j]
                reason_bytes[end] = b
                end += 1
                j += 2 if (reason_escaped and b == _QUOTE) else 1
            # Kept only when the run does not have the same text already.
            seen = False
            begin = run_used
            for q in range(run_reasons, reasons):
                stop = reason_end[q] - 1  # without its line feed
                if stop - begin == end - used:
                    same = True
                    for t in range(end - used):
                        if reason_bytes[begin + t] != reason_bytes[used + t]:
                            same = False
                            break
                    if same:
                        seen = True
                        break
                begin = reason_end[q]
            if not seen:
                reason_bytes[end] = _LF
                reason_run[reasons] = runs
                reason_end[reasons] = end + 1
                reasons += 1
                used = end + 1
        pos = i
    if final:
        if not complete:
            _decline(state, pos, 18)
            return
        if run_start >= 0:
            met, last_pupil = _close_run(
                out, state, runs, run_start, run_key, run_date, totals, npupils, last_pupil
            )
            if met < 0:  # the output arrays are full (or the file declined)
                if state[STATUS] != DECLINE:
                    _stop(state, run_start, runs, npupils, run_reasons, run_used, FULL)
                return
            npupils = met
            runs += 1
        _stop(state, n, runs, npupils, reasons, used, OK)
        return
    # The run in progress (or the unfinished line) starts the next call.
    if run_start < 0:
        run_start = pos
        run_reasons = reasons
        run_used = used
    _stop(state, run_start, runs, npupils, run_reasons, run_used, OK)


# --- Packed months → days (ADR 8), for the reads from PostgreSQL --------------------------

_COMMA, _SEMICOLON = 44, 59
NULL = np.iinfo(np.int64).min  # an empty month column
_DAY_FIELDS = 7  # day of the month, then the six values of ``packing.DAY_VALUES``


@njit(nogil=True, cache=True)
def unpack_lines(
    buf: Any,
    n: int,
    wanted: Any,
    month_child: Any,
    month_number: Any,
    month_extra: Any,
    month_days: Any,
    month_first: Any,
    month_last: Any,
    dates: Any,
    values: Any,
) -> tuple[int, int]:
    """Read month lines ``child:month:extra…:days`` (one per ``\\n``; ``month`` a day
    number, each extra an integer or empty, ``days`` packed as in ``packing``).

    Per month: ``month_child``, ``month_number``, ``month_extra`` (a row per extra column;
    ``NULL`` when empty), ``month_days`` (how many days), ``month_first`` (the first day of
    the month with minutes scheduled, 0 if none) and ``month_last`` (its last day). Per day,
    in the months' order: ``dates`` (the month's number + the day - 1) and ``values`` (a row
    per field of ``wanted``, 1–6 of the packed day). Returns (months, days), or (-1, the
    offset of a byte that does not belong: the data is then not what Samsyn writes).
    """
    nextra = month_extra.shape[0]
    nwanted = wanted.shape[0]
    column_of = np.full(_DAY_FIELDS, -1, np.int64)
    for k in range(nwanted):
        column_of[wanted[k]] = k
    months = 0
    days = 0
    i = 0
    while i < n:
        if buf[i] == _LF:
            i += 1
            continue
        if months >= month_child.shape[0]:
            return -1, i
        # The prefix: child, month and the extra columns, each followed by a colon.
        for field in range(2 + nextra):
            value = 0
            given = False
            negative = False
            if i < n and buf[i] == _MINUS:
                negative = True
                i += 1
            while i < n and _ZERO <= buf[i] <= _NINE:
                value = value * 10 + (int(buf[i]) - _ZERO)
                given = True
                i += 1
            if i >= n or buf[i] != _COLON:
                return -1, i
            i += 1
            if negative:
                value = -value
            if field == 0:
                month_child[months] = value
            elif field == 1:
                month_number[months] = value
            else:
                month_extra[field - 2, months] = value if given else NULL
        first_day = 0
        last_day = 0
        start = days
        # The days: fields separated by commas, days by semicolons, to the line's end.
        while True:
            if days >= dates.shape[0]:
                return -1, i
            field = 0
            value = 0
            day = 0
            while True:
                b = buf[i] if i < n else _LF
                if _ZERO <= b <= _NINE:
                    value = value * 10 + (int(b) - _ZERO)
                elif b == _COMMA or b == _SEMICOLON or b == _LF:  # noqa: SIM109
                    if field == 0:
                        day = value
                    elif field == 1 and value > 0 and first_day == 0:
                        first_day = day
                    if 0 < field < _DAY_FIELDS and column_of[field] >= 0:
                        values[column_of[field], days] = value
                    field += 1
                    value = 0
                    if b != _COMMA:
                        break
                else:
                    return -1, i
                i += 1
            if field != _DAY_FIELDS:
                return -1, i
            dates[days] = month_number[months] + day - 1
            last_day = day
            days += 1
            if i >= n or buf[i] != _SEMICOLON:
                break
            i += 1
        month_days[months] = days - start
        month_first[months] = first_day
        month_last[months] = last_day
        months += 1
    return months, days


@njit(nogil=True, cache=True)
def count_lines(buf: Any, n: int) -> tuple[int, int]:
    """The line ends and the semicolons in ``buf[:n]`` (to size ``unpack_lines``' arrays)."""
    lines = 0
    semicolons = 0
    for i in range(n):
        b = buf[i]
        if b == _LF:
            lines += 1
        elif b == _SEMICOLON:
            semicolons += 1
    return lines, semicolons


def warm() -> None:
    """Compile the loops (or load them from Numba's cache) before they are first needed, e.g.
    before a benchmark starts its clock: the first use after an installation compiles them
    (10–20 seconds on two cores), every later process loads them (about a second)."""
    line = np.frombuffer(b"200901010017,2026-03-09,08:00,60,0,0,0,Sjuk\n", np.uint8)
    roles = np.array([PNR, DATE, START, SCHEDULED, ATTENDANCE, VALID, INVALID, REASON], np.int64)
    state = np.zeros(STATE_SIZE, np.int64)
    runs = np.empty(1, np.int32)
    read_runs(
        line,
        len(line),
        True,
        roles,
        ord(","),
        np.full((4, 2), -1, np.int64),
        np.full(2, -1, np.int32),
        np.empty(2, np.int64),
        np.empty(2, np.int32),
        np.empty(2, np.int32),
        runs,
        np.empty(1, np.int32),
        np.empty((5, 1), np.int32),
        np.empty(1, np.int32),
        np.empty(1, np.int64),
        np.empty(1, np.int64),
        np.empty(64, np.uint8),
        state,
    )
    packed = np.frombuffer(b"1:9556:3:2,60,0,0,0,0,1", np.uint8)
    count_lines(packed, len(packed))
    unpack_lines(
        packed,
        len(packed),
        np.array([1], np.int64),
        np.empty(1, np.int64),
        np.empty(1, np.int64),
        np.empty((1, 1), np.int64),
        np.empty(1, np.int64),
        np.empty(1, np.int64),
        np.empty(1, np.int64),
        np.empty(1, np.int32),
        np.empty((1, 1), np.int64),
    )
    # The signals' loops, with arrays of the kinds ``selectors`` passes (contiguous int64;
    # the text writable: Numba compiles a read-only array's loop apart).
    month = np.frombuffer(bytearray(b"2,60,60,0,0,0,1"), np.uint8)
    child, number, first = (np.zeros(1, np.int64) for _ in range(3))
    last = np.array([len(month)], np.int64)
    totals = np.zeros((_TOTALS, 1), np.int64)
    copied = np.frombuffer(bytearray(PGCOPY + bytes(8) + b"\xff\xff"), np.uint8)
    signature = np.frombuffer(PGCOPY, np.uint8)
    index_binary_months(copied, len(copied), signature, child, number, totals, first, last, True)
    pupil_figures(
        month,
        np.zeros(1, np.int64),
        child,
        number,
        totals,
        first,
        last,
        9557,
        9556,
        9556,
        20,
        40,
        60,
        9,
        10,
        np.empty(1, np.int64),
        np.empty((len(FIGURES), 1), np.int64),
    )


# --- The indicators' figures per pupil, straight from the months' lines ---------------------

# The rows of ``pupil_figures``' output: counts and sums, then three dates (month numbers'
# days; ``NULL`` when there is none).
FIGURES = (
    "n_days",
    "w_days",
    "w_sched",
    "w_absence",
    "w_unexcused",
    "t_days",
    "t_sched",
    "t_absence",
    "p_days",
    "p_sched",
    "p_absence",
    "today_invalid",
    "longest",
    "occasions",
    "w_start",
    "w_end",
    "t_start",
)
_TOTALS = 4  # school days, scheduled, valid and invalid minutes: the month's stored totals


# PostgreSQL's binary COPY: this signature, then 32-bit flags and the length of an extension.
PGCOPY = b"PGCOPY\n\xff\r\n\x00"
_MONTH_FIELDS = 3 + _TOTALS  # child, month, the totals, the packed days


@njit(nogil=True, cache=True)
def _big_endian(buf: Any, at: int, size: int) -> int:
    """The signed integer of ``size`` bytes at ``at`` (network byte order)."""
    value = 0
    for k in range(size):
        value = (value << 8) | int(buf[at + k])
    if size < 8 and buf[at] >= 128:  # eight bytes wrap to their sign by themselves
        value -= 1 << (8 * size)
    return value


@njit(nogil=True, cache=True)
def index_binary_months(
    buf: Any,
    n: int,
    signature: Any,
    child: Any,
    month: Any,
    totals: Any,
    text_start: Any,
    text_end: Any,
    store: bool,
) -> int:
    """Index the rows ``child_id, month, school_days, scheduled, valid, invalid, days`` as
    ``COPY … TO STDOUT (FORMAT binary)`` sends them, without reading the packed days: each
    month's child, month (a date: days since 2000-01-01, as PostgreSQL stores it), totals
    (integers of 2, 4 or 8 bytes) and where its days' text is. PostgreSQL writes no number as
    text, which for a municipality's term takes it half the time of text lines. With
    ``store`` False only counts the rows. Returns the number of months, or -1 - the offset of
    a byte that does not belong."""
    size = len(signature)
    if n < size + 8:
        return -1
    for k in range(size):
        if buf[k] != signature[k]:
            return -1 - k
    i = size + 8 + _big_endian(buf, size + 4, 4)  # past the flags and the extension
    months = 0
    while True:
        if i + 2 > n:
            return -1 - i
        fields = _big_endian(buf, i, 2)
        i += 2
        if fields == -1:  # the trailer
            return months if i == n else -1 - i
        if fields != _MONTH_FIELDS:
            return -1 - i
        if store and months >= child.shape[0]:
            return -1 - i
        for field in range(_MONTH_FIELDS):
            if i + 4 > n:
                return -1 - i
            length = _big_endian(buf, i, 4)
            i += 4
            if length < 0 or i + length > n:
                return -1 - i
            if field == _MONTH_FIELDS - 1:
                if store:
                    text_start[months] = i
                    text_end[months] = i + length
            elif length != 2 and length != 4 and length != 8:
                return -1 - i
            elif store:
                value = _big_endian(buf, i, length)
                if field == 0:
                    child[months] = value
                elif field == 1:
                    month[months] = value
                else:
                    totals[field - 2, months] = value
            i += length
        months += 1


@njit(nogil=True, cache=True)
def _month_days(buf: Any, start: int, end: int, days: Any) -> int:
    """The days of one packed month into ``days`` (a row each: day of the month, scheduled,
    valid, invalid minutes); their number, or -1 when the text is not Samsyn's."""
    count = 0
    field = 0
    value = 0
    for i in range(start, end + 1):
        b = buf[i] if i < end else _SEMICOLON
        if _ZERO <= b <= _NINE:
            value = value * 10 + (int(b) - _ZERO)
            continue
        if b != _COMMA and b != _SEMICOLON:
            return -1
        if count >= days.shape[1]:
            return -1
        if field == 0:
            days[0, count] = value
        elif field == 1:
            days[1, count] = value
        elif field == 3:
            days[2, count] = value
        elif field == 4:
            days[3, count] = value
        field += 1
        value = 0
        if b == _SEMICOLON:
            if field != _DAY_FIELDS:
                return -1
            field = 0
            count += 1
    return count


@njit(nogil=True, cache=True)
def pupil_figures(
    buf: Any,
    order: Any,
    child: Any,
    month: Any,
    totals: Any,
    text_start: Any,
    text_end: Any,
    as_of: int,
    this_month: int,
    term_start: int,
    window: int,
    prior: int,
    recent: int,
    full_num: int,
    full_den: int,
    out_child: Any,
    out: Any,
) -> int:
    """The figures ``indicators.compute_indicators`` computes per pupil (``FIGURES``), for the
    months ``order`` (sorted by child, then month) of ``selectors.Months``. Days are numbered
    like the months (days since 2000-01-01); ``as_of``, ``this_month`` (its month) and
    ``term_start`` likewise.

    Each pupil's months are read from the latest: the months holding their last ``recent``
    school days up to ``as_of`` (and the month of ``as_of``) day by day, the earlier ones
    through their stored totals; a pupil gets figures when one of those days is a school day.
    Returns the number of pupils, or -1 when a month's text is not Samsyn's.
    """
    days = np.empty((4, 32), np.int64)
    pupils = 0
    k = 0
    total = order.shape[0]
    while k < total:
        first = k
        pupil = child[order[k]]
        while k < total and child[order[k]] == pupil:
            k += 1
        # The months needed day by day: from the latest back while the school days after
        # them are fewer than ``recent`` (and always the month of ``as_of``).
        later = 0
        cut = k  # months first..cut-1 count through their totals
        for j in range(k - 1, first - 1, -1):
            m = order[j]
            if month[m] < this_month and later >= recent:
                break
            cut = j
            counted = totals[0, m]
            if month[m] >= this_month:
                # Counted in full unless it holds days after ``as_of``.
                count = _month_days(buf, text_start[m], text_end[m], days)
                if count < 0:
                    return -1
                if count > 0 and month[m] + days[0, count - 1] - 1 > as_of:
                    counted = 0
            later += counted
        n_days = 0
        figures = np.zeros(14, np.int64)
        w_start = NULL
        w_end = NULL
        t_start = NULL
        rn = 0
        run_full = 0
        absent_before = False
        for j in range(k - 1, cut - 1, -1):
            m = order[j]
            count = _month_days(buf, text_start[m], text_end[m], days)
            if count < 0:
                return -1
            for d in range(count - 1, -1, -1):
                date = month[m] + days[0, d] - 1
                scheduled = days[1, d]
                if scheduled <= 0 or date > as_of:
                    continue
                absence = days[2, d] + days[3, d]
                invalid = days[3, d]
                rn += 1
                n_days += 1
                if rn == 1:
                    w_end = date
                if date == as_of:
                    figures[11] += invalid
                if date >= term_start:
                    figures[5] += 1
                    figures[6] += scheduled
                    figures[7] += absence
                    t_start = date
                if rn <= window:
                    figures[1] += 1
                    figures[2] += scheduled
                    figures[3] += absence
                    if invalid > 0:
                        figures[4] += 1
                    w_start = date
                    if absence * full_den >= scheduled * full_num:
                        run_full += 1
                        if run_full > figures[12]:
                            figures[12] = run_full
                    else:
                        run_full = 0
                    if absence > 0:
                        if not absent_before:
                            figures[13] += 1
                        absent_before = True
                    else:
                        absent_before = False
                elif rn <= window + prior:
                    figures[8] += 1
                    figures[9] += scheduled
                    figures[10] += absence
        if n_days == 0:
            continue
        # The earlier months: their stored totals.
        for j in range(cut - 1, first - 1, -1):
            m = order[j]
            n_days += totals[0, m]
            if month[m] >= term_start and totals[0, m] > 0:
                figures[5] += totals[0, m]
                figures[6] += totals[1, m]
                figures[7] += totals[2, m] + totals[3, m]
                count = _month_days(buf, text_start[m], text_end[m], days)
                if count < 0:
                    return -1
                for d in range(count):
                    if days[1, d] > 0:
                        t_start = month[m] + days[0, d] - 1
                        break
        figures[0] = n_days
        out_child[pupils] = pupil
        for f in range(14):
            out[f, pupils] = figures[f]
        out[14, pupils] = w_start
        out[15, pupils] = w_end
        out[16, pupils] = t_start
        pupils += 1
    return pupils
