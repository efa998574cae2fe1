"""Leaks the access engine closes: who is offered as a team member, what a known number reveals, refusals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.helpers import login_verified
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases import selectors, services
from utvei.cases.models import Case, Person

pytestmark = pytest.mark.django_db


def _jonas() -> Case:
    return Case.objects.get(person__given_name="Jonas")


def test_the_team_picker_offers_the_case_organisation_and_its_partners_never_another_municipality(
    demo: dict[str, User],
) -> None:
    choices = selectors.team_candidates(actor=demo["koordinator"], case_id=_jonas().pk)
    offered = {m.organisation.name for m in choices.candidates}
    assert "Nabo kommune" not in offered
    assert not any(m.user.username == "nabo" for m in choices.candidates)
    assert "Barnevernstjenesten i Demo kommune" in offered
    page = login_verified(Client(), demo["koordinator"]).get(reverse("cases:team_add", kwargs={"case_id": _jonas().pk}))
    assert page.status_code == 200 and "Nils Nabo" not in page.content.decode()


def test_a_number_registered_by_another_organisation_reveals_nothing(demo: dict[str, User]) -> None:
    jonas = _jonas().person
    neighbour = Organisation.objects.get(name="Nabo kommune")
    # The search of another municipality finds nothing, and the search itself is audited without the number.
    before = AuditEntry.objects.count()
    assert selectors.person_search(actor=demo["nabo"], national_id=jonas.national_id) == []
    [entry] = AuditEntry.objects.filter(pk__gt=0).order_by("-seq")[:1]
    assert AuditEntry.objects.count() == before + 1
    assert (entry.event, entry.changed_fields, entry.target_id) == (AuditEvent.LIST, ["national_id"], "0")
    assert jonas.national_id not in str(entry.__dict__)
    # Registering the same number there is not refused: each organisation keeps its own record.
    own = services.person_create(
        actor=demo["nabo"],
        organisation=neighbour,
        given_name="Jonas",
        family_name="Berg",
        birth_date=jonas.birth_date,
        national_id=jonas.national_id,
    )
    assert own.registered_by == neighbour and own.pk != jonas.pk
    # Within one organisation the number stays unique.
    with pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=demo["saksbehandler"],
            organisation=jonas.registered_by,
            given_name="Jonas",
            family_name="Berg",
            birth_date=jonas.birth_date,
            national_id=jonas.national_id,
        )
    assert "national_id" in refused.value.message_dict
    assert Person.objects.filter(given_name="Jonas", family_name="Berg").count() == 2


@pytest.mark.parametrize(
    ("username", "url_name", "status", "how"),
    [("admin", "cases:dashboard", 403, "http_403"), ("nabo", "cases:detail", 404, "http_404")],
)
def test_every_refusal_is_audited(demo: dict[str, User], username: str, url_name: str, status: int, how: str) -> None:
    kwargs = {"case_id": _jonas().pk} if url_name == "cases:detail" else {}
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = login_verified(Client(), demo[username]).get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == status
    denied = AuditEntry.objects.filter(seq__gt=before, actor=demo[username], event=AuditEvent.ACCESS_DENIED)
    assert [e.changed_fields for e in denied] == [[how]]


def test_a_read_names_the_categories_it_showed_and_its_grounds(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["nav"])
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    client.get(reverse("cases:tab", kwargs={"case_id": _jonas().pk, "tab": "plan"}))
    [entry] = AuditEntry.objects.filter(seq__gt=before, actor=demo["nav"])
    assert entry.event == AuditEvent.VIEW and entry.case_id == _jonas().pk
    assert "plan" in entry.categories and "tab:plan" in entry.categories
    # NAV sees the municipality's plan only because Jonas consented to it.
    assert "consent" in entry.grounds
