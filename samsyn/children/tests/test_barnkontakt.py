"""The Barnkontakt follows the child through its life stages, with handovers and history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from samsyn.children.models import (
    AssignmentSource,
    BarnkontaktAssignment,
    Child,
    Enrolment,
    Handover,
    HandoverStatus,
    LifeStage,
)
from samsyn.children.selectors import child_current_barnkontakt, handovers_waiting, my_children
from samsyn.children.services import (
    NotFoundForUser,
    ServiceError,
    barnkontakt_override,
    barnkontakt_refresh,
    barnkontakt_set_by_hand,
    child_register,
    child_transfer,
    enrolment_start,
    handover_acknowledge_by,
)
from samsyn.organisations.models import Role
from samsyn.testing.factories import staff

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def test_transfer__preschool_to_school__moves_barnkontakt_and_makes_handover(world):
    child = world.children["preschooler"]
    forskolechef, rektor = world.users["forskolechef"], world.users["rektor"]
    assert child_current_barnkontakt(child=child).user == forskolechef

    child_transfer(
        actor=forskolechef, child=child, unit=world.units["school"], start_date=_today(), grade=0
    )

    current = child_current_barnkontakt(child=child)
    assert (current.user, current.life_stage) == (rektor, LifeStage.SCHOOL)
    handover = Handover.objects.get(child=child)
    assert handover.to_assignment == current
    assert handover.from_assignment.user == forskolechef
    assert list(handovers_waiting(user=rektor)) == [handover]
    # The preschool place ended the day before; the history is kept.
    preschool = Enrolment.objects.get(child=child, unit=world.units["preschool"])
    assert preschool.end_date == _today() - dt.timedelta(days=1)
    assert BarnkontaktAssignment.objects.filter(child=child).count() == 2
    # The preschool principal no longer sees the child; the school principal does.
    assert child not in my_children(user=forskolechef)
    assert child in my_children(user=rektor)


def test_handover__acknowledged_by_new_barnkontakt__leaves_worklist(world):
    child = world.children["preschooler"]
    child_transfer(
        actor=world.users["forskolechef"],
        child=child,
        unit=world.units["school"],
        start_date=_today(),
        grade=0,
    )
    handover = Handover.objects.get(child=child)
    with pytest.raises(NotFoundForUser):
        handover_acknowledge_by(actor=world.users["larare"], handover=handover)
    handover_acknowledge_by(actor=world.users["rektor"], handover=handover, note="Samtal hållet")
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED and handover.note == "Samtal hållet"
    assert not handovers_waiting(user=world.users["rektor"]).exists()


def test_transfer__teacher__refused_and_nothing_changes(world):
    child = world.children["pupil"]
    with pytest.raises(NotFoundForUser):
        child_transfer(
            actor=world.users["larare"],
            child=child,
            unit=world.units["other_school"],
            start_date=_today(),
            grade=4,
        )
    assert child_current_barnkontakt(child=child).user == world.users["rektor"]


def test_transfer__school_grade_outside_unit__refused_with_field(world):
    with pytest.raises(ServiceError) as caught:
        child_transfer(
            actor=world.users["forskolechef"],
            child=world.children["preschooler"],
            unit=world.units["school"],
            start_date=_today(),
            grade=None,
        )
    assert caught.value.field == "grade"


def test_refresh__future_enrolment__changes_on_its_start_date(world):
    child = world.children["preschooler"]
    start = _today() + dt.timedelta(days=30)
    enrolment_start(child=child, unit=world.units["school"], start_date=start, grade=0)
    assert child_current_barnkontakt(child=child).user == world.users["forskolechef"]
    barnkontakt_refresh(child=child, day=start)
    assert child_current_barnkontakt(child=child).user == world.users["rektor"]
    assert Handover.objects.filter(child=child).count() == 1


def test_refresh__nothing_changed__no_new_assignment(world):
    child = world.children["pupil"]
    before = BarnkontaktAssignment.objects.filter(child=child).count()
    barnkontakt_refresh(child=child)
    barnkontakt_refresh(child=child)
    assert BarnkontaktAssignment.objects.filter(child=child).count() == before


def test_bvc_continues_beside_preschool_but_preschool_principal_is_barnkontakt(world):
    child = world.children["infant"]
    enrolment_start(child=child, unit=world.units["preschool"], start_date=_today())
    assert child_current_barnkontakt(child=child).user == world.users["forskolechef"]
    bvc = Enrolment.objects.get(child=child, unit=world.units["bvc"])
    assert bvc.end_date is None


def test_override__with_reason__kept_until_life_stage_changes(world):
    child = world.children["pupil"]
    deputy = staff(Role.PRINCIPAL, world.units["school"], username="bitr_rektor")
    barnkontakt_set_by_hand(
        actor=world.users["rektor"],
        child=child,
        user=deputy,
        reason="Biträdande rektor ansvarar för årskurs 4–6",
    )
    current = child_current_barnkontakt(child=child)
    assert (current.user, current.source) == (deputy, AssignmentSource.OVERRIDE)
    assert current.reason.startswith("Biträdande")
    barnkontakt_refresh(child=child)  # the daily job keeps the override
    assert child_current_barnkontakt(child=child).user == deputy
    # Moving to another school ends the override.
    enrolment_start(child=child, unit=world.units["other_school"], start_date=_today(), grade=4)
    assert child_current_barnkontakt(child=child).user == world.users["annan_rektor"]


def test_override__without_reason__refused(world):
    deputy = staff(Role.PRINCIPAL, world.units["school"], username="bitr_rektor")
    with pytest.raises(ServiceError) as caught:
        barnkontakt_override(
            child=world.children["pupil"], user=deputy, reason="  ", actor=world.users["rektor"]
        )
    assert caught.value.field == "reason"


def test_override__person_from_another_unit__refused(world):
    with pytest.raises(ServiceError):
        barnkontakt_override(
            child=world.children["pupil"],
            user=world.users["annan_rektor"],
            reason="Byte",
            actor=world.users["rektor"],
        )


def test_one_current_barnkontakt__database_constraint(world):
    child = world.children["pupil"]
    with pytest.raises(IntegrityError), transaction.atomic():
        BarnkontaktAssignment.objects.create(
            child=child,
            user=world.users["larare"],
            unit=world.units["school"],
            life_stage=LifeStage.SCHOOL,
            source=AssignmentSource.DERIVED,
            started_at=timezone.now(),
        )


def test_register__new_pupil_at_own_school__visible_with_barnkontakt(world):
    child = child_register(
        actor=world.users["rektor"],
        unit=world.units["school"],
        personnummer="20150307-2389",
        first_name="Nova",
        last_name="Lind",
        start_date=_today(),
        grade=4,
    )
    assert child.personnummer == "201503072389"
    assert child_current_barnkontakt(child=child).user == world.users["rektor"]


def test_register__invalid_personnummer__nothing_saved(world):
    from samsyn.children.identity import InvalidIdentityNumber

    before = Child.objects.count()
    with pytest.raises(InvalidIdentityNumber):
        child_register(
            actor=world.users["rektor"],
            unit=world.units["school"],
            personnummer="20150307-2388",
            first_name="Nova",
            last_name="Lind",
            start_date=_today(),
            grade=4,
        )
    assert Child.objects.count() == before


def test_register__teacher__not_allowed(world):
    with pytest.raises(ServiceError):
        child_register(
            actor=world.users["larare"],
            unit=world.units["school"],
            personnummer="20150307-2389",
            first_name="Nova",
            last_name="Lind",
            start_date=_today(),
            grade=4,
        )


def test_check_barnkontakt__lists_child_without_one(world, capsys):
    call_command("check_barnkontakt")
    BarnkontaktAssignment.objects.filter(child=world.children["pupil"]).update(
        ended_at=timezone.now()
    )
    with pytest.raises(CommandError):
        call_command("check_barnkontakt")
    assert world.children["pupil"].personnummer[:8] in capsys.readouterr().out


def test_register__existing_child_not_visible__refused_not_taken_over(world):
    """Typing a known personnummer must not hand a child to another unit."""
    pupil = world.children["pupil"]
    with pytest.raises(ServiceError) as caught:
        child_register(
            actor=world.users["annan_rektor"],
            unit=world.units["other_school"],
            personnummer=pupil.personnummer,
            first_name="X",
            last_name="Y",
            start_date=_today(),
            grade=4,
        )
    assert caught.value.field == "personnummer"
    assert child_current_barnkontakt(child=pupil).user == world.users["rektor"]
    assert Enrolment.objects.filter(child=pupil, end_date__isnull=True).count() == 1


def test_transfer__refused__refusal_stays_in_the_log(world):
    from django.db import transaction as tx

    from samsyn.audit.models import AccessLogEntry

    with tx.atomic(), pytest.raises(NotFoundForUser):
        child_transfer(
            actor=world.users["annan_rektor"],
            child=world.children["pupil"],
            unit=world.units["other_school"],
            start_date=_today(),
            grade=4,
        )
    assert AccessLogEntry.objects.filter(username="annan_rektor", allowed=False).exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.LOG_REVIEWER])
def test_override__statistics_or_review_role_at_the_unit__refused(world, role):
    other = staff(role, world.units["school"], username="fel_roll")
    with pytest.raises(ServiceError):
        barnkontakt_override(
            child=world.children["pupil"], user=other, reason="Byte", actor=world.users["rektor"]
        )


def test_override__membership_ended__refused(world):
    from samsyn.organisations.models import Membership

    deputy = staff(Role.PRINCIPAL, world.units["school"], username="slutat")
    Membership.objects.filter(user=deputy).update(valid_to=_today() - dt.timedelta(days=1))
    with pytest.raises(ServiceError):
        barnkontakt_override(
            child=world.children["pupil"], user=deputy, reason="Byte", actor=world.users["rektor"]
        )


def test_derive_all__same_answer_as_one_by_one(world):
    from samsyn.children.barnkontakt import derive_barnkontakt, derive_barnkontakt_all

    enrolment_start(
        child=world.children["infant"], unit=world.units["preschool"], start_date=_today()
    )
    staff(Role.MIDWIFE, world.units["bvc"], username="barnmorska")
    all_at_once = derive_barnkontakt_all(_today())
    for child in Child.objects.all():
        one = derive_barnkontakt(child, _today())
        expected = (one.life_stage, one.unit.pk, one.user.pk) if one else None
        assert all_at_once.get(child.pk) == expected, child


def test_refresh_all__future_start__handover_on_the_day_and_nothing_else(world, capsys):
    child = world.children["preschooler"]
    start = _today() + dt.timedelta(days=10)
    enrolment_start(child=child, unit=world.units["school"], start_date=start, grade=0)
    before = BarnkontaktAssignment.objects.count()
    call_command("barnkontakt_refresh")
    assert BarnkontaktAssignment.objects.count() == before
    call_command("barnkontakt_refresh", "--date", start.isoformat())
    assert child_current_barnkontakt(child=child).user == world.users["rektor"]
    assert BarnkontaktAssignment.objects.count() == before + 1
    assert Handover.objects.filter(child=child, status=HandoverStatus.OPEN).count() == 1


def test_refresh_all__override_kept(world):
    from samsyn.children.services import barnkontakt_refresh_all

    deputy = staff(Role.PRINCIPAL, world.units["school"], username="bitr")
    barnkontakt_override(
        child=world.children["pupil"], user=deputy, reason="Delegerat", actor=world.users["rektor"]
    )
    assert barnkontakt_refresh_all() == 0
    assert child_current_barnkontakt(child=world.children["pupil"]).user == deputy
