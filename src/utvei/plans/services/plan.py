"""The wish for a plan (R06), the one plan per person (R07), its coordinator and activation (R08, R10)."""

from __future__ import annotations

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, OrganisationKind, Role, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, TeamMember
from utvei.cases.policy import active_seats
from utvei.cases.services import acting_organisation, lock_case_for_update
from utvei.plans import rules
from utvei.plans.models import (
    Goal,
    GoalStatus,
    Measure,
    MeasureStatus,
    Participant,
    Plan,
    PlanStatus,
    PlanVersion,
    PlanWish,
    Review,
    WishGiver,
)
from utvei.plans.services._common import (
    PLAN_FIELDS,
    PlanAlreadyExists,
    _diff,
    _lock_plan,
    _not_in_future,
    _refuse_stale_plan,
    _snapshot,
    _version,
)

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
    """List team members who may coordinate the plan: municipal service providers (R10).

    A provider serves the municipality in a membership in force; its administrator and data protection
    officer do not provide services.
    """
    providers = (
        Membership.objects.active()
        .filter(organisation__kind=OrganisationKind.MUNICIPALITY)
        .exclude(role__in=[Role.PRIVACY_OFFICER, Role.ORG_ADMIN])
        .values("user_id")
    )
    return list(
        User.objects.filter(case_teams__case=case, case_teams__left_at__isnull=True, pk__in=providers)
        .distinct()
        .order_by("first_name", "last_name")
    )


def plan_update(
    *,
    actor: User,
    plan_id: int,
    coordinator: User | None,
    period_start: date | None,
    period_end: date | None,
    cooperation: str,
    consents_note: str,
    expected_version: int,
) -> Plan:
    """Set the plan's coordinator, period, cooperation and consents.

    R10: the IP coordinator must serve in a municipality and sit on the case's team (a role apart from the
    exit coordinator, though one person may hold both). ``expected_version`` is the plan's version when the
    form was loaded; the save is refused if the plan itself changed since (see :func:`_refuse_stale_plan`).

    :raises NotFound: the plan does not exist or the actor may not change it.
    :raises EditConflict: the plan's own fields or status changed after the form was loaded.
    :raises ValidationError: a coordinator who is no municipal provider on the team, a period that ends
        before it starts, or an ended plan.
    """
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        _refuse_stale_plan(plan, expected_version)
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
        # Bumps the plan's version (and so the number the next form is loaded with) when anything changed.
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


def _count(model: type[models.Model], **conditions: object) -> Coalesce:
    rows = model.objects.filter(plan=OuterRef("pk"), **conditions).order_by().values("plan")  # type: ignore[attr-defined]
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)


def plan_counts(plan: Plan) -> rules.PlanCounts:
    """Count the plan's parts over every organisation, for R08 (two queries, never shown as content).

    The counts cover parts the actor may not see: whether a plan is complete is a fact about the whole
    plan, shown only to those who may change it, as the names of what is missing.
    """
    counts = (
        Plan.objects.filter(pk=plan.pk)
        .annotate(
            n_goals=_count(Goal, status__in=[s for s in GoalStatus.values if s != GoalStatus.DROPPED]),
            n_measures=_count(Measure, status__in=[s for s in MeasureStatus.values if s != MeasureStatus.CANCELLED]),
            n_unassigned=_count(
                Measure,
                responsible_user__isnull=True,
                responsible_name="",
                status__in=[s for s in MeasureStatus.values if s != MeasureStatus.CANCELLED],
            ),
            n_reviews=_count(Review),
            n_has_wish=Exists(PlanWish.objects.filter(pk=OuterRef("wish_id"), withdrawn_on__isnull=True)),
            n_police=Exists(
                TeamMember.objects.filter(
                    case_id=OuterRef("case_id"),
                    left_at__isnull=True,
                    role=Role.EXIT_COORDINATOR,
                    organisation__kind=OrganisationKind.POLICE_DISTRICT,
                )
            ),
        )
        .values("n_goals", "n_measures", "n_unassigned", "n_reviews", "n_has_wish", "n_police")
        .get()
    )
    participants = list(
        Participant.objects.filter(plan=plan, left_on__isnull=True).only("pk", "plan_id", "responsibility")
    )
    return rules.PlanCounts(
        has_wish=bool(counts["n_has_wish"]),
        has_coordinator=plan.coordinator_id is not None,
        participants=len(participants),
        goals=counts["n_goals"],
        measures=counts["n_measures"],
        measures_without_responsible=counts["n_unassigned"],
        has_period=bool(plan.period_start and plan.period_end),
        reviews=counts["n_reviews"],
        has_cooperation=bool(plan.cooperation),
        participants_without_responsibility=sum(1 for p in participants if not p.responsibility.strip()),
        exit_coordinator_is_police=bool(counts["n_police"]),
    )
