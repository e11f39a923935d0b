"""``samsyn teams_remind``: remind members who have not answered an invitation to a Barnteam
meeting that starts within ``SAMSYN["INVITATION_REMINDER_DAYS"]`` days (default 3).

Marks each invitation as reminded (so nobody is reminded twice) and lists who must be reminded.
The list names people and the meeting time only, never the child.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from samsyn.teams.services import invitations_remind


class Command(BaseCommand):
    help = "Remind members of unanswered invitations to coming Barnteam meetings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days before the meeting (default: SAMSYN['INVITATION_REMINDER_DAYS'] or 3).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = int(settings.SAMSYN.get("INVITATION_REMINDER_DAYS", 3))
        due = invitations_remind(days=days)
        for invitation in due:
            assert invitation.member is not None
            user = invitation.member.user
            self.stdout.write(
                f"{user.get_username()}\t{user.email or '-'}\t"
                f"{invitation.meeting.starts_at.isoformat()}\t{invitation.meeting.public_id}"
            )
        self.stdout.write(f"{len(due)} reminded.")
