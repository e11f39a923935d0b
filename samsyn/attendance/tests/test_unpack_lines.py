"""The compiled loops that read the months PostgreSQL sends: month lines unpacked
(``kernel.unpack_lines``), and the rows of a binary COPY indexed (``kernel.index_binary_months``,
as ``selectors.read_months`` reads them; on SQLite ``selectors.months_of_frame``)."""

from __future__ import annotations

import datetime as dt
import struct

import numpy as np
import polars as pl
import pytest

from samsyn.attendance.importing import kernel
from samsyn.attendance.importing.packing import MONTH_TOTALS
from samsyn.attendance.importing.writer import MONTH_EPOCH
from samsyn.attendance.selectors import index_binary_months, months_of_frame


def _unpack(text: bytes, wanted: list[int], extras: int) -> tuple[int, int, dict[str, np.ndarray]]:
    lines = text.count(b"\n") + 1
    size = text.count(b";") + lines
    out = {
        "child": np.empty(lines, np.int64),
        "number": np.empty(lines, np.int64),
        "extra": np.empty((extras, lines), np.int64),
        "days": np.empty(lines, np.int64),
        "first": np.empty(lines, np.int64),
        "last": np.empty(lines, np.int64),
        "dates": np.empty(size, np.int64),
        "values": np.empty((len(wanted), size), np.int64),
    }
    data = np.frombuffer(text, np.uint8)
    months, days = kernel.unpack_lines(data, len(data), np.array(wanted, np.int64), *out.values())
    return months, days, out


def test_months_and_their_days() -> None:
    text = (
        b"7:9556:3:-4:2,0,0,0,0,0,1;3,60,50,10,0,0,2;4,60,0,0,60,0,1\n"  # a cancelled first day
        b"8:9587::1:31,45,45,0,0,0,1"  # no line end at the end; an empty extra column
    )
    months, days, out = _unpack(text, [1, 3, 4], extras=2)
    assert (months, days) == (2, 4)
    assert out["child"][:2].tolist() == [7, 8]
    assert out["number"][:2].tolist() == [9556, 9587]
    assert out["extra"][:, :2].tolist() == [[3, kernel.NULL], [-4, 1]]
    assert out["days"][:2].tolist() == [3, 1]
    assert out["first"][:2].tolist() == [3, 31]  # the first day with minutes scheduled
    assert out["last"][:2].tolist() == [4, 31]
    assert out["dates"][:4].tolist() == [9557, 9558, 9559, 9617]
    assert out["values"][:, :4].tolist() == [[0, 60, 60, 45], [0, 10, 0, 0], [0, 0, 60, 0]]


@pytest.mark.parametrize(
    "text",
    [
        b"7:9556:2,0,0,0,0,0",  # a field short
        b"7:9556:2,0,0,0,0,0,1,9",  # a field too many
        b"7;9556:2,0,0,0,0,0,1",
        b"7:9556:2,0,0,x,0,0,1",
        b"7:9556",
    ],
)
def test_lines_samsyn_did_not_write_are_refused(text: bytes) -> None:
    months, _at, _out = _unpack(text, [1], extras=0)
    assert months == -1


def _binary_copy(rows: list[tuple[int, int, int, int, int, int, bytes]]) -> bytes:
    """``rows`` (child, month number, the four totals, days) as PostgreSQL's binary COPY of
    ``child_id bigint, month date, school_days smallint, …integer…, days text`` sends them."""
    out = bytearray(kernel.PGCOPY + struct.pack(">ii", 0, 0))
    for child, month, school_days, scheduled, valid, invalid, days in rows:
        out += struct.pack(">h", 7)
        out += struct.pack(">iq", 8, child) + struct.pack(">ii", 4, month)
        out += struct.pack(">ih", 2, school_days)
        for value in (scheduled, valid, invalid):
            out += struct.pack(">ii", 4, value)
        out += struct.pack(">i", len(days)) + days
    return bytes(out + struct.pack(">h", -1))


ROWS = [
    (7, 9556, 3, 120, 10, 60, b"2,0,0,0,0,0,1;3,60,50,10,0,0,2;4,60,0,0,60,0,1"),
    (5_000_000_000, 9587, 1, 45, 0, 0, b"31,45,45,0,0,0,1"),  # an id past 32 bits
]


def test_binary_copy_rows_index_as_the_rows_read_on_sqlite_do() -> None:
    binary = index_binary_months(bytearray(_binary_copy(ROWS)))
    frame = pl.DataFrame(
        {
            "child_id": [row[0] for row in ROWS],
            "month": [MONTH_EPOCH + dt.timedelta(days=row[1]) for row in ROWS],
            **{k: [row[2 + i] for row in ROWS] for i, k in enumerate(MONTH_TOTALS)},
            "days": [row[-1].decode() for row in ROWS],
        }
    )
    rows = months_of_frame(frame)
    for name in ("child", "month", "totals"):
        assert getattr(binary, name).tolist() == getattr(rows, name).tolist()
    for months in (binary, rows):
        texts = [bytes(months.text[s:e]) for s, e in zip(months.start, months.end, strict=True)]
        assert texts == [row[-1] for row in ROWS]
    assert index_binary_months(bytearray(_binary_copy([]))).child.tolist() == []
    # Numbers below zero (a month before 2000, a count that is not one): their sign kept.
    before = index_binary_months(bytearray(_binary_copy([(1, -31, -2, 0, -70000, 0, b"")])))
    assert (before.month.tolist(), before.totals[:, 0].tolist()) == ([-31], [-2, 0, -70000, 0])


GOOD = _binary_copy(ROWS)


@pytest.mark.parametrize(
    "buffer",
    [
        b"",
        GOOD[:30],  # cut short in the first row
        GOOD[:-2],  # no trailer
        GOOD + b"\x00",  # a byte after the trailer
        b"PGCOPY\n\xff\r\n\x01" + GOOD[11:],  # not the signature
        GOOD.replace(struct.pack(">h", 7), struct.pack(">h", 6), 1),  # a column short
        GOOD.replace(struct.pack(">iq", 8, 7), struct.pack(">iq", 9, 7), 1),  # a 9-byte number
        GOOD.replace(struct.pack(">i", 46), struct.pack(">i", 4600), 1),  # text past the end
        GOOD.replace(struct.pack(">i", 46), struct.pack(">i", -1), 1),  # a null text
    ],
)
def test_a_binary_copy_that_is_not_the_months_is_refused(buffer: bytes) -> None:
    with pytest.raises(RuntimeError, match="cannot be read"):
        index_binary_months(bytearray(buffer))
