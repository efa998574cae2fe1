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
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.db import models, transaction
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


def _person_copy(template: models.Model, index: int, rng: random.Random) -> models.Model:
    from utvei.cases.models import Person
    from utvei.core.fnr import synthetic_fodselsnummer

    birth = date(1996, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
    person = _copy(template, {})
    assert isinstance(person, Person)
    person.given_name = f"{rng.choice(GIVEN)}"
    person.family_name = f"{rng.choice(FAMILY)}-{index}"
    person.birth_date = birth
    person.national_id = synthetic_fodselsnummer(birth, rng=rng)
    return person


def _audit_batch(entries: list[Any], head: Any) -> None:
    from utvei.audit.models import AuditEntry
    from utvei.audit.services import entry_hash

    for entry in entries:
        head.last_seq += 1
        entry.seq = head.last_seq
        entry.prev_hash = head.last_hash
        entry.hash = entry_hash(entry)
        head.last_hash = entry.hash
    AuditEntry.objects.bulk_create(entries, batch_size=2000)


def generate(
    *, cases: int, conversations: int = 40, audit_per_case: int = 400, batch: int = 200, seed: int = 7
) -> Generated:
    """Add ``cases`` copies of the demo's fullest case, with conversations and audit events; see the module."""
    from utvei.accounts.models import User
    from utvei.audit.models import AuditChainHead, AuditEntry, AuditEvent, Outcome
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
    users = {u.pk: u for u in User.objects.all()}
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
                        copy = _person_copy(row, index, rng) if label == "cases.Person" else _copy(row, mapping)
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
            entries = []
            for mapping in mappings:
                case = mapping[("cases.Case", template_case.pk)]
                for n in range(audit_per_case):
                    user_id, organisation_id, role = team[n % len(team)]
                    user = users[user_id]
                    entries.append(
                        AuditEntry(
                            created_at=timezone.now() - timedelta(minutes=audit_per_case - n),
                            actor_id=user_id,
                            actor_username=user.get_username(),
                            actor_role=role,
                            organisation_id=organisation_id,
                            event=AuditEvent.VIEW if n % 10 else AuditEvent.UPDATE,
                            outcome=Outcome.SUCCESS,
                            target_type="cases.Case",
                            target_id=str(case.pk),
                            case_id=case.pk,
                            person_id=case.person_id,  # type: ignore[attr-defined]
                            request_id="",
                            changed_fields=[],
                            chain_version=CHAIN_VERSION,
                            categories=["case"],
                            grounds=["seat"],
                        )
                    )
            _audit_batch(entries, head)
            head.save(update_fields=["last_seq", "last_hash"])
            events += len(entries)
    return Generated(cases=cases, rows=dict(counts), audit_events=events, seconds=time.perf_counter() - started)
