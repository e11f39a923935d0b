"""The compiled loop that unpacks month lines read from PostgreSQL (``kernel.unpack_lines``)."""

from __future__ import annotations

import numpy as np
import pytest

from samsyn.attendance.importing import kernel


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
