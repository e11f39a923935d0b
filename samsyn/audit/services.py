"""Writing to the access log. Call inside the transaction that performs the access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from samsyn.audit.chain import GENESIS, entry_hash, head_mac
from samsyn.audit.models import AccessLogEntry, AuditHead, Ground


@dataclass(frozen=True)
class AccessRecord:
    """One access to log: who, which child, what, which action, allowed or not, on what ground."""

    user_id: int | None
    username: str
    child_id: int | None
    what: str
    action: str
    allowed: bool
    ground: str = Ground.NONE
    acting_unit_id: int | None = None
    detail: str = ""


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(
            pk=1, defaults={"seq": 0, "hash": GENESIS, "mac": head_mac(0, GENESIS)}
        )
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def access_log_append(*, records: Sequence[AccessRecord], at: dt.datetime | None = None) -> int:
    """Append records to the chain in order; return the sequence number of the last one.

    Must run inside the transaction of the access it records, so both commit or neither does.
    """
    if not records:
        return 0
    when = at or timezone.now()
    with transaction.atomic():
        head = _locked_head()
        seq, prev = head.seq, head.hash
        rows = []
        for record in records:
            seq += 1
            fields = {
                "seq": seq,
                "at": when,
                "user_id": record.user_id,
                "username": record.username[:150],
                "child_id": record.child_id,
                "what": record.what,
                "action": record.action,
                "allowed": record.allowed,
                "ground": record.ground,
                "acting_unit_id": record.acting_unit_id,
                "detail": record.detail[:300],
            }
            digest = entry_hash(fields, prev)
            rows.append(AccessLogEntry(**fields, prev_hash=prev, hash=digest))
            prev = digest
        AccessLogEntry.objects.bulk_create(rows, batch_size=1000)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev, mac=head_mac(seq, prev))
    return seq
