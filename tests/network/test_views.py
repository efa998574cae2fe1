"""The network pages over HTTP on the demo world: the map, ties, contacts, snapshots, comparison and the PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import User
from utvei.cases.models import Case
from utvei.cases.rules import revealing_words
from utvei.network import services
from utvei.network.drawing import NodeState
from utvei.network.models import (
    ContactPermission,
    NetworkNode,
    NetworkSnapshot,
    NodeContact,
    Valence,
)
from utvei.network.services import NodeInput

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _case1() -> Case:
    return Case.objects.order_by("pk").first()  # type: ignore[return-value]


def test_the_demo_network_shifts_from_risk_ties_to_supportive_ties(demo: dict[str, User]) -> None:
    snapshots = list(NetworkSnapshot.objects.filter(case=_case1()))
    assert len(snapshots) >= 3
    assert len({s.taken_on for s in snapshots}) == len(snapshots)

    def count(snapshot: NetworkSnapshot, valence: str) -> int:
        return sum(1 for n in snapshot.nodes if NodeState.from_dict(n).valence == valence)

    first, last = snapshots[0], snapshots[-1]
    assert count(first, Valence.RISK) > count(last, Valence.RISK)
    assert count(first, Valence.SUPPORTIVE) < count(last, Valence.SUPPORTIVE)
    inner_risk = [n for n in first.nodes if n["valence"] == Valence.RISK and n["closeness"] == "intimate"]
    assert inner_risk, "the first map has risk ties in the innermost ring"


def test_the_comparison_page_says_what_changed_in_the_demo(demo: dict[str, User]) -> None:
    response = _client(demo["koordinator"]).get(reverse("network:compare", kwargs={"case_id": _case1().pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-change="added"' in page and 'data-change="removed"' in page and 'data-change="valence"' in page
    assert "Added: Kjæreste (S.)" in page
    assert "No longer in the network: Lukket chattegruppe" in page
    assert page.count('data-drawing="ecomap"') == 2


def test_the_map_page_shows_the_drawing_table_and_indicators(demo: dict[str, User]) -> None:
    response = _client(demo["koordinator"]).get(reverse("network:map", kwargs={"case_id": _case1().pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page and 'data-drawing="indicators"' in page
    assert 'data-table="ties"' in page and 'data-table="indicators"' in page
    live = NetworkNode.objects.filter(case=_case1(), ended_on__isnull=True).count()
    assert page.count("<g data-node=") == live
    assert "Støtteperson på oppfølgingsmøtene" in page  # the tie's role in the plan


def test_a_consent_recipient_sees_the_map_and_a_mentor_does_not(demo: dict[str, User]) -> None:
    url = reverse("network:map", kwargs={"case_id": _case1().pk})
    assert _client(demo["nav"]).get(url).status_code == 200
    assert _client(demo["mentor"]).get(url).status_code == 404


def test_the_case_page_links_to_the_network_for_those_who_see_it(demo: dict[str, User]) -> None:
    url = reverse("cases:tab", kwargs={"case_id": _case1().pk, "tab": "network"})
    link = reverse("network:map", kwargs={"case_id": _case1().pk})
    assert link in _client(demo["koordinator"]).get(url).content.decode()
    assert _client(demo["mentor"]).get(url).status_code == 404
    overview = reverse("cases:detail", kwargs={"case_id": _case1().pk})
    assert url in _client(demo["koordinator"]).get(overview).content.decode()
    assert url not in _client(demo["mentor"]).get(overview).content.decode()


def test_adding_a_tie_over_http(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    url = reverse("network:node_new", kwargs={"case_id": _case1().pk})
    assert client.get(url).status_code == 200
    data = {
        "label": "Nabo (E)",
        "kind": "person",
        "formality": "informal",
        "relation": "friend",
        "closeness": "available",
        "valence": "supportive",
        "risk_nature": "",
        "assessed_on": timezone.localdate().isoformat(),
        "source": "person",
        "contact_permission": "via_person",
        "informed": "to_inform",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert "Nabo (E)" in {n.label for n in NetworkNode.objects.all()}  # the label is encrypted


def test_an_invalid_tie_is_shown_again_with_errors_and_nothing_is_stored(demo: dict[str, User]) -> None:
    before = NetworkNode.objects.count()
    url = reverse("network:node_new", kwargs={"case_id": _case1().pk})
    response = _client(demo["koordinator"]).post(
        url,
        {
            "label": "Fetter",
            "kind": "person",
            "formality": "informal",
            "relation": "family",
            "closeness": "intimate",
            "valence": "risk",
            "assessed_on": timezone.localdate().isoformat(),
            "source": "person",
            "contact_permission": "may_contact",
            "informed": "not_assessed",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "ds-error-summary" in page and "For a risk tie, choose the nature of the risk." in page
    assert NetworkNode.objects.count() == before


def test_a_contact_without_permission_is_refused_with_a_clear_message(demo: dict[str, User]) -> None:
    node = NetworkNode.objects.filter(contact_permission=ContactPermission.VIA_PERSON).first()
    assert node is not None
    client = _client(demo["koordinator"])
    response = client.post(
        reverse("network:node_contact", kwargs={"node_id": node.pk}),
        {"contacted_on": timezone.localdate().isoformat(), "purpose": "Ringte"},
        follow=True,
    )
    assert "only through the person" in response.content.decode()
    assert not NodeContact.objects.filter(node=node).exists()


def test_a_snapshot_over_http(demo: dict[str, User]) -> None:
    client = _client(demo["koordinator"])
    url = reverse("network:snapshot_new", kwargs={"case_id": _case1().pk})
    before = NetworkSnapshot.objects.count()
    assert client.post(url, {"reason": "", "taken_on": ""}).status_code == 422
    assert NetworkSnapshot.objects.count() == before
    response = client.post(url, {"reason": "plan_review", "taken_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert NetworkSnapshot.objects.count() == before + 1


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_r23_r27_the_pdf_leaves_out_risk_ties_and_reveals_nothing(demo: dict[str, User]) -> None:
    response = _client(demo["koordinator"]).get(reverse("network:map_pdf", kwargs={"case_id": _case1().pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Mor" in text and "Mentor" in text
    risky = NetworkNode.objects.filter(case=_case1(), ended_on__isnull=True, valence=Valence.RISK)
    assert risky.exists()
    for node in risky:
        assert node.label not in text
    assert "Risk" not in text
    assert revealing_words(text) == []


def test_r27_a_revealing_label_stops_the_export_with_a_message(demo: dict[str, User]) -> None:
    actor = demo["koordinator"]
    services.node_create(
        actor=actor,
        case_id=_case1().pk,
        data=NodeInput(
            kind="organisation",
            label="Exit-gruppe",
            formality="formal",
            relation="service",
            closeness="available",
            valence="supportive",
            source="professional",
        ),
        on=timezone.localdate() - timedelta(days=1),
    )
    response = _client(actor).get(reverse("network:map_pdf", kwargs={"case_id": _case1().pk}), follow=True)
    assert response.redirect_chain and "would show others what the work is about" in response.content.decode()


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
