"""``selectors.load_days``: stored days as a Polars frame, filtered by child and dates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from samsyn.attendance.selectors import DAY_SCHEMA, load_days
from samsyn.attendance.services import import_attendance_file
from samsyn.attendance.testing.builders import lessons_csv
from samsyn.attendance.testing.scenarios import pupils, sample_lessons

pytestmark = pytest.mark.django_db


def test_load_days() -> None:
    children = pupils(3)
    import_attendance_file(lessons_csv(sample_lessons(children)))
    every = load_days()
    assert every.schema == pl.Schema(DAY_SCHEMA)
    assert len(every) == 6
    assert every["child_id"].to_list() == sorted(every["child_id"].to_list())
    first = load_days([children[0].pk], start=dt.date(2026, 2, 2), end=dt.date(2026, 2, 2))
    assert first.rows() == [(children[0].pk, dt.date(2026, 2, 2), 170, 100, 50, 20, 0)]
    assert len(load_days(start=dt.date(2026, 2, 3))) == 3
    assert len(load_days([children[1].pk, children[2].pk], end=dt.date(2026, 2, 2))) == 2
    assert load_days([]).is_empty()
    assert load_days(start=dt.date(2027, 1, 1)).schema == pl.Schema(DAY_SCHEMA)
