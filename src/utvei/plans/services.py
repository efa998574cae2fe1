"""Writes of the individual plan: the wish, the plan, its parts, measures, reviews, meetings and decisions.

Each function locks what it changes, checks the policy, writes a plan version with a field-level diff
(values stay in this app's encrypted tables) and records an audit row naming the changed fields, all in
one transaction. An ended plan is read-only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.categories import Category
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases import services as case_services
from utvei.cases.models import Case, TeamMember
from utvei.cases.policy import active_seats
from utvei.cases.services import acting_organisation, lock_case_for_update
from utvei.plans import rules
from utvei.plans.models import (
    Decision,
    DomainNote,
    Goal,
    GoalStatus,
    LegalReference,
    LifeDomain,
    Measure,
    MeasureKind,
    MeasureStatus,
    Meeting,
    Participant,
    Plan,
    PlanStatus,
    PlanVersion,
    PlanWish,
    Review,
    WishGiver,
    measure_category,
)

PLAN_FIELDS = ("coordinator", "period_start", "period_end", "cooperation", "consents_note")
GOAL_FIELDS = ("text", "domain", "status")
DOMAIN_FIELDS = ("domain", "resources", "needs")
PARTICIPANT_FIELDS = ("organisation", "contact_name", "legal_reference", "responsibility")
MEASURE_FIELDS = (
    "kind",
    "title",
    "provider_organisation",
    "responsible_user",
    "responsible_name",
    "start_on",
    "end_on",
    "status",
    "goal",
    "outcome",
    "decision_reference",
    "decision_date",
)
MEETING_FIELDS = ("held_on", "is_review", "agenda", "attendance", "minutes")


class PlanAlreadyExists(ValidationError):
    """Say the person already has a plan (R07); ``plan`` is the one to join instead."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(_("This person already has an individual plan. Join the existing plan instead."))
        self.plan = plan


# --- diffs and versions --------------------------------------------------------------------------------


def _display(obj: models.Model, name: str) -> str:
    """Give a field's value as a reader sees it (choice labels, names, ISO dates)."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    if getattr(field, "choices", None):
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(value, User):
        return value.get_full_name() or value.username
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _snapshot(obj: models.Model | None, fields: Iterable[str]) -> dict[str, str]:
    if obj is None:
        return dict.fromkeys(fields, "")
    return {name: _display(obj, name) for name in fields}


def _diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {name: [before.get(name, ""), value] for name, value in after.items() if before.get(name, "") != value}


def _version(
    *,
    actor: User,
    plan: Plan,
    obj: models.Model,
    action: str,
    changes: dict[str, list[str]],
    category: str = Category.PLAN,
) -> PlanVersion | None:
    """Bump the plan's version and keep the diff of one change (nothing when nothing changed)."""
    if not changes and action == "update":
        return None
    plan.version += 1
    Plan.objects.filter(pk=plan.pk).update(version=plan.version)
    return PlanVersion.objects.create(
        plan=plan,
        case_id=plan.case_id,
        number=plan.version,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        action=action,
        changes=json.dumps(changes, ensure_ascii=False),
        changed_by=actor,
        owner_organisation_id=getattr(obj, "owner_organisation_id", plan.owner_organisation_id),
        category=category,
    )


def _record_created(
    *, actor: User, plan: Plan, obj: models.Model, fields: Iterable[str], category: str = Category.PLAN
) -> None:
    """Keep a new plan item as a plan version (every field, from empty) and audit it."""
    changes = _diff(_snapshot(None, fields), _snapshot(obj, fields))
    _version(actor=actor, plan=plan, obj=obj, action="create", changes=changes, category=category)
    record(actor=actor, event=AuditEvent.CREATE, target=obj, case=plan.case, changed_fields=sorted(changes))


