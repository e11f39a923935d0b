"""``samsyn demo-data --seed N --children N``: load the synthetic demo municipality.

The data depends on the seed, the number of children and the day it is run (ages are counted
back from today). Running it again with the same seed and count changes nothing.
"""

from __future__ import annotations

import time
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from samsyn.demo.services import (
    DEFAULT_CHILDREN,
    DEMO_PASSWORD,
    DemoDataRefused,
    DemoDataResult,
    demo_data_load,
)


class Command(BaseCommand):
    help = "Load the synthetic demo municipality (the same seed and count give the same data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--children",
            type=int,
            default=DEFAULT_CHILDREN,
            help=f"number of children 0–19 years old (default {DEFAULT_CHILDREN})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        if not console.is_terminal:
            console.width = 140
        started = time.monotonic()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task(_("Demo data"), total=None)

            def report(step: str, done: int, total: int) -> None:
                progress.update(
                    task, description=step, completed=done, total=total if total else None
                )

            try:
                result = demo_data_load(
                    seed=options["seed"], children=options["children"], progress=report
                )
            except DemoDataRefused as exc:
                raise CommandError(exc.message) from exc
        if result.created:
            console.print(
                _(
                    "Demo data loaded in %(seconds).1f s: %(children)s children, %(guardians)s "
                    "guardians, %(enrolments)s enrolments, %(units)s units, %(staff)s staff, "
                    "%(protected)s children with protected identity, %(handovers)s handovers "
                    "waiting (seed %(seed)s)."
                )
                % {
                    "seconds": time.monotonic() - started,
                    "children": result.counts["children"],
                    "guardians": result.counts["guardians"],
                    "enrolments": result.counts["enrolments"],
                    "units": result.counts["units"],
                    "staff": result.counts["staff"],
                    "protected": result.counts["protected"],
                    "handovers": result.counts["handovers_open"],
                    "seed": result.seed,
                }
            )
        else:
            console.print(
                _(
                    "Demo data is already loaded (seed %(seed)s, %(children)s children, made "
                    "%(date)s); nothing was changed."
                )
                % {
                    "seed": result.seed,
                    "children": result.children,
                    "date": formats.date_format(result.generated_on, "Y-m-d"),
                }
            )
        self._accounts(console, result)

    def _accounts(self, console: Console, result: DemoDataResult) -> None:
        demo_mode = bool(settings.DEMO_MODE)
        table = Table(title=_("Demo accounts"), title_justify="left")
        width = max((len(a.username) for a in result.accounts), default=8)
        table.add_column(_("Username"), style="bold", no_wrap=True, min_width=width)
        table.add_column(_("Name"))
        table.add_column(_("Role"))
        table.add_column(_("Unit"))
        if demo_mode:
            table.add_column(_("Password"), no_wrap=True)
        for account in result.accounts:
            row = [account.username, account.name, account.role, account.unit]
            if demo_mode:
                row.append(DEMO_PASSWORD if account.has_password else _("(none)"))
            table.add_row(*row)
        console.print(table)
        if not demo_mode:
            console.print(
                _(
                    "Demo mode is off (SAMSYN_DEMO=1 is not set): the demo accounts have no "
                    "password and cannot log in."
                )
            )
        elif not all(a.has_password for a in result.accounts):
            console.print(
                _(
                    "The demo data was loaded with demo mode off, so the demo accounts have no "
                    "password. Delete the database and load it again with SAMSYN_DEMO=1."
                )
            )
