"""Start portal sessions in tests through the shared contract, as the ID-porten callback will."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from utvei.cases.models import Case, Person
from utvei.portal.sessions import start_person_session

ACR_HIGH = "idporten-loa-high"


def portal_login(client: Client, person: Person, *, acr: str = ACR_HIGH) -> Client:
    """Log the client in to the portal as the person (``start_person_session`` on a request of its own)."""
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    assert start_person_session(request, national_id=person.national_id, acr=acr, subject="test-subject")
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key or ""
    return client


def jonas() -> Person:
    """Give the demo's Jonas Berg (the person of case 1)."""
    case = Case.objects.order_by("pk").select_related("person").first()
    assert case is not None
    return case.person
