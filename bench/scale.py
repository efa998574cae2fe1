"""Scale data for the benchmarks: N synthetic cases shaped like the demo's fullest case.

The demo's case for Jonas Berg is the template: its team, plan with goals and measures, network, consents
with their grant index, tasks, mentor agreement and the rest of what the copy of a person's data walks
(``utvei.privacy.inventory``) are copied to each new case, through the models' own encrypted fields, so
every value is sealed under the new person's data key and bound to its new row. Conversations are copied
until each case has about ``conversations`` of them, and each case gets ``audit_per_case`` audit events in
one valid hash chain (``audit_verify`` accepts it). Rows go in with ``bulk_create``, a batch of cases at a
time. Names and identity numbers are synthetic (valid check digits, drawn at random).

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


def _copy(row: models.Model, mapping: dict[tuple[str, int], models.Model]) -> models.Model:
    """Make an unsaved copy of ``row`` with its own foreign keys pointed at the copies made so far."""
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
    conversation_rows = templates["contacts.Conversation"]
    counts: dict[str, int] = defaultdict(int)
    events = 0
    today = timezone.localdate()
    for start in range(0, cases, batch):
        size = min(batch, cases - start)
        with transaction.atomic():
            mappings: list[dict[tuple[str, int], models.Model]] = [{} for _ in range(size)]
            for label, _path in order:
                model = apps.get_model(label)
                new_rows: list[models.Model] = []
                for offset, mapping in enumerate(mappings):
                    index = start + offset
                    for row in templates[label]:
                        copy = _person_copy(row, index, rng, used) if label == "cases.Person" else _copy(row, mapping)
                        if label == "cases.Case":
                            copy.reference = f"UTV-SKALA-{index:06d}"  # type: ignore[attr-defined]
                        mapping[(label, row.pk)] = copy
                        new_rows.append(copy)
                    if label == "contacts.Conversation" and conversation_rows:
                        case = mapping[("cases.Case", template_case.pk)]
                        for n in range(max(0, conversations - len(conversation_rows))):
                            extra = _copy(conversation_rows[n % len(conversation_rows)], mapping)
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
            for mapping in mappings:
                case = mapping[("cases.Case", template_case.pk)]
                for n in range(audit_per_case):
                    user_id, organisation_id, role = team[n % len(team)]
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