def _lock_plan(actor: User, plan_id: int) -> Plan:
    """Lock a plan for a change by the actor, refusing an ended plan.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: the plan has ended and is read-only.
    """
    plan = Plan.objects.select_for_update().select_related("case", "case__person").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(Plan._meta.label, plan_id)
    policy.require(actor, Action.UPDATE, plan)
    if plan.is_ended:
        raise ValidationError(_("The plan has ended and can no longer be changed."))
    return plan


def _plan_organisation(actor: User, plan: Plan) -> Organisation:
    """Name the organisation the actor records plan items for (their seat on the case)."""
    seat = active_seats(actor).filter(case_id=plan.case_id).select_related("organisation").order_by("added_at").first()
    if seat is None:
        raise NotFound(Plan._meta.label, plan.pk)
    return seat.organisation


def _not_in_future(day: date | None) -> bool:
    return day is None or day <= timezone.localdate()


# --- the wish (R06) and the plan (R07) ----------------------------------------------------------------


def wish_record(
    *,
    actor: User,
    case_id: int,
    given_by: str,
    expressed_on: date,
    persons_words: str = "",
    guardians_view: str = "",
    childs_view: str = "",
) -> PlanWish:
    """Record the person's wish for an individual plan (R06).

    For a minor the guardians express the wish and the child's own view is written down too; for an adult
    the person expresses it themselves.

    :raises NotFound: the case does not exist or the actor may not change it.
    :raises ValidationError: a date in the future, the wrong giver for the person's age, or a minor's
        wish without the guardians' and the child's view (field errors).
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        organisation = acting_organisation(actor=actor, case=case, editing=True)
        errors: dict[str, str] = {}
        if not _not_in_future(expressed_on):
            errors["expressed_on"] = _("The date cannot be in the future.")
        if case.person.is_minor:
            if given_by != WishGiver.GUARDIANS:
                errors["given_by"] = _("For a child, the guardians express the wish, with the child heard.")
            if not guardians_view.strip():
                errors["guardians_view"] = _("Write down the guardians' view.")
            if not childs_view.strip():
                errors["childs_view"] = _("Write down the child's own view.")
        elif given_by != WishGiver.PERSON:
            errors["given_by"] = _("An adult expresses the wish for a plan themselves.")
        if errors:
            raise ValidationError(errors)
        wish = PlanWish.objects.create(
            case=case,
            person=case.person,
            given_by=given_by,
            expressed_on=expressed_on,
            persons_words=persons_words.strip(),
            guardians_view=guardians_view.strip(),
            childs_view=childs_view.strip(),
            recorded_by=actor,
            owner_organisation=organisation,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=wish,
            case=case,
            changed_fields=["given_by", "expressed_on", "persons_words", "guardians_view", "childs_view"],
        )
    return wish


def existing_plan(*, person_id: int) -> Plan | None:
    """Give the person's plan in force, if any (R07: one plan per person)."""
    return Plan.objects.filter(person_id=person_id, ended_at__isnull=True).first()


