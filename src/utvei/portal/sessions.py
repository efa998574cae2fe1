"""Portal sessions: the person logged in with ID-porten, found by the blind index of their number.

A portal session is no staff login: starting one logs out any staff user first, so one browser session
never holds both. It stores the blind index (never the number), the level of assurance (``acr``) and the
identity provider's subject, and ends :data:`settings.UTVEI_PORTAL_SESSION_SECONDS` (900 s by default)
after the login, however active the person is.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils import timezone

from utvei.access.persons import PersonActor
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Person
from utvei.cases.services.persons import national_id_indexes

PORTAL_SESSION_KEY = "utvei_portal"


def _lifetime_seconds() -> int:
    return int(getattr(settings, "UTVEI_PORTAL_SESSION_SECONDS", 900))


def start_person_session(request: HttpRequest, *, national_id: str, acr: str, subject: str) -> bool:
    """Start a portal session for the person with this national identity number (fødselsnummer/D-number).

    Finds every person record whose blind index matches (several organisations may have registered the
    same person) and returns False, starting nothing, when there is none. Otherwise it logs out any staff
    user, rotates the session key, stores the blind index, ``acr``, ``subject`` and the start time, sets
    the short expiry and writes a login audit row for each person record. Returns True.
    """
    indexes = national_id_indexes(national_id.strip())
    if not indexes:
        return False
    person_ids = sorted(Person.objects.filter(national_id_index__in=indexes).values_list("pk", flat=True))
    if not person_ids:
        return False
    if request.user.is_authenticated:
        logout(request)  # also flushes the session: a staff login never survives into the portal
    request.session.cycle_key()
    rotate_token(request)  # a new CSRF token too: nothing of the browser's earlier state carries over
    request.session[PORTAL_SESSION_KEY] = {
        "blind_index": indexes[0],
        "indexes": indexes,
        "acr": acr,
        "subject": subject,
        "started": timezone.now().isoformat(),
    }
    request.session.set_expiry(_lifetime_seconds())
    actor = PersonActor(person_ids=frozenset(person_ids), acr=acr)
    with transaction.atomic():
        for person_id in person_ids:
            record(actor=actor, event=AuditEvent.LOGIN, target_type="portal.Session", person_id=person_id)
    return True


def _stored(request: HttpRequest) -> dict[str, object] | None:
    stored = request.session.get(PORTAL_SESSION_KEY)
    if not isinstance(stored, dict) or request.user.is_authenticated:
        return None
    try:
        started = datetime.fromisoformat(str(stored.get("started", "")))
    except ValueError:
        return None
    if (timezone.now() - started).total_seconds() > _lifetime_seconds():
        end_person_session(request)
        return None
    return stored


def portal_persons(request: HttpRequest) -> QuerySet[Person] | None:
    """Give the person records of the portal session (None when there is no portal session in force)."""
    stored = _stored(request)
    if stored is None:
        return None
    indexes = stored.get("indexes") or [stored.get("blind_index")]
    assert isinstance(indexes, list)
    return Person.objects.filter(national_id_index__in=[str(i) for i in indexes if i]).exclude(national_id_index="")


def portal_actor(request: HttpRequest) -> PersonActor | None:
    """Give the person actor of the portal session (None when there is none, or it finds no person)."""
    persons = portal_persons(request)
    if persons is None:
        return None
    stored = request.session.get(PORTAL_SESSION_KEY, {})
    ids = frozenset(persons.values_list("pk", flat=True))
    return PersonActor(person_ids=ids, acr=str(stored.get("acr", ""))) if ids else None


def end_person_session(request: HttpRequest) -> None:
    """End the portal session: the whole session is flushed, so nothing of it is left."""
    request.session.flush()
