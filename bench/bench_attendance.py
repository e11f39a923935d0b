"""Attendance at municipal scale: a school year of lessons for 50,000 pupils (~57 million lines).

    make bench-attendance                     # 50,000 pupils (PostgreSQL: a throwaway cluster)
    make bench-attendance BENCH_PUPILS=5000   # smaller, for a quick look

Prints, in one run on the same file:

(a) Samsyn end to end into PostgreSQL: the import (parse, validate, aggregate to pupil-days,
    write) and all signals as of the last day;
(b) the same into SQLite;
(c) a reference: DuckDB aggregating the CSV straight from the file to per-pupil-per-day sums;
(d) the ORM row by row (look up the pupil, get or create the day, add the lesson) on the lessons
    of 1 % of the pupils — for at most ``BENCH_ORM_SECONDS`` (120) — extrapolated to the whole
    file;
(e) an incremental import of one new day for all pupils, with the signals updated (PostgreSQL),
    on three days in a row after the year (each printed; their median is the figure), each
    after what the database does overnight (VACUUM ANALYZE and a checkpoint, not counted);

and the peak memory (resident set, ``VmHWM``) of each process. The attendance loops
(``importing/kernel.py``) are compiled, or loaded from Numba's cache, before anything is timed:
that happens once per installation and is printed on its own. The data is generated once per
size into ``var/bench/`` by :mod:`attendance_data` (deterministic). Each Samsyn stage runs in
its own process against a fresh database, with the pupils, schools and enrolments created
beforehand (not timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import attendance_data as data  # noqa: E402

SCHOOLS = 40
SAMPLE_SHARE = 0.01
# The row-by-row ORM runs at a few hundred lessons a second: the 1 % sample of a full year would
# take most of an hour, so it runs for this long and the rate is extrapolated.
ORM_BUDGET_S = float(os.environ.get("BENCH_ORM_SECONDS", 120))


def _peak_mb() -> float:
    """This process's peak resident set. ``VmHWM``: ``ru_maxrss`` would carry the peak of the
    process that started this one over ``exec``."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- The stages, each in its own process --------------------------------------------------


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    os.environ.setdefault("SAMSYN_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_pupils(pupils: int) -> None:
    """The municipality, its schools and ``pupils`` pupils enrolled there (not timed)."""
    from samsyn.children.models import Child, Enrolment, EnrolmentKind
    from samsyn.organisations.models import (
        Agency,
        Municipality,
        Principal,
        PrincipalKind,
        SecrecyDomain,
        Unit,
        UnitType,
    )

    municipality = Municipality.objects.create(code="9999", name="Benchby kommun")
    principal = Principal.objects.create(name="Benchby kommun", kind=PrincipalKind.MUNICIPALITY)
    agency = Agency.objects.create(principal=principal, name="Utbildningsförvaltningen")
    schools = [
        Unit.objects.create(
            agency=agency,
            name=f"Skola {n + 1}",
            unit_type=UnitType.SCHOOL,
            secrecy_domain=SecrecyDomain.SCHOOL,
            municipality=municipality,
            school_unit_code=f"{90000000 + n}",
        )
        for n in range(SCHOOLS)
    ]
    batch = 5000
    for start in range(0, pupils, batch):
        children = Child.objects.bulk_create(
            [
                Child(
                    personnummer=data.personnummer(p).replace("-", ""),
                    first_name="Elev",
                    last_name=str(p),
                    birth_date=data.birth_date(p),
                    municipality=municipality,
                )
                for p in range(start, min(pupils, start + batch))
            ]
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    child=child,
                    unit=schools[(start + i) % SCHOOLS],
                    kind=EnrolmentKind.SCHOOL,
                    grade=data.grade_of(start + i),
                    start_date=dt.date(2025, 8, 1),
                )
                for i, child in enumerate(children)
            ]
        )