def plan_create(*, actor: User, case_id: int) -> Plan:
    """Start the person's individual plan (status "being prepared").

    R06: only when a wish for a plan is recorded and not withdrawn. R07: one plan per person; a second
    is refused (by the database as well) with the existing plan to join instead.

    :raises NotFound: the case does not exist or the actor may not change it.
    :raises PlanAlreadyExists: the person already has a plan in force.
    :raises ValidationError: no wish for a plan is recorded.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        organisation = acting_organisation(actor=actor, case=case, editing=True)
        current = existing_plan(person_id=case.person_id)
        if current is not None:
            raise PlanAlreadyExists(current)
        wish = PlanWish.objects.filter(case=case, withdrawn_on__isnull=True).order_by("-expressed_on", "-pk").first()
        if wish is None:
            raise ValidationError(_("Record the person's wish for a plan first: a plan is made only if they want one."))
        try:
            with transaction.atomic():
                plan = Plan.objects.create(
                    case=case, person=case.person, wish=wish, owner_organisation=organisation, created_by=actor
                )
        except IntegrityError:
            current = existing_plan(person_id=case.person_id)
            if current is None:
                raise
            raise PlanAlreadyExists(current) from None
        PlanVersion.objects.create(
            plan=plan,
            case=case,
            number=1,
            object_type="plan",
            object_id=plan.pk,
            action="create",
            changes=json.dumps({"status": ["", str(PlanStatus.DRAFT.label)]}, ensure_ascii=False),
            changed_by=actor,
            owner_organisation=organisation,
        )
        record(actor=actor, event=AuditEvent.CREATE, target=plan, case=case, changed_fields=["status", "wish"])
    return plan


def wish_withdraw(*, actor: User, wish_id: int, withdrawn_on: date) -> PlanWish:
    """Record that the wish for a plan is withdrawn; it ends the plan it stood behind.

    The ended plan is kept, read-only; services already decided continue on their own legal basis.

    :raises NotFound: the wish does not exist or the actor may not change it.
    :raises ValidationError: already withdrawn, or a date in the future or before the wish.
    """
    with transaction.atomic():
        wish = PlanWish.objects.select_for_update().select_related("case").filter(pk=wish_id).first()
        if wish is None:
            raise NotFound(PlanWish._meta.label, wish_id)
        policy.require(actor, Action.UPDATE, wish)
        if wish.withdrawn_on is not None:
            raise ValidationError(_("The wish is already withdrawn."))
        if not _not_in_future(withdrawn_on) or withdrawn_on < wish.expressed_on:
            raise ValidationError({"withdrawn_on": _("Give a date between the wish and today.")})
        wish.withdrawn_on = withdrawn_on
        wish.save(update_fields=["withdrawn_on"])
        record(actor=actor, event=AuditEvent.UPDATE, target=wish, case=wish.case, changed_fields=["withdrawn_on"])
        for plan in Plan.objects.select_for_update().filter(wish=wish, ended_at__isnull=True):
            before = _snapshot(plan, ("status", "end_reason"))
            plan.status = PlanStatus.ENDED
            plan.ended_at = timezone.now()
            plan.end_reason = _("The person withdrew the wish for a plan.")
            plan.save(update_fields=["status", "ended_at", "end_reason"])
            _version(
                actor=actor,
                plan=plan,
                obj=plan,
                action="update",
                changes=_diff(before, _snapshot(plan, ("status", "end_reason"))),
            )
            record(
                actor=actor,
                event=AuditEvent.UPDATE,
                target=plan,
                case=wish.case,
                changed_fields=["status", "ended_at", "end_reason"],
            )
    return wish


def coordinator_candidates(*, case: Case) -> list[User]:
    """List team members who may coordinate the plan: municipal service providers (R10)."""
    users = (
        User.objects.filter(
            case_teams__case=case,
            case_teams__left_at__isnull=True,
            memberships__organisation__kind=OrganisationKind.MUNICIPALITY,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )
    return [user for user in users if rules.is_municipal_provider(user)]


def plan_update(
    *,
    actor: User,
    plan_id: int,
    coordinator: User | None,
    period_start: date | None,
    period_end: date | None,
    cooperation: str,
    consents_note: str,
) -> Plan:
    """Set the plan's coordinator, period, cooperation and consents.

    R10: the IP coordinator must serve in a municipality and sit on the case's team (a role apart from the
    exit coordinator, though one person may hold both).

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: a coordinator who is no municipal provider on the team, a period that ends
        before it starts, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        errors: dict[str, str] = {}
        coordinator_organisation = None
        if coordinator is not None:
            membership = (
                Membership.objects.active()
                .filter(user=coordinator, organisation__kind=OrganisationKind.MUNICIPALITY)
                .exclude(role__in=[Role.PRIVACY_OFFICER, Role.ORG_ADMIN])
                .select_related("organisation")
                .first()
            )
            on_team = active_seats(coordinator).filter(case_id=plan.case_id).exists()
            if membership is None or not on_team:
                errors["coordinator"] = _("The plan coordinator must be a municipal service provider on the team.")
            else:
                coordinator_organisation = membership.organisation
        if period_start and period_end and period_end < period_start:
            errors["period_end"] = _("The plan period cannot end before it starts.")
        if errors:
            raise ValidationError(errors)
        before = _snapshot(plan, PLAN_FIELDS)
        plan.coordinator = coordinator
        plan.coordinator_organisation = coordinator_organisation
        plan.period_start = period_start
        plan.period_end = period_end
        plan.cooperation = cooperation.strip()
        plan.consents_note = consents_note.strip()
        plan.save()
        changes = _diff(before, _snapshot(plan, PLAN_FIELDS))
        _version(actor=actor, plan=plan, obj=plan, action="update", changes=changes)
        record(actor=actor, event=AuditEvent.UPDATE, target=plan, case=plan.case, changed_fields=sorted(changes))
    return plan


