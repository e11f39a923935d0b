"""``samsyn attendance signals --as-of YYYY-MM-DD [--school ID] --format csv|json [--update]``.

One row per pupil and indicator in effect: ``personnummer``, ``indicator``, ``level``, ``value``
(a share as a decimal with four places, or a count), ``window_start``, ``window_end`` (the first
and last school day of the window the value was computed over). ``--update`` also stores the
signals, investigations and notification duties, as after an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samsyn.attendance.signalling import evaluate, format_value, pupils_at_school, signals_refresh
from samsyn.children.models import Child
from samsyn.organisations.models import Unit

FIELDS = ["personnummer", "indicator", "level", "value", "window_start", "window_end"]


def _school(value: str) -> Unit:
    """A school by its school unit code (skolenhetskod), its id in Samsyn, or its number."""
    unit = Unit.objects.filter(school_unit_code=value).first()
    if unit is None:
        try:
            unit = Unit.objects.filter(public_id=uuid.UUID(value)).first()
        except ValueError:
            unit = Unit.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if unit is None:
        raise CommandError(_("There is no school %(id)s in Samsyn.") % {"id": value})
    return unit


class Command(BaseCommand):
    help = "Attendance indicators in effect on a date, one row per pupil and indicator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument("--school", help="school unit code, id or number")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--update", action="store_true", help="also store signals and duties")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError as exc:
            raise CommandError(
                _("--as-of must be a date as YYYY-MM-DD, not %(value)s.")
                % {"value": options["as_of"]}
            ) from exc
        unit = _school(options["school"]) if options.get("school") else None
        pupils = pupils_at_school(as_of, unit)
        indicators = evaluate(as_of, pupils)
        numbers = dict(
            Child.objects.filter(pk__in=indicators["child_id"].unique().to_list()).values_list(
                "pk", "personnummer"
            )
        )
        rows = [
            {
                "personnummer": numbers[r["child_id"]],
                "indicator": r["indicator"],
                "level": int(r["level"]),
                "value": format_value(r["indicator"], r["value"]),
                "window_start": r["window_start"].isoformat(),
                "window_end": r["window_end"].isoformat(),
            }
            for r in indicators.sort(["child_id", "indicator"]).iter_rows(named=True)
        ]
        rows.sort(key=lambda r: (r["personnummer"], r["indicator"]))
        out = self.stdout
        if options["format"] == "json":
            out.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        if options["update"]:
            result = signals_refresh(as_of=as_of, unit=unit)
            sys.stderr.write(
                _(
                    "Signals as of %(date)s: %(pupils)s pupils, %(opened)s signals opened, "
                    "%(updated)s updated, %(closed)s closed; %(investigations)s investigations "
                    "and %(notifications)s notification duties opened.\n"
                )
                % {
                    "date": as_of.isoformat(),
                    "pupils": result.pupils,
                    "opened": result.signals_opened,
                    "updated": result.signals_updated,
                    "closed": result.signals_closed,
                    "investigations": result.investigations_opened,
                    "notifications": result.notifications_opened,
                }
            )
