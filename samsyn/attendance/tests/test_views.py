"""The attendance pages: who sees what (and the log), the chart's table, filters, sorting,
pagination, recording a duty, an investigation and the monthly report."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.access.policy import Action, What
from samsyn.attendance.followup_models import (
    AbsenceInvestigation,
    AbsenceSignal,
    GuardianNotification,
    InvestigationStatus,
)
from samsyn.attendance.signalling import signals_refresh
from samsyn.attendance.testing.storage import store_days
from samsyn.attendance.tests.followup_helpers import attendance_days, pupil_at, signals_world
from samsyn.audit.models import AccessLogEntry, Ground
from samsyn.testing.factories import barnteam_for, consent_for
from samsyn.testing.world import World

NO_CHILD_USERS = ["analytiker", "admin"]


@pytest.fixture
def signals(world: World) -> World:
    return signals_world(world)


def client_for(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _names(html: str) -> list[str]:
    """The pupils' names in the signal table, in order."""
    return re.findall(r'<th scope="row"><a href="/narvaro/barn/[^"]+/">([^<]+)</a>', html)


# --- A pupil's attendance -------------------------------------------------------------------


def test_pupil__principal__page_logged_with_own_unit(signals: World) -> None:
    child = signals.children["pupil"]
    response = client_for(signals, "rektor").get(
        reverse("attendance:pupil", args=[child.public_id])
    )
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get(
        user=signals.users["rektor"], child=child, what=What.ATTENDANCE
    )
    assert (entry.action, entry.allowed, entry.ground) == (Action.VIEW, True, Ground.NAMED_CONTACT)
    html = response.content.decode()
    assert 'role="img"' in html and 'aria-labelledby="chart-title chart-desc"' in html
    assert "Level 3" in html or "Nivå 3" in html


def test_pupil__teacher_and_student_health__own_unit(signals: World) -> None:
    child = signals.children["pupil"]
    for username in ("larare", "kurator"):
        response = client_for(signals, username).get(
            reverse("attendance:pupil", args=[child.public_id])
        )
        assert response.status_code == 200
        entry = AccessLogEntry.objects.get(user=signals.users[username], child=child)
        assert (entry.what, entry.allowed, entry.ground) == (
            What.ATTENDANCE,
            True,
            Ground.OWN_UNIT,
        )


@pytest.mark.parametrize("username", ["annan_rektor", "bup", "socialsekreterare", *NO_CHILD_USERS])
def test_pupil__no_ground__404_and_the_refusal_logged(signals: World, username: str) -> None:
    child = signals.children["pupil"]
    response = client_for(signals, username).get(
        reverse("attendance:pupil", args=[child.public_id])
    )
    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user=signals.users[username], child=child)
    assert (entry.what, entry.action, entry.allowed) == (What.ATTENDANCE, Action.VIEW, False)


def test_pupil__team_member_under_consent_with_school_information__may_view(
    signals: World,
) -> None:
    child = signals.children["pupil"]
    bup, school = signals.units["bup"], signals.units["school"]
    barnteam_for(child, signals.users["rektor"], school, [(signals.users["bup"], bup)])
    consent_for(child, [school, bup], purposes=("barnteam",))
    response = client_for(signals, "bup").get(reverse("attendance:pupil", args=[child.public_id]))
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get(user=signals.users["bup"], child=child)
    assert (entry.allowed, entry.ground) == (True, Ground.TEAM_CONSENT)


