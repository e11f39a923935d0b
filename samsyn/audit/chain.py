"""Hashing for the access log chain (HMAC-SHA256 with a key kept outside the database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings

GENESIS = "0" * 64


def _key() -> bytes:
    configured = getattr(settings, "SAMSYN_AUDIT_KEY", "") or ""
    if configured:
        return configured.encode()
    return hashlib.sha256(("samsyn-audit|" + settings.SECRET_KEY).encode()).digest()


def canonical_time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """The MAC of one row, over its fields in a fixed order and the previous row's hash."""
    parts = [
        str(fields["seq"]),
        canonical_time(fields["at"]),
        str(fields["user_id"] or ""),
        fields["username"],
        str(fields["child_id"] or ""),
        fields["what"],
        fields["action"],
        "1" if fields["allowed"] else "0",
        fields["ground"],
        str(fields["acting_unit_id"] or ""),
        fields["detail"],
        prev_hash,
    ]
    message = "\x1f".join(parts).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def head_mac(seq: int, last_hash: str) -> str:
    return hmac.new(_key(), f"head\x1f{seq}\x1f{last_hash}".encode(), hashlib.sha256).hexdigest()
