"""Verification of the access log chain: finds changed, inserted and deleted rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from samsyn.audit.chain import GENESIS, entry_hash, head_mac
from samsyn.audit.models import AccessLogEntry, AuditHead

_FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "child_id",
    "what",
    "action",
    "allowed",
    "ground",
    "acting_unit_id",
    "detail",
    "prev_hash",
    "hash",
)


class ProblemKind(StrEnum):
    CHANGED = "changed"  # a row's content no longer matches its hash
    OUT_OF_ORDER = "out_of_order"  # a sequence number that goes backwards (inserted row)
    MISSING = "missing"  # a gap in the sequence numbers (deleted rows)
    BROKEN_LINK = "broken_link"  # a row whose prev_hash is not the hash of the row before
    HEAD = "head"  # the chain head does not match the last row, or was itself changed


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    seq: int | None
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class VerifyResult:
    rows: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    def add(self, kind: ProblemKind, seq: int | None, message: str) -> None:
        self.problems.append(Problem(kind, seq, message))

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify(*, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk the whole chain in sequence order and report every break."""
    result = VerifyResult()
    expected_seq = 1
    prev = GENESIS
    rows = AccessLogEntry.objects.order_by("seq").values_list(*_FIELDS)
    for values in rows.iterator(chunk_size=5000):
        row = dict(zip(_FIELDS, values, strict=True))
        result.rows += 1
        seq = row["seq"]
        if seq < expected_seq:
            result.add(
                ProblemKind.OUT_OF_ORDER,
                seq,
                _("Row %(seq)s: sequence number out of order (inserted row).") % {"seq": seq},
            )
        elif seq > expected_seq:
            result.add(
                ProblemKind.MISSING,
                expected_seq,
                _("Rows %(first)s–%(last)s are missing (deleted rows).")
                % {"first": expected_seq, "last": seq - 1},
            )
        if row["prev_hash"] != prev:
            result.add(
                ProblemKind.BROKEN_LINK,
                seq,
                _("Row %(seq)s does not follow the row before it (row inserted or deleted).")
                % {"seq": seq},
            )
        if entry_hash(row, row["prev_hash"]) != row["hash"]:
            result.add(
                ProblemKind.CHANGED,
                seq,
                _("Row %(seq)s has been changed (its hash does not match its content).")
                % {"seq": seq},
            )
        prev = row["hash"]
        expected_seq = seq + 1
        if progress is not None:
            progress(result.rows)
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if result.rows:
            result.add(ProblemKind.HEAD, None, _("The chain head is missing."))
        return result
    result.head_seq, result.head_hash = head.seq, head.hash
    if head.mac != head_mac(head.seq, head.hash):
        result.add(ProblemKind.HEAD, None, _("The chain head has been changed."))
    if head.seq != expected_seq - 1 or head.hash != prev:
        result.add(
            ProblemKind.HEAD,
            head.seq,
            _(
                "The last row is %(last)s but the chain head says %(head)s "
                "(rows deleted or added at the end)."
            )
            % {"last": expected_seq - 1, "head": head.seq},
        )
    return result
