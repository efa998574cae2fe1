"""The copy of everything about one person (GDPR art. 15(3) and 20): JSON and PDF, and an inventory that
no model reaching the person can escape (G34)."""

from __future__ import annotations

import io
import json

from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.helpers import login_verified
from utvei.accounts.models import User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Person
from utvei.privacy import selectors
from utvei.privacy.inventory import EXEMPT, EXPORTED


def _models_reaching_person() -> dict[str, str]:
    """Follow foreign keys (and one-to-one keys) back from Person until no new model joins."""
    reached: dict[str, str] = {Person._meta.label: "pk"}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            label = model._meta.label
            if label in reached:
                continue
            for f in model._meta.get_fields():
                related = getattr(f, "related_model", None)
                if isinstance(f, models.ForeignKey) and related is not None and related._meta.label in reached:
                    reached[label] = f.name
                    grew = True
                    break
    return reached


def test_every_model_that_reaches_the_person_is_exported_or_exempt_with_a_reason() -> None:
    exported = {spec.label for spec in EXPORTED}
    assert not exported & set(EXEMPT), "a model is both exported and exempt"
    unclassified = set(_models_reaching_person()) - exported - set(EXEMPT)
    assert unclassified == set(), f"models with personal data that the copy neither exports nor exempts: {unclassified}"
    assert all(len(reason) > 60 for reason in EXEMPT.values())


def test_every_exported_path_reaches_the_person_and_the_owner(db: None) -> None:
    for spec in EXPORTED:
        model = apps.get_model(spec.label)
        # Building the query checks both paths against the model's fields; a wrong path raises here.
        str(model.objects.filter(**{spec.person_path: 1, f"{spec.owner_path}__in": [1]}).query)


def _jonas() -> Case:
    return Case.objects.select_related("person").get(person__given_name="Jonas")


def test_the_copy_holds_the_coordinators_own_records_and_names_who_holds_the_rest(demo: dict[str, User]) -> None:
    copy = selectors.person_data_copy(actor=demo["koordinator"], case_id=_jonas().pk, language="en")
    sections = {s.label: s for s in copy.sections}
    assert {"cases.Person", "cases.Case", "cases.TeamMember", "contacts.Conversation", "sharing.Consent"} <= set(
        sections
    )
    [person] = sections["cases.Person"].rows
    assert person["national_id"] == _jonas().person.national_id and person["address"].startswith("Eksempelveien")
    assert sections["cases.Case"].rows[0]["referral_reason"].startswith("Tok selv kontakt")
    # Staff identities are left out of every row.
    assert all("created_by" not in row and "recorded_by" not in row for s in copy.sections for row in s.rows)
    assert all(row["organisation"] for row in sections["cases.TeamMember"].rows)
    owners = {h.organisation for h in copy.held_elsewhere}
    assert "Demo kommune" not in owners
    assert copy.access_log.accesses and copy.retention


def test_other_organisations_records_are_counted_not_copied(demo: dict[str, User]) -> None:
    copy = selectors.person_data_copy(actor=demo["saksbehandler"], case_id=_jonas().pk, language="en")
    copied = sum(len(s.rows) for s in copy.sections)
    from utvei.privacy.inventory import EXPORTED as specs

    total = sum(apps.get_model(s.label).objects.filter(**{s.person_path: _jonas().person_id}).count() for s in specs)
    assert copied + sum(h.count for h in copy.held_elsewhere) == total


def test_the_json_copy_is_audited_as_an_export(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["koordinator"])
    response = client.get(reverse("privacy:data_copy_json", kwargs={"case_id": _jonas().pk}))
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["person"] == "Jonas Berg"
    assert document["records"]["cases.Person"][0]["given_name"] == "Jonas"
    assert {"access_log", "disclosures", "retention", "held_by_other_organisations"} <= set(document)
    entry = AuditEntry.objects.filter(actor=demo["koordinator"], event=AuditEvent.EXPORT).latest("seq")
    assert entry.target_type == "privacy.PersonDataCopy" and entry.person_id == _jonas().person_id
    assert "Jonas" not in str(entry.changed_fields)


def test_the_pdf_copy_holds_the_words_as_recorded(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["koordinator"])
    response = client.get(reverse("privacy:data_copy_pdf", kwargs={"case_id": _jonas().pk}), {"lang": "nb"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Jonas" in text and "aldri med vanlig post" in text
