"""Attendance is school-domain information: the school and its student health team see it;
another secrecy domain only as a team member under a consent that shares school information."""

from __future__ import annotations

import pytest

from samsyn.access.policy import Action, What, decide
from samsyn.audit.models import Ground
from samsyn.testing.factories import barnteam_for, consent_for

pytestmark = pytest.mark.django_db

SCHOOL_SIDE = ["rektor", "larare", "skolskoterska"]
OTHER_DOMAINS = ["socialsekreterare", "bup"]
NEVER = ["polis", "fritid", "vardcentral", "mottagning", "analytiker", "admin", "annan_rektor"]


def _team(world, *, state="in_force", units=("school", "student_health", "ifo", "bup")):
    pupil = world.children["pupil"]
    chosen = [world.units[k] for k in units]
    if state != "none":
        consent_for(pupil, chosen, state=state, documented_by=world.users["rektor"])
    barnteam_for(
        pupil,
        world.users["rektor"],
        world.units["school"],
        [
            (world.users["socialsekreterare"], world.units["ifo"]),
            (world.users["bup"], world.units["bup"]),
        ],
    )
    return pupil


@pytest.mark.parametrize("state", ["none", "in_force", "expired", "withdrawn"])
def test_attendance__by_domain_and_consent_state(world, state):
    pupil = _team(world, state=state)
    for name in SCHOOL_SIDE:
        for action in Action:
            assert decide(world.users[name], pupil, What.ATTENDANCE, action).allowed, (name, action)
    for name in OTHER_DOMAINS:
        view = decide(world.users[name], pupil, What.ATTENDANCE, Action.VIEW)
        assert view.allowed == (state == "in_force"), (state, name)
        if view.allowed:
            assert view.ground == Ground.TEAM_CONSENT
        # Under consent they read; only the school records notifications and investigations.
        assert not decide(world.users[name], pupil, What.ATTENDANCE, Action.CHANGE).allowed
    for name in NEVER:
        for action in Action:
            assert not decide(world.users[name], pupil, What.ATTENDANCE, action).allowed, name


def test_attendance__consent_without_school_information__not_shared(world):
    """The consent covers the units but shares only health care's and social services'
    information: the team sees the plan, not the attendance."""
    pupil = world.children["pupil"]
    consents = consent_for(
        pupil,
        [world.units[k] for k in ("school", "ifo", "bup")],
        documented_by=world.users["rektor"],
    )
    for consent in consents:
        consent.categories = ["social_services", "health_care"]
        consent.save(update_fields=["categories"])
    barnteam_for(
        pupil,
        world.users["rektor"],
        world.units["school"],
        [(world.users["bup"], world.units["bup"])],
    )
    assert decide(world.users["bup"], pupil, What.PLAN, Action.VIEW).allowed
    assert not decide(world.users["bup"], pupil, What.ATTENDANCE, Action.VIEW).allowed


def test_attendance__other_school__not_seen(world):
    other = world.children["other_pupil"]
    assert not decide(world.users["larare"], other, What.ATTENDANCE, Action.VIEW).allowed
    assert decide(world.users["annan_rektor"], other, What.ATTENDANCE, Action.VIEW).allowed