def test_pupil__unknown_child__404(signals: World) -> None:
    import uuid

    response = client_for(signals, "rektor").get(reverse("attendance:pupil", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_pupil__chart_table__weekly_shares_of_scheduled_time(world: World) -> None:
    child = pupil_at(world, "school", 5, "Vera", "Vecka")
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 14)
    minutes = [(60, 0), (0, 90), (0, 0), (0, 0), (30, 15)]
    store_days(
        dict(
            child=child,
            date=monday + dt.timedelta(days=n),
            scheduled_minutes=300,
            attendance_minutes=300 - valid - invalid,
            valid_absence_minutes=valid,
            invalid_absence_minutes=invalid,
            other_attendance_minutes=0,
            lesson_count=5,
        )
        for n, (valid, invalid) in enumerate(minutes)
    )
    response = client_for(world, "rektor").get(reverse("attendance:pupil", args=[child.public_id]))
    html = response.content.decode()
    year, week, _ = monday.isocalendar()
    # 90 of 1500 valid = 6.0 %, 105 of 1500 unexcused = 7.0 %, 13.0 % together.
    row = re.search(rf"{week}, {year}</th>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="numeric nowrap">([^<]+)</td>', row.group(1))
    assert cells == ["25", "6,0 %", "7,0 %", "13,0 %"]
    # One bar pair in the chart: valid and unexcused stacked.
    assert html.count('class="chart-valid" x=') == 1
    assert html.count('class="chart-invalid-bar" x=') == 1


# --- The child overview's panel -------------------------------------------------------------


def test_child_overview__panel_links_to_attendance_only_with_data(signals: World) -> None:
    client = client_for(signals, "rektor")
    pupil = signals.children["pupil"]
    html = client.get(reverse("children:detail", args=[pupil.public_id])).content.decode()
    assert reverse("attendance:pupil", args=[pupil.public_id]) in html
    assert AccessLogEntry.objects.filter(
        child=pupil, what=What.ATTENDANCE, action=Action.LIST, allowed=True
    ).exists()
    protected = signals.children["protected_pupil"]
    html = client.get(reverse("children:detail", args=[protected.public_id])).content.decode()
    assert reverse("attendance:pupil", args=[protected.public_id]) not in html
    assert not AccessLogEntry.objects.filter(child=protected, what=What.ATTENDANCE).exists()


# --- A school's signals ---------------------------------------------------------------------


def test_signals__principal__own_school_only__each_listed_child_logged(
    signals: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):  # more rows, the same queries
        attendance_days(pupil_at(signals, "school", 8, f"Extra{n}", "Elev"), valid=200)
    signals_refresh(as_of=timezone.localdate())
    client = client_for(signals, "rektor")
    with django_assert_max_num_queries(40):
        response = client.get(reverse("attendance:signals"))
    assert response.status_code == 200
    names = _names(response.content.decode())
    assert {"Alva Berg", "Lisa Låg", "Maja Mitt"} <= set(names)
    assert len(names) == 8
    listed = set(
        AccessLogEntry.objects.filter(
            user=signals.users["rektor"], what=What.IDENTITY, action=Action.LIST
        ).values_list("child_id", flat=True)
    )
    assert {signals.children[k].pk for k in ("pupil", "low", "mid")} <= listed
    assert len(listed) == 8


def test_signals__student_health_team_sees_the_school(signals: World) -> None:
    response = client_for(signals, "kurator").get(reverse("attendance:signals"))
    assert response.status_code == 200
    assert len(_names(response.content.decode())) == 3


@pytest.mark.parametrize("username", [*NO_CHILD_USERS, "bup", "forskolechef"])
@pytest.mark.parametrize(
    "url_name", ["attendance:signals", "attendance:duties", "attendance:investigations"]
)
def test_lists__users_without_a_school__404(signals: World, username: str, url_name: str) -> None:
    response = client_for(signals, username).get(reverse(url_name))
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(user=signals.users[username]).exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"niva": "1"}, ["Lisa Låg"]),
        ({"niva": "3"}, ["Alva Berg"]),
        ({"arskurs": "7"}, ["Maja Mitt"]),
        ({"arskurs": "4"}, ["Alva Berg", "Lisa Låg"]),
        ({"indikator": "absence_share"}, ["Alva Berg", "Maja Mitt", "Lisa Låg"]),
        ({"indikator": "long_absence"}, []),
        ({"niva": "2", "arskurs": "4"}, []),
    ],
)
def test_signals__filters(signals: World, query: dict[str, str], expected: list[str]) -> None:
    response = client_for(signals, "rektor").get(reverse("attendance:signals"), query)
    assert response.status_code == 200
    assert _names(response.content.decode()) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("", ["Alva Berg", "Maja Mitt", "Lisa Låg"]),
        ("-niva", ["Alva Berg", "Maja Mitt", "Lisa Låg"]),
        ("niva", ["Lisa Låg", "Maja Mitt", "Alva Berg"]),
        ("namn", ["Alva Berg", "Lisa Låg", "Maja Mitt"]),
        ("-namn", ["Maja Mitt", "Lisa Låg", "Alva Berg"]),
        ("-arskurs", ["Maja Mitt", "Alva Berg", "Lisa Låg"]),
        ("nonsense", ["Alva Berg", "Maja Mitt", "Lisa Låg"]),
    ],
)
def test_signals__sorting(signals: World, ordering: str, expected: list[str]) -> None:
    response = client_for(signals, "rektor").get(
        reverse("attendance:signals"), {"ordning": ordering}
    )
    html = response.content.decode()
    assert _names(html) == expected
    assert "aria-sort=" in html


