"""Writes of the portal: what the person sends and changes, and the coordinator's decision on a block.

Each write runs in one transaction: the engine's check (``Action.OWN`` for the person, the seat rules
for staff), the change, the audit row and the notification commit together.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import engine, policy
from utvei.access.persons import PersonActor
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, Person, TeamMember
from utvei.cases.policy import COORDINATOR_ROLES
from utvei.notifications.models import NotificationKind
from utvei.notifications.services import notify
from utvei.plans.models import Goal
from utvei.portal.models import BlockRequest, BlockStatus, MessageKind, NoticeSetting, PersonMessage
from utvei.sharing.models import Consent
from utvei.sharing.services import consent_withdraw

MAX_TEXT = 2000


def _coordinators(case_id: int) -> set[int]:
    """Give the users holding a coordinator seat in force on the case (who answer the person)."""
    return set(
        TeamMember.objects.filter(
            case_id=case_id, role__in=sorted(COORDINATOR_ROLES), left_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def _text_errors(text: str, *, required: bool, field: str) -> dict[str, str]:
    if required and not text.strip():
        return {field: _("Write what you want to say.")}
    if len(text) > MAX_TEXT:
        return {field: _("Keep it under %(n)s characters.") % {"n": MAX_TEXT}}
    return {}


def message_send(*, actor: PersonActor, goal_id: int, kind: str, text: str) -> PersonMessage:
    """Send the person's comment on a goal, or a request to change it, to the case's coordinators.

    :raises NotFound: the goal does not exist or is not the person's.
    :raises ValidationError: no text, too long a text, or an unknown kind (all errors at once).
    """
    errors = _text_errors(text, required=True, field="text")
    if kind not in MessageKind.values:
        errors["kind"] = _("Choose whether this is a comment or a request for a change.")
    with transaction.atomic():
        goal = Goal.objects.select_related("case").filter(pk=goal_id).first()
        if goal is None:
            raise NotFound(Goal._meta.label, goal_id)
        policy.require(actor, Action.OWN, goal)
        if errors:
            raise ValidationError(errors)
        message = PersonMessage.objects.create(
            person_id=goal.case.person_id, case_id=goal.case_id, goal=goal, kind=kind, text=text.strip()
        )
        record(actor=actor, event=AuditEvent.CREATE, target=message, case=goal.case, changed_fields=["text", "kind"])
        notify(
            recipient_ids=_coordinators(goal.case_id),
            kind=NotificationKind.PERSON_MESSAGE,
            key=f"person_message:{message.pk}",
            case_id=goal.case_id,
        )
    return message


def person_consent_withdraw(*, actor: PersonActor, consent_id: int) -> Consent:
    """Withdraw one of the person's own consents at once, through the sharing app's withdrawal.

    The recipients lose access on their next request and their seats are told.

    :raises NotFound: the consent does not exist or is not the person's.
    """
    return consent_withdraw(actor=actor, consent_id=consent_id)


def notice_setting_set(*, actor: PersonActor, notify_outside_team: bool) -> None:
    """Set whether the person is told when someone outside the follow-up team opens their case.

    The choice applies to each of the person's records; turning it on starts the count from now.
    """
    now = timezone.now()
    with transaction.atomic():
        persons = policy.scope(actor, Action.OWN, Person.objects.all())
        for person_id in sorted(persons.values_list("pk", flat=True)):
            setting, _created = NoticeSetting.objects.select_for_update().get_or_create(person_id=person_id)
            if setting.notify_outside_team == notify_outside_team:
                continue
            setting.notify_outside_team = notify_outside_team
            setting.since = now if notify_outside_team else None
            setting.save(update_fields=["notify_outside_team", "since"])
            record(
                actor=actor,
                event=AuditEvent.UPDATE,
                target=setting,
                person_id=person_id,
                changed_fields=["notify_outside_team"],
            )


def block_request(*, actor: PersonActor, case_id: int, user_id: int, reason: str) -> BlockRequest:
    """Ask that a staff member of the person's case be blocked from it; the coordinators are told.

    :raises NotFound: the case is not the person's.
    :raises ValidationError: the user is not on the case's team, a request for them is already open, or
        the reason is too long (all errors at once).
    """
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.OWN, case)
        errors = _text_errors(reason, required=False, field="reason")
        if not TeamMember.objects.filter(case=case, user_id=user_id).exists():
            errors["user"] = _("Choose a person from your follow-up team.")
        elif BlockRequest.objects.filter(case=case, blocked_user_id=user_id, status=BlockStatus.PENDING).exists():
            errors["user"] = _("You have already asked for this person to be blocked. Wait for the answer.")
        if errors:
            raise ValidationError(errors)
        request = BlockRequest.objects.create(
            person_id=case.person_id, case=case, blocked_user_id=user_id, reason=reason.strip()
        )
        record(actor=actor, event=AuditEvent.CREATE, target=request, case=case, changed_fields=["blocked_user"])
        notify(
            recipient_ids=_coordinators(case.pk) - {user_id},
            kind=NotificationKind.BLOCK_REQUESTED,
            key=f"block_request:{request.pk}",
            case_id=case.pk,
        )
    return request


def block_decide(*, actor: User, request_id: int, approve: bool, reason: str) -> BlockRequest:
    """Record the coordinator's decision on a block request, with its reason.

    An approved block takes effect at once: the engine closes the person's cases to the blocked user,
    whatever seat or emergency access they hold.

    :raises NotFound: the request does not exist, or the actor is not a coordinator on its case (or is
        the one it names).
    :raises ValidationError: no reason, or the request is already decided.
    """
    with transaction.atomic():
        request = BlockRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound(BlockRequest._meta.label, request_id)
        policy.require(actor, Action.UPDATE, request)
        errors = _text_errors(reason, required=True, field="decision_reason")
        if request.status != BlockStatus.PENDING:
            errors["decision"] = _("This request has already been decided.")
        if errors:
            raise ValidationError(errors)
        request.status = BlockStatus.APPROVED if approve else BlockStatus.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_reason = reason.strip()
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        engine.invalidate()
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=request,
            case_id=request.case_id,
            person_id=request.person_id,
            changed_fields=["status", "decided_by", "decided_at", "decision_reason"],
        )
    return request
