"""The runs path (a compiled loop over pupil-days that come line after line) gives what the
Polars path gives for a good file, and declines everything else to the next path.

No database is needed: ``parse_days`` only reads and checks the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from samsyn.attendance.importing import fast, runs, sources
from samsyn.attendance.importing.errors import FileRejected
from samsyn.attendance.importing.pipeline import ParsedDays, parse_days, parse_days_polars
from samsyn.attendance.testing.builders import SWEDISH_DIACRITICS, Lesson, lessons_csv
from samsyn.attendance.tests.lesson_lines import BAD_LINES

PUPILS = ("20090101-0017", "20090102-0016", "200901040014", "090105-0013")
DAY = dt.date(2026, 3, 9)
HEADER = (
    "personnummer,datum,starttid,narvaro_minuter,giltig_franvaro_minuter,"
    "ogiltig_franvaro_minuter,franvaroorsak"
)
GOOD = f"{PUPILS[0]},2026-03-09,08:00,60,0,0,"


@pytest.fixture(params=["normal", "small"])
def buffers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The normal sizes, and buffers so small that every file is read in several threads,
    chunks and calls (a run cut by the end of a chunk, output arrays that fill up)."""
    if request.param == "small":
        monkeypatch.setattr(runs, "_CHUNK", 1024)
        monkeypatch.setattr(runs, "_RUNS", 3)
        monkeypatch.setattr(runs, "_REASONS", 5)
        monkeypatch.setattr(runs, "_REASON_BYTES", 256)
        monkeypatch.setattr(runs, "_PER_THREAD", 512)
    return str(request.param)


def _lessons(pupils: tuple[str, ...] = PUPILS, days: int = 3) -> list[Lesson]:
    lessons = []
    for n, pnr in enumerate(pupils):
        for day in range(days):
            date = DAY + dt.timedelta(days=day)
            lessons += [
                Lesson(pnr, date, dt.time(8, 0), attendance=40 + n, scheduled=60),
                Lesson(pnr, date, dt.time(9, 10), attendance=0, valid_absence=50, reason="Sjuk"),
                Lesson(pnr, date, dt.time(9, 12), attendance=0, invalid_absence=45, reason=""),
                Lesson(pnr, date, None, attendance=30, other_attendance=15, reason="  Tandläkare "),
                Lesson(pnr, date, None, attendance=30, reason="Sjuk"),
            ]
    # Several reasons on one day (the middle ones are kept by no path).
    lessons.append(
        Lesson(pupils[0], DAY, dt.time(15, 0), attendance=0, valid_absence=5, reason="Ö")
    )
    lessons.append(
        Lesson(pupils[0], DAY, dt.time(16, 0), attendance=0, valid_absence=5, reason="Ärende")
    )
    return sorted(lessons, key=lambda lesson: (lesson.personnummer, lesson.date))


def _same(quick: ParsedDays, careful: ParsedDays) -> None:
    keys = ["personnummer", "date"]
    assert quick.days.schema == careful.days.schema
    assert quick.days.sort(keys).equals(careful.days.sort(keys))
    assert quick.lines_total == careful.lines_total


def _taken(data: bytes, tmp_path: Path, *, as_path: bool = False) -> ParsedDays:
    """parse_days through the runs path (which must take the file), checked against the
    Polars path."""
    source: Path | bytes = data
    if as_path:
        source = tmp_path / "lessons.csv"
        source.write_bytes(data)
    before = fast.stats.runs
    quick_source = sources.read_csv(source)
    quick = parse_days(quick_source)
    assert fast.stats.runs == before + 1, f"the runs path declined: {runs.last.why}"
    assert quick_source.sha256 == hashlib.sha256(data).hexdigest()
    _same(quick, parse_days_polars(sources.read_csv(source)))
    return quick


