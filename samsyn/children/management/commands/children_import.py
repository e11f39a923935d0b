"""``samsyn children import PATH...``: import children and enrolments from CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from samsyn.children.imports import ImportRejected, children_import


class Command(BaseCommand):
    help = "Import children and enrolments from CSV files (each file all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        failed = 0
        for path in options["paths"]:
            if not path.is_file():
                self.stderr.write(_("%(path)s: no such file.") % {"path": path})
                failed += 1
                continue
            with Progress(
                TextColumn(str(path.name)),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
                disable=not console.is_terminal,
            ) as progress:
                task = progress.add_task("import", total=None)

                def advance(done: int, total: int, task: TaskID = task) -> None:
                    progress.update(task, completed=done, total=total)

                try:
                    result = children_import(path=path, progress=advance)
                except ImportRejected as exc:
                    failed += 1
                    self.stderr.write(
                        _("%(path)s was rejected; nothing was saved:") % {"path": path}
                    )
                    for error in exc.errors:
                        self.stderr.write(f"  {error}")
                    continue
            self.stdout.write(
                _(
                    "%(path)s: %(rows)s rows, %(created)s new children, %(enrolled)s new "
                    "enrolments, %(unchanged)s unchanged."
                )
                % {
                    "path": path,
                    "rows": result.rows,
                    "created": result.created,
                    "enrolled": result.enrolled,
                    "unchanged": result.unchanged,
                }
            )
        if failed:
            raise CommandError(_("%(n)s files were rejected.") % {"n": failed})
