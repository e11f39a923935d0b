"""The access log is append-only and tamper-evident: `samsyn audit verify` finds any single-row
change, insertion or deletion made behind the application's back with raw SQL."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from samsyn.access.policy import Action, What
from samsyn.access.services import access_child
from samsyn.audit.models import AccessLogEntry, AuditHead
from samsyn.audit.verify import ProblemKind, audit_verify

TABLE = "audit_accesslogentry"


def _disable_append_only_guard() -> None:
    """What an attacker with database access would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of this transaction's inserts must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_accesslogentry_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_accesslogentry_no_update")
            cursor.execute("DROP TRIGGER audit_accesslogentry_no_delete")


def _raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def logged(world):
    """Twelve log rows made through the ordinary door."""
    for username in ("rektor", "larare", "polis"):
        for key in ("pupil", "other_pupil", "preschooler", "infant"):
            access_child(
                user=world.users[username],
                child=world.children[key],
                what=What.IDENTITY,
                action=Action.VIEW,
            )
    assert AccessLogEntry.objects.count() == 12
    return world


def _verify_problems() -> list[tuple[ProblemKind, int | None]]:
    return [(p.kind, p.seq) for p in audit_verify().problems]


@pytest.mark.django_db
def test_audit_verify__untouched_log__passes(logged, capsys):
    assert _verify_problems() == []
    call_command("audit_verify")
    assert "12" in capsys.readouterr().out


@pytest.mark.django_db
def test_audit_verify__empty_log__passes():
    assert audit_verify().ok


@pytest.mark.django_db
def test_audit_log__update_and_delete__refused_by_the_database(logged):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(seq=3).update(username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(seq=3).delete()
    assert _verify_problems() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column, value",
    [("username", "kurator"), ("allowed", True), ("ground", "named_contact"), ("what", "address")],
)
def test_audit_verify__one_field_changed_with_raw_sql__reported(logged, column, value):
    _disable_append_only_guard()
    _raw(f"UPDATE {TABLE} SET {column} = %s WHERE seq = 6", [value])  # a refused access
    problems = _verify_problems()
    assert problems == [(ProblemKind.CHANGED, 6)], problems
    with pytest.raises(CommandError):
        call_command("audit_verify")


@pytest.mark.django_db
def test_audit_verify__row_changed_and_its_hash_recomputed_without_key__reported(logged):
    import hashlib

    _disable_append_only_guard()
    row = AccessLogEntry.objects.get(seq=4)
    forged = hashlib.sha256(f"{row.prev_hash}|forged".encode()).hexdigest()
    _raw(f"UPDATE {TABLE} SET username = 'kurator', hash = %s WHERE seq = 4", [forged])
    problems = _verify_problems()
    assert (ProblemKind.CHANGED, 4) in problems and (ProblemKind.BROKEN_LINK, 5) in problems, (
        problems
    )


@pytest.mark.django_db
def test_audit_verify__row_deleted_in_the_middle__reported(logged):
    _disable_append_only_guard()
    _raw(f"DELETE FROM {TABLE} WHERE seq = 7")
    problems = _verify_problems()
    assert (ProblemKind.MISSING, 7) in problems, problems


@pytest.mark.django_db
def test_audit_verify__last_row_deleted__reported(logged):
    _disable_append_only_guard()
    _raw(f"DELETE FROM {TABLE} WHERE seq = 12")
    assert _verify_problems() == [(ProblemKind.HEAD, 12)]


@pytest.mark.django_db
def test_audit_verify__last_row_deleted_and_head_rewound__reported(logged):
    _disable_append_only_guard()
    eleventh = AccessLogEntry.objects.get(seq=11)
    _raw(f"DELETE FROM {TABLE} WHERE seq = 12")
    AuditHead.objects.filter(pk=1).update(seq=11, hash=eleventh.hash)
    assert [k for k, _ in _verify_problems()] == [ProblemKind.HEAD]


@pytest.mark.django_db
def test_audit_verify__row_inserted__reported(logged):
    _disable_append_only_guard()
    src = AccessLogEntry.objects.get(seq=6)
    _raw(
        f"INSERT INTO {TABLE} (seq, at, user_id, username, child_id, what, action, allowed, "
        "ground, acting_unit_id, detail, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            13,
            src.at,
            src.user_id,
            src.username,
            src.child_id,
            src.what,
            src.action,
            src.allowed,
            src.ground,
            src.acting_unit_id,
            "",
            src.hash,
            src.hash,
        ],
    )
    assert _verify_problems()


@pytest.mark.django_db
def test_audit_verify__rows_swapped__reported(logged):
    _disable_append_only_guard()
    _raw(f"UPDATE {TABLE} SET seq = -1 WHERE seq = 2")
    _raw(f"UPDATE {TABLE} SET seq = 2 WHERE seq = 3")
    _raw(f"UPDATE {TABLE} SET seq = 3 WHERE seq = -1")
    assert _verify_problems()


@pytest.mark.django_db
def test_access_log__rolled_back_access__leaves_no_gap(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        access_child(
            user=world.users["rektor"],
            child=world.children["pupil"],
            what=What.IDENTITY,
            action=Action.VIEW,
        )
        raise RuntimeError("the access failed")
    access_child(
        user=world.users["rektor"],
        child=world.children["pupil"],
        what=What.IDENTITY,
        action=Action.VIEW,
    )
    assert list(AccessLogEntry.objects.values_list("seq", flat=True)) == [1]
    assert _verify_problems() == []


@pytest.mark.django_db
def test_audit_review_command__lists_refusals_and_logs_that_it_named_children(logged, capsys):
    before = AccessLogEntry.objects.filter(username="granskare").count()
    call_command("audit_review", "granskare")
    out = capsys.readouterr().out
    # polis's four refused attempts are not by the municipality's staff: not listed for it;
    # rektor's and larare's refusals are.
    assert logged.children["other_pupil"].personnummer in out
    assert "polis" not in out
    reviewed = AccessLogEntry.objects.filter(username="granskare").count() - before
    assert reviewed == len({line.split("\t")[2] for line in out.strip().splitlines()})
