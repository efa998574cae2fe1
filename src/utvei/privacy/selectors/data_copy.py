"""The copy of everything the actor's organisations hold about one person, as data and as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone, translation

from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.models import Case, Person
from utvei.privacy import phrases
from utvei.privacy.selectors.access_log import PersonAccessLog, person_access_log, request_case
from utvei.sharing.selectors import disclosure_list_for_person

# --- the copy of everything about the person -------------------------------------------------------------


@dataclass(frozen=True)
class CopySection:
    """Hold the rows of one kind of record in the person's copy, as JSON values and as display pairs."""

    label: str
    title: str
    rows: list[dict[str, object]]
    display: list[list[tuple[str, str]]]


@dataclass(frozen=True)
class HeldElsewhere:
    """Say that another organisation holds records of one kind about the person (ask them for a copy)."""

    title: str
    organisation: str
    count: int


@dataclass(frozen=True)
class RetentionLine:
    """Say how long one kind of record is kept, for the person's copy (GDPR art. 15(1)(d))."""

    record_type: str
    action: str
    days: int | None


@dataclass
class PersonDataCopy:
    """Hold the copy of everything the actor's organisations hold about the person, with the access log,
    the disclosures and the retention schedule, and what other organisations hold."""

    case: Case
    name: str
    produced_on: date
    sections: list[CopySection]
    held_elsewhere: list[HeldElsewhere]
    access_log: PersonAccessLog
    retention: list[RetentionLine]


def _plain(value: object, field_: object, organisations: dict[int, str]) -> tuple[object, str]:
    from django.db import models as dj

    assert isinstance(field_, dj.Field)
    if isinstance(field_, dj.ForeignKey | dj.OneToOneField):
        if field_.related_model is Organisation:
            name = organisations.get(value, "") if isinstance(value, int) else ""
            return name, name
        return value, "" if value is None else str(value)
    if isinstance(value, datetime):
        return value.isoformat(), timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.isoformat(), value.strftime("%d.%m.%Y")
    if field_.choices and value not in (None, ""):
        labels = {str(k): str(v) for k, v in field_.flatchoices}
        return value, labels.get(str(value), str(value))
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return value, _("Yes") if value else _("No")
    if isinstance(value, list):
        if field_.name == "recipients":
            names = [organisations.get(v, str(v)) for v in value if isinstance(v, int)]
            return names, ", ".join(names)
        return value, ", ".join(str(v) for v in value)
    return value, "" if value is None else str(value)


def _copy_sections(person: Person, organisations_of_actor: set[int]) -> tuple[list[CopySection], list[HeldElsewhere]]:
    from django.apps import apps
    from django.db.models import Count

    from utvei.privacy.inventory import EXPORTED, SKIPPED_RELATED_MODELS

    organisations = dict(Organisation.objects.values_list("pk", "name"))
    sections: list[CopySection] = []
    elsewhere: list[HeldElsewhere] = []
    for spec in EXPORTED:
        model = apps.get_model(spec.label)
        about = model.objects.filter(**{spec.person_path: person.pk})
        owner = f"{spec.owner_path}__in"
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (
                f.is_relation and f.related_model is not None and f.related_model._meta.label in SKIPPED_RELATED_MODELS
            )
        ]
        rows, display = [], []
        for obj in about.filter(**{owner: organisations_of_actor}).order_by("pk"):
            row: dict[str, object] = {}
            pairs: list[tuple[str, str]] = []
            for f in fields:
                raw, shown = _plain(f.value_from_object(obj), f, organisations)
                row[f.name] = raw
                if shown:
                    pairs.append((str(f.verbose_name), shown))
            rows.append(row)
            display.append(pairs)
        title = str(model._meta.verbose_name_plural)
        if rows:
            sections.append(CopySection(spec.label, title, rows, display))
        others = about.exclude(**{owner: organisations_of_actor}).values(spec.owner_path).annotate(n=Count("pk"))
        for other in others.order_by(spec.owner_path):
            elsewhere.append(HeldElsewhere(title, organisations.get(other[spec.owner_path], ""), other["n"]))
    return sections, elsewhere


def person_data_copy(*, actor: User, case_id: int, language: str) -> PersonDataCopy:
    """Put together a copy of everything the actor's organisations hold about the case's person.

    It covers every model of :data:`utvei.privacy.inventory.EXPORTED`: rows owned by one of the actor's
    organisations in full, rows owned by another organisation as a count with the owner's name (each
    organisation answers for its own records under its own confidentiality). It adds the person's access
    log, the disclosures and the retention schedule. Staff identities are left out. Audited as EXPORT.

    :raises NotFound: the case does not exist or the actor is not one of its editors.
    """
    from utvei.accounts.models import Membership
    from utvei.privacy.models import RecordType, RetentionAction, RetentionRule

    with reading():
        case = request_case(actor, case_id)
        person = case.person
        today = timezone.localdate()
        mine = set(Membership.objects.active().filter(user=actor).values_list("organisation_id", flat=True))
        with translation.override(language):
            sections, elsewhere = _copy_sections(person, mine)
            disclosures = disclosure_list_for_person(actor=actor, person_id=person.pk)
            log, _held_back = person_access_log(person=person, disclosures=disclosures, today=today, language=language)
            retention = [
                RetentionLine(
                    str(RecordType(rule.record_type).label),
                    str(RetentionAction(rule.action).label),
                    _effective_days(rule),
                )
                for rule in RetentionRule.objects.filter(is_active=True).order_by("pk")
            ]
        record(
            actor=actor,
            event=AuditEvent.EXPORT,
            target_type=phrases.DATA_COPY_TARGET,
            target_id=person.pk,
            case=case,
            changed_fields=[s.label for s in sections],
        )
    return PersonDataCopy(
        case=case,
        name=f"{person.given_name} {person.family_name}".strip(),
        produced_on=today,
        sections=sections,
        held_elsewhere=elsewhere,
        access_log=log,
        retention=retention,
    )


def _effective_days(rule: object) -> int | None:
    from django.conf import settings

    from utvei.privacy.models import RecordType, RetentionRule

    assert isinstance(rule, RetentionRule)
    if rule.period_days is not None:
        return rule.period_days
    if rule.record_type == RecordType.CONCERN:
        return int(settings.CONCERN_RETENTION_DAYS)
    if rule.record_type == RecordType.CLOSED_CASE:
        return int(settings.CLOSED_CASE_RETENTION_DAYS)
    return None


def data_copy_json(copy: PersonDataCopy) -> dict[str, object]:
    """Turn a copy of the person's data into a JSON document (machine-readable, GDPR art. 20)."""
    return {
        "format": "utvei-person-data-copy/1",
        "produced_on": copy.produced_on.isoformat(),
        "person": copy.name,
        "records": {s.label: s.rows for s in copy.sections},
        "held_by_other_organisations": [
            {"records": h.title, "organisation": h.organisation, "count": h.count} for h in copy.held_elsewhere
        ],
        "access_log": [
            {
                "at": a.at.isoformat(),
                "organisation": a.organisation,
                "role": a.role,
                "action": a.action,
                "categories": a.categories,
                "grounds": a.grounds,
                "emergency": a.emergency,
            }
            for a in copy.access_log.accesses
        ],
        "disclosures": [
            {
                "day": d.day.isoformat(),
                "from": d.discloser,
                "to": d.recipient,
                "categories": d.categories,
                "basis": d.basis,
            }
            for d in copy.access_log.disclosures
        ],
        "retention": [{"records": r.record_type, "action": r.action, "days": r.days} for r in copy.retention],
    }
