"""Importing children and their enrolments from a CSV file (e.g. a school administration or
population register extract).

The import is atomic: a file with any bad line changes nothing, and every bad line is reported
with its line number and a Swedish reason. Re-importing the same file changes nothing.

Columns (header required, any order, Swedish or English names; comma or semicolon; UTF-8 with
or without BOM, or Windows-1252):

``personnummer, fornamn|first_name, efternamn|last_name, enhet|unit, arskurs|grade,
startdatum|start_date`` and optionally ``adress|street_address, postnummer|postal_code,
ort|city, skyddad_identitet|protected_identity``. ``enhet`` is the unit's school unit code or
its exact name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from samsyn.children.identity import InvalidIdentityNumber, parse_identity_number
from samsyn.children.models import Child, Enrolment, ProtectedIdentity
from samsyn.children.services import ServiceError, child_create, enrolment_start
from samsyn.organisations.models import Unit

_ALIASES = {
    "personnummer": "personnummer",
    "fornamn": "first_name",
    "first_name": "first_name",
    "efternamn": "last_name",
    "last_name": "last_name",
    "enhet": "unit",
    "unit": "unit",
    "arskurs": "grade",
    "grade": "grade",
    "startdatum": "start_date",
    "start_date": "start_date",
    "adress": "street_address",
    "street_address": "street_address",
    "postnummer": "postal_code",
    "postal_code": "postal_code",
    "ort": "city",
    "city": "city",
    "skyddad_identitet": "protected_identity",
    "protected_identity": "protected_identity",
}
_REQUIRED = ("personnummer", "first_name", "last_name", "unit", "start_date")
_PROTECTED = {
    "": ProtectedIdentity.NONE,
    "nej": ProtectedIdentity.NONE,
    "none": ProtectedIdentity.NONE,
    "sekretessmarkering": ProtectedIdentity.SEKRETESSMARKERING,
    "skyddad_folkbokforing": ProtectedIdentity.SKYDDAD_FOLKBOKFORING,
    "skyddad folkbokföring": ProtectedIdentity.SKYDDAD_FOLKBOKFORING,
}


class ImportRejected(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    enrolled: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _fold(name: str) -> str:
    return (
        name.strip().lower().replace("å", "a").replace("ä", "a").replace("ö", "o").replace(" ", "_")
    )


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


@dataclass
class _Row:
    line: int
    personnummer: str
    first_name: str
    last_name: str
    unit: Unit
    grade: int | None
    start_date: dt.date
    street_address: str
    postal_code: str
    city: str
    protected_identity: str


def _parse(text: str, units: dict[str, Unit]) -> tuple[list[_Row], list[str]]:
    errors: list[str] = []
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return [], [_("The file is empty.")]
    columns = [_ALIASES.get(_fold(h)) for h in header]
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        return [], [_("Line 1: columns missing: %(cols)s.") % {"cols": ", ".join(missing)}]
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        record = {
            col: values[i].strip() if i < len(values) else ""
            for i, col in enumerate(columns)
            if col
        }
        line_errors: list[str] = []
        try:
            number = parse_identity_number(
                record["personnummer"], allow_temporary=True, today=dt.date.today()
            ).value
        except InvalidIdentityNumber as exc:
            line_errors.append(_("personnummer: %(msg)s") % {"msg": exc})
            number = ""
        if number and number in seen:
            line_errors.append(
                _("personnummer: the same child is also on line %(line)s.") % {"line": seen[number]}
            )
        elif number:
            seen[number] = line_no
        unit = units.get(record["unit"]) or units.get(record["unit"].lower())
        if unit is None:
            line_errors.append(_("unit: no unit called %(u)s.") % {"u": record["unit"]})
        grade: int | None = None
        if record.get("grade"):
            try:
                grade = int(record["grade"])
            except ValueError:
                line_errors.append(_("grade: %(g)s is not a number.") % {"g": record["grade"]})
        try:
            start = dt.date.fromisoformat(record["start_date"])
        except ValueError:
            line_errors.append(
                _("start date: %(d)s is not a date (YYYY-MM-DD).") % {"d": record["start_date"]}
            )
            start = dt.date.min
        protected = _PROTECTED.get(_fold(record.get("protected_identity", "")))
        if protected is None:
            line_errors.append(
                _(
                    "protected identity: %(v)s is not one of nej, sekretessmarkering, "
                    "skyddad_folkbokforing."
                )
                % {"v": record.get("protected_identity")}
            )
        for col in ("first_name", "last_name"):
            if not record.get(col):
                line_errors.append(_("%(col)s: missing.") % {"col": col})
        if line_errors:
            errors.extend(
                _("Line %(line)s: %(msg)s") % {"line": line_no, "msg": msg} for msg in line_errors
            )
            continue
        assert unit is not None and protected is not None
        rows.append(
            _Row(
                line_no,
                number,
                record["first_name"],
                record["last_name"],
                unit,
                grade,
                start,
                record.get("street_address", ""),
                record.get("postal_code", ""),
                record.get("city", ""),
                protected,
            )
        )
    return rows, errors


def children_import(
    *, path: Path, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import one file; raise :class:`ImportRejected` (nothing saved) if any line is bad."""
    text = decode(path.read_bytes())
    units: dict[str, Unit] = {}
    for unit in Unit.objects.all():
        units[unit.name] = unit
        units[unit.name.lower()] = unit
        if unit.school_unit_code:
            units[unit.school_unit_code] = unit
    rows, errors = _parse(text, units)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult(rows=len(rows))
    try:
        with transaction.atomic():
            for i, row in enumerate(rows, start=1):
                _import_row(row, result)
                if progress is not None:
                    progress(i, len(rows))
            if result.errors:
                raise ImportRejected(result.errors)
    except ImportRejected:
        raise
    return result


def _import_row(row: _Row, result: ImportResult) -> None:
    child = Child.objects.filter(personnummer=row.personnummer).first()
    try:
        if child is None:
            child = child_create(
                personnummer=row.personnummer,
                first_name=row.first_name,
                last_name=row.last_name,
                municipality_id=row.unit.municipality_id,
                district_id=row.unit.district_id,
                street_address=row.street_address,
                postal_code=row.postal_code,
                city=row.city,
                protected_identity=row.protected_identity,
            )
            result.created += 1
        exists = Enrolment.objects.filter(
            child=child, unit=row.unit, start_date=row.start_date, grade=row.grade
        ).exists()
        if exists:
            result.unchanged += 1
            return
        enrolment_start(child=child, unit=row.unit, start_date=row.start_date, grade=row.grade)
        result.enrolled += 1
    except ServiceError as exc:
        result.errors.append(_("Line %(line)s: %(msg)s") % {"line": row.line, "msg": exc.message})
