"""Swedish identity numbers: personnummer, samordningsnummer and temporary school numbers.

Validation is done by the ``personnummer`` library (check digit, date, the day + 60 of a
samordningsnummer). Numbers are stored as 12 digits (``YYYYMMDDNNNC``). The common written
forms are accepted: ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``, ``YYMMDD-NNNN``, ``YYMMDDNNNN`` and
``YYMMDD+NNNN`` (100 years or older), with spaces around.

A *temporary school number* (reservnummer/tillfälligt nummer) is used by schools for pupils who
have no Swedish number yet; it has letters in the serial part (``YYYYMMDD-T123`` or ``…-TF12``)
and is stored as written, upper-cased, without the dash, and marked as temporary.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from personnummer.personnummer import (
    Personnummer,
    PersonnummerException,
)


class IdKind(StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    TEMPORARY = "temporary"


class InvalidIdentityNumber(ValueError):
    """Raised with a Swedish, user-facing message that names the problem."""


@dataclass(frozen=True)
class IdentityNumber:
    value: str  # 12 characters, e.g. 201204121234
    kind: IdKind
    birth_date: dt.date

    @property
    def is_temporary(self) -> bool:
        return self.kind is IdKind.TEMPORARY

    def formatted(self) -> str:
        """The long written form, ``YYYYMMDD-NNNN``."""
        return f"{self.value[:8]}-{self.value[8:]}"


_DIGITS_FORM = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")
_TEMPORARY_FORM = re.compile(r"^(\d{8})-?([A-Z]{1,2}\d{2,3})$")


def parse_identity_number(
    raw: str, *, allow_temporary: bool = False, today: dt.date | None = None
) -> IdentityNumber:
    """Parse and validate one identity number. Raises :class:`InvalidIdentityNumber`."""
    text = (raw or "").strip().replace(" ", "").upper()
    if not text:
        raise InvalidIdentityNumber(_("Enter a personnummer."))
    if allow_temporary:
        match = _TEMPORARY_FORM.match(text)
        if match and len(match.group(1) + match.group(2)) == 12:
            try:
                birth = dt.datetime.strptime(match.group(1), "%Y%m%d").date()
            except ValueError as exc:
                raise InvalidIdentityNumber(
                    _("The date in the temporary number %(value)s does not exist.")
                    % {"value": raw.strip()}
                ) from exc
            return IdentityNumber(match.group(1) + match.group(2), IdKind.TEMPORARY, birth)
    match = _DIGITS_FORM.match(text)
    if not match:
        raise InvalidIdentityNumber(
            _(
                "%(value)s is not written as a personnummer. "
                "Write it as YYYYMMDD-NNNN or YYMMDD-NNNN."
            )
            % {"value": raw.strip()}
        )
    try:
        parsed = Personnummer(text)
    except PersonnummerException as exc:
        raise InvalidIdentityNumber(_invalid_reason(text, raw)) from exc
    birth = parsed.get_date()
    if today is not None and birth > today:
        raise InvalidIdentityNumber(
            _("%(value)s has a birth date in the future.") % {"value": raw.strip()}
        )
    value = parsed.format(long_format=True)
    kind = IdKind.SAMORDNINGSNUMMER if parsed.is_coordination_number() else IdKind.PERSONNUMMER
    return IdentityNumber(value, kind, birth)


def _invalid_reason(text: str, raw: str) -> str:
    """Tell the user whether the date or the check digit is wrong."""
    digits = re.sub(r"[-+]", "", text)
    date_part = digits[-10:-4]
    month, day = int(date_part[2:4]), int(date_part[4:6])
    if day > 60:
        day -= 60
    if not (1 <= month <= 12) or not (1 <= day <= 31):
        return _("%(value)s has a date that does not exist.") % {"value": raw.strip()}
    if len(digits) == 12:
        try:
            dt.date(int(digits[:4]), month, day)
        except ValueError:
            return _("%(value)s has a date that does not exist.") % {"value": raw.strip()}
    return _("%(value)s has the wrong check digit (the last digit).") % {"value": raw.strip()}


def format_identity_number(value: str) -> str:
    """``201204121234`` → ``20120412-1234``."""
    return f"{value[:8]}-{value[8:]}" if len(value) == 12 else value


def _luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def make_identity_number(birth_date: dt.date, serial: int, *, coordination: bool = False) -> str:
    """Build a valid 12-digit number for ``birth_date`` and a three-digit ``serial`` (1–999).

    For synthetic data and tests only; the result passes :func:`parse_identity_number`.
    """
    if not 1 <= serial <= 999:
        raise ValueError("serial must be 1–999")
    day = birth_date.day + (60 if coordination else 0)
    short = f"{birth_date:%y%m}{day:02d}{serial:03d}"
    return f"{birth_date:%Y%m}{day:02d}{serial:03d}{_luhn_check_digit(short)}"
