"""Forms that protect the worker: every error at once, limits on text, dates that plan ahead, phone numbers.

The demo world (synthetic) is seeded once for the module; each test's changes are rolled back after it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import Organisation, Role, User
from utvei.cases import services
from utvei.cases.forms import TaskForm
from utvei.cases.models import Case, Person
from utvei.core.limits import normalise_phone
from utvei.sharing.forms import EscalationForm

TODAY = timezone.localdate()
PAST = date(2020, 1, 1)


def _client(user: User, language: str = "en") -> FormClient:
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client  # type: ignore[return-value]


def _municipality() -> Organisation:
    return Organisation.objects.get(name="Demo kommune")


def _referral_post(**changes: str) -> dict[str, str]:
    data = {
        "step": "create",
        "acting_as": f"{_municipality().pk}:{Role.CASEWORKER}",
        "given_name": "Test",
        "family_name": "Feilsen",
        "birth_date": "1999-04-04",
        "referral_source": "school",
        "referral_date": TODAY.isoformat(),
        "referral_reason": "Bekymring fra skolen.",
        "security_assessment": "not_yet",
    }
    return data | changes


# --- every error at once --------------------------------------------------------------------------------


def test_the_referral_shows_every_error_in_one_submit(demo_shared: dict[str, User]) -> None:
    ten_years_old = TODAY.replace(year=TODAY.year - 10).isoformat()
    before = (Person.objects.count(), Case.objects.count())
    response = _client(demo_shared["saksbehandler"]).post(
        reverse("cases:referral_new"),
        _referral_post(
            birth_date=ten_years_old,
            phone="123",
            referral_reason="",
            security_assessment="assessed",
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    # The form's own errors and the rules the service checks (R04, a guardian for a minor) come together.
    for message in (
        "This field is required.",
        "Enter a valid phone number",
        "Write who made the assessment.",
        "Give the date of the assessment.",
        "Record at least one guardian for a person under 18.",
    ):
        assert message in html, message
    assert 'class="ds-error-summary" role="alert" tabindex="-1"' in html
    assert '<a class="ds-link" href="#id_phone">' in html
    assert (Person.objects.count(), Case.objects.count()) == before


def test_the_referral_service_reports_the_person_and_the_referral_together(demo_shared: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as raised:
        services.referral_register(
            actor=demo_shared["saksbehandler"],
            organisation=_municipality(),
            role=Role.CASEWORKER,
            person={"given_name": "A", "family_name": "B", "birth_date": TODAY + timedelta(days=1), "phone": "12"},
            guardians=[],
            referral={
                "referral_source": "self",
                "referral_date": TODAY + timedelta(days=1),
                "referral_reason": " ",
                "security_assessment": "",
            },
        )
    assert {"birth_date", "phone", "referral_date", "referral_reason", "security_assessment"} <= set(
        raised.value.message_dict
    )
    assert not Person.objects.filter(family_name="B").exists()


# --- limits on text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The text is too long: it has 100,000 characters, and at most 4,000 are allowed."),
        ("nb", "Teksten er for lang: den har 100\xa0000 tegn, og høyst 4\xa0000 er tillatt."),
    ],
)
def test_a_reason_of_100000_characters_is_refused_with_a_clear_message(
    demo_shared: dict[str, User], language: str, message: str
) -> None:
    before = Person.objects.count()
    response = _client(demo_shared["saksbehandler"], language).post(
        reverse("cases:referral_new"), _referral_post(referral_reason="x" * 100_000)
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    # The page does not echo the text back without limit: the field keeps its maxlength for the browser.
    assert 'maxlength="4000"' in html
    assert Person.objects.count() == before


def test_the_encrypted_field_refuses_more_than_the_longest_form_allows(demo_shared: dict[str, User]) -> None:
    actor = demo_shared["koordinator"]
    case = Case.objects.order_by("pk").first()
    assert case is not None
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.relapse_record(actor=actor, case_id=case.pk, occurred_on=TODAY, description="y" * 10_001)
    assert raised.value.message_dict["description"] == [
        "The text is too long: it has 10,001 characters, and at most 10,000 are allowed."
    ]


# --- dates that plan ahead ------------------------------------------------------------------------------


def test_a_task_due_in_the_past_is_refused_unless_the_date_was_already_there() -> None:
    with translation.override("en"):
        form = TaskForm({"title": "Ring", "due_on": PAST.isoformat(), "assignee": "1"})
        form.fields["assignee"].choices = [(1, "A")]  # type: ignore[attr-defined]
        assert not form.is_valid()
        assert form.errors["due_on"] == ["Choose today or a later date: this date plans ahead."]
        # Editing a record whose date has passed does not force the user to move it.
        kept = TaskForm({"title": "Ring", "due_on": PAST.isoformat(), "assignee": "1"}, initial={"due_on": PAST})
        kept.fields["assignee"].choices = [(1, "A")]  # type: ignore[attr-defined]
        assert kept.is_valid(), kept.errors
        today = TaskForm({"title": "Ring", "due_on": TODAY.isoformat(), "assignee": "1"})
        today.fields["assignee"].choices = [(1, "A")]  # type: ignore[attr-defined]
        assert today.is_valid(), today.errors


def test_a_reassessment_in_the_past_is_refused() -> None:
    form = EscalationForm({"level": "serious", "recipient": "police", "reassess_on": PAST.isoformat()})
    assert not form.is_valid()
    assert "reassess_on" in form.errors


def test_a_contact_plan_dated_2020_is_refused_on_the_page(demo_shared: dict[str, User]) -> None:
    from tests.helpers import loaded_with
    from utvei.contacts.models import ContactPlan

    case = Case.objects.order_by("pk").first()
    assert case is not None
    client = _client(demo_shared["koordinator"])
    url = reverse("contacts:plan", kwargs={"case_id": case.pk})
    page = client.get(url)
    before = ContactPlan.objects.filter(case=case).values_list("planned_on", flat=True).first()
    data = {
        "initiator": str(demo_shared["koordinator"].pk),
        "method": "meeting",
        "planned_on": PAST.isoformat(),
        **loaded_with(page),
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Choose today or a later date: this date plans ahead." in response.content.decode()
    assert ContactPlan.objects.filter(case=case).values_list("planned_on", flat=True).first() == before


def test_a_review_dated_2020_is_refused_on_the_page(demo_shared: dict[str, User]) -> None:
    from utvei.plans.models import Plan, Review

    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    before = Review.objects.filter(plan=plan).count()
    response = _client(demo_shared["koordinator"]).post(
        reverse("plans:review_new", kwargs={"plan_id": plan.pk}), {"due_on": PAST.isoformat()}
    )
    assert response.status_code == 422
    assert "Choose today or a later date: this date plans ahead." in response.content.decode()
    assert Review.objects.filter(plan=plan).count() == before


# --- phone numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("91234567", "+47 91 23 45 67"),
        ("912 34 567", "+47 91 23 45 67"),
        ("+47 22 22 22 22", "+47 22 22 22 22"),
        ("0046701234567", "+46 70 123 45 67"),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised_to_the_international_form(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["123", "abc", "+47 1234", "9123456789012345"])
def test_a_number_that_is_not_a_phone_number_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        normalise_phone(typed)


def test_a_registered_person_keeps_the_normalised_numbers(demo_shared: dict[str, User]) -> None:
    person = services.person_create(
        actor=demo_shared["saksbehandler"],
        organisation=_municipality(),
        given_name="Tlf",
        family_name="Testesen",
        birth_date=TODAY.replace(year=TODAY.year - 15),
        phone="91234567",
        guardians=[services.GuardianInput("Mor Testesen", "mor", "+46701234567")],
    )
    assert person.phone == "+47 91 23 45 67"
    assert person.guardians.get().phone == "+46 70 123 45 67"