def plan_activate(*, actor: User, plan_id: int) -> Plan:
    """Make the plan active once every mandatory element is present (R08).

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: elements are missing (each named), or the plan has ended.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        missing = rules.missing_elements(plan_counts(plan))
        if missing:
            raise ValidationError([_("The plan cannot become active yet. Missing: %s") % "; ".join(missing)])
        if plan.status == PlanStatus.ACTIVE:
            return plan
        before = _snapshot(plan, ("status",))
        plan.status = PlanStatus.ACTIVE
        plan.activated_at = timezone.now()
        plan.save(update_fields=["status", "activated_at"])
        _version(actor=actor, plan=plan, obj=plan, action="update", changes=_diff(before, _snapshot(plan, ("status",))))
        record(
            actor=actor, event=AuditEvent.UPDATE, target=plan, case=plan.case, changed_fields=["status", "activated_at"]
        )
    return plan


def plan_counts(plan: Plan) -> rules.PlanCounts:
    """Count the plan's parts over every organisation, for R08 (never shown as content)."""
    measures = Measure.objects.filter(plan=plan).exclude(status=MeasureStatus.CANCELLED)
    participants = Participant.objects.filter(plan=plan, left_on__isnull=True)
    return rules.PlanCounts(
        has_wish=PlanWish.objects.filter(pk=plan.wish_id, withdrawn_on__isnull=True).exists(),
        has_coordinator=plan.coordinator_id is not None,
        participants=participants.count(),
        goals=Goal.objects.filter(plan=plan).exclude(status=GoalStatus.DROPPED).count(),
        measures=measures.count(),
        measures_without_responsible=measures.filter(responsible_user__isnull=True, responsible_name="").count(),
        has_period=bool(plan.period_start and plan.period_end),
        reviews=Review.objects.filter(plan=plan).count(),
        has_cooperation=bool(plan.cooperation),
        participants_without_responsibility=sum(1 for p in participants if not p.responsibility.strip()),
        exit_coordinator_is_police=TeamMember.objects.filter(
            case_id=plan.case_id,
            left_at__isnull=True,
            role=Role.EXIT_COORDINATOR,
            organisation__kind=OrganisationKind.POLICE_DISTRICT,
        ).exists(),
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


def goal_update(*, actor: User, goal_id: int, text: str, domain: str, status: str) -> Goal:
    """Change a goal's words, domain or status.

    :raises NotFound: the goal does not exist or the actor may not see it or change its plan.
    :raises ValidationError: an empty goal, an unknown domain or status, or an ended plan.
    """
    with transaction.atomic():
        goal = Goal.objects.select_for_update().filter(pk=goal_id).first()
        if goal is None or not policy.can(actor, Action.VIEW, goal):
            raise NotFound(Goal._meta.label, goal_id)
        plan = _lock_plan(actor, goal.plan_id)
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
        goal.text, goal.domain, goal.status = text.strip(), domain, status
        goal.save()
        changes = _diff(before, _snapshot(goal, GOAL_FIELDS))
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
        errors: dict[str, str] = {}
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


# --- measures (R24, R37) --------------------------------------------------------------------------------


def _measure_errors(
    *,
    plan: Plan,
    kind: str,
    title: str,
    responsible_user: User | None,
    responsible_name: str,
    start_on: date | None,
    end_on: date | None,
    status: str,
    goal_id: int | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in MeasureKind.values:
        errors["kind"] = _("Choose a kind of measure.")
    if not title.strip():
        errors["title"] = _("Describe the measure in a few words.")
    if responsible_user is None and not responsible_name.strip():
        errors["responsible_name"] = _("Name the person responsible for the measure (R24).")
    if start_on is None:
        errors["start_on"] = _("Give the start date (R24).")
    if start_on and end_on and end_on < start_on:
        errors["end_on"] = _("The measure cannot end before it starts.")
    if status not in MeasureStatus.values:
        errors["status"] = _("Choose a status.")
    if goal_id is None or not Goal.objects.filter(pk=goal_id, plan=plan).exists():
        errors["goal"] = _("Link the measure to one of the plan's goals (R24).")
    return errors


def measure_create(
    *,
    actor: User,
    plan_id: int,
    kind: str,
    title: str,
    provider_organisation: Organisation,
    responsible_user: User | None = None,
    responsible_name: str = "",
    start_on: date | None,
    end_on: date | None = None,
    status: str = MeasureStatus.PLANNED,
    goal_id: int | None,
    outcome: str = "",
    decision_reference: str = "",
    decision_date: date | None = None,
) -> Measure:
    """Add a measure to the plan, linked to a goal (R24).

    The measure's information category follows its kind (health, work, school or plan), so the category
    gate shows it only to whom it may be shown. A plan gives no right to a service (R37): the service
    decision made elsewhere is referred to by reference and date.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: no provider, responsible person, start date or goal, an unknown kind or
        status, a period that ends before it starts, or an ended plan (field errors).
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        errors = _measure_errors(
            plan=plan,
            kind=kind,
            title=title,
            responsible_user=responsible_user,
            responsible_name=responsible_name,
            start_on=start_on,
            end_on=end_on,
            status=status,
            goal_id=goal_id,
        )
        if errors:
            raise ValidationError(errors)
        measure = Measure.objects.create(
            case_id=plan.case_id,
            plan=plan,
            kind=kind,
            title=title.strip(),
            provider_organisation=provider_organisation,
            responsible_user=responsible_user,
            responsible_name="" if responsible_user else responsible_name.strip(),
            start_on=start_on,
            end_on=end_on,
            status=status,
            goal_id=goal_id,
            outcome=outcome.strip(),
            decision_reference=decision_reference.strip(),
            decision_date=decision_date,
            owner_organisation=_plan_organisation(actor, plan),
            category=measure_category(kind),
            created_by=actor,
        )
        _record_created(actor=actor, plan=plan, obj=measure, fields=MEASURE_FIELDS, category=measure.category)
    return measure


def measure_update(
    *,
    actor: User,
    measure_id: int,
    kind: str,
    title: str,
    provider_organisation: Organisation,
    responsible_user: User | None = None,
    responsible_name: str = "",
    start_on: date | None,
    end_on: date | None = None,
    status: str,
    goal_id: int | None,
    outcome: str = "",
    decision_reference: str = "",
    decision_date: date | None = None,
) -> Measure:
    """Change a measure of the plan; its category follows a changed kind.

    :raises NotFound: the measure does not exist or the actor may not change it.
    :raises ValidationError: as for :func:`measure_create`.
    """
    with transaction.atomic():
        measure = Measure.objects.select_for_update().filter(pk=measure_id).first()
        if measure is None or measure.plan_id is None:
            raise NotFound(Measure._meta.label, measure_id)
        policy.require(actor, Action.UPDATE, measure)
        plan = _lock_plan(actor, measure.plan_id)
        errors = _measure_errors(
            plan=plan,
            kind=kind,
            title=title,
            responsible_user=responsible_user,
            responsible_name=responsible_name,
            start_on=start_on,
            end_on=end_on,
            status=status,
            goal_id=goal_id,
        )
        if errors:
            raise ValidationError(errors)
        before = _snapshot(measure, MEASURE_FIELDS)
        measure.kind = kind
        measure.title = title.strip()
        measure.provider_organisation = provider_organisation
        measure.responsible_user = responsible_user
        measure.responsible_name = "" if responsible_user else responsible_name.strip()
        measure.start_on, measure.end_on, measure.status = start_on, end_on, status
        measure.goal_id = goal_id
        measure.outcome = outcome.strip()
        measure.decision_reference, measure.decision_date = decision_reference.strip(), decision_date
        measure.category = measure_category(kind)
        measure.save()
        changes = _diff(before, _snapshot(measure, MEASURE_FIELDS))
        _version(actor=actor, plan=plan, obj=measure, action="update", changes=changes, category=measure.category)
        record(actor=actor, event=AuditEvent.UPDATE, target=measure, case=plan.case, changed_fields=sorted(changes))
    return measure


# --- reviews (R09), team meetings and decisions -------------------------------------------------------


def _refresh_next_review(plan: Plan) -> None:
    next_due = Review.objects.filter(plan=plan, held_on__isnull=True).order_by("due_on").first()
    plan.next_review_on = next_due.due_on if next_due else None
    Plan.objects.filter(pk=plan.pk).update(next_review_on=plan.next_review_on)


def review_add(*, actor: User, plan_id: int, due_on: date) -> Review:
    """Set a review date of the plan and give the coordinator a task for it (R09).

    The task lives on the case (cases.services.task_create) and turns overdue there when the date passes.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: no coordinator yet, a date in the past, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        if plan.coordinator is None:
            raise ValidationError(_("Appoint the plan coordinator first: the review becomes their task."))
        if due_on < timezone.localdate():
            raise ValidationError({"due_on": _("A review date cannot be in the past.")})
        task = case_services.task_create(
            actor=actor,
            case_id=plan.case_id,
            title=str(_("Review the individual plan")),
            due_on=due_on,
            assignee=plan.coordinator,
        )
        review = Review.objects.create(
            plan=plan,
            case_id=plan.case_id,
            due_on=due_on,
            task=task,
            owner_organisation=_plan_organisation(actor, plan),
        )
        _refresh_next_review(plan)
        _version(actor=actor, plan=plan, obj=review, action="create", changes={"due_on": ["", due_on.isoformat()]})
        record(actor=actor, event=AuditEvent.CREATE, target=review, case=plan.case, changed_fields=["due_on", "task"])
    return review


def meeting_record(
    *,
    actor: User,
    plan_id: int,
    held_on: date,
    is_review: bool,
    agenda: str,
    attendance: str = "",
    minutes: str = "",
) -> Meeting:
    """Record a team meeting (ansvarsgruppemøte). A review meeting marks the earliest
    open review as held and completes the coordinator's task.

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises ValidationError: no agenda, a date in the future, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        errors: dict[str, str] = {}
        if not agenda.strip():
            errors["agenda"] = _("Write the agenda.")
        if not _not_in_future(held_on):
            errors["held_on"] = _("Record a meeting once it has been held.")
        if errors:
            raise ValidationError(errors)
        meeting = Meeting.objects.create(
            plan=plan,
            case_id=plan.case_id,
            held_on=held_on,
            is_review=is_review,
            agenda=agenda.strip(),
            attendance=attendance.strip(),
            minutes=minutes.strip(),
            recorded_by=actor,
            owner_organisation=_plan_organisation(actor, plan),
        )
        if is_review:
            review = (
                Review.objects.select_for_update().filter(plan=plan, held_on__isnull=True).order_by("due_on").first()
            )
            if review is not None:
                review.held_on = held_on
                review.save(update_fields=["held_on"])
                if review.task_id:
                    case_services.task_complete(actor=actor, task_id=review.task_id)
                _refresh_next_review(plan)
        _record_created(actor=actor, plan=plan, obj=meeting, fields=MEETING_FIELDS)
    return meeting


def decision_record(
    *,
    actor: User,
    meeting_id: int,
    text: str,
    owner: User,
    deadline: date | None,
    measure_id: int | None = None,
    kind: str = "",
    title: str = "",
    provider_organisation: Organisation | None = None,
    goal_id: int | None = None,
) -> Decision:
    """Record a decision of a team meeting and carry it into the plan.

    With ``measure_id`` the decision changes that measure: the owner becomes its responsible person and
    the deadline its end. Without it, a new measure is made from ``kind``, ``title``, provider and goal,
    starting on the meeting's date. Either way the plan gets a new version.

    :raises NotFound: the meeting or measure does not exist or the actor may not change them.
    :raises ValidationError: no decision text, an owner off the team, a deadline before the meeting, or a
        new measure without what R24 requires (field errors).
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_related("plan").filter(pk=meeting_id).first()
        if meeting is None or not policy.can(actor, Action.UPDATE, meeting):
            raise NotFound(Meeting._meta.label, meeting_id)
        plan = _lock_plan(actor, meeting.plan_id)
        errors: dict[str, str] = {}
        if not text.strip():
            errors["text"] = _("Write the decision.")
        if not active_seats(owner).filter(case_id=plan.case_id).exists():
            errors["owner"] = _("The owner of a decision must be on the follow-up team.")
        if deadline is not None and deadline < meeting.held_on:
            errors["deadline"] = _("The deadline cannot be before the meeting.")
        if measure_id is None and provider_organisation is None:
            errors["provider_organisation"] = _("Choose who provides the measure.")
        if errors:
            raise ValidationError(errors)
        if measure_id is not None:
            measure = Measure.objects.filter(pk=measure_id, plan=plan).first()
            if measure is None or not policy.can(actor, Action.UPDATE, measure):
                raise ValidationError({"measure": _("Choose a measure of this plan.")})
            measure = measure_update(
                actor=actor,
                measure_id=measure.pk,
                kind=measure.kind,
                title=measure.title,
                provider_organisation=measure.provider_organisation,
                responsible_user=owner,
                start_on=measure.start_on,
                end_on=deadline if deadline else measure.end_on,
                status=MeasureStatus.ONGOING if measure.status == MeasureStatus.PLANNED else measure.status,
                goal_id=measure.goal_id,
                outcome=measure.outcome,
                decision_reference=measure.decision_reference,
                decision_date=measure.decision_date,
            )
        else:
            assert provider_organisation is not None
            measure = measure_create(
                actor=actor,
                plan_id=plan.pk,
                kind=kind,
                title=title,
                provider_organisation=provider_organisation,
                responsible_user=owner,
                start_on=meeting.held_on,
                end_on=deadline,
                goal_id=goal_id,
            )
        plan.refresh_from_db(fields=["version"])
        decision = Decision.objects.create(
            meeting=meeting,
            case_id=plan.case_id,
            text=text.strip(),
            measure=measure,
            owner=owner,
            deadline=deadline,
            owner_organisation=meeting.owner_organisation,
        )
        _version(
            actor=actor,
            plan=plan,
            obj=decision,
            action="create",
            changes=_diff(
                {}, {"text": text.strip(), "measure": measure.title, "deadline": _display(decision, "deadline")}
            ),
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=decision,
            case=plan.case,
            changed_fields=["text", "measure", "owner", "deadline"],
        )
    return decision


def version_changes(version: PlanVersion) -> dict[str, Any]:
    """Read a version's diff back as ``{field: [old, new]}``."""
    return json.loads(version.changes) if version.changes else {}
