"""Names and labels refuse bidirectional and zero-width control characters, in forms and in services.

The forms test walks every name or label field a user types; the service tests cover the paths without
a form; the output tests show that documents and the network drawing carry none of the characters.
"""

from __future__ import annotations

import importlib
import io
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import Organisation, OrganisationKind, User
from utvei.core import pdf
from utvei.core.forms import DesignForm
from utvei.core.text import BIDI_CONTROLS, HIDDEN_CONTROLS, ZERO_WIDTH, hidden_controls, strip_hidden_controls

MESSAGE = "Fjern de usynlige kontrolltegnene"
# "Ola" + RIGHT-TO-LEFT OVERRIDE + "nesnaH" is shown as "Ola Hansen" in a browser.
SPOOFED = "Ola \u202enesnaH"

# Every form field that holds a name or a label a user types (person, guardian, user, team task, task
# and measure titles, network ties, mentors, services and recipients).
NAME_FIELDS = [
    ("accounts", "UserCreateForm", "first_name"),
    ("accounts", "UserCreateForm", "last_name"),
    ("cases", "PersonSearchForm", "given_name"),
    ("cases", "PersonSearchForm", "family_name"),
    ("cases", "ReferralForm", "given_name"),
    ("cases", "ReferralForm", "family_name"),
    ("cases", "ReferralForm", "language"),
    ("cases", "ReferralForm", "guardian_name"),
    ("cases", "ReferralForm", "guardian_relation"),
    ("cases", "ReferralForm", "security_assessed_by"),
    ("cases", "CaseOpenForm", "security_assessed_by"),
    ("cases", "CloseForm", "recipient_1"),
    ("cases", "CloseForm", "recipient_2"),
    ("cases", "TeamAddForm", "task"),
    ("cases", "TaskForm", "title"),
    ("cases", "ConcernForm", "subject"),
    ("contacts", "ContactPlanForm", "interpreter_language"),
    ("contacts", "ConsultationRecordForm", "consulted_organisation"),
    ("mentoring", "MentorForm", "name"),
    ("mentoring", "MentorForm", "contact"),
    ("mentoring", "RestorativeReferralForm", "konfliktraad"),
    ("network", "NodeForm", "label"),
    ("network", "NodeForm", "full_name"),
    ("network", "NodeForm", "plan_role"),
    ("plans", "ParticipantForm", "contact_name"),
    ("plans", "MeasureForm", "title"),
    ("plans", "MeasureForm", "responsible_name"),
    ("plans", "DecisionForm", "title"),
]


def _field(app: str, form: str, name: str) -> forms.Field:
    return getattr(importlib.import_module(f"utvei.{app}.forms"), form).base_fields[name]


@pytest.mark.parametrize("char", sorted(HIDDEN_CONTROLS))
def test_every_listed_character_is_found(char: str) -> None:
    assert hidden_controls(f"Kari{char}Nordmann") == [hidden_controls(char)[0]]
    assert strip_hidden_controls(f"Kari{char}Nordmann") == "KariNordmann"


def test_the_sets_are_the_ones_named() -> None:
    assert {f"{ord(c):04X}" for c in BIDI_CONTROLS} == {
        "202A", "202B", "202C", "202D", "202E", "2066", "2067", "2068", "2069", "200E", "200F", "061C",
    }  # fmt: skip
    assert {f"{ord(c):04X}" for c in ZERO_WIDTH} == {"200B", "200C", "200D", "2060", "FEFF"}
    assert hidden_controls("Åse Ødegård-Ali") == [] and hidden_controls("عائشة") == []


@pytest.mark.parametrize(("app", "form", "name"), NAME_FIELDS, ids=[f"{a}.{f}.{n}" for a, f, n in NAME_FIELDS])
@pytest.mark.parametrize("value", [SPOOFED, "Kari\u200bNordmann", "\ufeffPer", "Ali\u2067Hassan\u2069"])
def test_every_name_field_refuses_hidden_controls_in_bokmal(app: str, form: str, name: str, value: str) -> None:
    field = _field(app, form, name)
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    assert MESSAGE in " ".join(refused.value.messages)
    assert field.clean("Kari Nordmann") == "Kari Nordmann" or not field.required


