"""Guard: every text field of every form in Utvei has a maximum length.

A text field without one accepts 100,000 characters (or a megabyte) and grows the page that shows it
without end. The test walks every form class defined under ``utvei`` (the declared fields; a field a form
adds in ``__init__`` is checked through the forms that tests build) and fails with the list of fields to
fix, each with where it is and what to do.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms

import utvei
from utvei.core.limits import FREE_TEXT_MAX


def _import_form_modules() -> None:
    # Forms live in forms.py (or a forms package), and now and then in a view or API module.
    for info in pkgutil.walk_packages(utvei.__path__, prefix="utvei."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf in {"forms", "views", "api"} or ".forms." in info.name or ".views." in info.name:
            importlib.import_module(info.name)


def _form_classes() -> list[type[forms.BaseForm]]:
    _import_form_modules()
    found: list[type[forms.BaseForm]] = []
    pending: list[type] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("utvei.") and sub not in found:
                found.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORM_CLASSES = _form_classes()


def test_the_walk_finds_the_forms() -> None:
    names = {c.__name__ for c in FORM_CLASSES}
    assert {"ReferralForm", "ConsultationRecordForm", "MeetingForm", "EscalationForm", "NodeForm"} <= names


def test_every_text_field_of_every_form_has_a_maximum_length() -> None:
    missing = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in FORM_CLASSES
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert not missing, (
        "These text fields have no max_length. Give each one, in the form and for the model's text "
        "(utvei.core.limits: LINE_MAX for one line, TEXT_MAX for a note, FREE_TEXT_MAX at most):\n  "
        + "\n  ".join(missing)
    )


def test_no_form_takes_more_text_than_the_encrypted_field_stores() -> None:
    too_long = [
        f"{cls.__module__}.{cls.__qualname__}.{name} (max_length={field.max_length})"
        for cls in FORM_CLASSES
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.CharField) and (field.max_length or 0) > FREE_TEXT_MAX
    ]
    assert not too_long, (
        f"The encrypted text field refuses more than {FREE_TEXT_MAX} characters; these form fields allow more, "
        "so a user would get an error the form never warned of:\n  " + "\n  ".join(too_long)
    )


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_text_area_states_its_limit_and_counts_it(language: str) -> None:
    from django.utils import translation

    from utvei.cases.forms import ReasonForm

    with translation.override(language):
        form = ReasonForm()
        field = form.fields["reason"]
        html = str(form["reason"])
    expected = {"nb": "Høyst 4\xa0000 tegn.", "en": "At most 4,000 characters."}[language]
    assert str(field.help_text).endswith(expected)
    assert 'maxlength="4000"' in html
    assert 'data-counter="true"' in html
