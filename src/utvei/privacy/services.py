"""Writes of the privacy app: exceptions to the person's access log, break-glass grants and their review,
the retention job and erasure on request."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import engine, policy
from utvei.access.engine import Ground
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent, Outcome
from utvei.audit.services import record
from utvei.cases import services as case_services
from utvei.cases.models import Case
from utvei.core import keystore
from utvei.core.markings import marking_errors
from utvei.core.services import draft_purge, draft_purge_containing
from utvei.privacy.models import (
    AccessGrant,
    AccessLogException,
    ArchiveAssessment,
    ErasureGround,
    ErasureRequest,
    ErasureStatus,
    ExceptionReason,
    GrantReason,
    RecordType,
    RetentionAction,
    RetentionReceipt,
    RetentionRule,
    ReviewState,
)
from utvei.privacy.policy import BREAK_GLASS_ROLES
from utvei.privacy.selectors import request_case

# An exception is reviewed at least yearly: a longer one is recorded again with a fresh reason.
MAX_EXCEPTION_DAYS = 365
# Drafts are the author's unsaved words; a draft untouched this long was abandoned.
DEFAULT_DRAFT_DAYS = 30

SYSTEM_ACTOR = "system:retention"
ERASURE_ACTOR = "system:erasure"
MAX_ERASURE_TEXT = 4000


def access_log_exception_record(
    *,
    actor: User,
    case_id: int,
    organisation_id: int | None,
    reason_code: str,
    reason: str,
    valid_until: date | None,
) -> AccessLogException:
    """Record a lawful exception that holds one organisation's accesses and disclosures back from the
    person's access log until an end date (e.g. a police or PST matter where telling would harm it).

    The reason code, a written reason and an end date within a year are required. Audited as CREATE
    with the person and the case; the person's log holds that record back too while it is in force.

    :raises NotFound: the case does not exist or the actor is not one of its editors.
    :raises ValidationError: a missing or unknown field, an end date in the past or over a year away.
    """
    with transaction.atomic():
        case = request_case(actor, case_id)
        today = timezone.localdate()
        errors: dict[str, str] = {}
        organisation = (
            Organisation.objects.filter(pk=organisation_id, is_active=True).first() if organisation_id else None
        )
        if organisation is None:
            errors["organisation"] = _("Choose the organisation whose access is to be held back.")
        if reason_code not in ExceptionReason.values:
            errors["reason_code"] = _("Choose the lawful reason.")
        if not reason.strip():
            errors["reason"] = _("Write why telling the person now would harm the purpose.")
        if valid_until is None:
            errors["valid_until"] = _("Give the date the exception ends.")
        elif valid_until <= today:
            errors["valid_until"] = _("The end date must be after today.")
        elif valid_until > today + timedelta(days=MAX_EXCEPTION_DAYS):
            errors["valid_until"] = _("An exception lasts at most a year; record a new one when it ends.")
        if errors:
            raise ValidationError(errors)
        assert organisation is not None and valid_until is not None
        exception = AccessLogException.objects.create(
            person=case.person,
            case=case,
            organisation=organisation,
            reason_code=reason_code,
            reason=reason.strip(),
            valid_until=valid_until,
            recorded_by=actor,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=exception,
            case=case,
            changed_fields=["organisation", "reason_code", "reason", "valid_until"],
        )
    return exception


# --- break-glass access ----------------------------------------------------------------------------------

# Signing in again counts for this long; after it, the user signs in again before asking.
REAUTH_WINDOW = timedelta(minutes=5)
DEFAULT_GRANT_HOURS = 2
MAX_GRANT_HOURS = 24
GRANT_FIELDS = ["case", "organisation", "role", "reason_code", "reason", "expires_at"]


class ReauthRequired(Exception):
    """Signal that the user must sign in again before asking for emergency access."""


def _grant_membership(actor: User, organisation_id: int) -> str | None:
    """Give the role the actor may ask break-glass access in for the organisation (None: not allowed)."""
    ctx = policy.context(actor)
    for m in ctx.memberships:
        if m.organisation_id == organisation_id and m.role in BREAK_GLASS_ROLES:
            return m.role
    return None


def access_grant_request(
    *,
    actor: User,
    case_reference: str,
    reason_code: str,
    reason: str,
    hours: int | None,
    reauthenticated_at: datetime | None,
) -> AccessGrant:
    """Open time-limited, read-only access to a case of the actor's own organisation that they have no
    seat on, in an emergency (break-glass).

    The actor must have signed in again within :data:`REAUTH_WINDOW`, hold a role that may ask in the
    case's responsible organisation, and give a reason code and a written reason. A reference that names
    no case and one that names a case the actor may not ask for get the same refusal, audited the same
    way (BREAK_GLASS, denied, the reference typed). A granted request is audited as BREAK_GLASS on the
    case with ground *grant*; the grant goes to the data protection officer's queue.

    :raises ReauthRequired: the actor has not signed in again recently.
    :raises ValidationError: a missing or marked reason, an unknown reason code, a duration out of range,
        or a case the actor may not ask for.
    """
    now = timezone.now()
    if reauthenticated_at is None or not now - REAUTH_WINDOW <= reauthenticated_at <= now:
        raise ReauthRequired
    reference = case_reference.strip()
    errors: dict[str, str] = {}
    if reason_code not in GrantReason.values:
        errors["reason_code"] = _("Choose the reason for emergency access.")
    if not reason.strip():
        errors["reason"] = _("Write why the access cannot wait.")
    errors.update(marking_errors({"reason": reason}))
    duration = DEFAULT_GRANT_HOURS if hours is None else hours
    if not 1 <= duration <= MAX_GRANT_HOURS:
        errors["hours"] = _("Emergency access lasts from 1 to 24 hours.")
    with transaction.atomic(), engine.request_scope():
        case = Case.objects.filter(reference=reference).first() if reference else None
        role = _grant_membership(actor, case.responsible_organisation_id) if case is not None else None
        if case is None or role is None or policy.context(actor).seats_on(case.pk):
            record(
                actor=actor,
                event=AuditEvent.BREAK_GLASS,
                target_type=Case._meta.label,
                target_id=reference[:64],
                outcome=Outcome.DENIED,
            )
            refused = True
        else:
            refused = False
    if refused:
        errors["case_reference"] = _("You cannot ask for emergency access to a case with this reference.")
    if errors:
        raise ValidationError(errors)
    assert case is not None and role is not None
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            case=case,
            user=actor,
            organisation_id=case.responsible_organisation_id,
            role=role,
            reason_code=reason_code,
            reason=reason.strip(),
            reauthenticated_at=reauthenticated_at,
            granted_at=now,
            expires_at=now + timedelta(hours=duration),
        )
        record(
            actor=actor,
            event=AuditEvent.BREAK_GLASS,
            target=grant,
            case=case,
            organisation_id=case.responsible_organisation_id,
            changed_fields=GRANT_FIELDS,
            grounds=[Ground.GRANT],
        )
        engine.invalidate()
    return grant


def access_grant_end(*, actor: User, grant_id: int) -> AccessGrant:
    """End one's own emergency access before it expires (audited as UPDATE of the grant).

    :raises NotFound: no such grant, or not the actor's.
    """
    with transaction.atomic(), engine.request_scope():
        grant = AccessGrant.objects.select_for_update().filter(pk=grant_id).select_related("case").first()
        if grant is None:
            raise policy.NotFound(AccessGrant._meta.label, grant_id)
        policy.require(actor, Action.UPDATE, grant)
        if grant.live():
            grant.ended_at = timezone.now()
            grant.save(update_fields=["ended_at"])
            record(actor=actor, event=AuditEvent.UPDATE, target=grant, case=grant.case, changed_fields=["ended_at"])
        engine.invalidate()
    return grant


def access_grant_review(*, actor: User, grant_id: int, decision: str, note: str) -> AccessGrant:
    """Record the data protection officer's review of a grant: reviewed (with a note) or a deviation (avvik,
    with its description). A grant is reviewed once. Audited as UPDATE of the grant.

    :raises NotFound: no such grant, or not one the actor reviews.
    :raises ValidationError: an unknown decision, a missing or marked note, or a grant already reviewed.
    """
    with transaction.atomic(), engine.request_scope():
        grant = AccessGrant.objects.select_for_update().filter(pk=grant_id).select_related("case").first()
        if grant is None:
            raise policy.NotFound(AccessGrant._meta.label, grant_id)
        policy.require(actor, Action.REVIEW, grant)
        errors: dict[str, str] = {}
        if decision not in (ReviewState.REVIEWED, ReviewState.DEVIATION):
            errors["decision"] = _("Choose reviewed or deviation.")
        if not note.strip():
            errors["note"] = (
                _("Describe the deviation.") if decision == ReviewState.DEVIATION else _("Write a short review note.")
            )
        errors.update(marking_errors({"note": note}))
        if grant.review_state != ReviewState.UNREVIEWED:
            errors["decision"] = _("This grant has already been reviewed.")
        if errors:
            raise ValidationError(errors)
        grant.review_state = decision
        grant.review_note = note.strip()
        grant.reviewed_by = actor
        grant.reviewed_at = timezone.now()
        grant.save(update_fields=["review_state", "review_note", "reviewed_by", "reviewed_at"])
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=grant,
            case=grant.case,
            changed_fields=["review_state", "review_note"],
        )
    return grant


# --- retention ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleOutcome:
    """Say what one rule did in one run."""

    record_type: str
    action: str
    count: int
    cutoff: date | None


@dataclass(frozen=True)
class RetentionRunResult:
    """Hold what one run of the retention job did, rule by rule."""

    run_id: uuid.UUID
    outcomes: list[RuleOutcome]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _purge_concerns(rule: RetentionRule, today: date, run_by: str) -> tuple[int, int, date]:
    period = rule.period_days if rule.period_days is not None else settings.CONCERN_RETENTION_DAYS
    cutoff = today - timedelta(days=period)
    return case_services.concern_purge(run_by=run_by, today=today, recorded_before=cutoff), period, cutoff


def _anonymise_closed_cases(rule: RetentionRule, today: date, run_by: str) -> tuple[int, int, date]:
    period = rule.period_days if rule.period_days is not None else settings.CLOSED_CASE_RETENTION_DAYS
    cutoff = today - timedelta(days=period)
    due = case_services.persons_due_for_anonymisation(closed_before=_start_of(cutoff))
    for person_id in due:
        case_services.person_anonymise(run_by=run_by, person_id=person_id)
    return len(due), period, cutoff


def _purge_drafts(rule: RetentionRule, today: date, run_by: str) -> tuple[int, int, date]:
    period = rule.period_days if rule.period_days is not None else DEFAULT_DRAFT_DAYS
    cutoff = today - timedelta(days=period)
    return draft_purge(updated_before=_start_of(cutoff)), period, cutoff


def _purge_sessions(rule: RetentionRule, today: date, run_by: str) -> tuple[int, int, date]:
    # A session past its expiry can no longer be used; the period counts from that expiry.
    period = rule.period_days or 0
    cutoff = today - timedelta(days=period)
    deleted, _by_model = Session.objects.filter(expire_date__lt=_start_of(cutoff)).delete()
    return deleted, period, cutoff


RuleStep = Callable[[RetentionRule, date, str], tuple[int, int, date]]

# The order is fixed so that a run stopped halfway is easy to read from its receipts.
STEPS: dict[str, RuleStep] = {
    RecordType.CONCERN: _purge_concerns,
    RecordType.CLOSED_CASE: _anonymise_closed_cases,
    RecordType.DRAFT: _purge_drafts,
    RecordType.SESSION: _purge_sessions,
}


def retention_run(*, actor: User | None, today: date) -> RetentionRunResult:
    """Delete or anonymise every record that the retention schedule says is due on ``today``.

    Each rule runs in its own transaction together with its receipt (record type, count, rule, cut-off,
    no personal data) and an audit row, so a run stopped halfway leaves every rule either done with its
    receipt or untouched, and the next run finishes the rest. A rule with nothing due writes nothing:
    running twice does nothing new. Rules that keep their records (the audit log) are skipped.
    ``actor`` is None for the scheduled job; the function is never reachable from a page.
    """
    run_id = uuid.uuid4()
    run_by = actor.get_username() if actor is not None else SYSTEM_ACTOR
    outcomes: list[RuleOutcome] = []
    for rule in RetentionRule.objects.filter(is_active=True).order_by("pk"):
        step = STEPS.get(rule.record_type)
        if rule.action == RetentionAction.KEEP or step is None:
            outcomes.append(RuleOutcome(rule.record_type, rule.action, 0, None))
            continue
        with transaction.atomic():
            count, period, cutoff = step(rule, today, run_by)
            if count:
                receipt = RetentionReceipt.objects.create(
                    run_id=run_id,
                    rule=rule,
                    record_type=rule.record_type,
                    action=rule.action,
                    count=count,
                    period_days=period,
                    cutoff=cutoff,
                    legal_source=rule.legal_source,
                    run_by=run_by,
                )
                record(
                    actor=actor,
                    actor_username=run_by,
                    event=AuditEvent.UPDATE if rule.action == RetentionAction.ANONYMISE else AuditEvent.DELETE,
                    target=receipt,
                    changed_fields=[rule.record_type],
                )
        outcomes.append(RuleOutcome(rule.record_type, rule.action, count, cutoff))
    return RetentionRunResult(run_id=run_id, outcomes=outcomes)


# --- erasure on request (GDPR art. 17), four-eyes --------------------------------------------------------


def erasure_request_file(
    *, actor: User, case_id: int, ground: str, archive_assessment: str, judgement: str
) -> ErasureRequest:
    """File a request to erase the case's person, with the ground and the judgement why erasure applies.

    Only a case editor seated on the case for the controller (the responsible organisation) may file it.
    One request per person awaits approval at a time. Audited as CREATE with the case and the person.

    :raises NotFound: the case does not exist or the actor may not file for it.
    :raises ValidationError: a missing or unknown field, a marked or too long text, a request already
        pending, or a person already erased.
    """
    with transaction.atomic():
        case = request_case(actor, case_id)
        candidate = ErasureRequest(
            person=case.person,
            case=case,
            organisation_id=case.responsible_organisation_id,
            requested_by=actor,
        )
        policy.require(actor, Action.CREATE, candidate)
        errors: dict[str, str] = {}
        if ground not in ErasureGround.values:
            errors["ground"] = _("Choose the ground for erasure.")
        if archive_assessment not in ArchiveAssessment.values:
            errors["archive_assessment"] = _("Choose why the archive duty does not stand in the way.")
        if not judgement.strip():
            errors["judgement"] = _("Write the judgement: why erasure applies to this person's records.")
        elif len(judgement) > MAX_ERASURE_TEXT:
            errors["judgement"] = _("The text is too long.")
        errors.update(marking_errors({"judgement": judgement}))
        if not case.person.data_key or not keystore.data_key_is_live(case.person.data_key):
            errors["__all__"] = _("This person has already been erased.")
        elif ErasureRequest.objects.filter(person_id=case.person_id, status=ErasureStatus.PENDING).exists():
            errors["__all__"] = _("An erasure request for this person is already awaiting approval.")
        if errors:
            raise ValidationError(errors)
        candidate.ground = ground
        candidate.archive_assessment = archive_assessment
        candidate.judgement = judgement.strip()
        candidate.save()
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=candidate,
            case=case,
            changed_fields=["ground", "archive_assessment", "judgement"],
        )
    return candidate


def erasure_decide(*, actor: User, request_id: int, approve: bool, reason: str) -> ErasureRequest:
    """Approve or reject an erasure request, as the controller's data protection officer (four-eyes).

    The requester can never decide their own request. A rejection changes nothing but the request. An
    approval erases at once, in this transaction: the person and the free text of their cases are
    anonymised (``person_anonymise``), the drafts typed into their case pages are deleted, a deletion
    receipt without personal data is written, and last the person's data key is destroyed, which shreds
    every encrypted field of theirs in the live database and in every backup. A request already decided
    is returned as it stands: deciding twice does nothing twice. Audited as UPDATE of the request.

    :raises NotFound: the request does not exist or the actor may not see or decide it.
    :raises ValidationError: the actor filed the request, or the reason is missing, marked or too long.
    """
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound(ErasureRequest._meta.label, request_id)
        policy.require(actor, Action.VIEW, request)
        if request.status != ErasureStatus.PENDING:
            return request
        if request.requested_by_id == actor.pk:
            raise ValidationError(
                {"__all__": _("You filed this request. Another data protection officer must decide it.")}
            )
        policy.require(actor, Action.UPDATE, request)
        errors: dict[str, str] = {}
        if not reason.strip():
            errors["reason"] = _("Write the reason for the decision.")
        elif len(reason) > MAX_ERASURE_TEXT:
            errors["reason"] = _("The text is too long.")
        errors.update(marking_errors({"reason": reason}))
        if errors:
            raise ValidationError(errors)
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_reason = reason.strip()
        request.status = ErasureStatus.DONE if approve else ErasureStatus.REJECTED
        if approve:
            request.receipt = _erase(request)
        request.save()
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=request,
            case_id=request.case_id,
            person_id=request.person_id,
            changed_fields=["status", "decided_by", "decision_reason"],
        )
        if approve:
            # Last: the key store commits on its own, so everything above must already have succeeded.
            case_services.person_data_key_destroy(actor=None, person_id=request.person_id)
    return request


def _erase(request: ErasureRequest) -> RetentionReceipt:
    # The erasure rule is seeded inactive (privacy/0004): the schedule never runs it, an approval does.
    rule = RetentionRule.objects.get(record_type=RecordType.ERASURE)
    case_ids = list(Case.objects.filter(person_id=request.person_id).values_list("pk", flat=True))
    case_services.person_anonymise(run_by=ERASURE_ACTOR, person_id=request.person_id)
    draft_purge_containing(fragments=[f"/cases/{pk}/" for pk in case_ids])
    receipt = RetentionReceipt.objects.create(
        run_id=uuid.uuid4(),
        rule=rule,
        record_type=RecordType.ERASURE,
        action=rule.action,
        count=1,
        period_days=0,
        cutoff=timezone.localdate(),
        legal_source=rule.legal_source,
        run_by=ERASURE_ACTOR,
    )
    record(
        actor=None,
        actor_username=ERASURE_ACTOR,
        event=AuditEvent.DELETE,
        target=receipt,
        changed_fields=[RecordType.ERASURE],
    )
    return receipt
