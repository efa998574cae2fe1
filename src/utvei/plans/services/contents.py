"""The contents of a plan: life domains, goals in the person's words, and participants."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.services import revision_apply
from utvei.core.editing import refuse_stale
from utvei.core.text import hidden_control_errors
from utvei.plans.models import (
    DomainNote,
    Goal,
    GoalStatus,
    LegalReference,
    LifeDomain,
    Participant,
)
from utvei.plans.services._common import (
    DOMAIN_FIELDS,
    GOAL_FIELDS,
    PARTICIPANT_FIELDS,
    _diff,
    _lock_plan,
    _plan_organisation,
    _record_created,
    _snapshot,
    _version,
)

# --- contents: life domains, goals, participants ------------------------------------------------------


def domain_save(*, actor: User, plan_id: int, domain: str, resources: str, needs: str) -> DomainNote:
    """Write the person's resources and needs in one life domain of the plan.

    :raises NotFound: the plan does not exist or the actor may not change it (or that domain's note).
    :raises ValidationError: an unknown domain, both texts empty, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        if domain not in LifeDomain.values:
            raise ValidationError({"domain": _("Choose a life domain.")})
        if not resources.strip() and not needs.strip():
            raise ValidationError({"resources": _("Write the resources or the needs in this domain.")})
        note = DomainNote.objects.select_for_update().filter(plan=plan, domain=domain).first()
        before = _snapshot(note, DOMAIN_FIELDS)
        if note is None:
            note = DomainNote(
                plan=plan, case_id=plan.case_id, domain=domain, owner_organisation=_plan_organisation(actor, plan)
            )
            action = "create"
        else:
            if not policy.can(actor, Action.VIEW, note):
                raise NotFound(DomainNote._meta.label, note.pk)
            action = "update"
        note.resources = resources.strip()
        note.needs = needs.strip()
        note.save()
        changes = _diff(before, _snapshot(note, DOMAIN_FIELDS))
        _version(actor=actor, plan=plan, obj=note, action=action, changes=changes)
        event = AuditEvent.CREATE if action == "create" else AuditEvent.UPDATE
        record(actor=actor, event=event, target=note, case=plan.case, changed_fields=sorted(changes))
    return note


def goal_add(*, actor: User, plan_id: int, text: str, domain: str = "") -> Goal:
    """Add one of the person's goals, in their own words.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: an empty goal, an unknown domain, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        if not text.strip():
            raise ValidationError({"text": _("Write the goal as the person says it.")})
        if domain and domain not in LifeDomain.values:
            raise ValidationError({"domain": _("Choose a life domain.")})
        goal = Goal.objects.create(
            plan=plan,
            case_id=plan.case_id,
            text=text.strip(),
            domain=domain,
            owner_organisation=_plan_organisation(actor, plan),
        )
        _record_created(actor=actor, plan=plan, obj=goal, fields=GOAL_FIELDS)
    return goal


def goal_update(*, actor: User, goal_id: int, text: str, domain: str, status: str, expected_version: int) -> Goal:
    """Change a goal's words, domain or status, if it is still at the version the actor's form was loaded with.

    :raises NotFound: the goal does not exist or the actor may not see it or change its plan.
    :raises EditConflict: someone saved the goal after the form was loaded; nothing changes.
    :raises ValidationError: an empty goal, an unknown domain or status, or an ended plan.
    """
    with transaction.atomic():
        goal = Goal.objects.select_for_update().filter(pk=goal_id).first()
        if goal is None or not policy.can(actor, Action.VIEW, goal):
            raise NotFound(Goal._meta.label, goal_id)
        plan = _lock_plan(actor, goal.plan_id)
        refuse_stale(
            target=Goal._meta.label, target_id=goal.pk, current_version=goal.version, expected_version=expected_version
        )
        errors: dict[str, str] = {}
        if not text.strip():
            errors["text"] = _("Write the goal as the person says it.")
        if domain and domain not in LifeDomain.values:
            errors["domain"] = _("Choose a life domain.")
        if status not in GoalStatus.values:
            errors["status"] = _("Choose a status.")
        if errors:
            raise ValidationError(errors)
        before = _snapshot(goal, GOAL_FIELDS)
        # The earlier words are kept as a revision, shown with the goal (art. 16).
        revision_apply(
            actor=actor,
            obj=goal,
            changes={"text": text, "domain": domain, "status": status},
            person_id=plan.case.person_id,
            case_id=plan.case_id,
            owner_organisation_id=goal.owner_organisation_id,
        )
        changes = _diff(before, _snapshot(goal, GOAL_FIELDS))
        goal.version += 1 if changes else 0
        goal.save()
        _version(actor=actor, plan=plan, obj=goal, action="update", changes=changes)
        record(actor=actor, event=AuditEvent.UPDATE, target=goal, case=plan.case, changed_fields=sorted(changes))
    return goal


def participant_add(
    *,
    actor: User,
    plan_id: int,
    organisation: Organisation,
    legal_reference_id: int,
    responsibility: str,
    contact_name: str = "",
) -> Participant:
    """Add a participating service with its legal basis and its responsibility in the plan.

    The legal basis is chosen from the versioned references in force today.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: a legal reference not in force, an empty responsibility, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        errors: dict[str, str] = hidden_control_errors(contact_name=contact_name)
        reference = LegalReference.objects.in_force(timezone.localdate()).filter(pk=legal_reference_id).first()
        if reference is None:
            errors["legal_reference"] = _("Choose a legal basis in force today.")
        if not responsibility.strip():
            errors["responsibility"] = _("Write what this service is responsible for in the plan.")
        if errors or reference is None:
            raise ValidationError(errors)
        participant = Participant.objects.create(
            plan=plan,
            case_id=plan.case_id,
            organisation=organisation,
            contact_name=contact_name.strip(),
            legal_reference=reference,
            responsibility=responsibility.strip(),
            owner_organisation=_plan_organisation(actor, plan),
        )
        _record_created(actor=actor, plan=plan, obj=participant, fields=PARTICIPANT_FIELDS)
    return participant
