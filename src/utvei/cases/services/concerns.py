"""Concern-only records and reports of serious concern (escalations)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import (
    Case,
    Concern,
    Escalation,
    Task,
    TaskKind,
)
from utvei.cases.services._common import acting_organisation
from utvei.core.markings import marking_errors
from utvei.core.text import require_plain
from utvei.notifications.models import NotificationKind
from utvei.notifications.services import notify


def concern_create(
    *, actor: User, organisation: Organisation, subject: str, description: str, outcome: str = ""
) -> Concern:
    """Record a concern that is not (yet) a case, with a short retention (R30).

    The subject is initials or a description, never an identity number; the record is deleted after
    ``settings.CONCERN_RETENTION_DAYS``.

    :raises NotFound: the actor does not work cases for the organisation.
    :raises ValidationError: empty fields, or an identity number in the subject.
    """
    from django.conf import settings

    require_plain(subject=subject)
    with transaction.atomic():
        if (
            not has_perm(actor, Perm.CASE_CREATE)
            or not Membership.objects.active().filter(user=actor, organisation=organisation).exists()
        ):
            raise NotFound(Organisation._meta.label, organisation.pk)
        errors: dict[str, str] = {}
        if not subject.strip():
            errors["subject"] = _("Write initials or a short description.")
        elif any(ch.isdigit() for ch in subject) and len([c for c in subject if c.isdigit()]) >= 6:
            errors["subject"] = _("Do not write an identity number or birth date here.")
        if not description.strip():
            errors["description"] = _("Describe the concern.")
        if errors:
            raise ValidationError(errors)
        concern = Concern.objects.create(
            organisation=organisation,
            recorded_by=actor,
            subject=subject.strip(),
            description=description.strip(),
            outcome=outcome.strip(),
            delete_after=timezone.localdate() + timedelta(days=settings.CONCERN_RETENTION_DAYS),
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=concern,
            organisation_id=organisation.pk,
            changed_fields=["subject", "description", "outcome"],
        )
    return concern


def _tell_police_contacts(*, actor: User, case: Case, escalation: Escalation) -> None:
    """Tell the police contact seats on the team of a report to the police or PST."""
    from utvei.cases.models import EscalationRecipient

    if escalation.recipient not in (
        EscalationRecipient.POLICE_CONTACT,
        EscalationRecipient.POLICE,
        EscalationRecipient.PST,
    ):
        return
    seats = case.team.filter(role=Role.POLICE_CONTACT, left_at__isnull=True).values_list("user_id", flat=True)
    notify(
        recipient_ids=list(seats),
        kind=NotificationKind.REPORT_RECEIVED,
        key=f"escalation:{escalation.pk}",
        case_id=case.pk,
        actor_id=actor.pk,
    )


def escalation_record(
    *,
    actor: User,
    case_id: int,
    level: str,
    recipient: str,
    basis: str = "",
    channel: str = "",
    summary: str = "",
    reported_at: datetime | None = None,
    reference: str = "",
    reassess_on: date | None = None,
    leader_informed: bool = False,
    person_informed: bool = False,
    person_not_informed_reason: str = "",
    person_not_informed_until: date | None = None,
    known_at: datetime | None = None,
) -> Escalation:
    """Record a report of serious concern; every team member may do so in every phase (R17).

    Nothing but the level and the recipient is required: a report must never be blocked by missing
    fields, which can be completed afterwards. It is audited as a disclosure (SHARE). With a basis, it is
    also recorded as a ``sharing.Disclosure`` when the sharing decision allows it; if not, the report stands.

    :raises NotFound: the actor is not on the case's team.
    :raises ValidationError: an unknown level, recipient, basis or channel.
    """
    from utvei.cases.models import EscalationBasis, EscalationChannel, EscalationLevel, EscalationRecipient

    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.SHARE, case)
        errors: dict[str, str] = {}
        if level not in EscalationLevel.values:
            errors["level"] = _("Choose how urgent the concern is.")
        if recipient not in EscalationRecipient.values:
            errors["recipient"] = _("Choose who the concern was reported to.")
        if basis and basis not in EscalationBasis.values:
            errors["basis"] = _("Unknown legal basis.")
        if channel and channel not in EscalationChannel.values:
            errors["channel"] = _("Unknown channel.")
        if known_at is not None and known_at > timezone.now():
            errors["known_at"] = _("The time of knowledge cannot be in the future.")
        errors.update(
            marking_errors(
                {"summary": summary, "reference": reference, "person_not_informed_reason": person_not_informed_reason}
            )
        )
        if errors:
            raise ValidationError(errors)
        escalation = Escalation.objects.create(
            case=case,
            level=level,
            recipient=recipient,
            basis=basis,
            channel=channel,
            summary=summary.strip(),
            reported_at=reported_at or timezone.now(),
            known_at=known_at,
            reference=reference.strip(),
            reassess_on=reassess_on,
            leader_informed=leader_informed,
            person_informed=person_informed,
            person_not_informed_reason="" if person_informed else person_not_informed_reason.strip(),
            person_not_informed_until=None if person_informed else person_not_informed_until,
            reported_by=actor,
            owner_organisation=acting_organisation(actor=actor, case=case),
        )
        record(
            actor=actor,
            event=AuditEvent.SHARE,
            target=escalation,
            case=case,
            changed_fields=[
                "level",
                "recipient",
                "basis",
                "channel",
                "summary",
                "reference",
                "reassess_on",
                "person_informed",
                "known_at",
            ],
        )
        _tell_police_contacts(actor=actor, case=case, escalation=escalation)
        if reassess_on is not None:
            task = Task.objects.create(
                case=case,
                kind=TaskKind.REASSESS_CONCERN,
                due_on=reassess_on,
                assignee=actor,
                created_by=actor,
            )
            record(
                actor=actor,
                event=AuditEvent.CREATE,
                target=task,
                case=case,
                changed_fields=["title", "due_on", "assignee"],
            )
    return escalation


# The fields of a report that may be completed later; level and recipient are fixed when it is made.
COMPLETABLE_FIELDS = (
    "basis",
    "channel",
    "summary",
    "reference",
    "known_at",
    "reassess_on",
    "leader_informed",
    "person_informed",
    "person_not_informed_reason",
    "person_not_informed_until",
)


def escalation_complete(*, actor: User, escalation_id: int, **changes: object) -> Escalation:
    """Complete or correct a report of serious concern later, keeping what it said before (R17).

    Only the fields in ``COMPLETABLE_FIELDS`` may change; the level, the recipient and the time of the report
    stay as reported. Each completion is kept as an ``EscalationChange`` with the field names and the earlier
    values (encrypted), and audited as an UPDATE with the field names only. When the report now has a basis
    and no disclosure yet, the sharing engine records it as one if the decision allows it.

    :raises NotFound: the report does not exist or the actor is not on its case's team.
    :raises ValidationError: an unknown field, basis or channel, a time of knowledge in the future, or a
        classification marking.
    """
    import json

    from utvei.cases.models import EscalationBasis, EscalationChange, EscalationChannel

    unknown = set(changes) - set(COMPLETABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not completable: {sorted(unknown)}")
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().select_related("case").filter(pk=escalation_id).first()
        if escalation is None:
            raise NotFound(Escalation._meta.label, escalation_id)
        policy.require(actor, Action.SHARE, escalation.case)
        errors: dict[str, str] = {}
        basis = changes.get("basis", escalation.basis)
        channel = changes.get("channel", escalation.channel)
        known_at = changes.get("known_at", escalation.known_at)
        if basis and basis not in EscalationBasis.values:
            errors["basis"] = _("Unknown legal basis.")
        if channel and channel not in EscalationChannel.values:
            errors["channel"] = _("Unknown channel.")
        if isinstance(known_at, datetime) and known_at > timezone.now():
            errors["known_at"] = _("The time of knowledge cannot be in the future.")
        errors.update(marking_errors({name: value for name, value in changes.items() if isinstance(value, str)}))
        if errors:
            raise ValidationError(errors)
        changed: dict[str, object] = {}
        for name, value in changes.items():
            cleaned = value.strip() if isinstance(value, str) else value
            if getattr(escalation, name) != cleaned:
                changed[name] = getattr(escalation, name)
                setattr(escalation, name, cleaned)
        if not changed:
            return escalation
        if escalation.person_informed:
            escalation.person_not_informed_reason = ""
            escalation.person_not_informed_until = None
        escalation.save(update_fields=[*changed, "person_not_informed_reason", "person_not_informed_until"])
        EscalationChange.objects.create(
            escalation=escalation,
            changed_by=actor,
            changed_fields=sorted(changed),
            previous=json.dumps(
                {name: value.isoformat() if hasattr(value, "isoformat") else value for name, value in changed.items()},
                default=str,
            ),
        )
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=escalation,
            case=escalation.case,
            changed_fields=sorted(changed),
        )
    return escalation
