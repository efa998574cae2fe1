"""The sharing pages over HTTP: consents (record, change, withdraw), the sharing decision and the disclosure
it records, the disclosure list, the person's overview (page and PDF) and the case page's section.

Rule ids in the names: R11 (what a disclosure records, telling the person), R12 (consent scope and period),
R13 (withdrawal at once), R19 (minors), R20 (classified markers), R21 (police contributions), R27 (no
revealing words in documents for the person), S8 (duty to avert without consent), G05 (per-agency
visibility inside one case).
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.helpers import FormClient, loaded_with, login_verified
from utvei.access.categories import Category
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case
from utvei.cases.rules import REVEALING_WORDS
from utvei.contacts.models import Conversation
from utvei.sharing.demo import NAV_CATEGORIES
from utvei.sharing.models import Consent, ConsentNotice, ConsentNoticeKind, Disclosure

TODAY = timezone.localdate()


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _jonas() -> Case:
    return Case.objects.get(person__given_name="Jonas")


def _emma() -> Case:
    return Case.objects.get(person__given_name="Emma")


def _client(user: User, language: str = "en") -> Client:
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _url(name: str, case: Case, **kwargs: int) -> str:
    return reverse(f"sharing:{name}", kwargs={"case_id": case.pk, **kwargs})


def _consent_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "recipients": [str(_org("Nav Demo").pk)],
        "categories": [Category.CONVERSATIONS],
        "purpose": "coordination",
        "given_on": TODAY.isoformat(),
        "valid_from": TODAY.isoformat(),
        "valid_to": (TODAY + timedelta(days=90)).isoformat(),
        "given_by": "person",
        "form": "written",
        "evidence_note": "Signert skjema.",
        "how_informed": "Gjennomgått muntlig.",
    }
    data.update(overrides)
    return data


def _nav_sees_conversations(nav: User, case: Case) -> bool:
    html = _client(nav).get(reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "conversations"})).content.decode()
    return any(
        reverse("contacts:conversation_detail", kwargs={"conversation_id": c.pk}) in html
        for c in Conversation.objects.filter(case=case)
    )


def _nav_consent() -> Consent:
    return Consent.objects.get(recipients=[_org("Nav Demo").pk], categories=sorted(NAV_CATEGORIES))


# --- consents ------------------------------------------------------------------------------------------


def test_the_consent_page_lists_the_persons_consents_with_status_and_is_audited(demo: dict[str, User]) -> None:
    case = _jonas()
    before = AuditEntry.objects.count()
    response = _client(demo["nav"]).get(_url("consents", case))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="in_force"' in html and "Nav Demo" in html and "Demo videregående skole" in html
    # NAV sits on the team but is not the discloser: no change or withdraw links for it.
    assert "/change/" not in html and "/withdraw/" not in html
    assert AuditEntry.objects.filter(seq__gt=before, event=AuditEvent.LIST, actor=demo["nav"]).exists()
    assert "/change/" in _client(demo["koordinator"]).get(_url("consents", case)).content.decode()


def test_G05_R13_a_consent_given_on_the_page_opens_the_category_and_withdrawing_it_closes_it_at_once(
    demo: dict[str, User],
) -> None:
    case, coordinator, nav = _jonas(), demo["koordinator"], demo["nav"]
    assert not _nav_sees_conversations(nav, case)
    response = _client(coordinator).post(_url("consent_new", case), _consent_post())
    assert response.status_code == 303 and response["Location"] == _url("consents", case)
    consent = Consent.objects.get(categories=[Category.CONVERSATIONS])
    assert consent.recorded_for_organisation == _org("Demo kommune") and consent.recorded_by == coordinator
    assert _nav_sees_conversations(nav, case)

    page = _client(coordinator).get(_url("consent_withdraw", case, consent_id=consent.pk))
    assert page.status_code == 200 and "takes effect at once" in page.content.decode()
    unconfirmed = _client(coordinator).post(_url("consent_withdraw", case, consent_id=consent.pk), loaded_with(page))
    assert unconfirmed.status_code == 422
    consent.refresh_from_db()
    assert consent.withdrawn_at is None and _nav_sees_conversations(nav, case)

    done = _client(coordinator).post(
        _url("consent_withdraw", case, consent_id=consent.pk), {"confirm": "on", **loaded_with(unconfirmed)}
    )
    assert done.status_code == 303
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == coordinator
    assert not _nav_sees_conversations(nav, case)
    notice = ConsentNotice.objects.get(consent=consent)
    assert (notice.organisation, notice.kind) == (_org("Nav Demo"), ConsentNoticeKind.WITHDRAWN)
    # The recipient sees the notice on the case page.
    html = _client(nav).get(reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "sharing"})).content.decode()
    assert 'data-notice="withdrawn"' in html


def test_R12_bad_consent_input_is_refused_with_422_and_nothing_changes(demo: dict[str, User]) -> None:
    case = _jonas()
    before_consents, before_audit = Consent.objects.count(), AuditEntry.objects.filter(event=AuditEvent.CREATE).count()
    too_long = _consent_post(valid_to=(TODAY + timedelta(days=400)).isoformat())
    response = _client(demo["koordinator"]).post(_url("consent_new", case), too_long)
    html = response.content.decode()
    assert response.status_code == 422 and "at most 12 months" in html and "ds-error-summary" in html
    empty = _client(demo["koordinator"]).post(_url("consent_new", case), _consent_post(categories=[], recipients=[]))
    assert empty.status_code == 422
    own = _consent_post(recipients=[str(_org("Nav Demo").pk), "99999"])
    assert _client(demo["koordinator"]).post(_url("consent_new", case), own).status_code == 422
    assert Consent.objects.count() == before_consents
    assert AuditEntry.objects.filter(event=AuditEvent.CREATE).count() == before_audit


def test_R19_a_minors_consent_on_the_page_needs_the_guardians_and_the_childs_view(demo: dict[str, User]) -> None:
    case, coordinator = _emma(), demo["koordinator"]
    page = _client(coordinator).get(_url("consent_new", case)).content.decode()
    assert "the guardians give the consent" in page
    before = Consent.objects.count()
    response = _client(coordinator).post(_url("consent_new", case), _consent_post(given_by="person"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "the guardians give the consent" in html and "guardians must" in html
    assert Consent.objects.count() == before
    ok = _consent_post(given_by="guardians", child_view="Emma synes det er greit.")
    ok["recipients"] = [str(_org("Barnevernstjenesten i Demo kommune").pk)]
    assert _client(coordinator).post(_url("consent_new", case), ok).status_code == 303
    assert Consent.objects.filter(person=case.person, given_by="guardians").count() == 1


def test_R12_changing_a_consent_on_the_page_records_a_new_version_and_keeps_the_old_one(demo: dict[str, User]) -> None:
    case, old = _jonas(), _nav_consent()
    page = _client(demo["koordinator"]).get(_url("consent_change", case, consent_id=old.pk))
    assert page.status_code == 200 and "version 1 is kept" in page.content.decode()
    data = _consent_post(categories=[Category.WORK], valid_to=(TODAY + timedelta(days=30)).isoformat())
    data.update(loaded_with(page))
    response = _client(demo["koordinator"]).post(_url("consent_change", case, consent_id=old.pk), data)
    assert response.status_code == 303
    new = Consent.objects.get(previous=old)
    old.refresh_from_db()
    assert (new.version, new.categories) == (2, [Category.WORK])
    assert old.categories == sorted(NAV_CATEGORIES)
    # The old version can no longer be changed: only the latest can.
    assert _client(demo["koordinator"]).get(_url("consent_change", case, consent_id=old.pk)).status_code == 404


def test_a_mentor_seat_does_not_record_consents(demo: dict[str, User]) -> None:
    case = _jonas()
    assert _client(demo["mentor"]).get(_url("consent_new", case)).status_code == 404
    assert _client(demo["mentor"]).post(_url("consent_new", case), _consent_post()).status_code == 404
    assert not Consent.objects.filter(recorded_by=demo["mentor"]).exists()


# --- the sharing decision and the disclosure -----------------------------------------------------------


def _check(recipient: str, categories: list[str], purpose: str = "coordination", **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "recipient": recipient,
        "categories": categories,
        "purpose": purpose,
        "anonymised_enough": "no",
        "step": "check",
    }
    data.update(extra)
    return data


def test_S1_the_sharing_page_allows_what_the_consent_covers_and_records_the_disclosure(demo: dict[str, User]) -> None:
    case, coordinator, nav_org = _jonas(), demo["koordinator"], _org("Nav Demo")
    question = _check(f"org:{nav_org.pk}", [Category.WORK])
    response = _client(coordinator).post(_url("share", case), question)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-allowed="yes"' in html
    assert "Sharing is allowed" in html and "forvaltningsloven" in html and "the consent version used" in html
    assert 'value="consent"' in html

    record = question | {
        "step": "record",
        "basis": "consent",
        "content_summary": "Ønsker arbeidstrening.",
        "person_informed": "on",
    }
    done = _client(coordinator).post(_url("share", case), record)
    assert done.status_code == 303 and done["Location"] == _url("disclosures", case)
    disclosure = Disclosure.objects.get(case=case)
    assert disclosure.basis == "consent" and disclosure.consent == _nav_consent()
    assert disclosure.recipient_organisation == nav_org and disclosure.categories == [Category.WORK]
    assert disclosure.decided_by == coordinator and disclosure.person_informed


def test_the_sharing_page_refuses_what_no_basis_covers_and_offers_no_record_form(demo: dict[str, User]) -> None:
    case = _jonas()
    question = _check(f"org:{_org('Nav Demo').pk}", [Category.HEALTH])
    html = _client(demo["koordinator"]).post(_url("share", case), question).content.decode()
    assert 'data-allowed="no"' in html and "does not cover the categories" in html and "ask the person" in html
    assert 'value="record"' not in html
    # Recording anyway is refused by the service and nothing is saved.
    forced = question | {"step": "record", "basis": "consent", "content_summary": "x", "person_informed": "on"}
    assert _client(demo["koordinator"]).post(_url("share", case), forced).status_code == 422
    assert not Disclosure.objects.exists()


def test_the_sharing_page_with_missing_answers_is_422_with_clear_errors(demo: dict[str, User]) -> None:
    response = _client(demo["koordinator"]).post(_url("share", _jonas()), {"step": "check"})
    assert response.status_code == 422 and "ds-error-summary" in response.content.decode()
    # On a danger, "anonymised is not enough" needs its reason (R16).
    danger = _check("party:police_02800", [Category.CONCERN], facts=["danger_to_life_or_health"])
    html = _client(demo["koordinator"]).post(_url("share", _jonas()), danger).content.decode()
    assert "Say why anonymised information is not enough." in html


@pytest.mark.parametrize("summary", ["Dette er GRADERT informasjon", "Begrenset etter sikkerhetsloven"])
def test_R20_the_sharing_page_refuses_classified_markers_and_saves_nothing(demo: dict[str, User], summary: str) -> None:
    question = _check(f"org:{_org('Nav Demo').pk}", [Category.WORK])
    record = question | {"step": "record", "basis": "consent", "content_summary": summary, "person_informed": "on"}
    response = _client(demo["koordinator"]).post(_url("share", _jonas()), record)
    assert response.status_code == 422
    assert "Security-classified information must never be entered in Utvei" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_R20_information_marked_classified_is_refused_even_with_consent(demo: dict[str, User]) -> None:
    question = _check(f"org:{_org('Nav Demo').pk}", [Category.WORK], classified="on")
    html = _client(demo["koordinator"]).post(_url("share", _jonas()), question).content.decode()
    assert 'data-allowed="no"' in html and "security-classified" in html and 'data-rule="R20"' in html
    record = question | {"step": "record", "basis": "consent", "content_summary": "x", "person_informed": "on"}
    assert _client(demo["koordinator"]).post(_url("share", _jonas()), record).status_code == 422
    assert not Disclosure.objects.exists()


def test_S8_a_duty_to_avert_disclosure_to_the_police_needs_no_consent_and_is_recorded(demo: dict[str, User]) -> None:
    case = _jonas()
    question = _check(
        "party:police_02800",
        [Category.CONCERN],
        purpose="report_concern",
        recipient_detail="Demo politidistrikt",
        facts=["avert_listed_offence_most_likely"],
    )
    html = _client(demo["skole"]).post(_url("share", case), question).content.decode()
    assert 'data-allowed="yes"' in html and 'data-rule="S8"' in html
    record = question | {
        "step": "record",
        "basis": "duty_to_avert",
        "content_summary": "Konkrete planer om et angrep nevnt i timen.",
        "channel": "police_02800",
        "reference": "Sak 26-4410",
        "known_at": (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "not_informed_reason": "Kan hindre avverging.",
        "not_informed_until": (TODAY + timedelta(days=14)).isoformat(),
    }
    assert _client(demo["skole"]).post(_url("share", case), record).status_code == 303
    disclosure = Disclosure.objects.get(case=case)
    assert (disclosure.basis, disclosure.consent, disclosure.recipient_party.code) == (
        "duty_to_avert",
        None,
        "police_02800",
    )
    assert (disclosure.channel, disclosure.reference) == ("police_02800", "Sak 26-4410")
    assert disclosure.known_at is not None and disclosure.recipient_external == "Demo politidistrikt"
    assert disclosure.discloser == _org("Demo videregående skole")
    assert disclosure.facts == ["avert_listed_offence_most_likely"] and not disclosure.person_informed
    assert disclosure.legal_basis.code == "duty_to_avert"


def test_R11_not_telling_the_person_needs_a_reason(demo: dict[str, User]) -> None:
    question = _check("party:police_02800", [Category.CONCERN], facts=["offence_concern"])
    record = question | {
        "step": "record",
        "basis": "offences",
        "content_summary": "Observasjoner.",
        "channel": "police_02800",
        "reference": "Sak 1",
    }
    response = _client(demo["koordinator"]).post(_url("share", _jonas()), record)
    assert response.status_code == 422 and "Say why the person has not been told." in response.content.decode()
    assert not Disclosure.objects.exists()


def test_R21_a_police_contribution_is_recorded_as_shared_under_the_polices_rules(demo: dict[str, User]) -> None:
    case, police = _jonas(), demo["politikontakt"]
    question = _check(f"org:{_org('Demo kommune').pk}", [Category.POLICE], facts=["police_shared_under_own_rules"])
    html = _client(police).post(_url("share", case), question).content.decode()
    assert 'data-allowed="yes"' in html and 'data-rule="R21"' in html
    record = question | {
        "step": "record",
        "basis": "police_rules",
        "content_summary": "Kort orientering om risiko.",
        "person_informed": "on",
    }
    assert _client(police).post(_url("share", case), record).status_code == 303
    disclosure = Disclosure.objects.get(case=case)
    assert disclosure.basis == "police_rules" and disclosure.discloser == _org("Demo politidistrikt")
    listing = _client(police).get(_url("disclosures", case)).content.decode()
    assert "Shared by the police under their rules (summary only)" in listing


def test_G05_the_disclosure_list_shows_what_ones_own_organisation_made_or_received(demo: dict[str, User]) -> None:
    case = _jonas()
    question = _check(f"org:{_org('Nav Demo').pk}", [Category.WORK])
    record = question | {
        "step": "record",
        "basis": "consent",
        "content_summary": "KANARI-7781",
        "person_informed": "on",
    }
    _client(demo["koordinator"]).post(_url("share", case), record)
    for username, sees in [("koordinator", True), ("saksbehandler", True), ("nav", True), ("skole", False)]:
        response = _client(demo[username]).get(_url("disclosures", case))
        assert response.status_code == 200
        assert ("KANARI-7781" in response.content.decode()) is sees, username


# --- the person's overview -----------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_R27_the_persons_overview_pdf_lists_consents_and_disclosures_without_revealing_words(
    demo: dict[str, User],
) -> None:
    case, coordinator = _jonas(), demo["koordinator"]
    question = _check(f"org:{_org('Nav Demo').pk}", [Category.WORK])
    record = question | {"step": "record", "basis": "consent", "content_summary": "Arbeid.", "person_informed": "on"}
    _client(coordinator).post(_url("share", case), record)
    page = _client(coordinator).get(_url("person_overview", case))
    assert page.status_code == 200 and "Nav Demo" in page.content.decode()

    before = AuditEntry.objects.count()
    response = _client(coordinator).get(_url("person_overview_pdf", case) + "?lang=nb")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="oversikt.pdf"'
    text = _pdf_text(response.content)
    assert "Samtykker og deling av opplysninger om deg" in text
    assert "Nav Demo" in text and "Demo videregående skole" in text and "Jonas Berg" in text
    lowered = text.lower()
    assert not [w for w in REVEALING_WORDS if re.search(r"(?<!\w)" + w, lowered)]
    assert "Eksempelveien" not in text and case.person.national_id not in text
    assert AuditEntry.objects.filter(seq__gt=before, event=AuditEvent.EXPORT, actor=coordinator).exists()

    english = _client(coordinator).get(_url("person_overview_pdf", case) + "?lang=en")
    assert "Consents and sharing of your data" in _pdf_text(english.content)
    assert PdfReader(io.BytesIO(english.content)).trailer["/Root"]["/Lang"] == "en"


def test_R11_the_persons_overview_leaves_out_a_disclosure_they_have_not_been_told_about_yet(
    demo: dict[str, User],
) -> None:
    case = _jonas()
    question = _check("party:police_02800", [Category.CONCERN], facts=["offence_concern"])
    record = question | {
        "step": "record",
        "basis": "offences",
        "content_summary": "Observasjoner.",
        "channel": "police_02800",
        "reference": "Sak 2",
        "not_informed_reason": "Etterforskning.",
        "not_informed_until": (TODAY + timedelta(days=30)).isoformat(),
    }
    assert _client(demo["koordinator"]).post(_url("share", case), record).status_code == 303
    html = _client(demo["koordinator"]).get(_url("person_overview", case)).content.decode()
    assert "1 disclosure is left out" in html and "Politiet 02800" not in html


def test_the_persons_overview_is_for_the_cases_workers_only(demo: dict[str, User]) -> None:
    case = _jonas()
    for username in ("nav", "mentor", "politikontakt"):
        assert _client(demo[username]).get(_url("person_overview_pdf", case)).status_code == 404, username


# --- the case section ----------------------------------------------------------------------------------


def test_G05_the_case_section_shows_consents_and_what_is_withheld_without_content(demo: dict[str, User]) -> None:
    case = _jonas()
    canary = Conversation.objects.filter(case=case).first()
    assert canary is not None
    html = (
        _client(demo["nav"]).get(reverse("cases:tab", kwargs={"case_id": case.pk, "tab": "sharing"})).content.decode()
    )
    section = html[html.index('id="sharing-heading"') :]
    assert "Consents in force" in section and "Nav Demo" in section
    withheld = section[section.index('id="sharing-withheld"') :]
    withheld = withheld[: withheld.index("</ul>")]
    assert "Conversations" in withheld and "owned by Demo kommune" in withheld
    assert canary.notes not in html
    # The owner has nothing withheld from its own items.
    own = _client(demo["koordinator"]).get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="sharing-withheld"' not in own or "owned by Demo kommune" not in own


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
