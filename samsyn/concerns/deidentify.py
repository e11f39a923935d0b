"""De-identification of a consultation case (avidentifiering).

The text a consultation group reads is stripped of everything that identifies the child: the
child's and the guardians' names, personnummer in any written form, the birth date in common
written forms, addresses, postal codes and cities, phone numbers and e-mail addresses, the names
of the municipality's units, and any names the user flags. Each is replaced by a neutral
placeholder. The age is kept in whole years only (on the consultation, not in the text).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

CHILD = "[barnet]"
NAME = "[namn]"
ADDRESS = "[adress]"
UNIT = "[enhet]"
NUMBER = "[personnummer]"
DATE = "[datum]"
PHONE = "[telefon]"
EMAIL = "[e-post]"

SWEDISH_MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "maj",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)

# Any personnummer-like number: 12 or 10 digits, with or without a dash, plus or space.
_NUMBER_PATTERN = re.compile(r"(?<!\d)(?:\d{2})?\d{6}\s?[-+]?\s?\d{4}(?!\d)")
_EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Identifiers:
    """What must not appear in the consultation text."""

    child_names: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    birth_dates: list[dt.date] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    postal_codes: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    unit_names: list[str] = field(default_factory=list)


def _words(pattern: str) -> re.Pattern[str]:
    """A whole-word, case-insensitive pattern; a Swedish genitive ``-s`` is taken along."""
    return re.compile(r"(?<!\w)" + pattern + r"(?:s)?(?!\w)", re.IGNORECASE)


def _phrase(text: str) -> str:
    """``text`` as a pattern where any run of spaces matches any run of spaces."""
    return r"\s+".join(re.escape(part) for part in text.split())


def _name_parts(names: Iterable[str]) -> list[str]:
    """Whole names and each of their parts (``Anna-Karin Berg`` → also ``Anna-Karin``, ``Berg``,
    ``Anna``, ``Karin``)."""
    parts: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        parts.add(name)
        for word in name.split(" "):
            parts.add(word)
            parts.update(p for p in word.split("-") if p)
    return sorted((p for p in parts if len(p) >= 2), key=len, reverse=True)


def _date_forms(day: dt.date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    month = SWEDISH_MONTHS[m - 1]
    abbreviation = _MONTH_ABBREVIATIONS[m - 1]
    patterns = [
        rf"{y}-0?{m}-0?{d}",
        rf"{y}/0?{m}/0?{d}",
        rf"{y}\.0?{m}\.0?{d}",
        rf"{y}0?{m:02d}{d:02d}",
        rf"0?{d}[/.-]0?{m}[/.-](?:{y}|{y % 100:02d})",
        rf"0?{d}\s*/\s*0?{m}\s+(?:{y}|{y % 100:02d})",
        rf"{y % 100:02d}{m:02d}{d:02d}",
        rf"(?:den\s+)?0?{d}(?::e|:a)?\s+(?:{month}|{abbreviation}\.?)\s+{y}",
        # The birthday without the year is identifying too.
        rf"(?:den\s+)?0?{d}(?::e|:a)?\s+(?:{month}|{abbreviation}\.?)",
    ]
    return patterns


def _street_name(address: str) -> str:
    """``Storgatan 12 B`` → ``Storgatan``."""
    match = re.match(r"^(.*?\D)\s*\d", address)
    return (match.group(1) if match else address).strip()


def deidentify(text: str, ids: Identifiers) -> str:
    """``text`` with every identifier in ``ids`` replaced by a placeholder."""
    out = text
    # Numbers first (they contain the birth date), then dates, then words and phrases.
    for number in ids.numbers:
        digits = re.sub(r"\D", "", number)
        if len(digits) == 12:
            out = re.sub(
                rf"(?<!\d)(?:{digits[:2]})?{digits[2:8]}\s?[-+]?\s?{digits[8:]}(?!\d)", NUMBER, out
            )
    out = _NUMBER_PATTERN.sub(NUMBER, out)
    for day in ids.birth_dates:
        for pattern in _date_forms(day):
            out = re.sub(rf"(?<![\w]){pattern}(?![\w])", DATE, out, flags=re.IGNORECASE)
    out = _EMAIL_PATTERN.sub(EMAIL, out)
    for phone in ids.phones:
        digits = re.sub(r"\D", "", phone)
        if len(digits) >= 5:
            pattern = r"[\s-]*".join(re.escape(c) for c in digits)
            out = re.sub(rf"(?<!\d)(?:\+46[\s-]*)?{pattern}(?!\d)", PHONE, out)
    for code in ids.postal_codes:
        digits = re.sub(r"\D", "", code)
        if len(digits) == 5:
            out = re.sub(rf"(?<!\d){digits[:3]}\s?{digits[3:]}(?!\d)", ADDRESS, out)
    phrases: list[tuple[str, str]] = []
    phrases += [(u, UNIT) for u in ids.unit_names if u.strip()]
    for address in ids.addresses:
        if address.strip():
            phrases.append((address, ADDRESS))
            street = _street_name(address)
            if len(street) >= 3:
                phrases.append((street, ADDRESS))
    phrases += [(n, CHILD) for n in _name_parts(ids.child_names)]
    phrases += [(n, NAME) for n in _name_parts(ids.other_names)]
    # Longest first, so that "Norrskolan F-9" goes before "Norrskolan".
    seen: set[str] = set()
    for phrase, placeholder in sorted(phrases, key=lambda p: len(p[0]), reverse=True):
        key = phrase.lower()
        if key in seen:
            continue
        seen.add(key)
        out = _words(_phrase(phrase)).sub(placeholder, out)
    return out
