"""The DuckDB fast path gives what the Polars path gives for a good file, and declines the rest.

The runs path (tried first, tested in ``test_import_runs_path``) is turned off here, so that
every file reaches DuckDB's. No database is needed: ``parse_days`` only reads and checks the
file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import polars as pl
import pytest

from samsyn.attendance.importing import fast, sources
from samsyn.attendance.importing.errors import FileRejected, LineError
from samsyn.attendance.importing.pipeline import ParsedDays, parse_days, parse_days_polars
from samsyn.attendance.testing.builders import SWEDISH_DIACRITICS, Lesson, lessons_csv
from samsyn.attendance.tests.lesson_lines import BAD_LINES

PUPILS = ("20090101-0017", "20090102-0016", "200901040014")


@pytest.fixture(autouse=True)
def _duckdb_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "RUNS_FIRST", False)


DAY = dt.date(2026, 3, 9)


def _lessons() -> list[Lesson]:
    lessons = []
    for n, pnr in enumerate(PUPILS):
        for day in range(3):
            date = DAY + dt.timedelta(days=day)
            lessons += [
                Lesson(pnr, date, dt.time(8, 0), attendance=40 + n, scheduled=60),
                Lesson(pnr, date, dt.time(9, 10), attendance=0, valid_absence=50, reason="Sjuk"),
                Lesson(pnr, date, dt.time(13, 5), attendance=0, invalid_absence=45, reason=""),
                Lesson(pnr, date, None, attendance=30, other_attendance=15, reason="  Tandläkare "),
            ]
    # Several reasons on one day (the middle ones are not kept by either path).
    lessons.append(
        Lesson(PUPILS[0], DAY, dt.time(15, 0), attendance=0, valid_absence=5, reason="Ledig")
    )
    lessons.append(
        Lesson(PUPILS[0], DAY, dt.time(16, 0), attendance=0, valid_absence=5, reason="Ärende")
    )
    return lessons


def _both(data: bytes, tmp_path: Path, *, as_path: bool = False) -> tuple[ParsedDays, ParsedDays]:
    """(parse_days, the Polars path), each on a fresh source; the fast path must be taken."""
    source: Path | bytes = data
    if as_path:
        source = tmp_path / "lessons.csv"
        source.write_bytes(data)
    before = fast.stats.taken
    quick_source = sources.read_csv(source)
    quick = parse_days(quick_source)
    assert fast.stats.taken == before + 1, "the fast path was not taken"
    assert quick_source.sha256 == hashlib.sha256(data).hexdigest()
    careful = parse_days_polars(sources.read_csv(source))
    return quick, careful


def _same(quick: ParsedDays, careful: ParsedDays) -> None:
    keys = ["personnummer", "date"]
    assert quick.days.schema == careful.days.schema
    assert quick.days.sort(keys).equals(careful.days.sort(keys))
    assert quick.lines_total == careful.lines_total
    assert quick.errors == careful.errors == []


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"headers": SWEDISH_DIACRITICS, "delimiter": ";"},
        {"bom": True},
        {"headers": SWEDISH_DIACRITICS, "bom": True, "delimiter": ";"},
        {"encoding": "cp1252"},
        {"drop": ("start_time", "other_attendance_minutes", "absence_reason")},
        {"drop": ("scheduled_minutes",)},
    ],
    ids=["english", "swedish-semicolons", "bom", "swedish-bom", "cp1252", "no-optional", "no-sch"],
)
@pytest.mark.parametrize("as_path", [False, True], ids=["bytes", "path"])
def test_the_fast_path_gives_what_the_polars_path_gives(
    tmp_path: Path, options: dict[str, object], as_path: bool
) -> None:
    data = lessons_csv(_lessons(), **options)  # type: ignore[arg-type]
    quick, careful = _both(data, tmp_path, as_path=as_path)
    _same(quick, careful)
    assert quick.days.height == len(PUPILS) * 3
    if "absence_reason" not in options.get("drop", ()):  # type: ignore[operator]
        reasons = set(quick.days["absence_reasons"])
        assert "Sjuk; Tandläkare" in reasons
        assert "Ledig; Ärende" in reasons  # the smallest and largest of four reasons


def test_quotes_blank_lines_and_a_pupil_day_of_whole_day_lines(tmp_path: Path) -> None:
    header = "personnummer,date,attendance_minutes,valid_absence_minutes,invalid_absence_minutes,"
    data = (
        header
        + "absence_reason\r\n"
        + f'"{PUPILS[0]}",2026-03-09,"60",0,0,"Sjuk, feber"\r\n'
        + "\r\n"
        + f'{PUPILS[0]},2026-03-09,60,0,0,""\r\n'
        + ",,,,,\r\n"
        + f'{PUPILS[1]},2026-03-09,0,300,0,"Sa ""hej"""\r\n'
    ).encode()
    quick, careful = _both(data, tmp_path)
    _same(quick, careful)
    assert quick.lines_total == 3
    assert sorted(quick.days["absence_reasons"]) == ['Sa "hej"', "Sjuk, feber"]


GOOD = f"{PUPILS[0]},2026-03-09,08:00,60,0,0,"
HEADER = (
    "personnummer,datum,starttid,narvaro_minuter,giltig_franvaro_minuter,"
    "ogiltig_franvaro_minuter,franvaroorsak"
)


