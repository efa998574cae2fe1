"""Access facts and rules for persons, cases, their teams and the items recorded on a case.

Only members of the follow-up team see a case. A team seat counts only while the user still holds an
active membership in the organisation and role the seat is for, so removing someone from their
organisation removes their case access on the next request. The engine learns the seats from here in one
query per request. Items recorded on a case (escalations, advice, relapses) are further decided per
category by the engine (owner organisation, consent, or a narrow seat's agreement).

The case's field policy says which parts of a case and its person an actor sees: the contact details
and the identity number follow the identity category; a narrow seat (the mentor) never sees the identity
number, the security assessment, the consents, the disclosures, the warnings, or any team member but
the coordinators (R26); a protected address is never shown to anyone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from utvei.access import engine, policy
from utvei.access.categories import Category, Field
from utvei.access.engine import AccessContext, Actor, SeatFact
from utvei.access.permissions import Perm
from utvei.access.policy import Action
from utvei.accounts.models import Membership, Role, User
from utvei.cases.models import (
    Case,
    CaseAdvice,
    Concern,
    Escalation,
    EscalationReceipt,
    EscalationRecipient,
    Guardian,
    Handover,
    Person,
    PhaseChange,
    Relapse,
    Task,
    TeamMember,
)

# Roles whose team seat lets them change the case itself (phase, team, tasks). Others only read it.
CASE_EDITOR_ROLES = frozenset({Role.CASEWORKER, Role.EXIT_COORDINATOR, Role.PLAN_COORDINATOR, Role.SLT_COORDINATOR})
# Roles a narrow seat still sees on the team: those who coordinate the case.
COORDINATOR_ROLES = frozenset({Role.EXIT_COORDINATOR, Role.PLAN_COORDINATOR})
# Seats that decide and record disclosures for their organisation. A mentor's seat is narrow (R26).
DISCLOSER_ROLES = frozenset(Role.values) - {Role.MENTOR, Role.ORG_ADMIN, Role.PRIVACY_OFFICER}


def active_seats(user: User) -> QuerySet[TeamMember]:
    """Give a user's team seats that are in force (seat open, membership active), as a queryset.

    Services use it to check someone else's seat (a coordinator to appoint, an owner of a decision);
    the actor's own seats come from the access context.
    """
    memberships = Membership.objects.active().filter(
        user=user, organisation=OuterRef("organisation"), role=OuterRef("role")
    )
    return TeamMember.objects.filter(user=user, left_at__isnull=True).filter(Exists(memberships))


def seats_in_force(actor: Actor) -> Iterable[SeatFact]:
    """Give the engine the actor's seats in force with their case's person and state (one query)."""
    memberships = Membership.objects.active().filter(
        user_id=actor.pk, organisation=OuterRef("organisation"), role=OuterRef("role")
    )
    rows = (
        TeamMember.objects.filter(user_id=actor.pk, left_at__isnull=True)
        .filter(Exists(memberships))
        .values_list("pk", "case_id", "case__person_id", "organisation_id", "role", "case__closed_at")
    )
    return [
        SeatFact(pk, case_id, person_id, org_id, role, closed is None)
        for pk, case_id, person_id, org_id, role, closed in rows
    ]


class CaseRule:
    """Allow an action on a case to actors seated on it in one of ``roles`` (any role when None); with
    ``grants``, also to actors holding a live break-glass grant on it (reading only)."""

    def __init__(self, roles: frozenset[str] | None = None, *, open_only: bool = False, grants: bool = False) -> None:
        self.roles = roles
        self.open_only = open_only
        self.grants = grants

    def case_ids(self, ctx: AccessContext) -> frozenset[int]:
        """Give the cases on which the actor holds a qualifying seat (or a live grant, where allowed)."""
        seated = ctx.case_ids(self.roles, open_only=self.open_only)
        return seated | ctx.granted_case_ids() if self.grants else seated

    def allows_case(self, ctx: AccessContext, case_id: int | None) -> bool:
        """Tell whether the actor holds a qualifying seat on the case with this id."""
        return case_id is not None and case_id in self.case_ids(ctx)

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor holds a qualifying seat on this case."""
        return isinstance(obj, Case) and self.allows_case(ctx, obj.pk)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the cases on which the actor holds a qualifying seat."""
        return qs.filter(pk__in=sorted(self.case_ids(ctx)))


class CaseItemRule:
    """Allow an action on an item of a case when the case rule allows it and the engine shows its category."""

    def __init__(self, category: str, case_rule: CaseRule) -> None:
        self.category = category
        self.case_rule = case_rule

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor may act on the item's case and see its category."""
        if not self.case_rule.allows_case(ctx, getattr(obj, "case_id", None)):
            return False
        return policy.category_ground(ctx, obj, self.category) is not None

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep items on cases the actor may act on, in categories the engine shows."""
        cases = self.case_rule.case_ids(ctx)
        return qs.filter(policy.category_condition(ctx, qs.model, self.category, case_ids=cases))


class CaseFactRule:
    """Allow reading a case-level record (no owner of its own) to seats that are not narrow."""

    def __init__(self, case_rule: CaseRule) -> None:
        self.case_rule = case_rule

    def _case_ids(self, ctx: AccessContext) -> frozenset[int]:
        return self.case_rule.case_ids(ctx) - ctx.narrow_case_ids

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor holds a qualifying, not narrow, seat on the record's case."""
        return getattr(obj, "case_id", None) in self._case_ids(ctx)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep records of cases where the actor holds a qualifying, not narrow, seat."""
        return qs.filter(case_id__in=sorted(self._case_ids(ctx)))


class PersonRule:
    """Allow an action on a person to actors with a qualifying seat on one of the person's cases."""

    def __init__(self, case_rule: CaseRule) -> None:
        self.case_rule = case_rule

    def _person_ids(self, ctx: AccessContext) -> frozenset[int]:
        seated = ctx.person_ids(self.case_rule.roles, open_only=self.case_rule.open_only)
        return seated | ctx.granted_person_ids() if self.case_rule.grants else seated

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sits on a team of one of the person's cases."""
        return isinstance(obj, Person) and obj.pk in self._person_ids(ctx)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep persons with a case on which the actor holds a qualifying seat."""
        return qs.filter(pk__in=sorted(self._person_ids(ctx)))


class GuardianRule:
    """Show a guardian to actors who see the person's identity and contact details."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sees the identity category of the guardian's person."""
        if not isinstance(obj, Guardian):
            return False
        return policy.category_ground(ctx, obj.person, Category.IDENTITY) is not None

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep guardians of persons whose identity category the actor sees."""
        seen = Person.objects.filter(ctx.person_condition(label=Person._meta.label, category=Category.IDENTITY))
        return qs.filter(person__in=seen.values("pk"))


