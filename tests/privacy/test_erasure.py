"""Erasure on request (GDPR art. 17, issue 13 item 4): filed by a case editor of the controller, decided by
another person, the data protection officer; approval anonymises the person, deletes their drafts,
destroys their data key and writes a deletion receipt without personal data (security test G18)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.helpers import FormClient, login_verified
from utvei.access import engine
from utvei.access.policy import NotFound
from utvei.accounts.models import Membership, Role, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case, Guardian, Person
from utvei.contacts.models import Conversation
from utvei.core import keystore
from utvei.core.models import Draft
from utvei.core.services import draft_save
from utvei.privacy import selectors, services
from utvei.privacy.models import (
    ArchiveAssessment,
    ErasureGround,
    ErasureRequest,
    ErasureStatus,
    RecordType,
    RetentionReceipt,
)

JUDGEMENT = "Saken ble opprettet ved en feil; ingen arkivplikt, journalføring ikke påkrevd."


def _case() -> Case:
    return Case.objects.select_related("person").get(person__given_name="Jonas")


def _file(actor: User) -> ErasureRequest:
    return services.erasure_request_file(
        actor=actor,
        case_id=_case().pk,
        ground=ErasureGround.UNLAWFUL,
        archive_assessment=ArchiveAssessment.UNLAWFUL_RECORDS,
        judgement=JUDGEMENT,
    )


def _make_officer(user: User) -> None:
    organisation = _case().responsible_organisation
    Membership.objects.create(user=user, organisation=organisation, role=Role.PRIVACY_OFFICER)
    engine.invalidate()


def test_approval_by_the_officer_erases_the_person_and_writes_a_receipt(demo: dict[str, User]) -> None:
    case = _case()
    person = case.person
    key_id, national_id = person.data_key, person.national_id
    author = demo["saksbehandler"]
    draft_save(actor=author, form_key=f"/cases/{case.pk}/conversations/new/", field="notes", text="Halvskrevet")
    draft_save(actor=author, form_key="/cases/999999/conversations/new/", field="notes", text="Annen sak")
    request = _file(demo["koordinator"])
    assert request.status == ErasureStatus.PENDING

    done = services.erasure_decide(actor=demo["personvern"], request_id=request.pk, approve=True, reason="Godkjent.")

    assert done.status == ErasureStatus.DONE and done.decided_by == demo["personvern"]
    person = Person.objects.get(pk=person.pk)
    assert person.given_name == "Anonymisert" and person.family_name == "" and person.anonymised_at is not None
    assert person.national_id_index == "" and not Guardian.objects.filter(person=person).exists()
    assert not keystore.data_key_is_live(key_id)
    with translation.override("nb"):
        assert {c.notes for c in Conversation.objects.filter(case=case)} <= {"kan ikke vises", ""}
        assert ErasureRequest.objects.get(pk=request.pk).judgement == "kan ikke vises"
    assert list(Draft.objects.values_list("form_key", flat=True)) == ["/cases/999999/conversations/new/"]
    receipt = RetentionReceipt.objects.get(record_type=RecordType.ERASURE)
    assert done.receipt == receipt and receipt.count == 1
    assert receipt.rule.record_type == RecordType.ERASURE and not receipt.rule.is_active  # never on the schedule
    receipt_text = " ".join(str(v) for v in RetentionReceipt.objects.filter(pk=receipt.pk).values().get().values())
    assert "Jonas" not in receipt_text and "Berg" not in receipt_text and national_id not in receipt_text
    assert not [f for f in RetentionReceipt._meta.concrete_fields if f.name in ("person", "case", "person_id")]
    # Both steps are audited; the entries hold ids and codes, never the person's name or number.
    assert AuditEntry.objects.filter(
        event=AuditEvent.CREATE, target_type="privacy.ErasureRequest", actor_username="koordinator"
    ).exists()
    assert AuditEntry.objects.filter(
        event=AuditEvent.UPDATE, target_type="privacy.ErasureRequest", actor_username="personvern"
    ).exists()
    assert AuditEntry.objects.filter(event=AuditEvent.DELETE, target_type="core.DataKey", target_id=key_id).exists()
    for row in AuditEntry.objects.filter(person_id=person.pk).values():
        text = " ".join(str(v) for v in row.values())
        assert "Jonas" not in text and national_id not in text


def test_the_requester_can_never_approve_their_own_request(demo: dict[str, User]) -> None:
    koordinator = demo["koordinator"]
    _make_officer(koordinator)  # also the organisation's data protection officer: still not their own
    request = _file(koordinator)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.erasure_decide(actor=koordinator, request_id=request.pk, approve=True, reason="Selv.")
    assert "Another data protection officer must decide it" in refused.value.message_dict["__all__"][0]
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureStatus.PENDING
    assert keystore.data_key_is_live(_case().person.data_key)
    # The queue shows it as awaiting another officer, not as theirs to decide.
    queue = selectors.erasure_queue(actor=koordinator)
    assert [r.pk for r in queue.filed_by_me] == [request.pk] and queue.to_decide == []
    assert [r.pk for r in selectors.erasure_queue(actor=demo["personvern"]).to_decide] == [request.pk]


def test_rejection_leaves_everything_as_it_was(demo: dict[str, User]) -> None:
    person = _case().person
    request = _file(demo["saksbehandler"])
    done = services.erasure_decide(
        actor=demo["personvern"], request_id=request.pk, approve=False, reason="Arkivplikt gjelder."
    )
    assert done.status == ErasureStatus.REJECTED and done.receipt is None
    after = Person.objects.get(pk=person.pk)
    assert (after.given_name, after.family_name, after.national_id) == (
        person.given_name,
        person.family_name,
        person.national_id,
    )
    assert after.anonymised_at is None and keystore.data_key_is_live(person.data_key)
    assert not RetentionReceipt.objects.filter(record_type=RecordType.ERASURE).exists()
    assert _case().referral_reason.startswith("Tok selv kontakt")
    # A rejected request may be followed by a new one.
    assert _file(demo["saksbehandler"]).status == ErasureStatus.PENDING


def test_deciding_twice_does_nothing_twice(demo: dict[str, User]) -> None:
    case_id = _case().pk
    request = _file(demo["koordinator"])
    services.erasure_decide(actor=demo["personvern"], request_id=request.pk, approve=True, reason="Godkjent.")
    entries = AuditEntry.objects.count()
    again = services.erasure_decide(actor=demo["personvern"], request_id=request.pk, approve=False, reason="Nei.")
    assert again.status == ErasureStatus.DONE
    assert RetentionReceipt.objects.filter(record_type=RecordType.ERASURE).count() == 1
    assert AuditEntry.objects.count() == entries  # nothing new recorded
    with pytest.raises(ValidationError):  # the person is gone: no new request can be filed
        services.erasure_request_file(
            actor=demo["koordinator"],
            case_id=case_id,
            ground=ErasureGround.UNLAWFUL,
            archive_assessment=ArchiveAssessment.NOT_ARCHIVAL,
            judgement=JUDGEMENT,
        )


def test_one_pending_request_at_a_time_and_errors_all_at_once(demo: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as errors:
        services.erasure_request_file(
            actor=demo["koordinator"], case_id=_case().pk, ground="x", archive_assessment="", judgement=" "
        )
    assert set(errors.value.message_dict) == {"ground", "archive_assessment", "judgement"}
    with pytest.raises(ValidationError) as marked:
        services.erasure_request_file(
            actor=demo["koordinator"],
            case_id=_case().pk,
            ground=ErasureGround.UNLAWFUL,
            archive_assessment=ArchiveAssessment.NOT_ARCHIVAL,
            judgement="KONFIDENSIELT notat",
        )
    assert set(marked.value.message_dict) == {"judgement"}
    assert not ErasureRequest.objects.exists()
    _file(demo["koordinator"])
    with pytest.raises(ValidationError):
        _file(demo["saksbehandler"])
    assert ErasureRequest.objects.count() == 1


@pytest.mark.parametrize("username", ["mentor", "nav", "nabo", "personvern", "admin"])
def test_others_may_not_file(demo: dict[str, User], username: str) -> None:
    with pytest.raises(NotFound):
        _file(demo[username])
    assert not ErasureRequest.objects.exists()


@pytest.mark.parametrize("username", ["mentor", "nav", "nabo", "saksbehandler", "koordinator"])
def test_only_the_controllers_officer_decides(demo: dict[str, User], username: str) -> None:
    request = _file(demo["koordinator"])
    with pytest.raises((NotFound, ValidationError)):
        services.erasure_decide(actor=demo[username], request_id=request.pk, approve=True, reason="Ja.")
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureStatus.PENDING
    assert keystore.data_key_is_live(_case().person.data_key)


def test_the_pages_file_queue_and_decide(demo: dict[str, User], django_assert_max_num_queries: object) -> None:
    case = _case()
    editor = login_verified(FormClient(), demo["koordinator"])
    log = editor.get(reverse("privacy:access_log", kwargs={"case_id": case.pk}))
    assert reverse("privacy:erasure_new", kwargs={"case_id": case.pk}) in log.content.decode()
    url = reverse("privacy:erasure_new", kwargs={"case_id": case.pk})
    with translation.override("nb"):
        empty = editor.post(url, {}, HTTP_ACCEPT_LANGUAGE="nb")
    assert empty.status_code == 422 and not ErasureRequest.objects.exists()
    filed = editor.post(
        url,
        {
            "ground": ErasureGround.UNLAWFUL,
            "archive_assessment": ArchiveAssessment.NOT_ARCHIVAL,
            "judgement": JUDGEMENT,
        },
    )
    assert filed.status_code == 303
    request = ErasureRequest.objects.get()

    officer = login_verified(FormClient(), demo["personvern"])
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        queue = officer.get(reverse("privacy:erasure_queue"))
    assert queue.status_code == 200 and "Jonas" in queue.content.decode()
    decide_url = reverse("privacy:erasure_decide", kwargs={"request_id": request.pk})
    page = officer.get(decide_url)
    assert page.status_code == 200 and JUDGEMENT in page.content.decode()
    refused = officer.post(decide_url, {"decision": "approve", "reason": ""})
    assert refused.status_code == 422 and ErasureRequest.objects.get().status == ErasureStatus.PENDING
    approved = officer.post(decide_url, {"decision": "approve", "reason": "Vilkårene i art. 17 er oppfylt."})
    assert approved.status_code == 303 and ErasureRequest.objects.get().status == ErasureStatus.DONE
    assert "kan ikke vises" in officer.get(decide_url, HTTP_ACCEPT_LANGUAGE="nb").content.decode()


@pytest.mark.parametrize("username", ["mentor", "nav", "nabo"])
def test_the_pages_refuse_others(demo: dict[str, User], username: str) -> None:
    request = _file(demo["koordinator"])
    client = login_verified(Client(), demo[username])
    new = client.get(reverse("privacy:erasure_new", kwargs={"case_id": _case().pk}))
    assert new.status_code == 404 and "Jonas" not in new.content.decode()
    for url in (reverse("privacy:erasure_queue"), reverse("privacy:erasure_decide", kwargs={"request_id": request.pk})):
        answer = client.get(url)
        assert answer.status_code == 403 and "Jonas" not in answer.content.decode()
