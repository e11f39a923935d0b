"""A small SS 12000 client (standard library only) and the mapping of its attendance to lessons.

SS 12000 (SIS, the Swedish school-data API standard): list endpoints answer
``{"data": [...], "pageToken": "..."}`` and are paged with the ``pageToken`` query parameter until
an answer has no ``pageToken``. We read

- ``/persons``: ``id`` and ``civicNo.value`` (the personnummer, 12 digits);
- ``/calendarEvents``: ``id``, ``startTime``, ``endTime`` (RFC 3339);
- ``/attendances``: ``calendarEvent.id``, ``student.id`` (``person.id`` is accepted too),
  ``isReported``, ``attendanceMinutes``, ``validAbsenceMinutes``, ``invalidAbsenceMinutes``,
  ``otherAttendanceMinutes``, ``absenceReason``.

Each reported Attendance is one lesson on the local (Europe/Stockholm) date of its calendar
event's ``startTime``, starting at its local time, scheduled for the event's length in minutes.
Attendances not yet reported (``isReported`` false) are skipped; so are those of persons without
a civic number, who are listed as unknown pupils.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from samsyn.attendance.importing import columns as c
from samsyn.attendance.importing.errors import LineError

# Our columns → the SS 12000 field names, for the messages about bad records.
SS12000_NAMES = {
    c.PERSONNUMMER: "civicNo",
    c.SCHEDULED: "calendarEvent",
    c.ATTENDANCE: "attendanceMinutes",
    c.VALID_ABSENCE: "validAbsenceMinutes",
    c.INVALID_ABSENCE: "invalidAbsenceMinutes",
    c.OTHER_ATTENDANCE: "otherAttendanceMinutes",
    c.ABSENCE_REASON: "absenceReason",
}


class SS12000Error(Exception):
    """The server could not be reached or answered with an error (a Swedish message)."""


class SS12000Client:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        page_size: int | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.page_size = page_size
        self.timeout = timeout

    def _get(self, path: str, page_token: str | None) -> dict[str, Any]:
        query: dict[str, str] = {}
        if self.page_size:
            query["limit"] = str(self.page_size)
        if page_token:
            query["pageToken"] = page_token
        url = f"{self.base_url}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        request = urllib.request.Request(
            url,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise SS12000Error(
                _("The SS 12000 server answered %(status)s for %(path)s.")
                % {"status": exc.code, "path": path}
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SS12000Error(
                _("The SS 12000 server could not be reached: %(error)s") % {"error": exc}
            ) from exc
        except ValueError as exc:
            raise SS12000Error(
                _("The SS 12000 server did not answer JSON for %(path)s.") % {"path": path}
            ) from exc
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SS12000Error(
                _("The SS 12000 server's answer for %(path)s has no data list.") % {"path": path}
            )
        return body

    def iter_all(
        self, path: str, *, on_page: Callable[[int], None] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every object of a list endpoint, page after page."""
        token: str | None = None
        while True:
            body = self._get(path, token)
            data = body["data"]
            yield from data
            if on_page is not None:
                on_page(len(data))
            token = body.get("pageToken") or None
            if not token:
                return

    def persons(self, **kwargs: Any) -> list[dict[str, Any]]:
        return list(self.iter_all("/persons", **kwargs))

    def calendar_events(self, **kwargs: Any) -> list[dict[str, Any]]:
        return list(self.iter_all("/calendarEvents", **kwargs))

    def attendances(self, **kwargs: Any) -> list[dict[str, Any]]:
        return list(self.iter_all("/attendances", **kwargs))


def _ref_id(value: Any) -> str | None:
    if isinstance(value, dict) and value.get("id") is not None:
        return str(value["id"])
    return None


def _local(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return moment


def lessons_from_ss12000(
    persons: list[dict[str, Any]],
    events: list[dict[str, Any]],
    attendances: list[dict[str, Any]],
) -> tuple[dict[str, list[Any]], list[LineError], list[str]]:
    """Attendances → (lesson columns for ``sources.from_rows``, record errors, unknown persons).

    Record numbers count the attendances in the order fetched, from 1.
    """
    civic = {
        str(p.get("id")): ((p.get("civicNo") or {}).get("value") or None)
        for p in persons
        if isinstance(p, dict)
    }
    by_id = {str(e.get("id")): e for e in events if isinstance(e, dict)}
    rows: dict[str, list[Any]] = {"line": [], **{k: [] for k in c.ALL_COLUMNS}}
    errors: list[LineError] = []
    unknown: set[str] = set()
    for number, attendance in enumerate(attendances, start=1):
        if not isinstance(attendance, dict) or attendance.get("isReported") is False:
            continue
        person_id = _ref_id(attendance.get("student")) or _ref_id(attendance.get("person"))
        event_id = _ref_id(attendance.get("calendarEvent"))
        event = by_id.get(event_id or "")
        if event is None:
            errors.append(
                LineError(
                    number,
                    _("the calendar event %(id)s is missing") % {"id": event_id or "–"},
                )
            )
            continue
        start, end = _local(event.get("startTime")), _local(event.get("endTime"))
        if start is None:
            errors.append(
                LineError(
                    number,
                    _("the calendar event %(id)s has no valid start time") % {"id": event_id},
                )
            )
            continue
        number_value = civic.get(person_id or "")
        if not number_value:
            unknown.add(_("person %(id)s without a personnummer") % {"id": person_id or "–"})
            continue
        scheduled = int((end - start).total_seconds() // 60) if end is not None else None
        rows["line"].append(number)
        rows[c.PERSONNUMMER].append(number_value)
        rows[c.DATE].append(start.date().isoformat())
        rows[c.START_TIME].append(start.strftime("%H:%M"))
        rows[c.SCHEDULED].append(scheduled)
        rows[c.ATTENDANCE].append(attendance.get("attendanceMinutes"))
        rows[c.VALID_ABSENCE].append(attendance.get("validAbsenceMinutes"))
        rows[c.INVALID_ABSENCE].append(attendance.get("invalidAbsenceMinutes"))
        rows[c.OTHER_ATTENDANCE].append(attendance.get("otherAttendanceMinutes"))
        rows[c.ABSENCE_REASON].append(attendance.get("absenceReason"))
    return rows, errors, sorted(unknown)
