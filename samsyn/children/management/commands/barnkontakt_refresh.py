"""``samsyn barnkontakt refresh [--date YYYY-MM-DD]``: re-derive every Barnkontakt (run daily).

Enrolments carry dates: a child who starts school on 18 August changes Barnkontakt that day.
This command brings every assignment up to date and makes the handover items.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.children.models import Child
from samsyn.children.services import barnkontakt_refresh_all


class Command(BaseCommand):
    help = "Re-derive every child's Barnkontakt from the enrolments in force on a day (today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    _("%(d)s is not a date (YYYY-MM-DD).") % {"d": options["date"]}
                ) from exc
        changed = barnkontakt_refresh_all(day=day)
        self.stdout.write(
            _("%(children)s children checked, %(changed)s Barnkontakt changed.")
            % {"children": Child.objects.count(), "changed": changed}
        )
