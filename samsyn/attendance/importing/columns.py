"""The columns of a lesson file: English or Swedish names, any order."""

from __future__ import annotations

import unicodedata

PERSONNUMMER = "personnummer"
DATE = "date"
START_TIME = "start_time"
SCHEDULED = "scheduled_minutes"
ATTENDANCE = "attendance_minutes"
VALID_ABSENCE = "valid_absence_minutes"
INVALID_ABSENCE = "invalid_absence_minutes"
OTHER_ATTENDANCE = "other_attendance_minutes"
ABSENCE_REASON = "absence_reason"

MINUTE_COLUMNS = (ATTENDANCE, VALID_ABSENCE, INVALID_ABSENCE, OTHER_ATTENDANCE)
ALL_COLUMNS = (
    PERSONNUMMER,
    DATE,
    START_TIME,
    SCHEDULED,
    ATTENDANCE,
    VALID_ABSENCE,
    INVALID_ABSENCE,
    OTHER_ATTENDANCE,
    ABSENCE_REASON,
)
REQUIRED_COLUMNS = (PERSONNUMMER, DATE, ATTENDANCE, VALID_ABSENCE, INVALID_ABSENCE)

# Swedish names, folded (å, ä → a; ö → o; lower case).
SWEDISH_NAMES = {
    "personnummer": PERSONNUMMER,
    "datum": DATE,
    "starttid": START_TIME,
    "schemalagda_minuter": SCHEDULED,
    "narvaro_minuter": ATTENDANCE,
    "giltig_franvaro_minuter": VALID_ABSENCE,
    "ogiltig_franvaro_minuter": INVALID_ABSENCE,
    "annan_narvaro_minuter": OTHER_ATTENDANCE,
    "franvaroorsak": ABSENCE_REASON,
}
ALIASES = {**{name: name for name in ALL_COLUMNS}, **SWEDISH_NAMES}


def fold(name: str) -> str:
    """``" Närvaro minuter"`` → ``"narvaro_minuter"``: lower case, no diacritics, ``_``."""
    text = unicodedata.normalize("NFKD", (name or "").replace("\ufeff", "").strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "_".join(text.replace("-", " ").split())


def map_header(names: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Map the file's column names to ours.

    Returns ``(ours → the file's name, missing required columns, columns named twice)``;
    columns we do not know are ignored.
    """
    found: dict[str, str] = {}
    twice: list[str] = []
    for name in names:
        ours = ALIASES.get(fold(name))
        if ours is None:
            continue
        if ours in found:
            twice.append(name)
            continue
        found[ours] = name
    missing = [column for column in REQUIRED_COLUMNS if column not in found]
    return found, missing, twice
