"""``samsyn barnkontakt refresh``: re-derive every child's Barnkontakt (run daily).

Enrolments carry dates: a child who starts school on 18 August changes Barnkontakt that day.
This command brings every assignment up to date and makes the handover items.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from samsyn.children.models import BarnkontaktAssignment, Child
from samsyn.children.services import barnkontakt_refresh


class Command(BaseCommand):
    help = "Re-derive every child's Barnkontakt from the enrolments in force today."

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
        before = BarnkontaktAssignment.objects.count()
        with Progress(
            TextColumn(_("Updating Barnkontakt")),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task("refresh", total=len(ids))
            for child in Child.objects.filter(pk__in=ids).iterator(chunk_size=500):
                barnkontakt_refresh(child=child)
                progress.advance(task)
        changed = BarnkontaktAssignment.objects.count() - before
        self.stdout.write(
            _("%(children)s children checked, %(changed)s Barnkontakt changed.")
            % {"children": len(ids), "changed": changed}
        )
