"""The analyst never sees an individual child: a 404 on every page and API route that shows one.

Pages and routes about one child or one of its records answer 404, exactly as for something that
does not exist (and the refused attempt is logged for the log reviewer). Lists and worklists
("my children", "concerns to answer" …) show the analyst no child at all: an explanation, or an
empty list.

The demo municipality is loaded so that every kind of object exists (a child, a concern, a report
of concern, a consultation, a consent, a Barnteam with a meeting, a plan with a follow-up, a
handover). Every URL pattern of the project is then called as the analyst with real identifiers
filled in — no list is kept by hand, so a new page is covered the day it is added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from samsyn.accounts.models import User
from samsyn.children.models import Child, Handover
from samsyn.concerns.models import Concern, Consultation, ReportOfConcern
from samsyn.consent.models import Consent
from samsyn.plans.models import FollowUp, Plan
from samsyn.teams.models import Barnteam, Meeting

pytestmark = pytest.mark.django_db

# Pages that show no individual (the analyst may open them or is sent elsewhere).
NOT_ABOUT_A_CHILD = {
    "",
    "i18n/setlang/",
    "konto/logga-in/",
    "konto/logga-ut/",
    "api/v1/openapi.json",
    "api/v1/docs",
    "api/v1/me",
    "api/v1/",
    "api/v1/interventions/catalogue",
}
NOT_ABOUT_A_CHILD_PREFIXES = ("admin/", "statistik/", "api/v1/statistics/")
# Required query parameters, so that the route itself answers and not its validation.
QUERIES = {"api/v1/plans/<plan_id>/versions/compare": "?before=1&after=1"}


def _patterns(patterns: list, prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _ids() -> dict[str, str]:
    """The identifier to put in each kind of path, by the path's start."""
    plan = Plan.objects.get(kind="sip")
    team = Barnteam.objects.get(child=plan.child)
    meeting = Meeting.objects.filter(team=team).order_by("starts_at").first()
    assert meeting is not None
    concern = Concern.objects.order_by("pk").first()
    assert concern is not None
    return {
        "child": str(plan.child.public_id),
        "concern": str(concern.public_id),
        "report": str(ReportOfConcern.objects.get().public_id),
        "consultation": str(Consultation.objects.get().public_id),
        "consent": str(Consent.objects.filter(child=plan.child).first().public_id),  # type: ignore[union-attr]
        "team": str(team.public_id),
        "meeting": str(meeting.public_id),
        "plan": str(plan.public_id),
        "follow_up": str(FollowUp.objects.filter(plan=plan).first().public_id),  # type: ignore[union-attr]
        "handover": str(Handover.objects.order_by("pk").first().pk),  # type: ignore[union-attr]
        "member": str(team.members.order_by("pk").first().pk),  # type: ignore[union-attr]
        "invitation": str(meeting.invitations.order_by("pk").first().pk),  # type: ignore[union-attr]
        "number": "1",
        **_attendance_ids(plan.child),
    }


def _attendance_ids(child: Child) -> dict[str, str]:
    """A guardian-notification duty and an absence investigation about ``child``."""
    from django.utils import timezone

    from samsyn.attendance.models import AbsenceInvestigation, GuardianNotification
    from samsyn.children.models import Enrolment

    school = Enrolment.objects.filter(child=child, kind="school").first()
    assert school is not None
    today = timezone.localdate()
    duty = GuardianNotification.objects.create(
        child=child, unit=school.unit, date=today, invalid_minutes=40
    )
    investigation = AbsenceInvestigation.objects.create(
        child=child, unit=school.unit, opened_on=today
    )
    return {"notification": str(duty.public_id), "investigation": str(investigation.public_id)}


# Which object a path parameter names, by the words before it.
_UI_KINDS = [
    (r"^oro/anmalan/", "report"),
    (r"^oro/konsultationer/", "consultation"),
    (r"^oro/", "concern"),
    (r"^samtycke/barn/", "child"),
    (r"^samtycke/", "consent"),
    (r"^barnteam/barn/", "child"),
    (r"^barnteam/mote/", "meeting"),
    (r"^barnteam/", "team"),
    (r"^plan/barn/", "child"),
    (r"^plan/uppfoljning/", "follow_up"),
    (r"^plan/", "plan"),
    (r"^(barn|logg/barn)/", "child"),
    (r"^narvaro/barn/", "child"),
    (r"^narvaro/vardnadshavare/", "notification"),
    (r"^narvaro/utredningar/", "investigation"),
    (r"^narvaro/import/", "child"),  # an import's number (int); the analyst has none
]
_API_PARAMS = {
    "child_id": "child",
    "concern_id": "concern",
    "report_id": "report",
    "consultation_id": "consultation",
    "consent_id": "consent",
    "team_id": "team",
    "meeting_id": "meeting",
    "plan_id": "plan",
    "follow_up_id": "follow_up",
    "handover_id": "handover",
    "member_id": "member",
    "invitation_id": "invitation",
    "number": "number",
}


def _fill(path: str, ids: dict[str, str]) -> str:
    if path.startswith("api/"):
        return re.sub(r"<(\w+)>", lambda m: ids[_API_PARAMS[m.group(1)]], path)
    if "<" not in path:
        return path
    kind = next(k for pattern, k in _UI_KINDS if re.match(pattern, path))

    def value(m: re.Match[str]) -> str:
        converter, name = m.group(1), m.group(2)
        if converter == "int":
            return ids["member"] if name == "member_id" else ids["handover"]
        return ids[kind]

    return re.sub(r"<(\w+):(\w+)>", value, path)


def _shows_no_child(path: str) -> bool:
    return path in NOT_ABOUT_A_CHILD or path.startswith(NOT_ABOUT_A_CHILD_PREFIXES)


def test_analyst__every_page_and_api_route_about_children__404(client, settings) -> None:
    settings.DEMO_MODE = True
    call_command("demo_data", seed=1, children=150, stdout=StringIO())
    ids = _ids()
    # Every child some TSI record is about: none of them may appear anywhere.
    children = Child.objects.filter(
        pk__in=Concern.objects.values("child_id")
    ) | Child.objects.filter(public_id=ids["child"])
    secrets = [s for c in children for s in (c.full_name, c.personnummer, c.last_name)]
    analyst = User.objects.get(username="analytiker")
    client.force_login(analyst)
    checked = []
    for path in _patterns(get_resolver().url_patterns):
        if _shows_no_child(path):
            continue
        url = "/" + _fill(path, ids) + QUERIES.get(path, "")
        about_one = "<" in path
        for method in ("get", "post"):
            response = getattr(client, method)(url, content_type="application/json", data={})
            # 405 only where a route has no such method; 422 only where the API refuses the
            # (empty) body before anything is looked up. Neither says whether the child exists.
            allowed = {404, 405} | (
                {422} if url.startswith("/api/") and method == "post" else set()
            )
            if not about_one:
                allowed |= {200, 302, 403}
            assert response.status_code in allowed, (method, url, response.status_code)
            body = response.content.decode(errors="replace")
            shown = [s for s in secrets if s in body]
            assert not shown, (method, url, shown)
        checked.append(url)
    # Every page of the TSI core and the foundation was reached.
    assert len(checked) >= 80, checked
