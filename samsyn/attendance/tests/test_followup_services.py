"""The follow-up services: recording a guardian notification, an investigation's course."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samsyn.access.policy import Action, What
from samsyn.attendance import followup_services as services
from samsyn.attendance.followup_models import (
    AbsenceInvestigation,
    GuardianNotification,
    InvestigationStatus,
)
from samsyn.attendance.tests.followup_helpers import signals_world
from samsyn.audit.models import AccessLogEntry
from samsyn.testing.world import World


@pytest.fixture
def signals(world: World) -> World:
    return signals_world(world)


def _notification(world: World) -> GuardianNotification:
    return GuardianNotification.objects.get(child=world.children["pupil"])


def _investigation(world: World) -> AbsenceInvestigation:
    return AbsenceInvestigation.objects.get(child=world.children["pupil"])


# --- The guardian notification --------------------------------------------------------------


def test_notification_record__teacher_at_the_school__recorded_and_logged(signals: World) -> None:
    now = timezone.now()
    notification = services.notification_record(
        actor=signals.users["larare"],
        notification=_notification(signals),
        method="text",
        notified_at=now,
        note="  SMS till båda  ",
    )
    notification.refresh_from_db()
    assert (notification.method, notification.note) == ("text", "SMS till båda")
    assert notification.notified_by == signals.users["larare"]
    entry = AccessLogEntry.objects.get(user=signals.users["larare"])
    assert (entry.what, entry.action, entry.allowed) == (What.ATTENDANCE, Action.CHANGE, True)


@pytest.mark.parametrize("username", ["annan_rektor", "bup", "analytiker"])
def test_notification_record__no_ground__not_found_and_refusal_logged(
    signals: World, username: str
) -> None:
    with pytest.raises(services.NotFoundForUser):
        services.notification_record(
            actor=signals.users[username],
            notification=_notification(signals),
            method="phone",
            notified_at=timezone.now(),
        )
    assert not _notification(signals).done
    entry = AccessLogEntry.objects.get(user=signals.users[username])
    assert (entry.action, entry.allowed) == (Action.CHANGE, False)


def test_notification_record__future_or_before_the_day__refused(signals: World) -> None:
    notification = _notification(signals)
    for when in (
        timezone.now() + dt.timedelta(hours=2),
        timezone.now() - dt.timedelta(days=2),
    ):
        with pytest.raises(services.ServiceError) as exc:
            services.notification_record(
                actor=signals.users["rektor"],
                notification=notification,
                method="phone",
                notified_at=when,
            )
        assert exc.value.field == "notified_at"


def test_notification_record__twice_or_unknown_method__refused(signals: World) -> None:
    rektor = signals.users["rektor"]
    with pytest.raises(services.ServiceError):
        services.notification_record(
            actor=rektor,
            notification=_notification(signals),
            method="pigeon",
            notified_at=timezone.now(),
        )
    services.notification_record(
        actor=rektor,
        notification=_notification(signals),
        method="phone",
        notified_at=timezone.now(),
    )
    with pytest.raises(services.ServiceError):
        services.notification_record(
            actor=rektor,
            notification=_notification(signals),
            method="email",
            notified_at=timezone.now(),
        )
    assert _notification(signals).method == "phone"


# --- The investigation ----------------------------------------------------------------------


def _update(world: World, username: str = "rektor", **overrides: object) -> AbsenceInvestigation:
    arguments: dict[str, object] = {
        "investigator": world.users["skolskoterska"],
        "with_pupil": True,
        "with_guardians": True,
        "with_student_health": True,
        "participants": "",
        "findings": "Magont på morgnarna.",
        "measures": "Kontakt med skolsköterskan varje vecka.",
    }
    arguments.update(overrides)
    return services.investigation_update(
        actor=world.users[username],
        investigation=_investigation(world),
        **arguments,  # type: ignore[arg-type]
    )


def test_investigation_update__saved(signals: World) -> None:
    _update(signals)
    investigation = _investigation(signals)
    assert investigation.investigator == signals.users["skolskoterska"]
    assert investigation.with_student_health
    assert investigation.findings == "Magont på morgnarna."


def test_investigation_update__investigator_elsewhere__refused(signals: World) -> None:
    with pytest.raises(services.ServiceError) as exc:
        _update(signals, investigator=signals.users["bup"])
    assert exc.value.field == "investigator"


def test_investigation_update__other_school__not_found(signals: World) -> None:
    with pytest.raises(services.NotFoundForUser):
        _update(signals, username="annan_rektor")
    assert _investigation(signals).findings == ""


def test_investigation_close__needs_findings_and_measures(signals: World) -> None:
    rektor = signals.users["rektor"]
    with pytest.raises(services.ServiceError) as exc:
        services.investigation_close(actor=rektor, investigation=_investigation(signals))
    assert exc.value.field == "findings"
    _update(signals, measures="")
    with pytest.raises(services.ServiceError) as exc:
        services.investigation_close(actor=rektor, investigation=_investigation(signals))
    assert exc.value.field == "measures"


def test_investigation_close__closed_and_then_unchangeable(signals: World) -> None:
    _update(signals)
    closed = services.investigation_close(
        actor=signals.users["rektor"], investigation=_investigation(signals)
    )
    assert closed.status == InvestigationStatus.CLOSED
    assert closed.closed_on == timezone.localdate()
    assert closed.closed_by == signals.users["rektor"]
    with pytest.raises(services.ServiceError):
        _update(signals, findings="Ändrat")
    with pytest.raises(services.ServiceError):
        services.investigation_close(actor=signals.users["rektor"], investigation=closed)


def test_investigation_link_concern__same_pupil_only(signals: World) -> None:
    from samsyn.concerns.tests.helpers import concern_by

    rektor = signals.users["rektor"]
    own = concern_by(signals, "larare", "pupil")
    other = concern_by(signals, "larare", "protected_pupil")
    with pytest.raises(services.ServiceError):
        services.investigation_link_concern(
            actor=rektor, investigation=_investigation(signals), concern=other
        )
    services.investigation_link_concern(
        actor=rektor, investigation=_investigation(signals), concern=own
    )
    assert _investigation(signals).concern == own


def test_investigation_link_concern__teacher_who_cannot_see_concerns__refused(
    signals: World,
) -> None:
    from samsyn.concerns.tests.helpers import concern_by

    concern = concern_by(signals, "larare", "pupil")
    with pytest.raises(services.ServiceError):
        services.investigation_link_concern(
            actor=signals.users["larare"], investigation=_investigation(signals), concern=concern
        )
