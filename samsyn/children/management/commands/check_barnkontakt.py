"""``samsyn check barnkontakt``: list children without a Barnkontakt; exit 1 if there are any."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samsyn.children.identity import format_identity_number
from samsyn.children.selectors import children_without_barnkontakt


class Command(BaseCommand):
    help = "List children who have no Barnkontakt (named contact)."

    def handle(self, *args: Any, **options: Any) -> None:
        missing = children_without_barnkontakt()
        count = 0
        for child in missing.iterator():
            count += 1
            self.stdout.write(f"{format_identity_number(child.personnummer)}\t{child.full_name}")
        if count:
            raise CommandError(_("%(count)s children have no Barnkontakt.") % {"count": count})
        self.stdout.write(_("Every child has a Barnkontakt."))
