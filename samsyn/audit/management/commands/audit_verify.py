"""``samsyn audit verify``: check the whole access log chain; exit 1 on any break."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from samsyn.audit.models import AccessLogEntry
from samsyn.audit.verify import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the access log (reports changed, inserted or deleted rows)."

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        total = AccessLogEntry.objects.count()
        with Progress(
            TextColumn(_("Verifying the access log")),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task("verify", total=total)
            result = audit_verify(
                progress=lambda n: progress.update(task, completed=n) if n % 5000 == 0 else None
            )
        if result.ok:
            self.stdout.write(
                _("The access log is intact: %(rows)s rows, head %(seq)s %(hash)s.")
                % {"rows": result.rows, "seq": result.head_seq, "hash": result.head_hash}
            )
            return
        for problem in result.problems:
            self.stderr.write(problem.message)
        raise CommandError(
            _("The access log has been tampered with: %(count)s problems found.")
            % {"count": len(result.problems)}
        )
