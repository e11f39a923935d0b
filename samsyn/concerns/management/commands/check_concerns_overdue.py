"""``samsyn check_concerns_overdue``: overdue concerns per Barnkontakt (no child is named);
exit 1 if there are any. For a daily check by the operator or a monitoring job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samsyn.concerns.selectors import overdue_per_barnkontakt


class Command(BaseCommand):
    help = "Count overdue concerns per Barnkontakt (no child is named)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for username, unit, count in overdue_per_barnkontakt():
            total += count
            self.stdout.write(f"{username}\t{unit}\t{count}")
        if total:
            raise CommandError(
                _("%(count)s concerns have not been answered in time.") % {"count": total}
            )
        self.stdout.write(_("No concern is overdue."))