def test_signals__sorted_column_link_turns_the_order(signals: World) -> None:
    html = (
        client_for(signals, "rektor")
        .get(reverse("attendance:signals"), {"ordning": "namn", "niva": ""})
        .content.decode()
    )
    assert 'aria-sort="ascending"' in html
    assert "ordning=-namn" in html


def test_signals__pagination(signals: World, settings: Any) -> None:
    settings.SAMSYN = {**settings.SAMSYN, "PAGE_SIZE": 2}
    client = client_for(signals, "rektor")
    first = client.get(reverse("attendance:signals"), {"ordning": "namn"}).content.decode()
    assert _names(first) == ["Alva Berg", "Lisa Låg"]
    assert "sida=2" in first
    second = client.get(
        reverse("attendance:signals"), {"ordning": "namn", "sida": "2"}
    ).content.decode()
    assert _names(second) == ["Maja Mitt"]
    # Only the children on the page shown are logged.
    logged = AccessLogEntry.objects.filter(user=signals.users["rektor"], action=Action.LIST)
    assert logged.count() == 3


# --- Today's guardian notification duties ---------------------------------------------------


def _duty_post(notification: GuardianNotification, **overrides: str) -> dict[str, str]:
    now = timezone.localtime()
    prefix = f"d{notification.pk}"
    data = {
        f"{prefix}-method": "phone",
        f"{prefix}-on_date": now.date().isoformat(),
        f"{prefix}-at_time": now.strftime("%H:%M"),
        f"{prefix}-note": "Pratade med mamma.",
    }
    data.update({f"{prefix}-{k}": v for k, v in overrides.items()})
    return data


