"""The follow-up team: seats, agreed tasks and leaving the team."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import engine
from utvei.access.policy import NotFound
from utvei.accounts.models import Membership, Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import (
    Case,
    TeamMember,
)
from utvei.cases.services._common import TEAM_ROLES, lock_case_for_update
from utvei.cases.services.revisions import revision_apply
from utvei.core.editing import refuse_stale
from utvei.core.text import require_plain
from utvei.notifications.models import NotificationKind
from utvei.notifications.services import notify


def team_member_add(
    *, actor: User, case: Case, user: User, organisation: Organisation, role: str, task: str = ""
) -> TeamMember:
    """Seat ``user`` on the case's follow-up team, acting for ``organisation`` in ``role``.

    The actor must be allowed to change the case; the new member must hold that role in that organisation.

    :raises NotFound: the actor may not change the case.
    :raises ValidationError: the user does not hold the role in the organisation, or already has a seat.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case.pk)
        require_plain(task=task)
        if role not in TEAM_ROLES:
            raise ValidationError(_("That role cannot sit on a follow-up team."))
        if not Membership.objects.active().filter(user=user, organisation=organisation, role=role).exists():
            raise ValidationError(_("The person does not hold that role in that organisation."))
        if case.team.filter(user=user, organisation=organisation, left_at__isnull=True).exists():
            raise ValidationError(_("The person already has a seat on the team for that organisation."))
        seat = TeamMember.objects.create(case=case, user=user, organisation=organisation, role=role, task=task.strip())
        engine.invalidate()  # the new seat counts from the next decision, in this request too
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=seat,
            case=case,
            changed_fields=["user", "organisation", "role", "task"],
        )
        notify(
            recipient_ids=[user.pk],
            kind=NotificationKind.SEAT_ADDED,
            key=f"seat:{seat.pk}",
            case_id=case.pk,
            actor_id=actor.pk,
        )
    return seat


def team_member_set_task(*, actor: User, seat_id: int, task: str, expected_version: int) -> TeamMember:
    """Record a team member's agreed task (R02), if the seat is still at the version the form was loaded with.

    :raises NotFound: the seat does not exist or the actor may not change its case.
    :raises EditConflict: the seat was changed after the form was loaded; nothing changes.
    """
    with transaction.atomic():
        seat = TeamMember.objects.filter(pk=seat_id, left_at__isnull=True).first()
        if seat is None:
            raise NotFound(TeamMember._meta.label, seat_id)
        case = lock_case_for_update(actor, seat.case_id)
        require_plain(task=task)
        # Read again under the lock: every write of a seat locks its case first.
        seat = TeamMember.objects.select_for_update().get(pk=seat.pk)
        refuse_stale(
            target=TeamMember._meta.label,
            target_id=seat.pk,
            current_version=seat.version,
            expected_version=expected_version,
        )
        if seat.left_at is not None:
            raise NotFound(TeamMember._meta.label, seat_id)
        seat.version += 1 if seat.task != task.strip() else 0
        seat.task = task.strip()
        seat.save(update_fields=["task", "version"])
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=seat,
            case=case,
            changed_fields=["task"],
        )
    return seat


def team_member_change(*, actor: User, seat_id: int, task: str, role: str, expected_version: int) -> TeamMember:
    """Change a team member's agreed task (R02) and role, keeping what they were before as a revision.

    The new role must be one the member holds in the seat's organisation and one that may sit on a team; a
    change of role counts from the next decision of the access engine, in this request too.

    :raises NotFound: the seat does not exist, has ended, or the actor may not change its case.
    :raises EditConflict: the seat was changed after the form was loaded; nothing changes.
    :raises ValidationError: a role the member does not hold, or a task with hidden control characters.
    """
    with transaction.atomic():
        seat = TeamMember.objects.filter(pk=seat_id, left_at__isnull=True).first()
        if seat is None:
            raise NotFound(TeamMember._meta.label, seat_id)
        case = lock_case_for_update(actor, seat.case_id)
        require_plain(task=task)
        seat = TeamMember.objects.select_for_update().get(pk=seat.pk)
        if seat.left_at is not None:
            raise NotFound(TeamMember._meta.label, seat_id)
        refuse_stale(
            target=TeamMember._meta.label,
            target_id=seat.pk,
            current_version=seat.version,
            expected_version=expected_version,
        )
        if role != seat.role and (
            role not in TEAM_ROLES
            or not Membership.objects.active()
            .filter(user_id=seat.user_id, organisation_id=seat.organisation_id, role=role)
            .exists()
        ):
            raise ValidationError({"role": _("The person does not hold that role in that organisation.")})
        changed = revision_apply(
            actor=actor,
            obj=seat,
            changes={"task": task, "role": role},
            person_id=case.person_id,
            case_id=case.pk,
            owner_organisation_id=case.responsible_organisation_id,
        )
        if not changed:
            return seat
        seat.version += 1
        seat.save(update_fields=[*changed, "version"])
        if "role" in changed:
            engine.invalidate()
        record(actor=actor, event=AuditEvent.UPDATE, target=seat, case=case, changed_fields=changed)
    return seat


def team_member_end(*, actor: User, seat_id: int, reason: str, expected_version: int | None = None) -> TeamMember:
    """End a team seat with the reason for it; the user loses access to the case from the next request.

    The seat is kept, ended, for the case's history, and its holder is told (a notification, no content).

    :raises NotFound: the seat does not exist, has ended, or the actor may not change its case.
    :raises EditConflict: ``expected_version`` is given and the seat changed after the form was loaded.
    :raises ValidationError: the actor tried to end their own seat, or the reason holds hidden characters.
    """
    with transaction.atomic():
        seat = TeamMember.objects.filter(pk=seat_id, left_at__isnull=True).first()
        if seat is None:
            raise NotFound(TeamMember._meta.label, seat_id)
        case = lock_case_for_update(actor, seat.case_id)
        require_plain(reason=reason)
        seat = TeamMember.objects.select_for_update().get(pk=seat.pk)
        if seat.left_at is not None:
            raise NotFound(TeamMember._meta.label, seat_id)
        if expected_version is not None:
            refuse_stale(
                target=TeamMember._meta.label,
                target_id=seat.pk,
                current_version=seat.version,
                expected_version=expected_version,
            )
        if seat.user_id == actor.pk:
            raise ValidationError(_("You cannot remove yourself from the team; ask another editor."))
        seat.left_at = timezone.now()
        seat.end_reason = reason.strip()
        seat.ended_by = actor
        seat.version += 1
        seat.save(update_fields=["left_at", "end_reason", "ended_by", "version"])
        engine.invalidate()
        record(
            actor=actor,
            event=AuditEvent.DELETE,
            target=seat,
            case=case,
            changed_fields=["left_at", "end_reason"] if seat.end_reason else ["left_at"],
        )
        notify(
            recipient_ids=[seat.user_id],
            kind=NotificationKind.SEAT_ENDED,
            key=f"seat:{seat.pk}",
            case_id=case.pk,
            actor_id=actor.pk,
        )
    return seat


def team_member_remove(*, actor: User, seat_id: int) -> TeamMember:
    """End a team seat without a written reason (another service's step, such as ending a mentor agreement).

    :raises NotFound: the seat does not exist or the actor may not change its case.
    :raises ValidationError: the actor tried to remove their own seat.
    """
    return team_member_end(actor=actor, seat_id=seat_id, reason="")
