"""``samsyn population import FILE…``: population by area, year and age band (CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samsyn.statistics.population import PopulationFileError
from samsyn.statistics.services import population_import


class Command(BaseCommand):
    help = "Import population by area, year and age band from CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for path in options["paths"]:
            try:
                text = path.read_text(encoding="utf-8-sig")
                stored = population_import(text)
            except (OSError, UnicodeDecodeError) as exc:
                self.stderr.write(
                    _("%(path)s: cannot be read (%(error)s).") % {"path": path, "error": exc}
                )
                failed += 1
            except PopulationFileError as exc:
                self.stderr.write(_("%(path)s was not imported:") % {"path": path})
                for error in exc.errors:
                    self.stderr.write(f"  {error.text()}")
                failed += 1
            else:
                self.stdout.write(
                    _("%(path)s: %(n)s areas and years stored.") % {"path": path, "n": stored}
                )
        if failed:
            raise CommandError(_("%(n)s files were not imported.") % {"n": failed})