def test_every_text_field_of_every_form_is_guarded_except_passwords() -> None:
    for app in ("accounts", "cases", "contacts", "mentoring", "network", "plans", "sharing"):
        importlib.import_module(f"utvei.{app}.forms")
    unguarded = []
    stack = list(DesignForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack += form.__subclasses__()
        for name, field in form.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                try:
                    field.run_validators(SPOOFED)
                except ValidationError:
                    continue
                unguarded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unguarded == []


def test_the_form_reports_every_offending_field_at_once(demo: dict[str, User]) -> None:
    from utvei.cases.forms import ReferralForm

    form = ReferralForm(data={"given_name": SPOOFED, "family_name": "Berg\u200d", "guardian_name": "\u202dX"})
    assert not form.is_valid()
    for name in ("given_name", "family_name", "guardian_name"):
        assert MESSAGE in form.errors[name][0]


def test_referral_page_refuses_a_spoofed_name_and_stores_nothing(demo: dict[str, User]) -> None:
    from utvei.cases.models import Person

    client = login_verified(FormClient(), demo["saksbehandler"])
    before = Person.objects.count()
    response = client.post(
        reverse("cases:referral_new"),
        {"step": "search", "given_name": SPOOFED, "family_name": "Berg", "birth_date": "2001-02-03"},
    )
    assert response.status_code == 422
    assert MESSAGE in response.content.decode()
    assert Person.objects.count() == before


def test_services_refuse_names_without_a_form(demo: dict[str, User]) -> None:
    from utvei.accounts.services import organisation_create, user_create
    from utvei.cases.models import Case
    from utvei.cases.services import person_create, task_create
    from utvei.mentoring.models import MentorScheme, MentorTraining
    from utvei.mentoring.services import mentor_create
    from utvei.network.services import NodeInput, node_create

    kommune = Organisation.objects.get(name="Demo kommune")
    worker = demo["saksbehandler"]
    case = Case.objects.order_by("pk").first()
    assert case is not None
    attempts = {
        "name": lambda: organisation_create(actor=None, name=SPOOFED, kind=OrganisationKind.OTHER),
        "first_name": lambda: user_create(
            actor=None, organisation=kommune, username="ny", first_name=SPOOFED, last_name="Berg",
            email="ny@example.invalid", role="caseworker", password=None,
        ),
        "given_name": lambda: person_create(
            actor=worker, organisation=kommune, given_name=SPOOFED, family_name="Berg", birth_date=date(2000, 1, 1)
        ),
        "title": lambda: task_create(
            actor=worker, case_id=case.pk, title=f"Ring {SPOOFED}", due_on=date(2030, 1, 1), assignee=worker
        ),
        "label": lambda: node_create(
            actor=demo["koordinator"], case_id=case.pk,
            data=NodeInput(kind="person", label=SPOOFED, formality="informal", relation="family",
                           closeness="close", valence="supportive", source="person"),
        ),
        "contact": lambda: mentor_create(
            actor=demo["koordinator"], user=None, name="Mentor Mentorsen", contact="\u202e99 88 77 66",
            scheme=MentorScheme.values[0], training=MentorTraining.values[0], trained_on=None,
        ),
    }  # fmt: skip
    for field, attempt in attempts.items():
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert MESSAGE in refused.value.message_dict[field][0], field
    assert not Organisation.objects.filter(name=SPOOFED).exists()


def test_documents_never_carry_hidden_controls() -> None:
    # Text stored before the rule existed is stripped when a document is written.
    data = pdf.render_pdf("pdf/base.html", {"printed_on": date(2026, 11, 25)}, language="nb", title=f"Plan {SPOOFED}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "nesnaH" in text
    assert not set(text) & HIDDEN_CONTROLS


def test_the_network_drawing_never_carries_hidden_controls(demo: dict[str, User]) -> None:
    from utvei.cases.models import Case

    case = Case.objects.order_by("pk").first()
    assert case is not None
    client = login_verified(FormClient(), demo["koordinator"])
    refused = client.post(
        reverse("network:node_new", args=[case.pk]),
        {"kind": "person", "label": SPOOFED, "formality": "informal", "relation": "family", "closeness": "close",
         "valence": "supportive", "source": "person", "contact_permission": "may_not"},
    )  # fmt: skip
    assert refused.status_code == 422
    page = client.get(reverse("network:map", args=[case.pk])).content.decode()
    drawing = page[page.index("<svg") : page.rindex("</svg>")]
    assert "nesnaH" not in drawing and not set(drawing) & HIDDEN_CONTROLS
