"""The demo municipality's school attendance this term, imported as a school system sends it.

Every pupil with a school place gets lesson lines for each school day of the current term up to
today (weekdays outside the autumn/sports/Easter breaks and public holidays), written as a CSV
file with Swedish headers and imported through :func:`samsyn.attendance.services.
import_attendance_file` — the same path as a real file — after which
:func:`samsyn.attendance.signalling.signals_refresh` opens the signals, investigations and
today's notification duties. Deterministic in the seed.

The pattern: most pupils are rarely away, a long tail often; a few have a long absence or a
rising trend; unexcused absence is scattered, and today a handful of pupils skipped a lesson so
that the schools have guardians to tell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from django.db.models import Q

from samsyn.attendance.services import import_attendance_file
from samsyn.attendance.signalling import signals_refresh
from samsyn.children.models import Enrolment, EnrolmentKind
from samsyn.concerns.workdays import is_working_day

HEADER = (
    "personnummer",
    "datum",
    "starttid",
    "schemalagda_minuter",
    "närvaro_minuter",
    "giltig_frånvaro_minuter",
    "ogiltig_frånvaro_minuter",
    "annan_närvaro_minuter",
    "frånvaroorsak",
)


def _term_start(today: dt.date) -> dt.date:
    """The Monday of week 34 (autumn) or of week 2 (spring)."""
    if today.month >= 8:
        return dt.date.fromisocalendar(today.year, 34, 1)
    return dt.date.fromisocalendar(today.year, 2, 1)


def _breaks(day: dt.date) -> bool:
    week = day.isocalendar().week
    return week in (44, 9) or (day.month == 12 and day.day > 20) or (day.month == 1 and day.day < 8)


def school_days(today: dt.date) -> list[dt.date]:
    first = _term_start(today)
    days = []
    day = first
    while day <= today:
        if is_working_day(day) and not _breaks(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _profile(rng: random.Random) -> tuple[float, bool, int | None]:
    """Daily chance of absence, a rising trend, and the start of a long absence (an index)."""
    roll = rng.random()
    base = 0.01 if roll < 0.7 else 0.04 if roll < 0.9 else 0.1 if roll < 0.97 else 0.3
    rising = rng.random() < 0.04
    long_start = rng.randrange(0, 60) if rng.random() < 0.03 else None
    return base, rising, long_start


def attendance_csv(*, seed: int, today: dt.date) -> tuple[bytes, dt.date | None]:
    """The term's lessons for every pupil with a school place today, and the last school day."""
    days = school_days(today)
    if not days:
        return b"", None
    pupils = (
        Enrolment.objects.filter(
            Q(kind__in=(EnrolmentKind.SCHOOL, EnrolmentKind.UPPER_SECONDARY)),
            Q(start_date__lte=today),
            Q(end_date__isnull=True) | Q(end_date__gte=today),
        )
        .order_by("child_id", "start_date")
        .values_list("child__personnummer", "start_date")
    )
    first_day: dict[str, dt.date] = {}
    for personnummer, start in pupils:
        first_day.setdefault(personnummer, start)
    rng = random.Random(seed * 7919 + 17)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    n_days = len(days)
    for personnummer, start in first_day.items():
        base, rising, long_start = _profile(rng)
        lessons = rng.choice((5, 6, 6, 7))
        number = f"{personnummer[:8]}-{personnummer[8:]}"
        for index, day in enumerate(days):
            if day < start:
                continue
            chance = base * (1 + 4 * index / n_days) if rising else base
            in_long = long_start is not None and long_start <= index < long_start + 12
            away = in_long or rng.random() < chance
            truant_day = not away and rng.random() < (0.02 if day == days[-1] else 0.003)
            reason = "Sjukdom" if rng.random() < 0.8 else "Ledighet"
            for lesson in range(lessons - (1 if day.weekday() == 4 else 0)):
                minutes = (40, 50, 60)[(lesson + index) % 3]
                skipped = truant_day and lesson in (1, 2)
                partial = not away and not skipped and rng.random() < 0.004
                valid = minutes if away or (partial and rng.random() < 0.7) else 0
                invalid = minutes if skipped or (partial and not valid) else 0
                writer.writerow(
                    (
                        number,
                        day.isoformat(),
                        f"{8 + lesson:02d}:00",
                        minutes,
                        minutes - valid - invalid,
                        valid,
                        invalid,
                        0,
                        reason if valid else "",
                    )
                )
    return out.getvalue().encode("utf-8"), days[-1]


def write_attendance(*, seed: int, today: dt.date) -> dict[str, int]:
    """Import the term's attendance and open the signals as of the last school day."""
    data, last = attendance_csv(seed=seed, today=today)
    if last is None:
        return {}
    result = import_attendance_file(data, source_name="demo-narvaro.csv", kind="csv")
    if not result.succeeded:
        raise RuntimeError("; ".join(result.error_texts()[:5]))
    refresh = signals_refresh(as_of=last)
    return {
        "attendance_days": result.days_written,
        "absence_signals": refresh.signals_opened,
        "absence_investigations": refresh.investigations_opened,
        "guardian_notifications": refresh.notifications_opened,
    }