def _declined(lines: list[str], tmp_path: Path, raw: bytes | None = None) -> ParsedDays | None:
    """parse_days on the file, checking the fast path declined and the answer is the Polars
    path's: the same days, or the same rejection."""
    data = raw if raw is not None else ("\n".join([HEADER, *lines]) + "\n").encode()
    before = fast.stats.declined
    try:
        parsed = parse_days(sources.read_csv(data))
    except FileRejected as exc:
        assert fast.stats.declined == before + 1
        with pytest.raises(FileRejected) as careful:
            parse_days_polars(sources.read_csv(data))
        assert exc.errors == careful.value.errors
        assert exc.errors
        return None
    assert fast.stats.declined == before + 1
    _same(parsed, parse_days_polars(sources.read_csv(data)))
    return parsed


@pytest.mark.parametrize("bad_line", BAD_LINES)
def test_a_bad_line_falls_back_to_the_same_rejection(tmp_path: Path, bad_line: str) -> None:
    assert _declined([GOOD, bad_line.format(pnr=PUPILS[0])], tmp_path) is None


@pytest.mark.parametrize(
    "odd_line",
    [
        "{pnr},2026-03-10,08.00,60,0,0,",  # HH.MM: only Polars reads it
        "{pnr},2026-03-10, 08:00,60,0,0,",
        "{pnr},2026-03-10,8:00,60,0,0,",  # a one-digit hour: only Polars reads it
        "{pnr},2026-03-09,08:03,60,0,0,",  # not a duplicate, but the same five-minute slot
        "200901010017,2026-03-10,08:00,60,0,0,",  # the same pupil written in another form
    ],
)
def test_odd_but_good_lines_fall_back_and_are_accepted(tmp_path: Path, odd_line: str) -> None:
    parsed = _declined([GOOD, odd_line.format(pnr=PUPILS[0])], tmp_path)
    assert parsed is not None
    assert parsed.lines_total == 2


def test_a_lone_carriage_return_or_nul_falls_back(tmp_path: Path) -> None:
    lone_cr = f"{HEADER}\n{GOOD}\r{GOOD.replace('09', '10')}\n".encode()
    _declined([], tmp_path, raw=lone_cr)
    # A NUL byte after the first 64 KB (sooner, read_csv checks the file itself).
    padding = "".join(
        f"{PUPILS[1]},2026-03-{d:02},{h:02}:{m:02},60,0,0,\n"
        for d in range(1, 29)
        for h in range(7, 20)
        for m in range(0, 60, 10)
    )
    nul = f"{HEADER}\n{padding}{GOOD}Sj\x00uk\n".encode()
    assert len(padding) > 65536
    _declined([], tmp_path, raw=nul)


def test_a_utf16_file_is_rejected_as_before() -> None:
    data = f"{HEADER}\n{GOOD}\n".encode("utf-16")
    with pytest.raises(FileRejected) as rejected:
        parse_days(sources.read_csv(data))
    assert rejected.value.errors == [LineError(1, sources._encoding_error(1).message)]


def test_a_windows_1252_file_is_hashed_as_written() -> None:
    data = f"{HEADER}\n{GOOD}Sjuk hemmavid ä\n".encode("cp1252")
    source = sources.read_csv(data)
    parsed = parse_days(source)
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert parsed.days["absence_reasons"].to_list() == ["Sjuk hemmavid ä"]
    assert parsed.days.schema["date"] == pl.Date


@pytest.mark.parametrize(
    "line",
    [
        "{pnr},2026-03-10,08:00,060,060,0,0,",  # a leading zero: 60 on both paths
        "{pnr},2026-03-10,08:00,+60, 60,0 ,0,",  # a sign, spaces: read alike
        '{pnr},2026-03-10,08:00,"","60",0,0,',  # a quoted empty value; a quoted number
        "{pnr},2026-03-10,08:00,60,60,0,0,Tandläkare kl. 9.30",  # minutes read as text
        "{pnr},2026-03-10,08:00,60,0,60,0,Utvecklingssamtal 3e gången",
        "{pnr},2026-03-10,23:59:59,60,60,0,0,",  # seconds: the fast path reads them too
        '{pnr},2026-03-10,"",60,60,0,0,',  # a quoted empty start time: none
    ],
)
def test_numbers_written_otherwise_are_read_as_the_polars_path_reads_them(
    tmp_path: Path, line: str
) -> None:
    """The minutes are read typed by DuckDB; where a file may hold a form only DuckDB would
    read (a digit before ``.``, ``e`` …), they are read again as text and checked."""
    header = HEADER.replace("starttid,", "starttid,schemalagda_minuter,")
    data = "\n".join([header, GOOD.replace(",60,", ",60,60,"), line.format(pnr=PUPILS[0])])
    quick, careful = _both((data + "\n").encode(), tmp_path)
    _same(quick, careful)
    assert quick.lines_total == 2


def test_the_screen_finds_the_forms_duckdb_alone_reads() -> None:
    for text in (b"5.0", b".5", b"1e2", b"1E2", b"0x10", b"0X1", b"0b1", b"1_0", b"9."):
        assert fast.lenient_numbers(b"a,2026-03-10," + text + b",0\n"), text
    for text in (b"60", b"+60", b" 60", b"060", b"Ledighet", b"e5", b"x.y", b"-0"):
        assert not fast.lenient_numbers(b"a,2026-03-10," + text + b",0\n"), text
    # A pair across two chunks: the scanner passes the last byte of one chunk with the next.
    assert fast.lenient_numbers(b"1" + b"e2,0")
