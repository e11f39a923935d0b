"""``samsyn attendance import PATH... [--ss12000-url URL --ss12000-token TOKEN]``.

Imports lesson attendance from CSV and Excel files (by extension) and from an SS 12000 server;
each file is all or nothing. Prints a Swedish summary per file; exits non-zero when any file was
rejected or failed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from samsyn.attendance.services import ImportResult, import_attendance_file, import_ss12000
from samsyn.attendance.signalling import signals_refresh

_SHOWN_UNKNOWN = 10


def _import_file(path: Path, progress: Callable[[int, int], None]) -> ImportResult:
    return import_attendance_file(path, progress=progress)


class Command(BaseCommand):
    help = "Import lesson attendance from CSV/Excel files or an SS 12000 server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path)
        parser.add_argument("--ss12000-url", dest="ss12000_url")
        parser.add_argument("--ss12000-token", dest="ss12000_token", default="")
        parser.add_argument("--ss12000-page-size", dest="ss12000_page_size", type=int)
        parser.add_argument(
            "--no-signals",
            action="store_true",
            help="do not update signals and duties after the import",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        url: str | None = options["ss12000_url"]
        if not paths and not url:
            raise CommandError(_("Give one or more files or --ss12000-url."))
        if url and not options["ss12000_token"]:
            raise CommandError(_("--ss12000-url needs --ss12000-token."))
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        failed = 0
        imported: list[ImportResult] = []
        for path in paths:
            if not path.is_file():
                self.stderr.write(_("%(path)s: no such file.") % {"path": path})
                failed += 1
                continue
            result = self._with_progress(console, path.name, partial(_import_file, path))
            failed += self._summary(str(path), result)
            imported.append(result)
        if url:
            result = self._with_progress(
                console,
                "SS 12000",
                lambda progress: import_ss12000(
                    url,
                    options["ss12000_token"],
                    progress=progress,
                    page_size=options["ss12000_page_size"],
                ),
            )
            failed += self._summary(url, result)
            imported.append(result)
        if not options["no_signals"]:
            self._refresh_signals(console, imported)
        if failed:
            raise CommandError(_("%(n)s imports were rejected or failed.") % {"n": failed})

    def _refresh_signals(self, console: Console, results: list[ImportResult]) -> None:
        """Signals, investigations and notification duties as of the last day written."""
        days = [r.last_day_written for r in results if r.succeeded and r.last_day_written]
        if not days:
            return
        refresh = signals_refresh(as_of=max(days))
        console.print(
            _(
                "Signals as of %(date)s: %(opened)s opened, %(updated)s updated, %(closed)s "
                "closed; %(investigations)s absence investigations and %(notifications)s "
                "guardian notification duties opened."
            )
            % {
                "date": refresh.as_of.isoformat(),
                "opened": refresh.signals_opened,
                "updated": refresh.signals_updated,
                "closed": refresh.signals_closed,
                "investigations": refresh.investigations_opened,
                "notifications": refresh.notifications_opened,
            }
        )

    def _with_progress(
        self,
        console: Console,
        label: str,
        run: Callable[[Callable[[int, int], None]], ImportResult],
    ) -> ImportResult:
        with Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as progress:
            task: TaskID = progress.add_task("import", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total or None)

            return run(advance)

    def _summary(self, name: str, result: ImportResult) -> int:
        if not result.succeeded:
            if result.rejected:
                self.stderr.write(_("%(name)s was rejected; nothing was saved:") % {"name": name})
            else:
                self.stderr.write(_("%(name)s failed; nothing was saved:") % {"name": name})
            for text in result.error_texts():
                self.stderr.write(f"  {text}")
            return 1
        self.stdout.write(
            _(
                "%(name)s: %(lines)s lines read, %(days)s pupil-days in the file, "
                "%(written)s pupil-days written, %(unknown)s unknown pupils."
            )
            % {
                "name": name,
                "lines": result.lines_total,
                "days": result.days_in_file,
                "written": result.days_written,
                "unknown": len(result.unknown_pupils),
            }
        )
        if result.unknown_pupils:
            shown = ", ".join(result.unknown_pupils[:_SHOWN_UNKNOWN])
            more = len(result.unknown_pupils) - _SHOWN_UNKNOWN
            text = _("  Unknown pupils (their lines were skipped): %(shown)s") % {"shown": shown}
            if more > 0:
                text += " " + _("and %(n)s more") % {"n": more}
            self.stdout.write(text)
        return 0