def _timed(label: str, function: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return value, seconds


def stage_samsyn(args: argparse.Namespace) -> dict[str, Any]:
    _setup_django(args.database_url)
    _create_pupils(args.pupils)
    from samsyn.attendance.importing import kernel
    from samsyn.attendance.services import import_attendance_file
    from samsyn.attendance.signalling import signals_refresh

    out: dict[str, Any] = {}
    _compiled, out["compile_s"] = _timed("compiled loops (once per installation)", kernel.warm)
    result, out["import_s"] = _timed("import", lambda: import_attendance_file(Path(args.year)))
    assert result.succeeded, result.error_texts()[:5]
    out["lines"] = result.lines_total
    out["days"] = result.days_written
    refresh, out["signals_s"] = _timed(
        "signals", lambda: signals_refresh(as_of=data.school_days()[-1])
    )
    out["signals_open"] = refresh.signals_opened
    out["investigations"] = refresh.investigations_opened
    out["duties"] = refresh.notifications_opened
    if args.incremental:
        out["next_import_s"], out["next_signals_s"] = [], []
        for date, path in zip(data.NEXT_DAYS, args.next_day.split(","), strict=True):
            _timed("the night before (VACUUM ANALYZE, CHECKPOINT; not counted)", _overnight)
            day, seconds = _timed(f"{date} import", lambda p=path: import_attendance_file(Path(p)))
            assert day.succeeded, day.error_texts()[:5]
            out["next_import_s"].append(seconds)
            _refresh, seconds = _timed(f"{date} signals", lambda d=date: signals_refresh(as_of=d))
            out["next_signals_s"].append(seconds)
    if args.sample:
        out["orm_sample_s"], out["orm_sample_lines"] = _orm_row_by_row(Path(args.sample))
    out["peak_mb"] = _peak_mb()
    return out


def _overnight() -> None:
    """What the database does between two school days: autovacuum vacuums and analyses the
    tables the day's imports and signals changed, and a checkpoint writes them out. Without
    this, (e) would run while the checkpoint of the year's import is still being written."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def _orm_row_by_row(path: Path) -> tuple[float, int]:
    """The naive way, for comparison: ORM round trips per lesson — look up the pupil, get or
    create the pupil's month, add the lesson to its day in the packed days, save."""
    import csv

    from django.db import transaction

    from samsyn.attendance.models import AttendanceMonth
    from samsyn.children.models import Child

    with path.open(encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    numbers = {line["personnummer"].replace("-", "") for line in lines}
    AttendanceMonth.objects.filter(child__personnummer__in=numbers).delete()
    started = time.perf_counter()
    done = 0
    with transaction.atomic():
        for line in lines:
            if time.perf_counter() - started > ORM_BUDGET_S:
                break  # enough for a steady rate; the rest is extrapolated
            done += 1
            child = Child.objects.get(personnummer=line["personnummer"].replace("-", ""))
            date = dt.date.fromisoformat(line["date"])
            month, _created = AttendanceMonth.objects.get_or_create(
                child=child,
                month=date.replace(day=1),
                defaults={
                    "days": "",
                    "school_days": 0,
                    "scheduled_minutes": 0,
                    "valid_absence_minutes": 0,
                    "invalid_absence_minutes": 0,
                },
            )
            days = {
                int(fields[0]): [int(v) for v in fields[1:]]
                for fields in (day.split(",") for day in month.days.split(";") if day)
            }
            values = days.setdefault(date.day, [0] * 6)
            lesson = [
                int(line["scheduled_minutes"]),
                int(line["attendance_minutes"]),
                int(line["valid_absence_minutes"]),
                int(line["invalid_absence_minutes"]),
                int(line["other_attendance_minutes"]),
                1,
            ]
            days[date.day] = [a + b for a, b in zip(values, lesson, strict=True)]
            month.days = ";".join(
                ",".join(str(v) for v in [day, *days[day]]) for day in sorted(days)
            )
            month.school_days = sum(1 for v in days.values() if v[0] > 0)
            month.scheduled_minutes = sum(v[0] for v in days.values())
            month.valid_absence_minutes = sum(v[2] for v in days.values())
            month.invalid_absence_minutes = sum(v[3] for v in days.values())
            month.save()
    seconds = time.perf_counter() - started
    print(
        f"  ORM row by row, {done} of the sample's {len(lines)} lines: {seconds:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    return seconds, done


# --- The driver ---------------------------------------------------------------------------


def duckdb_reference(year: Path) -> tuple[float, int]:
    import duckdb

    con = duckdb.connect()
    started = time.perf_counter()
    con.execute(
        f"""
        CREATE TABLE pupil_days AS
        SELECT personnummer, date,
               sum(scheduled_minutes) AS scheduled_minutes,
               sum(attendance_minutes) AS attendance_minutes,
               sum(valid_absence_minutes) AS valid_absence_minutes,
               sum(invalid_absence_minutes) AS invalid_absence_minutes,
               sum(other_attendance_minutes) AS other_attendance_minutes,
               count(*) AS lessons
        FROM read_csv('{year}', header = true)
        GROUP BY personnummer, date
        """
    )
    seconds = time.perf_counter() - started
    row = con.execute("SELECT count(*) FROM pupil_days").fetchone()
    con.close()
    return seconds, int(row[0]) if row else 0


def _sample(year: Path, target: Path, pupils: int) -> None:
    import duckdb

    every = int(1 / SAMPLE_SHARE)
    wanted = ",".join(f"'{data.personnummer(p)}'" for p in range(0, pupils, every))
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{year}', header = true, all_varchar = true) "
        f"WHERE personnummer IN ({wanted})) TO '{target}' (HEADER, DELIMITER ',')"
    )
    con.close()


def _run_stage(database_url: str, extra: list[str], args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--stage",
        "samsyn",
        "--database-url",
        database_url,
        "--pupils",
        str(args.pupils),
        "--year",
        str(args.year),
        *extra,
    ]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _fresh_postgres(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS samsyn_bench")
        con.execute("CREATE DATABASE samsyn_bench")
    base = url.rsplit("/", 1)[0]
    return f"{base}/samsyn_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=int(os.environ.get("BENCH_PUPILS", 50000)))
    parser.add_argument("--stage")
    parser.add_argument("--database-url")
    parser.add_argument("--year")
    parser.add_argument("--next-day")
    parser.add_argument("--sample")
    parser.add_argument("--incremental", action="store_true")
    args = parser.parse_args()
    if args.stage == "samsyn":
        print(json.dumps(stage_samsyn(args)))
        return
    if args.stage == "generate":
        stage_generate(args.pupils)
        return

    pg_url = os.environ.get("DATABASE_URL", "")
    if not pg_url.startswith("postgres"):
        sys.exit("Run under scripts/pg_throwaway.py (make bench-attendance): PostgreSQL needed.")
    year, next_days, sample = _files(args.pupils)
    year.parent.mkdir(parents=True, exist_ok=True)
    if not year.exists() or not sample.exists() or not all(p.exists() for p in next_days):
        # In a process of its own, so that the driver's peak memory is the reference's.
        subprocess.run(
            [sys.executable, __file__, "--stage", "generate", "--pupils", str(args.pupils)],
            check=True,
        )
    args.year = year
    size_gb = year.stat().st_size / 1e9

    print("(c) DuckDB reference …", file=sys.stderr, flush=True)
    duck_s, duck_days = duckdb_reference(year)
    print(f"  {duck_s:.1f} s, {duck_days} pupil-days", file=sys.stderr, flush=True)
    print("(a)+(e)+(d) Samsyn on PostgreSQL …", file=sys.stderr, flush=True)
    pg = _run_stage(
        _fresh_postgres(pg_url),
        ["--incremental", "--next-day", ",".join(map(str, next_days)), "--sample", str(sample)],
        args,
    )
    print("(b) Samsyn on SQLite …", file=sys.stderr, flush=True)
    sqlite_file = year.parent / "bench.sqlite3"
    sqlite_file.unlink(missing_ok=True)
    lite = _run_stage(f"sqlite:///{sqlite_file}", [], args)
    sqlite_file.unlink(missing_ok=True)

    a = pg["import_s"] + pg["signals_s"]
    b = lite["import_s"] + lite["signals_s"]
    d = pg["orm_sample_s"] * pg["lines"] / pg["orm_sample_lines"]
    days_e = [i + s for i, s in zip(pg["next_import_s"], pg["next_signals_s"], strict=True)]
    middle = sorted(range(len(days_e)), key=lambda k: days_e[k])[len(days_e) // 2]
    e = days_e[middle]
    print()
    print(
        f"Attendance benchmark: {args.pupils} pupils, {pg['lines']:,} lesson lines "
        f"({size_gb:.2f} GB CSV), {pg['days']:,} pupil-days"
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    print(
        f"(a) Samsyn → PostgreSQL: {a:7.1f} s  (import {pg['import_s']:.1f} s + signals "
        f"{pg['signals_s']:.1f} s; {pg['signals_open']} signals, {pg['investigations']} "
        f"investigations, {pg['duties']} notification duties)"
    )
    print(
        f"(b) Samsyn → SQLite:     {b:7.1f} s  (import {lite['import_s']:.1f} s + signals "
        f"{lite['signals_s']:.1f} s)"
    )
    print(f"(c) DuckDB reference:    {duck_s:7.1f} s")
    print(f"    (a) / (c) = {a / duck_s:.2f}  (target ≤ 2.5)")
    print(
        f"(d) ORM row by row:      {d:7.1f} s  (extrapolated from {pg['orm_sample_lines']:,} "
        f"lines in {pg['orm_sample_s']:.1f} s)"
    )
    each = ", ".join(
        f"{d:%d %b} {i + s:.1f} s ({i:.1f} + {s:.1f})"
        for d, i, s in zip(data.NEXT_DAYS, pg["next_import_s"], pg["next_signals_s"], strict=True)
    )
    print(
        f"(e) one new day:         {e:7.1f} s  (import {pg['next_import_s'][middle]:.1f} s + "
        f"signals {pg['next_signals_s'][middle]:.1f} s, the median of three days; target ≤ 5 s)"
    )
    print(f"    each day: {each}")
    print(
        f"Compiling the attendance loops (once per installation, not timed above): "
        f"{pg['compile_s']:.1f} s"
    )
    print(
        f"Peak memory: PostgreSQL stage {pg['peak_mb']:.0f} MB, SQLite stage "
        f"{lite['peak_mb']:.0f} MB, driver (DuckDB) {_peak_mb():.0f} MB (target ≤ 8 GB)"
    )


def _files(pupils: int) -> tuple[Path, list[Path], Path]:
    """The generated files: the year, each of the next days, the ORM sample."""
    folder = ROOT / "var" / "bench"
    days = [folder / f"attendance-{pupils}-{d.isoformat()}.csv" for d in data.NEXT_DAYS]
    return folder / f"attendance-{pupils}.csv", days, folder / f"attendance-{pupils}-sample.csv"


def stage_generate(pupils: int) -> None:
    """The year, the next days and the ORM sample, each unless already there."""
    year, next_days, sample = _files(pupils)
    if not year.exists():
        print(f"Generating {year} …", file=sys.stderr, flush=True)
        _timed_generate(year, pupils)
    for date, path in zip(data.NEXT_DAYS, next_days, strict=True):
        if not path.exists():
            data.write_year(path, pupils=pupils, first=date, last=date)
    if not sample.exists():
        _sample(year, sample, pupils)


def _timed_generate(path: Path, pupils: int) -> tuple[int, float]:
    started = time.perf_counter()
    lines = data.write_year(path, pupils=pupils)
    seconds = time.perf_counter() - started
    print(f"  {lines:,} lines in {seconds:.0f} s", file=sys.stderr, flush=True)
    return lines, seconds


if __name__ == "__main__":
    main()
