"""Attachments (issue 15 item 7, G33): type by content, size limit, clamd, encryption, policy and audit."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import User
from utvei.attachments import content
from utvei.attachments.demo import demo_pdf
from utvei.attachments.models import AttachedTo, Attachment, AttachmentContent, ScanResult
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case
from utvei.contacts.models import Conversation
from utvei.sharing.models import Consent

pytestmark = pytest.mark.django_db

# The EICAR anti-virus test file: harmless, recognised by every scanner as a test signature.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CANARY = "kanarifugl-vedlegg"
HTML = b"<!DOCTYPE html><html><body><script>alert('x')</script>" + CANARY.encode() + b"</body></html>"


def _client(user: User) -> Client:
    return login_verified(FormClient(), user)


def _case1() -> Case:
    case = Case.objects.order_by("pk").first()
    assert case is not None
    return case


def _upload(user: User, case: Case, name: str, data: bytes, target: str = "case") -> tuple[int, str]:
    page = _client(user).post(
        reverse("attachments:upload", kwargs={"case_id": case.pk}),
        {"target": target, "file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )
    return page.status_code, page.content.decode()


def test_a_pdf_is_stored_encrypted_listed_and_audited(demo_shared: dict[str, User]) -> None:
    case = _case1()
    conversation = Conversation.objects.filter(case=case).order_by("pk").first()
    assert conversation is not None
    before = Attachment.objects.count()
    status, _body = _upload(
        demo_shared["saksbehandler"], case, "signert-samtykke.pdf", demo_pdf(CANARY), f"conversation:{conversation.pk}"
    )
    assert status == 302
    assert Attachment.objects.count() == before + 1
    attachment = Attachment.objects.order_by("-pk").first()
    assert attachment is not None
    assert attachment.attached_to == AttachedTo.CONVERSATION and attachment.conversation_id == conversation.pk
    assert attachment.file_type == "application/pdf" and attachment.filename == "signert-samtykke.pdf"
    assert attachment.owner_organisation_id == conversation.owner_organisation_id
    expected = ScanResult.CLEAN if content.clamd_available() else ScanResult.NOT_SCANNED
    assert attachment.scan == expected
    entry = AuditEntry.objects.filter(event=AuditEvent.CREATE, target_type="attachments.Attachment").last()
    assert entry is not None and entry.target_id == str(attachment.pk) and entry.case_id == case.pk
    assert "signert" not in str(entry.changed_fields)
    tab = _client(demo_shared["saksbehandler"]).get(
        reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "attachments"})
    )
    html = tab.content.decode()
    assert "signert-samtykke.pdf" in html
    if expected == ScanResult.NOT_SCANNED:
        assert "Ikke virusskannet" in html  # honest: no scanner, no claim of a scan


def test_the_raw_tables_hold_no_plaintext(demo_shared: dict[str, User]) -> None:
    case = _case1()
    pdf = demo_pdf(CANARY)
    assert _upload(demo_shared["saksbehandler"], case, f"{CANARY}.pdf", pdf)[0] == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename FROM attachments_attachment")
        names = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT data FROM attachments_attachmentcontent")
        blobs = " ".join(row[0] for row in cursor.fetchall())
    assert CANARY not in names and CANARY not in blobs
    assert base64.b64encode(pdf).decode()[:40] not in blobs
    assert "%PDF" not in blobs and base64.b64encode(b"%PDF-").decode()[:6] not in blobs


def test_an_html_file_renamed_pdf_is_refused_by_its_content(demo_shared: dict[str, User]) -> None:
    before = Attachment.objects.count()
    status, body = _upload(demo_shared["saksbehandler"], _case1(), "samtykke.pdf", HTML)
    assert status == 422
    assert "Filen er ikke en PDF-, PNG- eller JPEG-fil" in body
    assert Attachment.objects.count() == before and AttachmentContent.objects.count() == before


def test_the_eicar_text_named_pdf_is_refused_as_not_a_pdf(demo_shared: dict[str, User]) -> None:
    before = Attachment.objects.count()
    status, body = _upload(demo_shared["saksbehandler"], _case1(), "eicar.pdf", EICAR)
    assert status == 422 and "Filen er ikke en PDF-, PNG- eller JPEG-fil" in body
    assert Attachment.objects.count() == before


@pytest.mark.skipif(not content.clamd_available(), reason="clamd is not running on UTVEI_CLAMD_SOCKET")
def test_clamd_finds_the_eicar_test_signature() -> None:
    verdict = content.scan([EICAR])
    assert "eicar" in verdict.found.lower()
    assert content.scan([demo_pdf("rent")]).result == ScanResult.CLEAN and not content.scan([demo_pdf("r")]).found


@override_settings(CLAMD_SOCKET="/nonexistent/clamd.ctl")
def test_without_clamd_the_file_is_stored_as_not_scanned(demo_shared: dict[str, User]) -> None:
    assert content.scan([EICAR]).result == ScanResult.NOT_SCANNED
    assert _upload(demo_shared["saksbehandler"], _case1(), "notat.pdf", demo_pdf("notat"))[0] == 302
    assert Attachment.objects.order_by("-pk").first().scan == ScanResult.NOT_SCANNED  # type: ignore[union-attr]


@override_settings(ATTACHMENT_MAX_BYTES=2048)
def test_an_oversized_file_is_refused_while_it_streams_with_a_norwegian_error(demo_shared: dict[str, User]) -> None:
    before = Attachment.objects.count()
    big = demo_pdf("stor") + b"%" + b"0" * 4096
    status, body = _upload(demo_shared["saksbehandler"], _case1(), "stor.pdf", big)
    assert status == 422
    assert "Filen er for stor. Den største filen du kan legge ved, er 2,0\xa0KB." in body
    assert Attachment.objects.count() == before


def test_a_download_is_audited_and_sent_as_an_attachment(demo_shared: dict[str, User]) -> None:
    attachment = Attachment.objects.order_by("pk").first()
    assert attachment is not None
    response = _client(demo_shared["koordinator"]).get(
        reverse("attachments:download", kwargs={"attachment_id": attachment.pk})
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="avtale-om-oppfolging.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.filter(event=AuditEvent.VIEW, target_type="attachments.Attachment").last()
    assert entry is not None and entry.target_id == str(attachment.pk)
    assert entry.actor_username == "koordinator" and entry.case_id == attachment.case_id


@pytest.mark.parametrize("username", ["mentor", "nav", "nabo", "politikontakt"])
def test_who_does_not_see_the_item_gets_404_and_nothing_of_the_file(
    demo_shared: dict[str, User], username: str
) -> None:
    for attachment in Attachment.objects.all():
        response = _client(demo_shared[username]).get(
            reverse("attachments:download", kwargs={"attachment_id": attachment.pk})
        )
        assert response.status_code == 404
        assert b"%PDF" not in response.content and b"avtale-om" not in response.content
    denied = AuditEntry.objects.filter(event=AuditEvent.ACCESS_DENIED, target_type="attachments.Attachment")
    assert denied.exists()
    if username != "nabo" and username != "mentor":
        tab = _client(demo_shared[username]).get(
            reverse("cases:tab", kwargs={"case_id": _case1().pk, "tab": "attachments"})
        )
        html = tab.content.decode()
        assert tab.status_code == 200 and "avtale-om-oppfolging" not in html and "bekymringsmelding" not in html


def test_a_consent_attachment_is_seen_like_the_consent(demo_shared: dict[str, User]) -> None:
    case = _case1()
    consent = Consent.objects.current(case.opened_at.date()).filter(person_id=case.person_id).first() or (
        Consent.objects.filter(person_id=case.person_id).order_by("-pk").first()
    )
    assert consent is not None
    status, body = _upload(
        demo_shared["koordinator"], case, "signert.pdf", demo_pdf("signert"), f"consent:{consent.pk}"
    )
    assert status == 302, body
    attachment = Attachment.objects.get(attached_to=AttachedTo.CONSENT)
    url = reverse("attachments:download", kwargs={"attachment_id": attachment.pk})
    assert _client(demo_shared["nav"]).get(url).status_code == 200  # NAV sees the consent on case 1
    assert _client(demo_shared["mentor"]).get(url).status_code == 404  # a narrow seat sees no consent (R26)
    assert _client(demo_shared["nabo"]).get(url).status_code == 404


def test_a_reader_cannot_upload(demo_shared: dict[str, User]) -> None:
    before = Attachment.objects.count()
    status, _body = _upload(demo_shared["nav"], _case1(), "x.pdf", demo_pdf("x"))
    assert status == 404 and Attachment.objects.count() == before


def test_the_attachments_tab_makes_a_fixed_number_of_queries(
    demo_shared: dict[str, User], django_assert_max_num_queries: object
) -> None:
    case = _case1()
    client = _client(demo_shared["saksbehandler"])
    url = reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "attachments"})
    client.get(url)
    for index in range(3):
        assert _upload(demo_shared["saksbehandler"], case, f"fil-{index}.pdf", demo_pdf(str(index)))[0] == 302
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_file_type_is_read_from_the_first_bytes() -> None:
    assert content.file_type(b"%PDF-1.7\n") == "application/pdf"
    assert content.file_type(b"\x89PNG\r\n\x1a\n\0\0") == "image/png"
    assert content.file_type(b"\xff\xd8\xff\xe0\0\x10JFIF") == "image/jpeg"
    assert content.file_type(b"<html>%PDF-") is None
    assert content.file_type(b"") is None


def test_a_file_name_keeps_no_hidden_controls(demo_shared: dict[str, User]) -> None:
    # Django's parser drops characters that are not printable; the service refuses any that still arrive.
    status, _body = _upload(demo_shared["saksbehandler"], _case1(), "rapport\u202efdp.pdf", demo_pdf("r"))
    assert status == 302
    stored = Attachment.objects.order_by("-pk").first()
    assert stored is not None and stored.filename == "rapportfdp.pdf"
