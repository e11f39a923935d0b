"""The statistics dashboard at municipal scale: five years of activity for 50,000 children.

    SAMSYN_TESTING=1 .venv/bin/python scripts/pg_throwaway.py -- \\
        .venv/bin/python bench/bench_statistics.py [--children 50000] [--requests 20]

(``--children 2000`` for a quick look.) Needs PostgreSQL: ``DATABASE_URL`` as set by
``scripts/pg_throwaway.py`` (or any server where we may create a database). The benchmark creates
a fresh database ``samsyn_bench_statistics`` beside it, migrates it, fills it with
:mod:`statistics_data` (deterministic: five years, 1 Aug 2021 – 31 Jul 2026, of concerns,
triages, reports of concern, consents, Barnteams, meetings and invitations, plans and
follow-ups, pupil-days, guardian notifications and absence investigations), runs
``VACUUM ANALYZE``, and then measures the server time of every dashboard page in-process with
Django's test ``Client`` (``force_login`` as a user with an analyst membership):

- ``/statistik/`` for each of 3 months and 2 terms × 3 areas (the municipality, its largest
  district, its largest compulsory school) — the periods are the ones the filter offers today
  that lie in the data (if none do, "today" is pinned to 20 Aug 2026 for the filter's choices);
- the CSV and the Excel export of one table (the absence table, the heaviest) for the latest
  term × each area;

each ``--requests`` (20) times after one warm-up request (whose time is printed too as
"first": the suppression of a table is computed once and kept until its counts change, so the
first request of a page pays for it), timing ``client.get`` (the whole
request/response cycle: middleware, session, figures, protection, template or export). Prints
per page p50 / p95 / max and the worst p95 against the target (≤ 1 s), the machine, PostgreSQL's
version, the rows per table and the generation time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import statistics_data as data  # noqa: E402

DATABASE = "samsyn_bench_statistics"
TARGET_S = 1.0
PINNED_TODAY = dt.date(2026, 8, 20)
MODELS = (
    "accounts.User",
    "organisations.Unit",
    "children.Child",
    "children.Enrolment",
    "concerns.Concern",
    "concerns.ConcernIndicator",
    "concerns.Triage",
    "concerns.ReportOfConcern",
    "consent.Consent",
    "teams.Barnteam",
    "teams.TeamMember",
    "teams.Meeting",
    "teams.Invitation",
    "plans.Plan",
    "plans.FollowUp",
    "attendance.AttendanceMonth",
    "attendance.GuardianNotification",
    "attendance.AbsenceInvestigation",
)


def _fresh_postgres(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        con.execute(f"CREATE DATABASE {DATABASE}")
    return f"{url.rsplit('/', 1)[0]}/{DATABASE}"


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    os.environ.setdefault("SAMSYN_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def _today(day: dt.date | None) -> Iterator[None]:
    """Pin the date the dashboard's filter computes its choices from (the figures' own dates
    are untouched)."""
    if day is None:
        yield
        return
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> dt.date:
        return day if value is None else real(value, timezone)

    with mock.patch.object(timezone, "localdate", localdate):
        yield


def _periods() -> tuple[list[Any], dt.date | None]:
    """3 months and 2 terms that the filter offers and that lie in the data."""
    from django.utils import timezone

    from samsyn.statistics import figures

    def inside(p: Any) -> bool:
        return p.start >= data.WINDOW_START and p.end <= data.WINDOW_END

    for today in (timezone.localdate(), PINNED_TODAY):
        offered = [p for p in figures.recent_periods(today) if inside(p)]
        months = [p for p in offered if p.kind == "month" and p.number not in (6, 7, 8)]
        terms = [p for p in offered if p.kind == "term"]
        if len(months) >= 3 and len(terms) >= 2:
            chosen = [months[0], months[len(months) // 2], months[-1], *terms[:2]]
            return chosen, (None if today == timezone.localdate() else today)
    raise SystemExit("no periods offered inside the data")


def _areas(world: data.World) -> list[tuple[str, str]]:
    from django.db.models import Count

    from samsyn.children.models import Child, Enrolment

    district = (
        Child.objects.exclude(district=None)
        .values("district_id")
        .annotate(n=Count("id"))
        .order_by("-n", "district_id")
        .first()
    )
    school = (
        Enrolment.objects.filter(unit_id__in=world.by_type["school"])
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by("-n", "unit_id")
        .first()
    )
    assert district is not None and school is not None
    return [
        ("municipality", "municipality:9999"),
        ("district", f"district:{district['district_id']}"),
        ("school", f"school:{school['unit_id']}"),
    ]


def _measure(client: Any, url: str, n: int) -> tuple[float, list[float]]:
    """The first request's time (the warm-up: nothing of the page cached yet) and ``n`` more."""
    started = time.perf_counter()
    response = client.get(url)  # warm-up
    first = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _i in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return first, times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def _sizes() -> dict[str, int]:
    from django.apps import apps
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for label in MODELS:
            model = apps.get_model(label)
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
            row = cursor.fetchone()
            out[model.__name__] = int(row[0]) if row else 0
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        row = cursor.fetchone()
        out["_size"] = row[0] if row else "?"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--children", type=int, default=50000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Run under scripts/pg_throwaway.py: PostgreSQL needed (see the docstring).")
    _setup_django(_fresh_postgres(url))
    from django.db import connection
    from django.test import Client

    from samsyn.accounts.models import User

    _log(f"Generating five years for {args.children:,} children …")
    started = time.perf_counter()
    world = data.generate(connection, args.children, log=_log)
    generation_s = time.perf_counter() - started
    sizes = _sizes()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        row = cursor.fetchone()
        pg_version = row[0] if row else "?"

    periods, pinned = _periods()
    areas = _areas(world)
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(pk=world.analyst_id))
    pages: list[tuple[str, str]] = []
    for period in periods:
        for kind, code in areas:
            pages.append(
                (f"page {period.code:7} {kind}", f"/statistik/?period={period.code}&area={code}")
            )
    term = next(p for p in periods if p.kind == "term")
    for kind, code in areas:
        for fmt in ("csv", "xlsx"):
            pages.append(
                (
                    f"{fmt:4} {term.code:7} {kind}",
                    f"/statistik/?period={term.code}&area={code}&format={fmt}&table=absence",
                )
            )
    results: list[tuple[str, list[float]]] = []
    firsts: dict[str, float] = {}
    with _today(pinned):
        for label, page_url in pages:
            firsts[label], times = _measure(client, page_url, args.requests)
            results.append((label, times))
            _log(f"  {label}: p50 {statistics.median(times):.3f} s, p95 {_p95(times):.3f} s")

    print()
    print(
        f"Statistics benchmark: {args.children:,} children, five years "
        f"({data.WINDOW_START} – {data.WINDOW_END}), {args.requests} requests per page "
        f"after one warm-up"
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    print(f"PostgreSQL: {pg_version}")
    print(f"Generation: {generation_s:.0f} s (database {sizes.pop('_size')} after VACUUM ANALYZE)")
    print("Rows: " + ", ".join(f"{t} {n:,}" for t, n in sizes.items()))
    if pinned is not None:
        print(f"(The filter's 'today' pinned to {pinned} so that it offers periods in the data.)")
    print()
    print(f"{'page':32} {'p50 s':>8} {'p95 s':>8} {'max s':>8} {'first s':>8}")
    for label, times in results:
        print(
            f"{label:32} {statistics.median(times):8.3f} {_p95(times):8.3f} {max(times):8.3f} "
            f"{firsts[label]:8.3f}"
        )
    worst_label, worst = max(results, key=lambda r: _p95(r[1]))
    print()
    print(
        f"worst p95: {_p95(worst):.3f} s (target ≤ {TARGET_S:g} s) — {worst_label.strip()}; "
        f"{sum(1 for _label, t in results if _p95(t) > TARGET_S)} of {len(results)} pages over"
    )
    first_label = max(firsts, key=lambda k: firsts[k])
    print(
        f"slowest first request: {firsts[first_label]:.3f} s — {first_label.strip()} (before "
        "the disclosure results of its tables are kept; see disclosure.protect)"
    )


if __name__ == "__main__":
    main()
