"""The ``samsyn`` console script: every operator task, and Django's management commands.

``samsyn migrate``, ``samsyn demo-data --seed 1 --children 2500``, ``samsyn audit verify``,
``samsyn check barnkontakt``, ``samsyn runserver`` … all go through Django's command runner, so
each command is also reachable as ``python -m django <command>``.
"""

from __future__ import annotations

import os
import sys

# Commands whose names contain a space on the command line map to one Django command.
_TWO_WORD_COMMANDS = {
    ("audit", "verify"): "audit_verify",
    ("audit", "review"): "audit_review",
    ("check", "barnkontakt"): "check_barnkontakt",
    ("check", "concerns"): "check_concerns_overdue",
    ("teams", "remind"): "teams_remind",
    ("plans", "remind"): "plans_remind",
    ("barnkontakt", "refresh"): "barnkontakt_refresh",
    ("token", "create"): "token_create",
    ("children", "import"): "children_import",
    ("attendance", "import"): "attendance_import",
    ("attendance", "signals"): "attendance_signals",
    ("population", "import"): "population_import",
}
_ALIASES = {"demo-data": "demo_data"}


def translate_argv(argv: list[str]) -> list[str]:
    """Map ``samsyn audit verify …`` to ``audit_verify …`` and ``demo-data`` to ``demo_data``."""
    if len(argv) >= 2 and tuple(argv[:2]) in _TWO_WORD_COMMANDS:
        return [_TWO_WORD_COMMANDS[(argv[0], argv[1])], *argv[2:]]
    if argv and argv[0] in _ALIASES:
        return [_ALIASES[argv[0]], *argv[1:]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["samsyn", *translate_argv(sys.argv[1:])])


if __name__ == "__main__":
    main()