def test_duties__principal_records_how_and_when_the_guardians_were_told(signals: World) -> None:
    client = client_for(signals, "rektor")
    pupil = signals.children["pupil"]
    notification = GuardianNotification.objects.get(child=pupil)
    html = client.get(reverse("attendance:duties")).content.decode()
    assert "Alva Berg" in html
    assert f'name="d{notification.pk}-method"' in html
    response = client.post(
        reverse("attendance:duty_record", args=[notification.public_id]), _duty_post(notification)
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.done and notification.method == "phone"
    assert notification.notified_by == signals.users["rektor"]
    assert notification.note == "Pratade med mamma."
    assert AccessLogEntry.objects.filter(
        child=pupil, what=What.ATTENDANCE, action=Action.CHANGE, allowed=True
    ).exists()
    html = client.get(reverse("attendance:duties")).content.decode()
    assert f'name="d{notification.pk}-method"' not in html
    assert "Alva Berg" in html  # in the list of today's done


def test_duties__older_undone_duty_listed_after_today(signals: World) -> None:
    low = signals.children["low"]
    GuardianNotification.objects.create(
        child=low,
        unit=signals.units["school"],
        date=timezone.localdate() - dt.timedelta(days=3),
        invalid_minutes=40,
    )
    html = client_for(signals, "rektor").get(reverse("attendance:duties")).content.decode()
    assert html.index("Alva Berg") < html.index("Lisa Låg")


def test_duties__missing_method__error_on_the_field(signals: World) -> None:
    notification = GuardianNotification.objects.get(child=signals.children["pupil"])
    response = client_for(signals, "rektor").post(
        reverse("attendance:duty_record", args=[notification.public_id]),
        _duty_post(notification, method=""),
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    notification.refresh_from_db()
    assert not notification.done


def test_duties__other_school__404(signals: World) -> None:
    notification = GuardianNotification.objects.get(child=signals.children["pupil"])
    response = client_for(signals, "annan_rektor").post(
        reverse("attendance:duty_record", args=[notification.public_id]), _duty_post(notification)
    )
    assert response.status_code == 404
    notification.refresh_from_db()
    assert not notification.done


# --- Investigations -------------------------------------------------------------------------


def test_investigations__open_first(signals: World) -> None:
    closed = AbsenceInvestigation.objects.get(child=signals.children["mid"])
    closed.status = InvestigationStatus.CLOSED
    closed.closed_on = timezone.localdate()
    closed.save()
    html = client_for(signals, "rektor").get(reverse("attendance:investigations")).content.decode()
    assert html.index("Alva Berg") < html.index("Maja Mitt")
    assert "Andreas" not in html  # the other school's


def test_investigation__update_and_close(signals: World) -> None:
    pupil = signals.children["pupil"]
    investigation = AbsenceInvestigation.objects.get(child=pupil)
    client = client_for(signals, "rektor")
    url = reverse("attendance:investigation", args=[investigation.public_id])
    html = client.get(url).content.decode()
    assert reverse("concerns:new") in html
    assert reverse("teams:convene", args=[pupil.public_id]) in html  # the Barnkontakt
    data = {
        "investigator": str(signals.users["kurator"].pk),
        "with_whom": ["pupil", "guardians"],
        "participants": "Klassläraren",
        "findings": "Oro för skolarbetet.",
        "measures": "",
        "action": "close",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # closing needs the measures
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.OPEN
    data["measures"] = "Anpassad studiegång."
    data["action"] = "save"
    assert client.post(url, data).status_code == 302
    investigation.refresh_from_db()
    assert investigation.findings == "Oro för skolarbetet."
    assert investigation.investigator == signals.users["kurator"]
    assert (investigation.with_pupil, investigation.with_guardians) == (True, True)
    assert not investigation.with_student_health
    data["action"] = "close"
    assert client.post(url, data).status_code == 302
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.CLOSED
    assert investigation.closed_on == timezone.localdate()
    html = client.get(url).content.decode()
    assert 'name="findings"' not in html  # no form once closed


def test_investigation__investigator_from_another_school__refused(signals: World) -> None:
    investigation = AbsenceInvestigation.objects.get(child=signals.children["pupil"])
    url = reverse("attendance:investigation", args=[investigation.public_id])
    response = client_for(signals, "rektor").post(
        url, {"investigator": str(signals.users["annan_larare"].pk), "action": "save"}
    )
    assert response.status_code == 200
    investigation.refresh_from_db()
    assert investigation.investigator is None


def test_investigation__other_school__404_and_logged(signals: World) -> None:
    investigation = AbsenceInvestigation.objects.get(child=signals.children["pupil"])
    url = reverse("attendance:investigation", args=[investigation.public_id])
    client = client_for(signals, "annan_rektor")
    assert client.get(url).status_code == 404
    assert client.post(url, {"findings": "x", "action": "save"}).status_code == 404
    refusals = AccessLogEntry.objects.filter(
        user=signals.users["annan_rektor"], what=What.ATTENDANCE, allowed=False
    )
    assert set(refusals.values_list("action", flat=True)) == {Action.VIEW, Action.CHANGE}
    investigation.refresh_from_db()
    assert investigation.findings == ""


def test_investigation__linked_to_the_pupils_concern(signals: World) -> None:
    from samsyn.concerns.tests.helpers import concern_by

    concern = concern_by(signals, "larare", "pupil")
    investigation = AbsenceInvestigation.objects.get(child=signals.children["pupil"])
    url = reverse("attendance:investigation", args=[investigation.public_id])
    response = client_for(signals, "rektor").post(
        url, {"concern": str(concern.pk), "action": "link"}
    )
    assert response.status_code == 302
    investigation.refresh_from_db()
    assert investigation.concern == concern


# --- The monthly report ---------------------------------------------------------------------


def _investigation(world: World, unit: str, opened: str, closed: str | None = None) -> None:
    child = pupil_at(world, unit, 6, "Test", opened)
    AbsenceInvestigation.objects.create(
        child=child,
        unit=world.units[unit],
        opened_on=dt.date.fromisoformat(opened),
        status=InvestigationStatus.CLOSED if closed else InvestigationStatus.OPEN,
        closed_on=dt.date.fromisoformat(closed) if closed else None,
    )


@pytest.fixture
def march(world: World) -> World:
    _investigation(world, "school", "2025-03-05")  # opened, open at the end
    _investigation(world, "school", "2025-02-01", "2025-03-10")  # closed
    _investigation(world, "school", "2025-01-15")  # open at the end, long
    _investigation(world, "school", "2025-03-20", "2025-03-25")  # opened and closed
    _investigation(world, "school", "2025-02-10", "2025-04-02")  # open at the end, long
    _investigation(world, "school", "2025-04-01")  # after the month
    _investigation(world, "school", "2024-12-01", "2025-02-27")  # before the month
    _investigation(world, "other_school", "2025-03-03")  # another principal's
    return world


def test_report__counts_per_school(march: World) -> None:
    response = client_for(march, "rektor").get(reverse("attendance:report"), {"manad": "2025-03"})
    assert response.status_code == 200
    html = response.content.decode()
    cells = re.findall(
        r'<th scope="row">Norrskolan</th>((?:<td class="numeric">\d+</td>)+)</tr>', html
    )
    assert cells
    assert re.findall(r">(\d+)<", cells[0]) == ["2", "2", "3", "2"]
    assert "Söderskolan" not in html
    assert not AccessLogEntry.objects.exists()  # counts only: no child read


def test_report__csv(march: World) -> None:
    response = client_for(march, "rektor").get(
        reverse("attendance:report"), {"manad": "2025-03", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("2025-03;Norrskolan;")
    assert lines[1].endswith(";2;2;3;2")


def test_report__bad_month__error(march: World) -> None:
    response = client_for(march, "rektor").get(reverse("attendance:report"), {"manad": "2025-13"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("username", ["larare", "kurator", "annan_larare", *NO_CHILD_USERS])
def test_report__not_a_school_lead__404(march: World, username: str) -> None:
    assert client_for(march, username).get(reverse("attendance:report")).status_code == 404


# --- The menu -------------------------------------------------------------------------------


def test_menu__school_staff_get_the_attendance_items(signals: World) -> None:
    signals_url = reverse("attendance:signals")
    for username in ("rektor", "larare", "kurator"):
        html = client_for(signals, username).get(reverse("children:search")).content.decode()
        assert signals_url in html, username
        assert reverse("attendance:duties") in html
    for username in ("bup", "socialsekreterare"):
        html = client_for(signals, username).get(reverse("children:search")).content.decode()
        assert signals_url not in html, username


def test_signal_rows__match_the_database(signals: World) -> None:
    levels = dict(
        AbsenceSignal.objects.filter(closed_on__isnull=True).values_list(
            "child__first_name", "level"
        )
    )
    assert levels == {
        "Alva": 3,
        "Lisa": 1,
        "Maja": 2,
        signals.children["other_pupil"].first_name: 3,
    }
