"""CSV and Excel of a published table: exactly the cells the page shows.

Suppressed figures stay as shown (``<5``, ``..``, ``.``); nothing unprotected is written. The
CSV is semicolon-separated UTF-8 with a byte order mark (what Swedish Excel opens as is). In the
Excel file a plain whole number is written as a number, everything else as the text shown.
"""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook

from samsyn.statistics.figures import PublishedTable

_INTEGER = re.compile(r"^\d+$")


def _lines(table: PublishedTable) -> list[list[str]]:
    return [table.header(), *table.body()]


def to_csv(table: PublishedTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(_lines(table))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: PublishedTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.key[:31]
    workbook.properties.title = table.title
    for line in _lines(table):
        sheet.append([int(v) if _INTEGER.match(v) else v for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
