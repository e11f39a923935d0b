"""De-identified consultation: nothing the group can see identifies the child."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from samsyn.children.models import Child, Guardianship
from samsyn.concerns import services
from samsyn.concerns.models import Consultation
from samsyn.concerns.tests.helpers import client_for, concern_by
from samsyn.testing.world import World


def _forbidden(child: Child) -> list[str]:
    pnr = child.personnummer
    guardian = Guardianship.objects.filter(child=child).select_related("guardian").first()
    assert guardian is not None
    return [
        child.first_name,
        child.last_name,
        pnr,
        pnr[2:],
        f"{pnr[:8]}-{pnr[8:]}",
        f"{pnr[2:8]}-{pnr[8:]}",
        child.birth_date.isoformat(),
        child.street_address,
        guardian.guardian.first_name,
        guardian.guardian.last_name,
        guardian.guardian.street_address,
    ]


def _assert_clean(text: str, child: Child) -> None:
    for item in _forbidden(child):
        pattern = r"(?<!\w)" + re.escape(item) + r"(?!\w)"
        assert not re.search(pattern, text, flags=re.IGNORECASE), (item, text)


def _case_text(child: Child) -> str:
    guardian = Guardianship.objects.filter(child=child).select_related("guardian").first()
    assert guardian is not None
    g = guardian.guardian
    pnr = child.personnummer
    day = child.birth_date
    return (
        f"{child.first_name} {child.last_name} ({pnr[:8]}-{pnr[8:]}, {pnr[2:8]}-{pnr[8:]}, {pnr}, "
        f"{pnr[2:]}) född {day.isoformat()} ({day:%d/%m/%Y}) bor på {child.street_address}, "
        f"{child.postal_code} {child.city} med mamma {g.first_name} {g.last_name}. "
        f"{child.first_name.upper()} går på Norrskolan och träffar Elevhälsan Norrskolan. "
        f"Brodern Kalle är orolig. {child.first_name}s lärare har märkt att hon är trött."
    )


@pytest.fixture
def consultation(world: World) -> Consultation:
    concern = concern_by(world)
    child = concern.child
    # The group's members are named so that the page cannot contain the child's names by chance.
    for username in ("kurator", "rektor"):
        world.users[username].first_name = "Grupp"
        world.users[username].last_name = "Medlem"
        world.users[username].save()
    return services.consultation_create(
        actor=world.users["rektor"],
        concern=concern,
        group_unit=world.units["student_health"],
        text=_case_text(child),
        flagged_names="Kalle",
    )


def test_consultation__record_contains_no_identifying_field(
    world: World, consultation: Consultation
) -> None:
    child = world.children["pupil"]
    visible = " ".join(
        [consultation.text, str(consultation.age_years), consultation.group_unit.name]
    )
    _assert_clean(visible, child)
    assert "[barnet]" in consultation.text
    assert "[namn]" in consultation.text
    assert "[adress]" in consultation.text
    assert "[enhet]" in consultation.text
    assert "Kalle" not in consultation.text
    assert consultation.age_years == 10


def test_consultation__group_pages_and_api_have_no_identity_and_no_link(
    world: World, consultation: Consultation
) -> None:
    child = world.children["pupil"]
    concern = consultation.concern
    client = client_for(world, "kurator")
    pages = [
        client.get(reverse("concerns:consultations")),
        client.get(reverse("concerns:consultation_detail", args=[consultation.public_id])),
        client.get("/api/v1/consultations"),
        client.get(f"/api/v1/consultations/{consultation.public_id}"),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        _assert_clean(body, child)
        assert str(child.public_id) not in body
        assert str(concern.public_id) not in body
        assert "/barn/" not in body.replace('href="/barn/mina/"', "").replace(
            'href="/barn/sok/"', ""
        )
    data = json.loads(pages[2].content)
    assert data[0]["age_years"] == 10
    assert set(data[0]) == {"id", "group", "age_years", "text", "created_at", "advice", "advice_at"}


def test_consultation__advice_returns_to_the_barnkontakt(
    world: World, consultation: Consultation
) -> None:
    client = client_for(world, "kurator")
    response = client.post(
        reverse("concerns:consultation_detail", args=[consultation.public_id]),
        {"advice": "Bjud in till samtal med vårdnadshavarna."},
    )
    assert response.status_code == 302
    html = client_for(world, "rektor").get(
        reverse("concerns:detail", args=[consultation.concern.public_id])
    )
    assert "Bjud in till samtal med vårdnadshavarna." in html.content.decode()


@pytest.mark.parametrize("username", ["larare", "socialsekreterare", "polis"])
def test_consultation__not_in_the_group__404(
    world: World, consultation: Consultation, username: str
) -> None:
    client = client_for(world, username)
    url = reverse("concerns:consultation_detail", args=[consultation.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"advice": "x"}).status_code == 404
    assert client.get(f"/api/v1/consultations/{consultation.public_id}").status_code == 404


def test_consultation_new__only_the_barnkontakt(world: World) -> None:
    concern = concern_by(world)
    url = reverse("concerns:consultation_new", args=[concern.public_id])
    assert client_for(world, "larare").get(url).status_code == 404
    assert client_for(world, "larare").post(url, {"text": "x"}).status_code == 404
    assert client_for(world, "rektor").get(url).status_code == 200
    response = client_for(world, "rektor").post(
        url,
        {
            "group_unit": str(world.units["student_health"].pk),
            "text": f"{concern.child.first_name} är ledsen.",
            "flagged_names": "",
        },
    )
    assert response.status_code == 302
    assert Consultation.objects.get().text == "[barnet] är ledsen."
