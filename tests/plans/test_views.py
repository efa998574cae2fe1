"""The plan's pages over HTTP: the flow from wish to plan, invalid input (422, nothing changes), the
existing-plan offer (R07), the history diff, and the PDF for the person in both languages."""

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
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEntry, AuditEvent
from utvei.cases.models import Case
from utvei.plans.models import Goal, LegalReference, Measure, Meeting, Plan, PlanStatus, PlanWish

pytestmark = pytest.mark.django_db

Users = dict[str, User]


def _client(user: User, language: str = "en") -> Client:
    client = login_verified(FormClient(), user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _case(number: int) -> Case:
    return Case.objects.order_by("pk")[number - 1]


def _plan() -> Plan:
    return Plan.objects.get(case=_case(1))


def test_from_wish_to_plan_with_missing_elements_listed(demo: Users) -> None:
    client = _client(demo["saksbehandler"])
    case = _case(3)
    start = reverse("plans:start", kwargs={"case_id": case.pk})
    page = client.get(start)
    assert page.status_code == 200 and "No wish for a plan is recorded" in page.content.decode()
    refused = client.post(start)
    assert refused.status_code == 422
    assert not Plan.objects.filter(case=case).exists()

    wish_url = reverse("plans:wish", kwargs={"case_id": case.pk})
    assert client.get(wish_url).status_code == 200
    response = client.post(
        wish_url, {"given_by": "person", "expressed_on": timezone.localdate().isoformat(), "persons_words": "Ja takk"}
    )
    assert response.status_code == 302 and response["Location"] == start
    response = client.post(start)
    plan = Plan.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", kwargs={"plan_id": plan.pk})
    html = client.get(response["Location"]).content.decode()
    assert "Missing before the plan can become active" in html
    assert "A plan coordinator from the municipality" in html

    activate = client.post(reverse("plans:activate", kwargs={"plan_id": plan.pk}), follow=True)
    assert "The plan cannot become active yet" in activate.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_an_invalid_wish_is_422_and_records_nothing(demo: Users) -> None:
    client = _client(demo["koordinator"])
    case = _case(2)  # a minor: the guardians' and the child's view are required
    response = client.post(
        reverse("plans:wish", kwargs={"case_id": case.pk}),
        {"given_by": "guardians", "expressed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "ds-error-summary" in html and "child" in html
    assert not PlanWish.objects.filter(case=case).exists()


def test_a_second_plan_is_refused_with_an_offer_to_open_the_existing_one(demo: Users) -> None:
    client = _client(demo["koordinator"])
    case = _case(1)
    response = client.post(reverse("plans:start", kwargs={"case_id": case.pk}))
    assert response.status_code == 422
    html = response.content.decode()
    assert "already has an individual plan" in html
    assert reverse("plans:detail", kwargs={"plan_id": _plan().pk}) in html
    assert Plan.objects.filter(person=case.person).count() == 1


def test_the_case_page_shows_the_plan_section(demo: Users) -> None:
    tab = {"tab": "plan"}
    html = (
        _client(demo["koordinator"]).get(reverse("cases:tab", kwargs={"case_id": _case(1).pk} | tab)).content.decode()
    )
    assert 'id="plans-heading"' in html and reverse("plans:detail", kwargs={"plan_id": _plan().pk}) in html
    other = _client(demo["koordinator"]).get(reverse("cases:tab", kwargs={"case_id": _case(2).pk} | tab))
    assert reverse("plans:wish", kwargs={"case_id": _case(2).pk}) in other.content.decode()


def test_the_plan_page_hides_measures_of_categories_not_shared(demo: Users) -> None:
    html = _client(demo["nav"]).get(reverse("plans:detail", kwargs={"plan_id": _plan().pk})).content.decode()
    assert "Arbeidstrening" in html
    assert "Samtaler hos psykolog" not in html
    assert "not shared with you" in html
    own = _client(demo["koordinator"]).get(reverse("plans:detail", kwargs={"plan_id": _plan().pk})).content.decode()
    assert "Samtaler hos psykolog" in own


def test_adding_a_goal_and_a_measure_through_the_pages(demo: Users) -> None:
    client = _client(demo["koordinator"])
    plan = _plan()
    response = client.post(
        reverse("plans:goal_new", kwargs={"plan_id": plan.pk}), {"text": "«Jeg vil lære å lage mat.»", "domain": ""}
    )
    assert response.status_code == 302
    goal = Goal.objects.filter(plan=plan).order_by("-pk").first()
    assert goal is not None and goal.text == "«Jeg vil lære å lage mat.»"
    url = reverse("plans:measure_new", kwargs={"plan_id": plan.pk})
    count = Measure.objects.count()
    bad = client.post(url, {"kind": "leisure", "title": "Matkurs", "goal": goal.pk, "status": "planned"})
    assert bad.status_code == 422 and Measure.objects.count() == count
    # Every error at once: the missing provider, the responsible person and the start date (R24) in one submit.
    for message in (
        "This field is required.",
        "Name the person responsible for the measure.",
        "Give the start date.",
    ):
        assert message in bad.content.decode(), message
    municipality = Organisation.objects.get(name="Demo kommune")
    good = client.post(
        url,
        {
            "kind": "leisure",
            "title": "Matkurs",
            "goal": goal.pk,
            "provider_organisation": municipality.pk,
            "responsible_name": "Frivilligsentralen",
            "start_on": timezone.localdate().isoformat(),
            "status": "planned",
        },
    )
    assert good.status_code == 302
    assert [m.goal for m in Measure.objects.all() if m.title == "Matkurs"] == [goal]  # title is encrypted


def test_a_participant_takes_a_versioned_legal_basis(demo: Users) -> None:
    client = _client(demo["koordinator"])
    plan = _plan()
    url = reverse("plans:participant_new", kwargs={"plan_id": plan.pk})
    page = client.get(url).content.decode()
    assert "helse- og omsorgstjenesteloven § 7-1" in page
    assert "opplæringslova (1998)" not in page  # no longer in force
    school = Organisation.objects.get(name="Demo videregående skole")
    reference = LegalReference.objects.get(code="friskl-3-6b")
    response = client.post(
        url, {"organisation": school.pk, "legal_reference": reference.pk, "responsibility": "Skoleplass"}
    )
    assert response.status_code == 302
    assert plan.participants.filter(organisation=school, legal_reference=reference).exists()


def test_a_review_meeting_with_a_decision_updates_the_plan(demo: Users) -> None:
    client = _client(demo["koordinator"])
    plan = _plan()
    response = client.post(
        reverse("plans:meeting_new", kwargs={"plan_id": plan.pk}),
        {"held_on": timezone.localdate().isoformat(), "agenda": "Oppfølging", "attendance": "Jonas", "minutes": "Bra"},
    )
    meeting = Meeting.objects.order_by("-pk").first()
    assert meeting is not None and response["Location"] == reverse("plans:meeting", kwargs={"meeting_id": meeting.pk})
    measure = Measure.objects.get(plan=plan, kind="mentor")
    deadline = timezone.localdate() + timedelta(days=14)
    response = client.post(
        reverse("plans:meeting", kwargs={"meeting_id": meeting.pk}),
        {
            "text": "Mentor følger opp boligsøknaden.",
            "owner": demo["mentor"].pk,
            "deadline": deadline.isoformat(),
            "measure": measure.pk,
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.responsible_user == demo["mentor"] and measure.end_on == deadline
    html = client.get(reverse("plans:meeting", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert "Mentor følger opp boligsøknaden." in html


def test_the_history_shows_who_changed_what(demo: Users) -> None:
    html = _client(demo["koordinator"]).get(reverse("plans:history", kwargs={"plan_id": _plan().pk})).content.decode()
    assert "Kari Koordinator" in html
    assert "<del>" in html and "<ins>" in html  # the decision changed the work measure's responsible person
    assert "Arbeidstrening" in html


def test_the_history_in_english(demo: Users) -> None:
    html = _client(demo["koordinator"], "en").get(reverse("plans:history", kwargs={"plan_id": _plan().pk})).content
    assert b"History of the plan" in html


def _pdf(client: Client, plan: Plan, language: str = "") -> PdfReader:
    url = reverse("plans:pdf", kwargs={"plan_id": plan.pk}) + (f"?language={language}" if language else "")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_pdf_for_the_person_in_norwegian_is_tagged_and_holds_no_internal_notes(demo: Users) -> None:
    plan = _plan()
    before = AuditEntry.objects.filter(event=AuditEvent.EXPORT).count()
    reader = _pdf(_client(demo["koordinator"]), plan)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nb"
    assert bool(root["/MarkInfo"]["/Marked"]) and root.get("/StructTreeRoot") is not None
    text = _text(reader)
    assert "Din individuelle plan" in text
    assert "Jeg vil ha en jobb" in text and "Arbeidstrening" in text
    # Never: meeting minutes, the address, the referral reason, internal consents notes, revealing words.
    assert "Boligsøknad må sendes" not in text
    assert "Eksempelveien" not in text
    assert "løslatelse" not in text
    for word in ("exit", "radikali", "ekstrem"):
        assert word not in text.lower()
    entry = AuditEntry.objects.filter(event=AuditEvent.EXPORT).order_by("-seq").first()
    assert AuditEntry.objects.filter(event=AuditEvent.EXPORT).count() == before + 1
    assert entry is not None and entry.target_id == str(plan.pk) and entry.actor_id == demo["koordinator"].pk


def test_the_pdf_in_english_by_choice(demo: Users) -> None:
    reader = _pdf(_client(demo["koordinator"]), _plan(), "en")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    text = _text(reader)
    assert "Your individual plan" in text and "Your goals" in text


def test_a_pdf_that_would_reveal_the_work_is_not_made(demo: Users) -> None:
    plan = _plan()
    goal = Goal.objects.filter(plan=plan).first()
    assert goal is not None
    goal.text = "«Komme meg ut av ekstremistmiljøet.»"
    goal.save()
    before = AuditEntry.objects.filter(event=AuditEvent.EXPORT).count()
    response = _client(demo["koordinator"]).get(reverse("plans:pdf", kwargs={"plan_id": plan.pk}), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "holds words that reveal the work" in html
    assert "R27" not in html
    assert AuditEntry.objects.filter(event=AuditEvent.EXPORT).count() == before


def test_withdrawing_the_wish_ends_the_plan_through_the_page(demo: Users) -> None:
    client = _client(demo["koordinator"])
    plan = _plan()
    url = reverse("plans:withdraw", kwargs={"plan_id": plan.pk})
    assert client.post(url, {}).status_code == 422
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    response = client.post(url, {"withdrawn_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED
    html = client.get(reverse("plans:detail", kwargs={"plan_id": plan.pk})).content.decode()
    assert "read-only" in html and reverse("plans:goal_new", kwargs={"plan_id": plan.pk}) not in html
    assert client.get(reverse("plans:goal_new", kwargs={"plan_id": plan.pk})).status_code == 404


def test_r09_an_overdue_review_shows_on_the_case_page_and_the_plan(demo: Users) -> None:
    plan = _plan()
    past = timezone.localdate() - timedelta(days=3)
    plan.reviews.filter(held_on__isnull=True).update(due_on=past)
    Plan.objects.filter(pk=plan.pk).update(next_review_on=past)
    client = _client(demo["koordinator"])
    case_page = client.get(reverse("cases:tab", kwargs={"case_id": plan.case_id, "tab": "plan"})).content.decode()
    assert "The review date has passed" in case_page
    plan_page = client.get(reverse("plans:detail", kwargs={"plan_id": plan.pk})).content.decode()
    assert "A review date has passed" in plan_page and "Overdue" in plan_page


@pytest.fixture
def demo(demo_shared: dict[str, object]) -> dict[str, object]:
    """This module's tests share one seeding of the demo world (tests/conftest.py), each in its own transaction."""
    return demo_shared
