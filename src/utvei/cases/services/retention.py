"""Retention of case records: deleting expired concern-only records and anonymising long-closed cases.

Only the retention job (``utvei.privacy.services.retention_run``) calls these. They act for the system,
not for a user, so they check no access rule; each writes its audit rows in the caller's transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import (
    Case,
    CaseAdvice,
    Concern,
    Escalation,
    EscalationChange,
    Guardian,
    Handover,
    Person,
    Relapse,
    Revision,
    Task,
    TeamMember,
)
from utvei.cases.services.revisions import revisions_erase

ANONYMISED_NAME = "Anonymisert"

# The fields anonymisation clears, by model: identity and the free text of the cases app's own records.
PERSON_FIELDS = ("given_name", "family_name", "birth_date", "national_id", "phone", "email", "address", "language")
CASE_TEXT_FIELDS = ("referral_reason", "police_not_involved_reason", "closure_outcome", "security_assessed_by")


def concern_purge(*, run_by: str, today: date, recorded_before: date) -> int:
    """Delete the concern-only records that are due: past their delete-after date or recorded before
    ``recorded_before`` (the schedule's period, when it is shorter than the one they were created with).

    One audit row per deleted record, with its id only (R30). Returns how many were deleted.
    """
    with transaction.atomic():
        due = list(
            Concern.objects.select_for_update().filter(Q(delete_after__lt=today) | Q(recorded_on__lt=recorded_before))
        )
        for concern in due:
            record(
                actor=None,
                actor_username=run_by,
                event=AuditEvent.DELETE,
                target=concern,
                organisation_id=concern.organisation_id,
            )
        Concern.objects.filter(pk__in=[c.pk for c in due]).delete()
    return len(due)


def persons_due_for_anonymisation(*, closed_before: datetime) -> list[int]:
    """List the persons whose every case was closed before ``closed_before`` and who are not anonymised yet."""
    still_kept = Case.objects.filter(person_id=OuterRef("pk")).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=closed_before)
    )
    return list(
        Person.objects.filter(anonymised_at__isnull=True, cases__isnull=False)
        .exclude(Exists(still_kept))
        .distinct()
        .values_list("pk", flat=True)
    )


def person_anonymise(*, run_by: str, person_id: int) -> None:
    """Anonymise a person whose cases are all closed: clear the identity, remove the guardians, and clear
    the free text of the cases app's records about them (reasons, outcomes, advice, hand-overs, relapses,
    reports, task titles). The case skeleton stays for the archive: reference, dates, phases, closure
    reason and which organisations took part.

    The birth date keeps its year only (statistics by age group). Audited as one UPDATE of the person and
    one of each case, with the names of the cleared fields.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        if person.anonymised_at is not None:
            return
        person.given_name = ANONYMISED_NAME
        person.family_name = ""
        person.birth_date = date(person.birth_date.year, 1, 1)
        person.national_id = ""
        person.national_id_index = ""
        person.phone = ""
        person.email = ""
        person.address = ""
        person.language = ""
        person.protected_address = ""
        person.anonymised_at = timezone.now()
        person.save()
        Guardian.objects.filter(person=person).delete()
        record(
            actor=None,
            actor_username=run_by,
            event=AuditEvent.UPDATE,
            target=person,
            person_id=person.pk,
            organisation_id=person.registered_by_id,
            changed_fields=[*PERSON_FIELDS, "guardians"],
        )
        for case in Case.objects.select_for_update().filter(person=person):
            for name in CASE_TEXT_FIELDS:
                setattr(case, name, "")
            case.save(update_fields=list(CASE_TEXT_FIELDS))
            # Encrypted texts are rewritten one by one: each value carries its own nonce and key id.
            for handover in Handover.objects.filter(case=case):
                handover.what_was_shared = ""
                handover.save(update_fields=["what_was_shared"])
            for relapse in Relapse.objects.filter(case=case):
                relapse.description = ""
                relapse.save(update_fields=["description"])
            for advice in CaseAdvice.objects.filter(case=case):
                advice.advice = ""
                advice.save(update_fields=["advice"])
            for escalation in Escalation.objects.filter(case=case):
                escalation.summary = ""
                escalation.person_not_informed_reason = ""
                escalation.save(update_fields=["summary", "person_not_informed_reason"])
            for change in EscalationChange.objects.filter(escalation__case=case):
                change.previous = ""
                change.save(update_fields=["previous"])
            for seat in TeamMember.objects.filter(case=case, left_at__isnull=False):
                seat.end_reason = ""
                seat.save(update_fields=["end_reason"])
            for task in Task.objects.filter(case=case):
                task.title = ANONYMISED_NAME
                task.save(update_fields=["title"])
            record(
                actor=None,
                actor_username=run_by,
                event=AuditEvent.UPDATE,
                target=case,
                case=case,
                organisation_id=case.responsible_organisation_id,
                changed_fields=[
                    *CASE_TEXT_FIELDS,
                    "handovers",
                    "relapses",
                    "advice",
                    "escalations",
                    "escalation_history",
                    "team_end_reasons",
                    "tasks",
                ],
            )
        # The earlier values kept by corrections say what the cleared fields said: they go too.
        if revisions_erase(person_id=person.pk):
            record(
                actor=None,
                actor_username=run_by,
                event=AuditEvent.DELETE,
                target_type=Revision._meta.label,
                person_id=person.pk,
                organisation_id=person.registered_by_id,
                changed_fields=["revisions"],
            )
