"""The UI shell: language switch, CSRF on htmx requests, generic error pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import login_verified
from utvei.accounts.models import User


@pytest.mark.django_db  # the login page lists the organisations' login providers
def test_norwegian_by_default_and_english_after_the_switch() -> None:
    client = Client()
    page = client.get(reverse("accounts:login"))
    assert '<html lang="nb"' in page.content.decode()
    assert "Logg inn" in page.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login"))
    assert '<html lang="en"' in page.content.decode()
    assert "Log in to Utvei" in page.content.decode()


def test_htmx_post_needs_the_csrf_token_from_the_page(demo: dict[str, User]) -> None:
    client = login_verified(Client(enforce_csrf_checks=True), demo["saksbehandler"])
    page = client.get(reverse("cases:dashboard")).content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page)
    assert token, "the page must hand htmx the CSRF token"
    keepalive = reverse("accounts:keepalive")
    assert client.post(keepalive, headers={"HX-Request": "true"}).status_code == 403
    assert client.post(keepalive, headers={"HX-Request": "true", "X-CSRFToken": token.group(1)}).status_code == 204


def test_language_choice_is_remembered_on_the_account(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["nav"])
    assert client.post(reverse("accounts:account"), {"language": "en"}).status_code == 302
    demo["nav"].refresh_from_db()
    assert demo["nav"].preferred_language == "en"
    assert "My account" in client.get(reverse("accounts:account")).content.decode()


def test_unknown_language_is_refused_with_a_message_and_nothing_changes(demo: dict[str, User]) -> None:
    client = login_verified(Client(), demo["nav"])
    response = client.post(reverse("accounts:account"), {"language": "xx"})
    assert response.status_code == 422
    demo["nav"].refresh_from_db()
    assert demo["nav"].preferred_language == ""


def test_missing_and_forbidden_cases_give_the_same_page(demo: dict[str, User]) -> None:
    from utvei.cases.models import Case

    client = login_verified(Client(), demo["nabo"])
    forbidden = client.get(reverse("cases:detail", kwargs={"case_id": Case.objects.first().pk}))
    missing = client.get(reverse("cases:detail", kwargs={"case_id": 987654}))
    assert forbidden.status_code == missing.status_code == 404

    def main(r: object) -> str:
        html = r.content.decode()  # type: ignore[attr-defined]
        return re.sub(r'value="[^"]{20,}"', "", html.split("<main", 1)[1])

    assert main(forbidden) == main(missing)


@pytest.mark.django_db  # the login page lists the organisations' login providers
def test_bokmal_is_the_default_even_when_the_browser_prefers_english() -> None:
    page = Client().get(reverse("accounts:login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="nb"' in page.content.decode()
    assert page["Content-Language"] == "nb"
