"""The access policy as a matrix: every test-world user × every child × parts × actions.

Both faces are checked against one expectation table, so ``decide`` and ``visible_children``
cannot drift apart, and every decision made through ``access_child`` lands in the log.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from samsyn.access.policy import Action, What, decide, visible_children
from samsyn.access.services import access_child
from samsyn.audit.models import AccessLogEntry, Ground
from samsyn.children.models import Enrolment
from samsyn.organisations.models import Membership

NC, OU = Ground.NAMED_CONTACT, Ground.OWN_UNIT

# Who sees which child at all (IDENTITY/VIEW), and on which ground. Everything else: refused.
SEES: dict[str, dict[str, Ground]] = {
    "rektor": {"pupil": NC, "protected_pupil": NC},
    "larare": {"pupil": OU, "protected_pupil": OU},
    # Student health sees the school's pupils through its parent unit, but not a pupil with
    # protected identity (only a direct role sees such a child).
    "skolskoterska": {"pupil": OU},
    "kurator": {"pupil": OU},
    "annan_rektor": {"other_pupil": NC},
    "annan_larare": {"other_pupil": OU},
    "forskolechef": {"preschooler": NC},
    "kaa": {"youth": NC},
    "bvc": {"infant": NC},
    "socialsekreterare": {},
    "mottagning": {},
    "bup": {},
    "vardcentral": {},
    "polis": {},
    "fritid": {},
    "analytiker": {},
    "admin": {},
    "granskare": {},
}

# Who may change enrolments and the Barnkontakt (move a child, set a Barnkontakt by hand).
CHANGES: dict[str, set[str]] = {
    "rektor": {"pupil", "protected_pupil"},
    "annan_rektor": {"other_pupil"},
    "forskolechef": {"preschooler"},
    "kaa": {"youth"},
    "bvc": {"infant"},
}

CHILDREN = ["pupil", "protected_pupil", "other_pupil", "preschooler", "infant", "youth"]


@pytest.mark.django_db
def test_policy_matrix__identity_view__every_user_every_child(world):
    assert set(SEES) == set(world.users), "every test-world user must be in the matrix"
    for username, user in world.users.items():
        visible = set(visible_children(user))
        for key in CHILDREN:
            child = world.children[key]
            decision = decide(user, child, What.IDENTITY, Action.VIEW)
            expected = SEES[username].get(key)
            assert decision.allowed == (expected is not None), (username, key)
            assert (child in visible) == decision.allowed, (username, key, "two faces disagree")
            if expected is not None:
                assert decision.ground == expected, (username, key)
                assert decision.unit_id is not None


@pytest.mark.django_db
@pytest.mark.parametrize("what", [What.ENROLMENTS, What.BARNKONTAKT])
def test_policy_matrix__change__only_barnkontakt_and_unit_leads(world, what):
    for username, user in world.users.items():
        for key in CHILDREN:
            allowed = decide(user, world.children[key], what, Action.CHANGE).allowed
            assert allowed == (key in CHANGES.get(username, set())), (username, key, what)


@pytest.mark.django_db
def test_policy__anonymous__sees_nothing(world):
    anonymous = AnonymousUser()
    assert not visible_children(anonymous).exists()
    for key in CHILDREN:
        for what in What:
            for action in Action:
                assert not decide(anonymous, world.children[key], what, action).allowed


@pytest.mark.django_db
def test_policy__address__protected_identity__never_shown_even_to_barnkontakt(world):
    rektor = world.users["rektor"]
    assert decide(rektor, world.children["pupil"], What.ADDRESS, Action.VIEW).allowed
    for username in world.users:
        decision = decide(
            world.users[username], world.children["protected_pupil"], What.ADDRESS, Action.VIEW
        )
        assert not decision.allowed, username


@pytest.mark.django_db
def test_policy__access_log__barnkontakt_and_log_reviewer_only(world):
    pupil = world.children["pupil"]
    allowed = {
        name
        for name, user in world.users.items()
        if decide(user, pupil, What.ACCESS_LOG, Action.VIEW).allowed
    }
    assert allowed == {"rektor", "granskare"}
    assert (
        decide(world.users["granskare"], pupil, What.ACCESS_LOG, Action.VIEW).ground
        == Ground.LOG_REVIEW
    )


@pytest.mark.django_db
def test_policy__analyst_and_admin__refused_every_part_and_action(world):
    for username in ("analytiker", "admin"):
        user = world.users[username]
        assert not visible_children(user).exists()
        for key in CHILDREN:
            for what in What:
                for action in Action:
                    assert not decide(user, world.children[key], what, action).allowed


@pytest.mark.django_db
def test_policy__membership_ended__teacher_loses_access(world):
    larare, pupil = world.users["larare"], world.children["pupil"]
    Membership.objects.filter(user=larare).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    assert not decide(larare, pupil, What.IDENTITY, Action.VIEW).allowed
    assert pupil not in visible_children(larare)


@pytest.mark.django_db
def test_policy__enrolment_ended__teacher_loses_access(world):
    larare, pupil = world.users["larare"], world.children["pupil"]
    Enrolment.objects.filter(child=pupil).update(
        end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    assert not decide(larare, pupil, What.IDENTITY, Action.VIEW).allowed
    assert pupil not in visible_children(larare)


@pytest.mark.django_db
def test_policy__inactive_user__sees_nothing(world):
    rektor = world.users["rektor"]
    rektor.is_active = False
    rektor.save()
    assert not decide(rektor, world.children["pupil"], What.IDENTITY, Action.VIEW).allowed
    assert not visible_children(rektor).exists()


@pytest.mark.django_db
def test_access_child__every_decision_is_logged_with_its_ground(world):
    before = AccessLogEntry.objects.count()
    calls = 0
    for user in world.users.values():
        for key in CHILDREN:
            access_child(
                user=user, child=world.children[key], what=What.IDENTITY, action=Action.VIEW
            )
            calls += 1
    assert AccessLogEntry.objects.count() == before + calls
    entry = AccessLogEntry.objects.get(username="larare", child=world.children["pupil"])
    assert (entry.allowed, entry.ground, entry.acting_unit_id) == (
        True,
        OU,
        world.units["school"].pk,
    )
    refused = AccessLogEntry.objects.get(username="polis", child=world.children["pupil"])
    assert (refused.allowed, refused.ground) == (False, Ground.NONE)


@pytest.mark.django_db
def test_access_child__anonymous__logged_as_refused(world):
    access_child(
        user=AnonymousUser(), child=world.children["pupil"], what=What.IDENTITY, action=Action.VIEW
    )
    entry = AccessLogEntry.objects.get(username="anonymous")
    assert not entry.allowed and entry.user_id is None


@pytest.mark.django_db
def test_decide_many__fixed_number_of_queries(world, django_assert_max_num_queries):
    from samsyn.access.policy import decide_many

    children = list(world.children.values())
    with django_assert_max_num_queries(4):
        decisions = decide_many(world.users["larare"], children, What.IDENTITY, Action.LIST)
    assert sum(d.allowed for d in decisions.values()) == 2
