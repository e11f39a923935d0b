"""``samsyn audit review USERNAME [--days N]``: the log-review report as text, for a reviewer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import is_log_reviewer
from samsyn.access.services import access_children_reviewed
from samsyn.accounts.models import User
from samsyn.audit.selectors import access_log_review


class Command(BaseCommand):
    help = "List accesses without a role-based ground for a log reviewer's principals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=30)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not is_log_reviewer(user):
            raise CommandError(_("%(name)s is not a log reviewer.") % {"name": options["username"]})
        since = timezone.now() - dt.timedelta(days=options["days"])
        entries = list(access_log_review(reviewer=user, since=since))
        # The report names children: that is itself an access, logged like the review page.
        access_children_reviewed(
            user=user,
            children=[e.child for e in entries if e.child is not None],
            detail="samsyn audit review",
        )
        for entry in entries:
            self.stdout.write(
                "\t".join(
                    [
                        timezone.localtime(entry.at).isoformat(timespec="seconds"),
                        entry.username,
                        entry.child.personnummer if entry.child else "",
                        entry.what,
                        entry.action,
                        "ja" if entry.allowed else "nej",
                        entry.ground,
                    ]
                )
            )
