"""Scale data for the benchmarks: N synthetic cases shaped like the demo's fullest case.

The demo's case for Jonas Berg is the template: its team, plan with goals and measures, network, consents
with their grant index, tasks, mentor agreement and the rest of what the copy of a person's data walks
(``utvei.privacy.inventory``) are copied to each new case, through the models' own encrypted fields, so
every value is sealed under the new person's data key and bound to its new row. Conversations are copied
until each case has about ``conversations`` of them, and each case gets ``audit_per_case`` audit events in
one valid hash chain (``audit_verify`` accepts it). Rows go in with ``bulk_create``, a batch of cases at a
time. Each team seat is held by a worker of the seat's organisation and role who follows ``CASELOAD`` cases,
so a worker's caseload, and with it what the access engine loads per request, is the size a real one is,
whatever N is; the demo's own users hold the first of them. Names and identity numbers are synthetic (valid
check digits, drawn at random and never twice).

Run inside a configured Django (``bench/run.py`` does that): ``generate(cases=N)``.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

# Names for the synthetic persons, combined at random (no real person is meant).
GIVEN = ("Aksel", "Birk", "Celine", "Dina", "Eirik", "Frida", "Gard", "Hedda", "Iver", "Jenny", "Kasper", "Live")
FAMILY = ("Aas", "Brekke", "Dahl", "Eide", "Fjeld", "Haug", "Lie", "Moe", "Nes", "Ruud", "Strand", "Vik")

SCALES = {"tiny": 20, "small": 300, "medium": 5_000, "national10": 50_000}


@dataclass
class Generated:
    """Tell what a run made and how long it took."""

    cases: int
    rows: dict[str, int]
    audit_events: int
    seconds: float


def _template_rows(label: str, person_path: str, person: models.Model) -> list[models.Model]:
    model = apps.get_model(label)
    return list(model._base_manager.filter(**{person_path: person.pk}).order_by("pk"))


def _cloned_models() -> list[tuple[str, str]]:
    from utvei.privacy.inventory import EXPORTED

    order = [(e.label, e.person_path) for e in EXPORTED]
    order.insert([label for label, _ in order].index("sharing.ConsentNotice"), ("sharing.ConsentGrant", "person"))
    return order


def _copy(
    row: models.Model, mapping: dict[tuple[str, int], models.Model], users: dict[int, int] | None = None
) -> models.Model:
    """Make an unsaved copy of ``row`` with its own foreign keys pointed at the copies made so far, and each
    user of the template's team replaced by the worker who holds that seat on the copy (``users``)."""
    model = type(row)
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in {"row_uid", "data_key", "national_id_index", "fingerprint"}:
            continue
        if isinstance(field, models.ForeignKey):
            target = getattr(row, field.attname)
            if target is None:
                values[field.attname] = None
                continue
            copied = mapping.get((field.related_model._meta.label, target))
            if copied is not None:
                values[field.name] = copied
            elif users is not None and field.related_model._meta.label == "accounts.User":
                values[field.attname] = users.get(target, target)
            elif field.related_model._meta.label in _CLONED:
                values[field.attname] = None  # a link forward to a row not copied yet (a replacing consent)
            else:
                values[field.attname] = target  # users, organisations, legal references: shared
            continue
        # Through the descriptor: an encrypted field gives its plain value, sealed again for the copy.
        values[field.attname] = getattr(row, field.attname)
    return model(**values)


_CLONED: set[str] = set()


