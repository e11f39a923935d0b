"""Use cases for accounts: personal API tokens.

A token is shown once, when it is made; only its SHA-256 hash is stored. A token is refused
once it is revoked, once it has expired, and when its user is no longer active.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.models import TOKEN_PREFIX, ApiToken, User, hash_token, new_raw_token

# How long a token lives when no lifetime is given, and the longest allowed.
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
# ``last_used_at`` is written at most this often per token, so that a busy client does not
# turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenError(Exception):
    """A token could not be made, with a user-facing message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def api_token_create(
    *, user: User, name: str, days: int | None = DEFAULT_TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """Make a personal API token for ``user``; return it with the raw token (shown only once).

    ``days=None`` makes a token that never expires (for operators' own scripts only).
    """
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. the script or system that will use it."))
    if not user.is_active:
        raise TokenError(_("%(user)s is not an active user.") % {"user": user.get_username()})
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise TokenError(_("A token can live from 1 to %(max)s days.") % {"max": MAX_TOKEN_DAYS})
    raw = new_raw_token()
    expires_at = timezone.now() + dt.timedelta(days=days) if days is not None else None
    token = ApiToken.objects.create(
        user=user, name=name[:100], key_hash=hash_token(raw), expires_at=expires_at
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke ``token`` from now on. Revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw: str, now: dt.datetime | None = None) -> User | None:
    """The active user a raw token belongs to, or ``None``; notes when the token was used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    moment = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=moment))
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        token.last_used_at = moment
    return token.user
