"""The person's portal session: started after an ID-porten login, short, and apart from staff sessions.

A minimal implementation of the contract shared with the portal's own pages; the portal's version
replaces it. The session keeps the blind index of the person's national identity number, never the
number itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils import timezone

from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Person
from utvei.cases.services.persons import national_id_indexes
from utvei.core.cipher import NATIONAL_ID_INDEX, blind_index

PORTAL_SESSION_KEY = "utvei_portal"


def start_person_session(request: HttpRequest, *, national_id: str, acr: str, subject: str) -> bool:
    """Start a portal session for the person with this national identity number; tell whether one was.

    Every Person whose blind index matches is the person (several organisations may have registered
    them). None found: nothing starts and ``False``. Otherwise any staff user is logged out, the session
    key is new, the session ends ``UTVEI_PORTAL_SESSION_SECONDS`` after now, and each match gets an
    audit row of the login.
    """
    indexes = national_id_indexes(national_id)
    persons = list(Person.objects.filter(national_id_index__in=indexes).only("pk")) if indexes else []
    if not persons:
        return False
    with transaction.atomic():
        if request.user.is_authenticated:
            logout(request)  # flushes the staff session: a new key and no staff data
        request.session.cycle_key()
        rotate_token(request)
        request.session[PORTAL_SESSION_KEY] = {
            "blind_index": blind_index(national_id, purpose=NATIONAL_ID_INDEX),
            "acr": acr,
            "subject": subject,
            "started": timezone.now().isoformat(),
        }
        request.session.set_expiry(settings.UTVEI_PORTAL_SESSION_SECONDS)
        for person in persons:
            record(
                actor=None,
                event=AuditEvent.LOGIN,
                target=person,
                person_id=person.pk,
                actor_username="portal",
                changed_fields=["idporten"],
            )
    return True


def portal_persons(request: HttpRequest) -> QuerySet[Person] | None:
    """Give the Person rows of the logged-in person, or ``None`` when there is no portal session.

    A session older than ``UTVEI_PORTAL_SESSION_SECONDS`` is ended here, whatever its cookie says.
    """
    data = request.session.get(PORTAL_SESSION_KEY)
    if not isinstance(data, dict) or not data.get("blind_index"):
        return None
    started = datetime.fromisoformat(str(data["started"]))
    if timezone.now() - started > timedelta(seconds=settings.UTVEI_PORTAL_SESSION_SECONDS):
        end_person_session(request)
        return None
    return Person.objects.filter(national_id_index=data["blind_index"])


def end_person_session(request: HttpRequest) -> None:
    """End the portal session: its data and its key are gone."""
    request.session.flush()
