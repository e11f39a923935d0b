"""Line errors and the rejection of a whole file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# More errors than this are counted, not listed (a wholly wrong file can have millions).
MAX_ERRORS = 1000


@dataclass(frozen=True, order=True)
class LineError:
    """A Swedish reason why a line (or, with ``line`` None, the whole file) was not accepted."""

    line: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}

    def text(self, *, record: bool = False) -> str:
        """``Rad 7: ogiltigt personnummer …`` (``Post 7: …`` for SS 12000 records)."""
        if self.line is None:
            return self.message
        if record:
            return _("Record %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class FileRejected(Exception):
    """The file (or fetch) has errors; nothing is written."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = limit_errors(errors)
        super().__init__("; ".join(e.text() for e in self.errors[:5]))


def limit_errors(errors: list[LineError], limit: int = MAX_ERRORS) -> list[LineError]:
    """Sorted by line (file-level errors first), at most ``limit`` plus a count of the rest."""
    ordered = sorted(errors, key=lambda e: -1 if e.line is None else e.line)
    if len(ordered) <= limit:
        return ordered
    rest = len(ordered) - limit
    return [*ordered[:limit], LineError(None, _("…and %(n)s more errors.") % {"n": rest})]
