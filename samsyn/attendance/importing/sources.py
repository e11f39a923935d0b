"""Reading a lesson file (CSV or Excel) into a lazy Polars frame of string columns.

Every reader returns a :class:`LessonSource`: a frame with a ``line`` column (the line number in
the file, or the record number for SS 12000) and our column names (``columns.ALL_COLUMNS``),
every value a string or null, plus the original column names for the messages. Nothing is
validated here except what is needed to read the file at all (encoding, header).

CSV: UTF-8 (with or without BOM) is tried first, strictly; otherwise Windows-1252, which is
transcoded to UTF-8 because Polars reads only UTF-8. Bytes that are neither (a UTF-16 or binary
file: NUL and other control bytes, or bytes Windows-1252 does not define) reject the file. The
delimiter is ``;`` when the header has more semicolons than commas, else ``,``. Line numbers
count physical lines (header = line 1); a quoted value with a line break in it shifts them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from samsyn.attendance.importing import columns as c
from samsyn.attendance.importing.errors import FileRejected, LineError

_CHUNK = 16 * 1024 * 1024
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XLSX_MAGIC = b"PK\x03\x04"


# Given 12-digit personnummer, the ones some child in Samsyn has (see check_identity_numbers).
KnownNumbers = Callable[[list[str]], set[str]]


@dataclass
class LessonSource:
    frame: pl.LazyFrame
    names: dict[str, str]  # our column → the name used in the file
    sha256: str = ""
    # The raw UTF-8 text source and delimiter, to find lines Polars could not split.
    csv_source: Path | bytes | None = None
    delimiter: str = ","
    record_numbers: bool = False  # SS 12000: "Post N" rather than "Rad N"
    extra_errors: list[LineError] = field(default_factory=list)
    unknown_pupils: list[str] = field(default_factory=list)
    known_numbers: KnownNumbers | None = None
    # False for a CSV source whose encoding (and SHA-256) is still to be checked: see read_csv.
    encoding_checked: bool = True


def looks_like_xlsx(head: bytes) -> bool:
    return head.startswith(_XLSX_MAGIC)


def _encoding_error(line: int | None) -> LineError:
    return LineError(
        line,
        _(
            "the file is neither UTF-8 nor Windows-1252 text (it may be UTF-16 or not a text "
            "file); save it as CSV in UTF-8"
        ),
    )


def _line_of(data: bytes | memoryview, position: int, lines_before: int) -> int:
    return lines_before + bytes(data[:position]).count(b"\n") + 1


def _chunks(source: Path | bytes, size: int = _CHUNK) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), size):
            yield source[start : start + size]
        return
    with source.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def _check_utf8(source: Path | bytes) -> tuple[str, bool, int | None]:
    """One pass: the SHA-256, whether the bytes are UTF-8 text, and the line of a bad byte."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8 = True
    bad_line: int | None = None
    lines_before = 0
    for chunk in _chunks(source):
        digest.update(chunk)
        if utf8:
            # NUL: UTF-16 or binary (other control bytes are left to the line checks).
            nul = chunk.find(b"\x00")
            if nul >= 0:
                utf8 = False
                bad_line = _line_of(chunk, nul, lines_before)
            else:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8 = False
                    bad_line = _line_of(chunk, exc.start, lines_before)
            lines_before += chunk.count(b"\n")
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
            bad_line = lines_before + 1
    return digest.hexdigest(), utf8, bad_line


def _as_windows_1252(data: bytes) -> bytes:
    """Windows-1252 bytes → UTF-8, or reject with the line of the first impossible byte."""
    control = _CONTROL.search(data)
    if control:
        raise FileRejected([_encoding_error(_line_of(data, control.start(), 0))])
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRejected([_encoding_error(_line_of(data, exc.start, 0))]) from exc
    return text.encode("utf-8")