class TeamSeatRule:
    """Show a team seat to the case's team; a narrow seat sees the coordinators and itself only (R26)."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sits on the seat's case and may see this seat."""
        if not isinstance(obj, TeamMember) or not VIEW_CASE.allows_case(ctx, obj.case_id):
            return False
        if not ctx.is_narrow(obj.case_id):
            return True
        return obj.role in COORDINATOR_ROLES or obj.user_id == ctx.actor_pk

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the seats of the actor's cases, narrowed on narrow cases."""
        narrow = ctx.narrow_case_ids
        full = sorted(VIEW_CASE.case_ids(ctx) - narrow)
        narrowed = Q(case_id__in=sorted(narrow)) & (Q(role__in=sorted(COORDINATOR_ROLES)) | Q(user_id=ctx.actor_pk))
        return qs.filter(Q(case_id__in=full) | narrowed)


class ConcernRule:
    """Let case-working members of the recording organisation see a concern-only record."""

    def _organisations(self, ctx: AccessContext) -> frozenset[int]:
        if Perm.CASE_CREATE not in ctx.perms:
            return frozenset()
        return ctx.organisations_with_role(*CASE_EDITOR_ROLES)

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor works cases in the concern's organisation."""
        return isinstance(obj, Concern) and obj.organisation_id in self._organisations(ctx)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep concerns of the organisations where the actor works cases."""
        return qs.filter(organisation_id__in=sorted(self._organisations(ctx)))


class TaskRule:
    """Show a task to its assignee (while seated) and to editors of the case."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor is the assignee (with a seat) or an editor of the case."""
        if not isinstance(obj, Task) or not VIEW_CASE.allows_case(ctx, obj.case_id):
            return False
        return obj.assignee_id == ctx.actor_pk or EDIT_CASE.allows_case(ctx, obj.case_id)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep tasks assigned to the actor or on cases the actor edits."""
        seen = qs.filter(case_id__in=sorted(VIEW_CASE.case_ids(ctx)))
        return seen.filter(Q(assignee_id=ctx.actor_pk) | Q(case_id__in=sorted(EDIT_CASE.case_ids(ctx))))


# Reports that reach the police: the police contact seats of the case receive them.
POLICE_RECIPIENTS = frozenset({EscalationRecipient.POLICE_CONTACT, EscalationRecipient.POLICE, EscalationRecipient.PST})


def _receiving_cases(ctx: AccessContext, *, open_only: bool = False) -> frozenset[int]:
    return ctx.case_ids({Role.POLICE_CONTACT}, open_only=open_only)


class EscalationRule:
    """Show a report of serious concern by its category (the reporting organisation, or a consent), and a
    report to the police or PST also to the police contact seats on its case, who receive it."""

    def __init__(self) -> None:
        self.by_category = CaseItemRule(Category.POLICE, VIEW_CASE)

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sees the report: by its category, or as the police contact receiving it."""
        if not isinstance(obj, Escalation):
            return False
        if obj.recipient in POLICE_RECIPIENTS and obj.case_id in _receiving_cases(ctx):
            return True
        return self.by_category.allows(ctx, obj)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the reports the actor sees by category or receives as the police contact."""
        received = Q(case_id__in=sorted(_receiving_cases(ctx)), recipient__in=sorted(POLICE_RECIPIENTS))
        shown = policy.category_condition(ctx, qs.model, Category.POLICE, case_ids=VIEW_CASE.case_ids(ctx))
        return qs.filter(shown | received)


class EscalationReceiverRule:
    """Let a police contact seat on an open case answer a report to the police or PST on that case."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the report went to the police and the actor is the police contact on its open case."""
        return (
            isinstance(obj, Escalation)
            and obj.recipient in POLICE_RECIPIENTS
            and obj.case_id in _receiving_cases(ctx, open_only=True)
        )

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the reports to the police on open cases where the actor is the police contact."""
        return qs.filter(
            case_id__in=sorted(_receiving_cases(ctx, open_only=True)), recipient__in=sorted(POLICE_RECIPIENTS)
        )


class ReceiptRule:
    """Show the police contact's answers on a report to whoever sees the report itself."""

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the actor sees the report the answer belongs to."""
        return isinstance(obj, EscalationReceipt) and VIEW_ESCALATION.allows(ctx, obj.escalation)

    def scope(self, ctx: AccessContext, qs: QuerySet[policy.M]) -> QuerySet[policy.M]:
        """Keep the answers on reports the actor sees."""
        seen = VIEW_ESCALATION.scope(ctx, Escalation.objects.all())
        return qs.filter(escalation__in=seen.values("pk"))


def case_fields(ctx: AccessContext, record: object) -> frozenset[str]:
    """Decide which field categories of a case (and its person) the actor sees.

    The record is a :class:`Case` with its person loaded. Contact details follow the person's identity
    category; a narrow seat sees them only when its agreement opens them, and never the identity number.
    The security assessment is the responsible organisation's concern information, also seen by the police
    contact on the team, who takes part in the security check.
    """
    assert isinstance(record, Case)
    seats = ctx.seats_on(record.pk)
    granted = not seats and record.pk in ctx.granted_case_ids()
    if not seats and not granted:
        return frozenset()
    narrow = ctx.is_narrow(record.pk)
    person = record.person
    shown = {Field.COORDINATOR}
    if policy.category_ground(ctx, person, Category.IDENTITY) is not None:
        shown.add(Field.CONTACT)
        if not person.address_is_protected:
            shown.add(Field.ADDRESS)
        if not narrow:
            shown.add(Field.NATIONAL_ID)
    if narrow:
        return frozenset(shown)
    # A break-glass reader sees the team and the warnings, not the consents and disclosures (no seat acts).
    shown |= (
        {Field.TEAM, Field.WARNINGS} if granted else {Field.TEAM, Field.CONSENTS, Field.DISCLOSURES, Field.WARNINGS}
    )
    if policy.category_ground(ctx, person, Category.CONCERN) is not None:
        shown.add(Field.REFERRAL_REASON)
    police = any(s.role == Role.POLICE_CONTACT for s in seats)
    concern = ctx.item_ground(
        case_id=record.pk,
        owner_id=record.responsible_organisation_id,
        category=Category.CONCERN,
        label=Case._meta.label,
    )
    if police or concern is not None:
        shown.add(Field.SECURITY_ASSESSMENT)
    return frozenset(shown)


# Reading a case: its team, and a live break-glass grant (read-only: no other rule counts grants).
VIEW_CASE = CaseRule(grants=True)
EDIT_CASE = CaseRule(CASE_EDITOR_ROLES, open_only=True)
# Editors of a case, open or closed: they read its history and produce the person's overview.
READ_AS_EDITOR = CaseRule(CASE_EDITOR_ROLES)
# Anyone on the team may raise a serious concern, in every phase, open or closed (R17).
ESCALATE_CASE = CaseRule()
# Deciding and recording a disclosure needs a seat whose role may share for its organisation.
DISCLOSE_CASE = CaseRule(DISCLOSER_ROLES)
# Recording an item of one's own organisation (a partner's conversation or note) needs an acting seat on an
# open case; a mentor's seat is narrow and records in its own log (R26).
RECORD_CASE = CaseRule(DISCLOSER_ROLES, open_only=True)
VIEW_ESCALATION = EscalationRule()


def own_case_ids(ctx: AccessContext) -> frozenset[int]:
    """Give the cases of the person in the portal (one query; none for a staff user)."""
    if not ctx.is_person:
        return frozenset()
    return frozenset(Case.objects.filter(person_id__in=sorted(ctx.own_person_ids)).values_list("pk", flat=True))


def declare() -> None:
    """Declare the seats, the case field policy and the rules of this app to the access engine."""
    engine.provide_seats(seats_in_force)
    engine.provide_fields("case", case_fields)
    engine.provide_fact("cases.own", own_case_ids)
    # The person in the portal: their own record and cases, never the staff's items about them.
    policy.register(Person, Action.OWN, policy.OwnRule("pk", category=Category.IDENTITY))
    policy.register(Case, Action.OWN, policy.OwnRule("person_id", category=Category.COORDINATION))
    policy.register(Case, Action.VIEW, VIEW_CASE)
    policy.register(Case, Action.UPDATE, EDIT_CASE)
    policy.register(Case, Action.SHARE, ESCALATE_CASE)
    policy.register(Case, Action.DISCLOSE, DISCLOSE_CASE)
    policy.register(Case, Action.EXPORT, READ_AS_EDITOR)
    policy.register(Case, Action.REVIEW, READ_AS_EDITOR)
    policy.register(Case, Action.CREATE, RECORD_CASE)
    policy.register(Person, Action.VIEW, PersonRule(VIEW_CASE))
    policy.register(Person, Action.UPDATE, PersonRule(EDIT_CASE))
    policy.register(Guardian, Action.VIEW, GuardianRule())
    policy.register(TeamMember, Action.VIEW, TeamSeatRule())
    policy.register(PhaseChange, Action.VIEW, CaseFactRule(VIEW_CASE))
    policy.register(Handover, Action.VIEW, CaseFactRule(READ_AS_EDITOR))
    policy.register(Concern, Action.VIEW, ConcernRule())
    policy.register(Escalation, Action.VIEW, VIEW_ESCALATION)
    policy.register(Escalation, Action.RESPOND, EscalationReceiverRule())
    policy.register(EscalationReceipt, Action.VIEW, ReceiptRule())
    policy.register(CaseAdvice, Action.VIEW, CaseItemRule(Category.COORDINATION, VIEW_CASE))
    policy.register(Relapse, Action.VIEW, CaseItemRule(Category.CONCERN, VIEW_CASE))
    policy.register(Task, Action.VIEW, TaskRule())