def _declined(data: bytes) -> ParsedDays | None:
    """parse_days on a file the runs path must decline: the answer is the Polars path's, the
    same days or the same rejection."""
    before = fast.stats.runs
    source = sources.read_csv(data)
    try:
        parsed = parse_days(source)
    except FileRejected as exc:
        assert fast.stats.runs == before
        with pytest.raises(FileRejected) as careful:
            parse_days_polars(sources.read_csv(data))
        assert exc.errors == careful.value.errors != []
        return None
    assert fast.stats.runs == before, "the runs path took a file it should decline"
    assert runs.last.why
    # The hash the runs path computed before it declined is the file's (kept for the next).
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    _same(parsed, parse_days_polars(sources.read_csv(data)))
    return parsed


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"headers": SWEDISH_DIACRITICS, "delimiter": ";"},
        {"bom": True},
        {"encoding": "cp1252"},
        {"drop": ("start_time", "other_attendance_minutes", "absence_reason")},
        {"drop": ("scheduled_minutes",)},
    ],
    ids=["english", "swedish-semicolons", "bom", "cp1252", "no-optional", "no-scheduled"],
)
@pytest.mark.parametrize("as_path", [False, True], ids=["bytes", "path"])
def test_the_runs_path_gives_what_the_polars_path_gives(
    tmp_path: Path, buffers: str, options: dict[str, object], as_path: bool
) -> None:
    data = lessons_csv(_lessons(), **options)  # type: ignore[arg-type]
    quick = _taken(data, tmp_path, as_path=as_path)
    assert quick.days.height == len(PUPILS) * 3
    if "absence_reason" not in options.get("drop", ()):  # type: ignore[operator]
        reasons = set(quick.days["absence_reasons"])
        assert "Sjuk; Tandläkare" in reasons
        assert "Sjuk; Ö" in reasons  # the smallest and largest of four reasons


def _personnummer(birth: dt.date, serial: int) -> str:
    """A valid made-up personnummer (YYYYMMDD-NNNC)."""
    digits = f"{birth:%y%m%d}{serial:03}"
    total = sum(sum(divmod(int(d) * (2 if i % 2 == 0 else 1), 10)) for i, d in enumerate(digits))
    return f"{birth:%Y%m%d}-{serial:03}{(10 - total % 10) % 10}"


def test_many_pupils_in_several_threads(tmp_path: Path, buffers: str) -> None:
    pupils = tuple(_personnummer(dt.date(2009, 1, 1) + dt.timedelta(days=n), 1) for n in range(200))
    data = lessons_csv(_lessons(pupils, days=5))
    assert len(data) > 20 * 1024
    quick = _taken(data, tmp_path, as_path=True)
    assert quick.days.height == len(pupils) * 5


def test_days_in_another_order_each_in_one_run(tmp_path: Path, buffers: str) -> None:
    """Day by day, pupil by pupil: each pupil-day still comes line after line."""
    lessons = sorted(_lessons(), key=lambda lesson: (lesson.date, lesson.personnummer))
    _taken(lessons_csv(lessons), tmp_path)


def test_quoted_values_and_doubled_quotes(tmp_path: Path, buffers: str) -> None:
    header = "personnummer,date,attendance_minutes,valid_absence_minutes,invalid_absence_minutes,"
    data = (
        header
        + "absence_reason,elevens_klass\r\n"
        + f'"{PUPILS[0]}","2026-03-09","60",0,0,"Sjuk, feber","7 ""B"""\r\n'
        + f'{PUPILS[0]},2026-03-09,60,0,0,"","7B"\r\n'
        + f'{PUPILS[1]},2026-03-09,0,300,0,"Sa ""hej""",7B\r\n'
        + f'{PUPILS[1]},2026-03-10,0,300,0," Sa ""hej"" ",7B'  # no line end at the end
    ).encode()
    quick = _taken(data, tmp_path)
    assert quick.lines_total == 4
    assert sorted(quick.days["absence_reasons"]) == ['Sa "hej"', 'Sa "hej"', "Sjuk, feber"]


def test_more_pupils_than_the_table_holds_go_to_the_next_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runs, "_PUPILS", 2)
    assert _declined(lessons_csv(_lessons())) is not None
    assert runs.last.why == "more pupils than the table of pupils holds"


def test_days_out_of_order_each_in_one_run(tmp_path: Path, buffers: str) -> None:
    """Latest day first: each pupil-day is still one run, checked day by day."""
    lessons = sorted(_lessons(), key=lambda lesson: lesson.date, reverse=True)
    _taken(lessons_csv(lessons), tmp_path)


def test_a_pupil_day_in_two_places_goes_to_the_next_path(buffers: str) -> None:
    lessons = _lessons()
    data = lessons_csv([*lessons[1:], lessons[0]])
    assert _declined(data) is not None
    assert runs.last.why == "a pupil-day in more than one run"


@pytest.mark.parametrize("bad_line", BAD_LINES)
def test_a_bad_line_is_declined_and_rejected_as_before(bad_line: str) -> None:
    data = ("\n".join([HEADER, GOOD, bad_line.format(pnr=PUPILS[0])]) + "\n").encode()
    assert _declined(data) is None


