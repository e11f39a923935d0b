"""Record reminders of plan follow-ups that are due soon or overdue, and print who to remind."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from samsyn.plans.services import reminder_days, reminders_record


class Command(BaseCommand):
    help = (
        "Record reminders to the Stödsamordnare and the Barnkontakt of plan follow-ups due "
        "within FOLLOW_UP_REMINDER_DAYS, and again when overdue; print who must be reminded."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        made = reminders_record()
        for r in made:
            # No names of children: the follow-up's public id and the date are enough to act on.
            self.stdout.write(
                f"{r.kind}\t{r.user.get_username()}\t{r.follow_up.due_date.isoformat()}\t"
                f"{r.follow_up.public_id}"
            )
        self.stdout.write(f"{len(made)} reminder(s) recorded (reminder days: {reminder_days()}).")
