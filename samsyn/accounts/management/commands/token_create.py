"""``samsyn token create USERNAME --name NAME [--days N]``: make a personal API token.

The raw token is printed once, alone on standard output, so that a script can capture it; only
its hash is stored. Use it as ``Authorization: Bearer sam_…``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.models import User
from samsyn.accounts.services import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    TokenError,
    api_token_create,
)


class Command(BaseCommand):
    help = "Make a personal API token for a user and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_TOKEN_DAYS,
            help=f"Days until it expires (1–{MAX_TOKEN_DAYS}, default {DEFAULT_TOKEN_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("There is no user %(name)s.") % {"name": options["username"]})
        try:
            token, raw = api_token_create(user=user, name=options["name"], days=options["days"])
        except TokenError as exc:
            raise CommandError(exc.message) from exc
        expires = (
            timezone.localtime(token.expires_at).isoformat(timespec="minutes")
            if token.expires_at
            else "-"
        )
        self.stdout.write(raw)
        self.stderr.write(
            _(
                "Token “%(name)s” for %(user)s, valid until %(expires)s. "
                "Store it now: it cannot be shown again."
            )
            % {"name": token.name, "user": user.get_username(), "expires": expires}
        )