@pytest.mark.parametrize(
    ("odd_line", "why"),
    [
        ("{pnr},2026-03-10,08.00,60,0,0,", "a start time not written HH:MM or HH:MM:SS"),
        ("{pnr},2026-03-10, 08:00,60,0,0,", "a start time not written HH:MM or HH:MM:SS"),
        ("{pnr},2026-03-10,8:00,60,0,0,", "a start time not written HH:MM or HH:MM:SS"),
        ("{pnr},2026-03-10,08:00,+60,0,0,", "minutes not written as at most four digits"),
        ("{pnr},2026-03-10,08:00, 60,0,0,", "minutes not written as at most four digits"),
        (
            "{pnr},2026-03-10,08:00,60,0,0,Sjuk\tfeber",
            "a control character or a quote in an unquoted value",
        ),
        ("200901010017,2026-03-10,08:00,60,0,0,", "one pupil written in two forms"),
        ("", "a blank line"),
    ],
)
def test_odd_but_good_lines_are_declined_and_accepted_as_before(odd_line: str, why: str) -> None:
    last = f"{PUPILS[1]},2026-03-11,08:00,60,0,0,"
    data = ("\n".join([HEADER, GOOD, odd_line.format(pnr=PUPILS[0]), last]) + "\n").encode()
    parsed = _declined(data)
    assert parsed is not None
    assert runs.last.why == why


def test_two_lessons_in_one_five_minute_slot_are_no_duplicates(tmp_path: Path) -> None:
    """The exact check of each run's start times: 08:00 and 08:03 are two lessons."""
    line = f"{PUPILS[0]},2026-03-09,08:03,60,0,0,"
    quick = _taken(("\n".join([HEADER, GOOD, line]) + "\n").encode(), tmp_path)
    assert quick.lines_total == 2


def test_a_reason_that_is_not_utf8_is_read_as_windows_1252(tmp_path: Path) -> None:
    data = f"{HEADER}\n{GOOD}Sjuk hemmavid ä\n".encode("cp1252")
    quick = _taken(data, tmp_path)
    assert quick.days["absence_reasons"].to_list() == ["Sjuk hemmavid ä"]


def test_a_lone_carriage_return_or_nul_is_declined() -> None:
    _declined(f"{HEADER}\n{GOOD}\r{PUPILS[1]},2026-03-10,08:00,60,0,0,\n".encode())
    assert runs.last.why == "a carriage return not followed by a line feed"
    # A NUL byte after the first 64 KB (sooner, read_csv checks the file itself).
    padding = "".join(
        f"{PUPILS[1]},2026-{month:02}-{d:02},{h:02}:00,60,0,0,\n"
        for month in range(4, 10)
        for d in range(1, 29)
        for h in range(7, 20)
    )
    assert len(padding) > 65536
    _declined(f"{HEADER}\n{padding}{GOOD}Sj\x00uk\n".encode())
    assert runs.last.why == "a control character or a quote in an unquoted value"


# --- Random files: whatever the runs path takes, it reads as the Polars path does ------------

# Each field: values every path reads alike first, then odd and bad ones.
FIELDS = {
    "pnr": (3, [PUPILS[0], PUPILS[1], PUPILS[3], "200901010017", "19991399-1234", "", '"x"']),
    "date": (2, ["2026-03-09", "2026-03-10", '"2026-03-09"', "2026-02-30", "2026-3-10", ""]),
    "start": (5, ["08:00", "08:00:00", "09:10", "08:03", "", "8:00", "24:00", "12:00:59"]),
    "minutes": (6, ["0", "45", "60", "1440", '"30"', "060", "1441", "", "-5", "4.5", " 5", "+7"]),
    "reason": (5, ["", "Sjuk", " Sjuk ", "Ärende", '"Sa ""hej"""', '"a,b"', "\u00a0Sjuk", "x\ty"]),
}


def _field(draw: st.DrawFn, name: str) -> str:
    good, values = FIELDS[name]
    if draw(st.integers(0, 9)) < 8:  # mostly values every path reads
        return draw(st.sampled_from(values[:good]))
    return draw(st.sampled_from(values))


@st.composite
def _files(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        values = [
            _field(draw, "pnr"),
            _field(draw, "date"),
            _field(draw, "start"),
            *[_field(draw, "minutes") for _ in range(3)],
            _field(draw, "reason"),
        ]
        lines.append(",".join(values))
    if draw(st.booleans()):
        lines.sort()
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return (HEADER + ending + ending.join(lines) + draw(st.sampled_from(["", ending]))).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_files())
def test_random_files_read_alike_on_every_path(data: bytes) -> None:
    before = fast.stats.runs
    try:
        quick = parse_days(sources.read_csv(data))
    except FileRejected as exc:
        event("rejected")
        with pytest.raises(FileRejected) as careful:
            parse_days_polars(sources.read_csv(data))
        assert exc.errors == careful.value.errors
        return
    event("read by the runs path" if fast.stats.runs > before else "read by another path")
    _same(quick, parse_days_polars(sources.read_csv(data)))
