"""A deterministic school year of lesson-level attendance for a municipality, as a school system
exports it (CSV, English headers), for ``bench/attendance.py``.

Written by DuckDB from SQL, so that 57 million lines take a minute rather than an hour. Every
random choice is a hash of (pupil, day, lesson, purpose), so the same arguments give the same
file on any machine with the same DuckDB version. The patterns:

- most pupils are rarely absent (70 % are away ~1.5 % of days), a long tail is often away
  (20 % ~5 %, 7 % ~12 %, 3 % ~30 %);
- 2 % have one long absence of 5–24 consecutive school days;
- 3 % have a rising trend: their daily chance of absence grows five-fold over the year;
- unexcused absence is scattered: a whole day for 0.4 % of pupil-days, single lessons now and then;
- single lessons are missed (0.4 %), spent at another school activity (0.5 %), or cancelled
  (0.2 %, a line with 0 scheduled minutes).

School year 2025/26 in a Swedish municipality: 18 Aug–19 Dec and 8 Jan–12 Jun, without the
autumn, Christmas, sports and Easter breaks and the public holidays: 183 school days. Pupils have
5–8 lessons a day (one fewer on Fridays), 40–60 minutes each: about 57 million lines for 50,000.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

FIRST_DAY = dt.date(2025, 8, 18)
LAST_DAY = dt.date(2026, 6, 12)
# The incremental days of (e): the days after the year, one at a time.
NEXT_DAYS = (dt.date(2026, 6, 15), dt.date(2026, 6, 16), dt.date(2026, 6, 17))
BREAKS = [
    (dt.date(2025, 10, 27), dt.date(2025, 10, 31)),  # höstlov
    (dt.date(2025, 12, 20), dt.date(2026, 1, 7)),  # jullov
    (dt.date(2026, 2, 23), dt.date(2026, 2, 27)),  # sportlov
    (dt.date(2026, 4, 3), dt.date(2026, 4, 10)),  # påsklov with långfredag and annandag påsk
    (dt.date(2026, 5, 1), dt.date(2026, 5, 1)),  # första maj
    (dt.date(2026, 5, 14), dt.date(2026, 5, 15)),  # Kristi himmelsfärd and klämdag
]


def school_days(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        off = any(a <= day <= b for a, b in BREAKS)
        if day.weekday() < 5 and not off:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _luhn(digits: str) -> int:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def birth_date(pupil: int) -> dt.date:
    return dt.date(2009, 1, 1) + dt.timedelta(days=pupil % 4015)


def personnummer(pupil: int) -> str:
    """A formally valid, made-up personnummer (YYYYMMDD-NNNN) for pupil ``pupil``: born
    2009–2019 (grades F–9 and upper secondary), unique for up to 999 pupils a day."""
    birth = birth_date(pupil)
    serial = 1 + pupil // 4015  # 1..999 for 4 million pupils
    short = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}-{serial:03d}{_luhn(short)}"


def grade_of(pupil: int) -> int:
    birth_year = 2009 + (pupil % 4015) // 365
    return max(0, min(9, 2025 - birth_year - 6))


_SQL = """
COPY (
WITH pupils AS (SELECT * FROM pupil_numbers),
days AS (SELECT * FROM school_days),
pupil_kind AS (
    SELECT p, pnr,
        CASE WHEN hash(p, 'kind') % 1000 < 700 THEN 0.015
             WHEN hash(p, 'kind') % 1000 < 900 THEN 0.05
             WHEN hash(p, 'kind') % 1000 < 970 THEN 0.12
             ELSE 0.30 END AS base,
        hash(p, 'rise') % 100 < 3 AS rising,
        hash(p, 'long') % 100 < 2 AS has_long,
        hash(p, 'start') % {days_in_year} AS long_start,
        5 + hash(p, 'len') % 20 AS long_len,
        5 + hash(p, 'lessons') % 4 AS lessons
    FROM pupils
),
pupil_day AS (
    SELECT k.p, k.pnr, d.di, d.day, k.lessons + CASE WHEN d.dow = 5 THEN -1 ELSE 0 END AS n,
        (hash(k.p, d.di, 'day') % 100000) / 100000.0
            < k.base * CASE WHEN k.rising THEN 1 + 4.0 * d.di / {days_in_year} ELSE 1 END
            OR (k.has_long AND d.di BETWEEN k.long_start AND k.long_start + k.long_len - 1)
            AS away,
        hash(k.p, d.di, 'unexcused') % 1000 < 4 AS truant
    FROM pupil_kind k CROSS JOIN days d
),
lesson AS (
    SELECT pd.*, l.l,
        40 + 10 * ((pd.p + l.l) % 3) AS minutes,
        hash(pd.di, l.l, pd.p % 40, 'cancel') % 500 = 0 AS cancelled,
        hash(pd.p, pd.di, l.l, 'x') % 1000 AS r
    FROM pupil_day pd CROSS JOIN range(8) l(l)
    WHERE l.l < pd.n
)
SELECT
    pnr AS personnummer,
    strftime(day, '%Y-%m-%d') AS date,
    printf('%02d:00', 8 + l) AS start_time,
    CASE WHEN cancelled THEN 0 ELSE minutes END AS scheduled_minutes,
    CASE WHEN cancelled OR away OR truant OR r < 4 OR (r >= 15 AND r < 20) THEN 0 ELSE minutes END
        AS attendance_minutes,
    CASE WHEN cancelled OR truant THEN 0
         WHEN away THEN minutes
         WHEN r < 4 AND r % 4 < 3 THEN minutes ELSE 0 END AS valid_absence_minutes,
    CASE WHEN cancelled THEN 0
         WHEN truant AND NOT away THEN minutes
         WHEN NOT away AND r < 4 AND r % 4 = 3 THEN minutes ELSE 0 END
        AS invalid_absence_minutes,
    CASE WHEN NOT cancelled AND NOT away AND NOT truant AND r >= 15 AND r < 20 THEN minutes
         ELSE 0 END AS other_attendance_minutes,
    CASE WHEN away AND NOT cancelled THEN
            CASE WHEN hash(p, di, 'why') % 4 = 0 THEN 'Ledighet' ELSE 'Sjukdom' END
         ELSE '' END AS absence_reason
FROM lesson
ORDER BY day, p, l
) TO '{path}' (HEADER, DELIMITER ',');
"""


def write_year(
    path: Path, *, pupils: int, first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY
) -> int:
    """Write the lessons of ``pupils`` pupils for the school days ``first``..``last`` to
    ``path``; return the number of lines (without the header)."""
    import duckdb
    import polars as pl

    year = school_days()
    wanted = school_days(first, last)
    index = {d: i for i, d in enumerate([*year, *NEXT_DAYS])}
    numbers = pl.DataFrame(
        {"p": list(range(pupils)), "pnr": [personnummer(p) for p in range(pupils)]},
        schema={"p": pl.Int64, "pnr": pl.String},
    )
    calendar = pl.DataFrame(
        {
            "di": [index[d] for d in wanted],
            "day": wanted,
            "dow": [d.isoweekday() for d in wanted],
        },
        schema={"di": pl.Int64, "day": pl.Date, "dow": pl.Int32},
    )
    numbers.write_parquet(path.with_suffix(".pupils.parquet"))
    calendar.write_parquet(path.with_suffix(".days.parquet"))
    con = duckdb.connect(config={"memory_limit": "4GB"})
    con.execute(
        "CREATE TABLE pupil_numbers AS SELECT * FROM read_parquet(?)",
        [str(path.with_suffix(".pupils.parquet"))],
    )
    con.execute(
        "CREATE TABLE school_days AS SELECT * FROM read_parquet(?)",
        [str(path.with_suffix(".days.parquet"))],
    )
    con.execute(_SQL.format(path=str(path), days_in_year=len(year)))
    rows = con.execute(f"SELECT count(*) FROM read_csv('{path}')").fetchone()
    con.close()
    path.with_suffix(".pupils.parquet").unlink()
    path.with_suffix(".days.parquet").unlink()
    return int(rows[0]) if rows else 0
