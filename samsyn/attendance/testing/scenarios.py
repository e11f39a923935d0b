"""Small shared pieces for the attendance import tests (children, lessons, stored rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samsyn.attendance.testing.builders import Lesson
from samsyn.attendance.testing.storage import stored_days
from samsyn.children.identity import format_identity_number
from samsyn.children.models import Child


def pupils(n: int = 2) -> list[Child]:
    from samsyn.testing.factories import ChildFactory

    return [ChildFactory() for _ in range(n)]


def written(child: Child) -> str:
    """The long written form a school system exports, ``YYYYMMDD-NNNN``."""
    return format_identity_number(child.personnummer)


def sample_lessons(children: list[Child]) -> list[Lesson]:
    """Two days for each child with a mix of presence, absence and reasons (winter dates)."""
    lessons: list[Lesson] = []
    monday, tuesday = dt.date(2026, 2, 2), dt.date(2026, 2, 3)
    for i, child in enumerate(children):
        pnr = written(child)
        lessons += [
            Lesson(pnr, monday, dt.time(8, 0), attendance=60),
            Lesson(pnr, monday, dt.time(9, 10), attendance=40, invalid_absence=20),
            Lesson(pnr, monday, dt.time(10, 30), attendance=0, valid_absence=50, reason="Sjuk"),
            Lesson(pnr, tuesday, dt.time(8, 0), attendance=30, other_attendance=30),
            Lesson(
                pnr,
                tuesday,
                dt.time(13, 0),
                attendance=0,
                valid_absence=45,
                scheduled=45 + i,
                reason="Tandläkare",
            ),
            Lesson(pnr, tuesday, dt.time(14, 0), attendance=0, valid_absence=40, reason="Sjuk"),
        ]
    return lessons


def day_rows() -> list[dict[str, Any]]:
    """Every stored pupil-day without ids of the import, for comparing imports."""
    return [{k: v for k, v in vars(day).items() if k != "import_run_id"} for day in stored_days()]
