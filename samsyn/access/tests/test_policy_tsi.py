"""The access policy for the TSI core: team members see only under a consent in force that
covers their unit; withdrawal takes effect at once; social services' intake sees a child it has
a report of concern about, without consent; nobody else gains anything.

Matrix: consent states (none, in force, expired, withdrawn, pending, refused) × users × parts ×
actions.
"""

from __future__ import annotations

import pytest

from samsyn.access.policy import Action, What, decide, visible_children
from samsyn.access.services import access_child
from samsyn.audit.models import AccessLogEntry, Ground
from samsyn.concerns.models import ReportOfConcern
from samsyn.testing.factories import barnteam_for, consent_for

pytestmark = pytest.mark.django_db

STATES = ["none", "in_force", "expired", "withdrawn", "pending", "refused"]
TEAM = ["skolskoterska", "socialsekreterare", "bup"]
OUTSIDERS = [
    "larare",
    "annan_rektor",
    "polis",
    "fritid",
    "vardcentral",
    "mottagning",
    "analytiker",
    "admin",
    "granskare",
]
TSI_PARTS = [What.TEAM, What.PLAN, What.FOLLOW_UP, What.CONSENT]


def _team_with_consent(world, state):
    pupil = world.children["pupil"]
    units = [world.units[k] for k in ("school", "student_health", "ifo", "bup")]
    if state != "none":
        consent_for(pupil, units, state=state, documented_by=world.users["rektor"])
    barnteam_for(
        pupil,
        world.users["rektor"],
        world.units["school"],
        [
            (world.users["skolskoterska"], world.units["student_health"]),
            (world.users["socialsekreterare"], world.units["ifo"]),
            (world.users["bup"], world.units["bup"]),
        ],
    )
    return pupil


@pytest.mark.parametrize("state", STATES)
def test_tsi_matrix__team_members__see_only_under_consent_in_force(world, state):
    pupil = _team_with_consent(world, state)
    in_force = state == "in_force"
    for name in TEAM:
        user = world.users[name]
        for what in TSI_PARTS:
            for action in (Action.VIEW, Action.CHANGE):
                decision = decide(user, pupil, what, action)
                expected = in_force and (action is Action.VIEW or what is not What.CONSENT)
                assert decision.allowed == expected, (state, name, what, action)
                if expected:
                    assert decision.ground == Ground.TEAM_CONSENT
        # Identity: the school nurse sees the pupil through her own unit anyway; the social
        # worker and the clinician only through the team under consent.
        identity = decide(user, pupil, What.IDENTITY, Action.VIEW)
        if name == "skolskoterska":
            assert identity.ground == Ground.OWN_UNIT
        else:
            assert identity.allowed == in_force, (state, name)
            assert (pupil in visible_children(user)) == in_force, (state, name)
        # Never the address or the enrolments across domains through the team.
        if name != "skolskoterska":
            assert not decide(user, pupil, What.ENROLMENTS, Action.VIEW).allowed
            assert not decide(user, pupil, What.REPORT, Action.VIEW).allowed


@pytest.mark.parametrize("state", STATES)
def test_tsi_matrix__barnkontakt__everything_whatever_the_consent(world, state):
    pupil = _team_with_consent(world, state)
    for what in [*TSI_PARTS, What.CONCERN]:
        for action in Action:
            assert decide(world.users["rektor"], pupil, what, action).ground == Ground.NAMED_CONTACT


@pytest.mark.parametrize("state", STATES)
def test_tsi_matrix__outsiders__never_the_plan_or_the_team(world, state):
    pupil = _team_with_consent(world, state)
    for name in OUTSIDERS:
        for what in [*TSI_PARTS, What.CONCERN, What.REPORT]:
            for action in Action:
                assert not decide(world.users[name], pupil, what, action).allowed, (
                    state,
                    name,
                    what,
                )


def test_tsi__consent_withdrawn__members_lose_access_at_once(world):
    pupil = _team_with_consent(world, "in_force")
    bup = world.users["bup"]
    assert decide(bup, pupil, What.PLAN, Action.VIEW).allowed
    from samsyn.consent.services import consent_withdraw

    for consent in pupil.consents.all():
        consent_withdraw(actor=world.users["rektor"], consent=consent, note="Mamma ringde")
    assert not decide(bup, pupil, What.PLAN, Action.VIEW).allowed
    assert pupil not in visible_children(bup)
    access_child(user=bup, child=pupil, what=What.PLAN, action=Action.VIEW)
    assert AccessLogEntry.objects.filter(username="bup", allowed=False).exists()