def _person_copy(template: models.Model, index: int, rng: random.Random, used: set[str]) -> models.Model:
    from utvei.cases.models import Person
    from utvei.core.fnr import synthetic_fodselsnummer

    birth = date(1996, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
    person = _copy(template, {})
    assert isinstance(person, Person)
    person.given_name = f"{rng.choice(GIVEN)}"
    person.family_name = f"{rng.choice(FAMILY)}-{index}"
    # Drawn until new: at 50,000 persons two random draws meet about a thousand times.
    number = synthetic_fodselsnummer(birth, rng=rng)
    while number in used:
        birth = date(1996, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
        number = synthetic_fodselsnummer(birth, rng=rng)
    used.add(number)
    person.birth_date = birth
    person.national_id = number
    return person


def _audit_rows(rows: list[tuple[Any, ...]], head: Any, vendor: str) -> None:
    """Chain and insert audit rows given as ``utvei.audit.canonical.COLUMNS`` tuples without seq and hashes.

    Each row is hashed through the verifier's fast canonical path, which is byte for byte the definition
    (``entry_hash``; tests/audit/test_canonical.py), and written with one prepared INSERT (SQLite) or COPY
    (PostgreSQL): the ORM's ``bulk_create`` costs about 100 µs a row, too slow for 20 million of them.
    ``audit_verify`` checks every hash the benchmark writes.
    """
    from django.db import connection

    from utvei.audit.canonical import COLUMNS, Canonicaliser
    from utvei.audit.models import AuditEntry

    digest = Canonicaliser(naive_is_utc=True).digest
    chained = []
    seq, last = head.last_seq, head.last_hash
    for row in rows:
        seq += 1
        full = (seq, *row[:13], last, *row[13:])
        last = digest(full)
        if last is None:
            raise ValueError("an audit row the fast path cannot hash")
        chained.append((*full, last))
    head.last_seq, head.last_hash = seq, last
    columns = (*COLUMNS, "hash")
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            names = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in chained:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", chained)  # noqa: S608


# The cases a generated worker follows: each seat of the template's team is held, for every CASELOAD
# consecutive cases, by one worker of the seat's organisation and role. The first CASELOAD cases go to the
# demo's own users, so they log in to a full work list (the demo's cases and CASELOAD more).
CASELOAD = 30


class _Staff:
    """Make the workers who hold the generated teams' seats, as the template's seat holders' colleagues."""

    def __init__(self, team: list[tuple[int, int, str]]) -> None:
        from utvei.accounts.models import Membership

        self.team = team
        self.memberships = {
            (m.user_id, m.organisation_id, m.role): m
            for m in Membership.objects.filter(user_id__in=[u for u, _, _ in team])
        }
        self.pools: list[dict[int, int]] = [{0: user_id} for user_id, _, _ in team]
        self.usernames: dict[int, str] = {}

    def users_for(self, index: int) -> dict[int, int]:
        """Give the template's team users mapped to the workers of case ``index``."""
        slot = index // CASELOAD
        return {self.team[j][0]: self.pools[j][slot] for j in range(len(self.team))}

    def make_slots(self, first: int, last: int) -> None:
        """Make the workers for the cases ``first`` to ``last`` (bulk, one query per table)."""
        from django.contrib.auth.hashers import make_password

        from utvei.accounts.models import Membership, User

        wanted = [
            (j, slot)
            for slot in range(first // CASELOAD, last // CASELOAD + 1)
            for j in range(len(self.team))
            if slot not in self.pools[j]
        ]
        if not wanted:
            return
        unusable = make_password(None)
        users = [
            User(
                username=f"skala-{slot}-{j}",
                first_name=GIVEN[(slot + j) % len(GIVEN)],
                last_name=f"{FAMILY[slot % len(FAMILY)]} {slot}",
                password=unusable,
            )
            for j, slot in wanted
        ]
        User.objects.bulk_create(users, batch_size=500)
        memberships = []
        for (j, slot), user in zip(wanted, users, strict=True):
            template_user, organisation_id, role = self.team[j]
            model = self.memberships.get((template_user, organisation_id, role))
            memberships.append(
                Membership(
                    user=user,
                    organisation_id=organisation_id,
                    role=role,
                    professional_status=model.professional_status if model else "",
                    hpr_number=model.hpr_number if model else "",
                    status_confirmed_by_id=model.status_confirmed_by_id if model else None,
                    status_confirmed_at=model.status_confirmed_at if model else None,
                )
            )
            self.pools[j][slot] = user.pk
            self.usernames[user.pk] = user.get_username()
        Membership.objects.bulk_create(memberships, batch_size=500)


def generate(
    *, cases: int, conversations: int = 40, audit_per_case: int = 400, batch: int = 200, seed: int = 7
) -> Generated:
    """Add ``cases`` copies of the demo's fullest case, with conversations and audit events; see the module."""
    from utvei.accounts.models import User
    from utvei.audit.models import AuditChainHead, AuditEvent, Outcome
    from utvei.audit.services import CHAIN_VERSION, GENESIS_HASH
    from utvei.cases.models import Case, Person
    from utvei.cases.services.persons import NATIONAL_ID_INDEX
    from utvei.contacts.models import Conversation
    from utvei.core.cipher import blind_index

    rng = random.Random(seed)  # noqa: S311  (synthetic data, not security)
    started = time.perf_counter()
    template_case = Case.objects.select_related("person").get(person__given_name="Jonas", person__family_name="Berg")
    person = template_case.person
    order = _cloned_models()
    _CLONED.clear()
    _CLONED.update(label for label, _ in order)
    templates = {label: _template_rows(label, path, person) for label, path in order}
    usernames = {u.pk: u.get_username() for u in User.objects.all()}
    used = {str(p.national_id) for p in Person._base_manager.all()}
    vendor = connection.vendor
    if vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # a benchmark database: a crash may lose it
            cursor.execute("PRAGMA synchronous=OFF")
    team = [(m.user_id, m.organisation_id, m.role) for m in templates["cases.TeamMember"]]
    staff = _Staff(team)
    conversation_rows = templates["contacts.Conversation"]
    counts: dict[str, int] = defaultdict(int)
    events = 0
    today = timezone.localdate()
    for start in range(0, cases, batch):
        size = min(batch, cases - start)
        with transaction.atomic():
            staff.make_slots(start, start + size - 1)
            usernames.update(staff.usernames)
            seats = [staff.users_for(start + offset) for offset in range(size)]
            mappings: list[dict[tuple[str, int], models.Model]] = [{} for _ in range(size)]
            for label, _path in order:
                model = apps.get_model(label)
                new_rows: list[models.Model] = []
                for offset, mapping in enumerate(mappings):
                    index = start + offset
                    for row in templates[label]:
                        copy = (
                            _person_copy(row, index, rng, used)
                            if label == "cases.Person"
                            else _copy(row, mapping, seats[offset])
                        )
                        if label == "cases.Case":
                            copy.reference = f"UTV-SKALA-{index:06d}"  # type: ignore[attr-defined]
                        mapping[(label, row.pk)] = copy
                        new_rows.append(copy)
                    if label == "contacts.Conversation" and conversation_rows:
                        case = mapping[("cases.Case", template_case.pk)]
                        for n in range(max(0, conversations - len(conversation_rows))):
                            extra = _copy(conversation_rows[n % len(conversation_rows)], mapping, seats[offset])
                            assert isinstance(extra, Conversation)
                            extra.case = case  # type: ignore[assignment]
                            extra.held_on = today - timedelta(days=7 * (n + 1))
                            extra.next_contact_on = None
                            new_rows.append(extra)
                model._base_manager.bulk_create(new_rows, batch_size=500)
                counts[label] += len(new_rows)
            new_persons = [m[("cases.Person", person.pk)] for m in mappings]
            for p in new_persons:
                assert isinstance(p, Person)
                Person._base_manager.filter(pk=p.pk).update(
                    national_id_index=blind_index(str(p.national_id), purpose=NATIONAL_ID_INDEX)
                )
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
            )
            rows = []
            moment = timezone.now()
            for offset, mapping in enumerate(mappings):
                case = mapping[("cases.Case", template_case.pk)]
                for n in range(audit_per_case):
                    template_user, organisation_id, role = team[n % len(team)]
                    user_id = seats[offset][template_user]
                    when = moment - timedelta(minutes=audit_per_case - n)
                    rows.append(
                        (
                            when if vendor == "postgresql" else str(when.astimezone(UTC).replace(tzinfo=None)),
                            user_id,
                            usernames[user_id],
                            role,
                            organisation_id,
                            AuditEvent.VIEW.value if n % 10 else AuditEvent.UPDATE.value,
                            Outcome.SUCCESS.value,
                            "cases.Case",
                            str(case.pk),
                            case.pk,
                            case.person_id,  # type: ignore[attr-defined]
                            "",
                            "[]",
                            CHAIN_VERSION,
                            '["case"]',
                            '["seat"]',
                        )
                    )
            _audit_rows(rows, head, vendor)
            events += len(rows)
            head.save(update_fields=["last_seq", "last_hash"])
    return Generated(cases=cases, rows=dict(counts), audit_events=events, seconds=time.perf_counter() - started)