def _head(source: Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source[:65536]
    with source.open("rb") as handle:
        return handle.read(65536)


def _first_line(source: Path | bytes) -> str:
    line = _head(source).split(b"\n", 1)[0].rstrip(b"\r")
    return line.decode("utf-8", errors="replace").lstrip("\ufeff")


def read_csv(source: Path | bytes) -> LessonSource:
    """Check the header of a CSV file and scan it lazily.

    When the header line is UTF-8 and names the required columns, the encoding check of the
    whole file (one pass, with the SHA-256) is left to :func:`check_encoding`, which
    ``pipeline.parse_days`` calls unless its DuckDB fast path read the file as UTF-8 (and hashed
    it) first. Otherwise the file is checked here, as it always was.
    """
    if isinstance(source, bytes) and not source.strip():
        raise FileRejected([LineError(None, _("the file is empty"))])
    if isinstance(source, Path) and source.stat().st_size == 0:
        raise FileRejected([LineError(None, _("the file is empty"))])
    deferred = _unchecked_source(source)
    if deferred is not None:
        return deferred
    return _read_checked_csv(source)


def _unchecked_source(source: Path | bytes) -> LessonSource | None:
    """A source read as UTF-8 without checking the file, if the header line allows it."""
    head = _head(source)
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    if b"\x00" in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        header = line.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return None
    if not header.strip():
        return None
    delimiter = _delimiter(header)
    found, missing, twice = c.map_header(header_names(header, delimiter))
    if missing or twice:
        return None
    return _csv_source(source, found, delimiter, sha256="", encoding_checked=False)


def check_encoding(source: LessonSource) -> bool:
    """Check the encoding of a source from :func:`read_csv` in place (SHA-256, transcoding).

    Returns whether the file was transcoded from Windows-1252; raises FileRejected as
    :func:`read_csv` would have for a file that is not text or whose header is wrong.
    """
    if source.encoding_checked or source.csv_source is None:
        return False
    raw = source.csv_source
    try:
        checked = _read_checked_csv(raw, on_hash=lambda digest: setattr(source, "sha256", digest))
    finally:
        source.encoding_checked = True
    source.frame = checked.frame
    source.names = checked.names
    source.sha256 = checked.sha256
    source.csv_source = checked.csv_source
    source.delimiter = checked.delimiter
    return checked.csv_source is not raw


def _read_checked_csv(
    source: Path | bytes, on_hash: Callable[[str], None] | None = None
) -> LessonSource:
    """Check the encoding (transcoding Windows-1252) and the header, and scan the file."""
    sha256, utf8, _bad_line = _check_utf8(source)
    if on_hash is not None:
        on_hash(sha256)
    if not utf8:
        raw = source if isinstance(source, bytes) else source.read_bytes()
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRejected([_encoding_error(1)])
        source = _as_windows_1252(raw)
    header = _first_line(source)
    if not header.strip():
        raise FileRejected([LineError(1, _("the first line must name the columns"))])
    delimiter = _delimiter(header)
    found, missing, twice = c.map_header(header_names(header, delimiter))
    errors = [
        LineError(1, _("the column %(column)s appears twice") % {"column": name}) for name in twice
    ]
    swedish = {ours: sv for sv, ours in c.SWEDISH_NAMES.items()}
    errors += [
        LineError(
            1,
            _("the required column %(column)s (in Swedish %(swedish)s) is missing")
            % {"column": column, "swedish": swedish[column]},
        )
        for column in missing
    ]
    if errors:
        raise FileRejected(errors)
    return _csv_source(source, found, delimiter, sha256=sha256, encoding_checked=True)


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def header_names(header: str, delimiter: str) -> list[str]:
    """The column names of a header line, in the file's order."""
    return next(csv.reader([header], delimiter=delimiter))


def csv_header(source: Path | bytes, delimiter: str) -> list[str]:
    """The column names of a (UTF-8) CSV file, in the file's order."""
    return header_names(_first_line(source), delimiter)


def _csv_source(
    source: Path | bytes,
    found: dict[str, str],
    delimiter: str,
    *,
    sha256: str,
    encoding_checked: bool,
) -> LessonSource:
    scan_source: Path | io.BytesIO = source if isinstance(source, Path) else io.BytesIO(source)
    lf = pl.scan_csv(
        scan_source,
        separator=delimiter,
        has_header=True,
        infer_schema=False,
        quote_char='"',
        row_index_name="__line",
        row_index_offset=2,
        raise_if_empty=False,
    )
    return LessonSource(
        frame=_select(lf, found),
        names=_names(found),
        sha256=sha256,
        csv_source=source,
        delimiter=delimiter,
        encoding_checked=encoding_checked,
    )


def _names(found: dict[str, str]) -> dict[str, str]:
    return {column: found.get(column, column) for column in c.ALL_COLUMNS}


def _select(lf: pl.LazyFrame, found: dict[str, str]) -> pl.LazyFrame:
    return lf.select(
        pl.col("__line").cast(pl.Int64).alias("line"),
        *[
            (pl.col(found[column]) if column in found else pl.lit(None, dtype=pl.String)).alias(
                column
            )
            for column in c.ALL_COLUMNS
        ],
    )


def find_ragged_lines(source: Path | bytes, delimiter: str) -> list[LineError]:
    """Lines with more or fewer fields than the header (when Polars could not read the file)."""
    data = source.read_bytes() if isinstance(source, Path) else source
    text = data.decode("utf-8").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[LineError] = []
    expected = None
    for row in reader:
        if expected is None:
            expected = len(row)
            continue
        if row and len(row) != expected:
            errors.append(
                LineError(
                    reader.line_num,
                    _("%(n)s fields instead of %(expected)s")
                    % {"n": len(row), "expected": expected},
                )
            )
    return errors


def _cell(value: Any) -> str | None:
    """An Excel cell as the text a CSV export would have."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(source: Path | bytes) -> LessonSource:
    """The first worksheet of an Excel file (openpyxl, read-only); the first row names columns."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    data = source.read_bytes() if isinstance(source, Path) else source
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileRejected(
            [LineError(None, _("the file is not a readable Excel file (.xlsx)"))]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise FileRejected([LineError(None, _("the file is empty"))])
        names = ["" if v is None else str(v) for v in header_row]
        found, missing, twice = c.map_header(names)
        swedish = {ours: sv for sv, ours in c.SWEDISH_NAMES.items()}
        errors = [
            LineError(1, _("the column %(column)s appears twice") % {"column": name})
            for name in twice
        ] + [
            LineError(
                1,
                _("the required column %(column)s (in Swedish %(swedish)s) is missing")
                % {"column": column, "swedish": swedish[column]},
            )
            for column in missing
        ]
        if errors:
            raise FileRejected(errors)
        index = {column: names.index(found[column]) for column in found}
        values: dict[str, list[str | None]] = {column: [] for column in found}
        lines: list[int] = []
        for number, row in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            lines.append(number)
            for column, i in index.items():
                values[column].append(_cell(row[i]) if i < len(row) else None)
    finally:
        workbook.close()
    frame = pl.DataFrame(
        {"__line": lines, **{found[k]: v for k, v in values.items()}},
        schema={"__line": pl.Int64, **{found[k]: pl.String for k in values}},
    )
    return LessonSource(frame=_select(frame.lazy(), found), names=_names(found), sha256=sha256)


def from_rows(
    rows: dict[str, list[Any]], *, sha256: str = "", record_numbers: bool = False
) -> LessonSource:
    """A source from columns of values already in our names (``line`` plus ``ALL_COLUMNS``)."""
    frame = pl.DataFrame(
        {
            "__line": rows.get("line", []),
            **{
                column: [None if v is None else str(v) for v in rows.get(column, [])]
                for column in c.ALL_COLUMNS
            },
        },
        schema={"__line": pl.Int64, **{column: pl.String for column in c.ALL_COLUMNS}},
    )
    found = {column: column for column in c.ALL_COLUMNS}
    return LessonSource(
        frame=_select(frame.lazy(), found),
        names=_names(found),
        sha256=sha256,
        record_numbers=record_numbers,
    )