def test_tsi__consent_does_not_cover_the_members_unit__refused(world):
    pupil = world.children["pupil"]
    consent_for(
        pupil, [world.units["school"], world.units["ifo"]], documented_by=world.users["rektor"]
    )
    barnteam_for(
        pupil,
        world.users["rektor"],
        world.units["school"],
        [
            (world.users["socialsekreterare"], world.units["ifo"]),
            (world.users["bup"], world.units["bup"]),
        ],
    )
    assert decide(world.users["socialsekreterare"], pupil, What.PLAN, Action.VIEW).allowed
    assert not decide(world.users["bup"], pupil, What.PLAN, Action.VIEW).allowed


def test_tsi__only_barnteam_purpose__team_but_not_plan(world):
    pupil = world.children["pupil"]
    consent_for(
        pupil, [world.units["bup"]], purposes=("barnteam",), documented_by=world.users["rektor"]
    )
    barnteam_for(
        pupil,
        world.users["rektor"],
        world.units["school"],
        [(world.users["bup"], world.units["bup"])],
    )
    assert decide(world.users["bup"], pupil, What.TEAM, Action.VIEW).allowed
    assert not decide(world.users["bup"], pupil, What.PLAN, Action.VIEW).allowed


def test_tsi__intake__sees_child_with_report_without_consent(world):
    pupil = world.children["pupil"]
    intake = world.users["mottagning"]
    assert not decide(intake, pupil, What.IDENTITY, Action.VIEW).allowed
    ReportOfConcern.objects.create(
        child=pupil,
        reporter=world.users["larare"],
        reporter_unit=world.units["school"],
        intake_unit=world.units["intake"],
        description="Blåmärken på armarna",
    )
    for what in (What.IDENTITY, What.GUARDIANS, What.ADDRESS, What.REPORT):
        decision = decide(intake, pupil, what, Action.VIEW)
        assert decision.allowed and decision.ground == Ground.LEGAL_DUTY, what
    assert decide(intake, pupil, What.REPORT, Action.CHANGE).allowed
    assert not decide(intake, pupil, What.PLAN, Action.VIEW).allowed
    assert not decide(intake, pupil, What.ENROLMENTS, Action.VIEW).allowed
    assert pupil in visible_children(intake)
    # The rest of social services gains nothing from the report.
    assert not decide(world.users["socialsekreterare"], pupil, What.IDENTITY, Action.VIEW).allowed


def test_tsi__intake__protected_child__no_address(world):
    child = world.children["protected_pupil"]
    ReportOfConcern.objects.create(
        child=child,
        reporter=world.users["larare"],
        reporter_unit=world.units["school"],
        intake_unit=world.units["intake"],
        description="Oro",
    )
    assert decide(world.users["mottagning"], child, What.IDENTITY, Action.VIEW).allowed
    assert not decide(world.users["mottagning"], child, What.ADDRESS, Action.VIEW).allowed


def test_tsi__member_who_left__loses_access(world):
    from django.utils import timezone

    from samsyn.teams.models import TeamMember

    pupil = _team_with_consent(world, "in_force")
    TeamMember.objects.filter(user=world.users["bup"]).update(left_at=timezone.now())
    assert not decide(world.users["bup"], pupil, What.PLAN, Action.VIEW).allowed


@pytest.mark.parametrize("state", STATES)
def test_tsi_matrix__every_access_through_the_door__lands_in_the_log(world, state):
    """Each user of each secrecy domain × every TSI part × every action, through
    ``access_child``: one log row each, allowed exactly as the policy decides."""
    pupil = _team_with_consent(world, state)
    for name in ["rektor", *TEAM, *OUTSIDERS]:
        user = world.users[name]
        for what in [*TSI_PARTS, What.CONCERN, What.REPORT]:
            for action in Action:
                before = AccessLogEntry.objects.count()
                decision = access_child(user=user, child=pupil, what=what, action=action)
                row = AccessLogEntry.objects.order_by("-pk").first()
                assert AccessLogEntry.objects.count() == before + 1, (state, name, what, action)
                assert row is not None
                assert (row.username, row.what, row.action, row.allowed) == (
                    name,
                    str(what),
                    str(action),
                    decision.allowed,
                ), (state, name, what, action)
