"""Portal sessions: the person logged in with ID-porten, found by the blind index of their number.

A portal session is no staff login: starting one logs out any staff user first, so one browser session
never holds both. It stores the blind index (never the number), the level of assurance (``acr``) and the
identity provider's subject, and ends :data:`settings.UTVEI_PORTAL_SESSION_SECONDS` (900 s by default)
after the login, however active the person is.

A guardian (foresatt) with parental responsibility for a person under the age of majority gets a portal
session *for that child* when the number ID-porten gives is not a person's own but a recorded guardian's.
The guardianship and the child's age are checked again on every request, against the age rules the sharing
app keeps as data: from the age the young person's own categories begin, those are withheld from the
guardian, and from the age of majority the guardian's session ends on the next request.
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

from utvei.access.persons import GUARDIAN, PersonActor
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Person
from utvei.cases.services.persons import national_id_indexes
from utvei.sharing.selectors import age_limits

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
    # The person's own records win: an adult who is both a person in Utvei and a guardian sees their own.
    child_ids = [] if person_ids else _child_ids(indexes)
    if not person_ids and not child_ids:
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
        **({"guardian_of": child_ids} if child_ids else {}),
    }
    request.session.set_expiry(_lifetime_seconds())
    if child_ids:
        actor = PersonActor(person_ids=frozenset(child_ids), acr=acr, ground=GUARDIAN)
    else:
        actor = PersonActor(person_ids=frozenset(person_ids), acr=acr)
    with transaction.atomic():
        for person_id in sorted(actor.person_ids):
            record(actor=actor, event=AuditEvent.LOGIN, target_type="portal.Session", person_id=person_id)
    return True


def _guardian_of(indexes: list[str]) -> QuerySet[Person]:
    """Give the persons a guardian with these number indexes holds parental responsibility for."""
    return Person.objects.filter(
        guardians__national_id_index__in=indexes, guardians__has_parental_responsibility=True
    ).distinct()


def _child_ids(indexes: list[str]) -> list[int]:
    """Give the records of the one child a guardian's login opens: the youngest under the age of majority.

    A child registered by several organisations has a record (and a guardian row) in each, found through
    the child's own number; a guardian of several children gets the youngest one's portal.
    """
    today = timezone.localdate()
    majority = age_limits(today).majority
    children = [p for p in _guardian_of(indexes).order_by("-birth_date", "pk") if p.age_on(today) < majority]
    if not children:
        return []
    child = children[0]
    if not child.national_id_index:
        return [child.pk]
    return sorted(p.pk for p in children if p.national_id_index == child.national_id_index)


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
    wanted = [str(i) for i in indexes if i]
    children = stored.get("guardian_of")
    if isinstance(children, list):
        # The guardianship is read again each time: a guardian removed from the child's record loses access.
        return _guardian_of(wanted).filter(pk__in=[int(c) for c in children])
    return Person.objects.filter(national_id_index__in=wanted).exclude(national_id_index="")


def portal_actor(request: HttpRequest) -> PersonActor | None:
    """Give the person actor of the portal session (None when there is none, or it finds no person).

    For a guardian's session the child's age is worked out on every request: at the age of majority the
    session ends at once; from the age the young person's own categories begin, the actor withholds them.
    """
    persons = portal_persons(request)
    if persons is None:
        return None
    stored = request.session.get(PORTAL_SESSION_KEY, {})
    acr = str(stored.get("acr", ""))
    if "guardian_of" not in stored:
        ids = frozenset(persons.values_list("pk", flat=True))
        return PersonActor(person_ids=ids, acr=acr) if ids else None
    today = timezone.localdate()
    births = list(persons.values_list("pk", "birth_date"))
    limits = age_limits(today)
    ages = [Person(birth_date=born).age_on(today) for _pk, born in births]
    if not births or max(ages) >= limits.majority:
        end_person_session(request)  # of age: the guardians' access ends, with nothing of the session kept
        return None
    withheld = limits.own_categories if max(ages) >= limits.own_from else frozenset()
    return PersonActor(person_ids=frozenset(pk for pk, _born in births), acr=acr, ground=GUARDIAN, withheld=withheld)


def is_guardian_session(request: HttpRequest) -> bool:
    """Tell whether the browser holds a guardian's portal session (read from the session, no query)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    stored = session.get(PORTAL_SESSION_KEY) if session is not None else None
    staff = user is not None and user.is_authenticated
    return isinstance(stored, dict) and "guardian_of" in stored and not staff


def end_person_session(request: HttpRequest) -> None:
    """End the portal session: the whole session is flushed, so nothing of it is left."""
    request.session.flush()
