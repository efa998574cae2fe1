"""Reads of contact plans, conversations and consultations, scoped by the policy and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import Count, Min, OuterRef, Q, Subquery

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import reading, record
from utvei.cases.cards import CaseCard, case_card
from utvei.cases.models import Case, TeamMember
from utvei.cases.selectors import RevisionRow, revision_history
from utvei.contacts.models import (
    CATEGORY,
    CaseNote,
    Consultation,
    ContactPlan,
    Conversation,
    ConversationForm,
    ConversationMethod,
)


@dataclass
class CaseContacts:
    """Hold what the case's conversations tab shows of contacts: only what the engine lets the actor see."""

    case: CaseCard
    contact_plan: ContactPlan | None
    conversations: list[Conversation] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    conversation_count: int = 0
    has_contact_plan: bool = False


def contacts_for_case(*, actor: User, case: Case) -> CaseContacts:
    """Gather the contacts section of a case the actor may see (the tab's read is audited by its caller)."""
    plans = list(policy.scope(actor, Action.VIEW, ContactPlan.objects.filter(case=case).select_related("initiator")))
    conversations = list(
        policy.scope(actor, Action.VIEW, Conversation.objects.filter(case=case))
        .select_related("method")
        .only("pk", "case_id", "owner_organisation_id", "held_on", "form", "method__name_nb", "method__name_en")
    )
    consultations = list(policy.scope(actor, Action.VIEW, Consultation.objects.filter(case=case)))
    ctx = policy.context(actor)
    for items in (plans, conversations, consultations):
        grounds = {policy.category_ground(ctx, item, CATEGORY) for item in items}
        ctx.note(case.pk, [CATEGORY] if items else [], {g for g in grounds if g is not None})
    return CaseContacts(
        case=case_card(case),
        contact_plan=plans[0] if plans else None,
        conversations=conversations,
        consultations=consultations,
        conversation_count=len(conversations),
        has_contact_plan=bool(plans),
    )


def contact_facts(*, actor: User, case: Case) -> dict[str, object]:
    """Give the overview's warnings the contact facts of a case, counted over what the actor may see.

    A warning must not reveal records of another organisation, so it counts only what the policy shows.
    """
    visible = policy.scope(actor, Action.VIEW, Conversation.objects.filter(case=case))
    summary = visible.aggregate(
        conversations=Count("pk"),
        first=Min("held_on"),
        prison_visits=Count("pk", filter=Q(form=ConversationForm.PRISON_VISIT)),
    )
    first = summary["first"]
    consulted = first is not None and (
        policy.scope(actor, Action.VIEW, Consultation.objects.filter(case=case, held_on__gte=first)).exists()
    )
    return {
        "conversations": summary["conversations"],
        "prison_visits": summary["prison_visits"],
        "consulted_after_first": consulted,
        "has_contact_plan": policy.scope(actor, Action.VIEW, ContactPlan.objects.filter(case=case)).exists(),
    }


def next_contacts(*, actor: User, case_ids: list[int]) -> dict[int, date]:
    """Give the next agreed contact date per open case, from the conversations and contact plans the actor
    may see (dates only, never content)."""
    found: dict[int, date] = {}
    conversations = (
        policy.scope(
            actor, Action.VIEW, Conversation.objects.filter(case_id__in=case_ids, next_contact_on__isnull=False)
        )
        .values_list("case_id", "next_contact_on")
        .order_by("case_id", "-held_on")
    )
    for case_id, on in conversations:
        if on is not None:
            found.setdefault(case_id, on)
    plans = policy.scope(
        actor, Action.VIEW, ContactPlan.objects.filter(case_id__in=case_ids, planned_on__isnull=False)
    ).values_list("case_id", "planned_on")
    for case_id, on in plans:
        if on is not None:
            found.setdefault(case_id, on)
    return found


def _is_first(conversation: Conversation) -> bool:
    earlier = Conversation.objects.filter(case_id=conversation.case_id).filter(
        Q(held_on__lt=conversation.held_on)
        | Q(held_on=conversation.held_on, created_at__lt=conversation.created_at)
        | Q(held_on=conversation.held_on, created_at=conversation.created_at, pk__lt=conversation.pk)
    )
    return not earlier.exists()


def conversation_get(*, actor: User, conversation_id: int) -> Conversation:
    """Fetch one conversation the actor may see and audit the read.

    The conversation's ``is_first_of_case`` is set (rules R05 and R35/utveier depend on it).

    :raises NotFound: the conversation does not exist or the actor may not see it (the same answer for both).
    """
    with reading():
        conversation = (
            Conversation.objects.select_related("case", "method", "recorded_by", "owner_organisation")
            .filter(pk=conversation_id)
            .first()
        )
        if conversation is None:
            raise NotFound(Conversation._meta.label, conversation_id)
        policy.require(actor, Action.VIEW, conversation)
        conversation.is_first_of_case = _is_first(conversation)
        record(
            actor=actor,
            event=AuditEvent.VIEW,
            target=conversation,
            case_id=conversation.case_id,
            person_id=conversation.case.person_id,
        )
    return conversation


def method_list() -> list[ConversationMethod]:
    """List the conversation methods in use (a catalogue, not personal data: not audited)."""
    return list(ConversationMethod.objects.filter(is_active=True))


def _case_for_edit(actor: User, case_id: int) -> Case:
    case = Case.objects.select_related("person").filter(pk=case_id).first()
    if case is None:
        raise NotFound(Case._meta.label, case_id)
    policy.require(actor, Action.UPDATE, case)
    return case


class ContactPlanFormData(NamedTuple):
    """Hold what the contact plan page needs: the case, its plan, and the team to pick from."""

    case: Case
    plan: ContactPlan | None
    team: list[TeamMember]


def contact_plan_form_data(*, actor: User, case_id: int) -> ContactPlanFormData:
    """Load the contact plan page for an actor who may change the case, auditing the read.

    The read of the plan is audited when there is one, otherwise the read of the case (its team).

    :raises NotFound: the case does not exist, the actor may not change it, or the case's plan is owned by
        an organisation whose records the actor may not see.
    """
    with reading():
        case = _case_for_edit(actor, case_id)
        plan = ContactPlan.objects.select_related("initiator").filter(case=case).first()
        if plan is not None:
            policy.require(actor, Action.VIEW, plan)
        team = list(case.team.filter(left_at__isnull=True).select_related("user", "organisation").order_by("added_at"))
        record(actor=actor, event=AuditEvent.VIEW, target=plan or case, case=case)
    return ContactPlanFormData(case, plan, team)


class ConversationFormData(NamedTuple):
    """Hold what the new-conversation page needs."""

    case: Case
    methods: list[ConversationMethod]
    has_conversations: bool


def conversation_form_data(*, actor: User, case_id: int) -> ConversationFormData:
    """Load the new-conversation page for an actor who may change the case, auditing the read.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with reading():
        case = _case_for_edit(actor, case_id)
        has_conversations = Conversation.objects.filter(case=case).exists()
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
    return ConversationFormData(case, method_list(), has_conversations)


class ConsultationFormData(NamedTuple):
    """Hold what the new-consultation page needs, including names to anonymise in a preview."""

    case: Case
    conversations: list[Conversation]
    guardian_names: list[str]


def consultation_form_data(*, actor: User, case_id: int) -> ConsultationFormData:
    """Load the new-consultation page for an actor who may change the case, auditing the read.

    The conversations offered are those of the case the actor may see.

    :raises NotFound: the case does not exist or the actor may not change it.
    """
    with reading():
        case = _case_for_edit(actor, case_id)
        conversations = list(policy.scope(actor, Action.VIEW, Conversation.objects.filter(case=case)))
        guardian_names = list(case.person.guardians.values_list("name", flat=True))
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
        if conversations:
            record(
                actor=actor,
                event=AuditEvent.LIST,
                target_type=Conversation._meta.label,
                target_id=len(conversations),
                case=case,
            )
    return ConsultationFormData(case, conversations, guardian_names)


def sees_contacts(*, actor: User, case: Case) -> bool:
    """Tell, from the access context alone, whether the conversations tab is offered: not to a narrow seat,
    whose agreement never opens conversations (R26)."""
    return not policy.context(actor).is_narrow(case.pk)


@dataclass(frozen=True)
class NoteRow:
    """Hold one partner record as shown: date, kind, author, organisation and text."""

    held_on: date
    kind: str
    author: str
    organisation: str
    text: str


@dataclass(frozen=True)
class CaseNotes:
    """Hold the partners' own records on a case that the actor may see, and whether the actor may add one."""

    case: CaseCard
    notes: list[NoteRow]
    can_record: bool


def case_notes_for_case(*, actor: User, case: Case) -> CaseNotes | None:
    """Gather the partners' conversations and notes the actor may see (the tab's read is audited by its caller)."""
    can_record = policy.can(actor, Action.CREATE, case)
    notes = list(
        policy.scope(actor, Action.VIEW, CaseNote.objects.filter(case=case)).select_related(
            "recorded_by", "owner_organisation"
        )
    )
    if not notes and not can_record:
        return None
    ctx = policy.context(actor)
    grounds = {policy.category_ground(ctx, n, CATEGORY) for n in notes}
    ctx.note(case.pk, [CATEGORY] if notes else [], {g for g in grounds if g is not None})
    rows = [
        NoteRow(n.held_on, str(n.get_kind_display()), n.recorded_by.display_name(), n.owner_organisation.name, n.text)
        for n in notes
    ]
    return CaseNotes(case=case_card(case), notes=rows, can_record=can_record)


def case_note_form_data(*, actor: User, case_id: int) -> CaseCard:
    """Load the new-note page for an actor who may record for their organisation on the case, auditing the read.

    :raises NotFound: the case does not exist, is closed, or the actor holds no acting seat on it.
    """
    with reading():
        case = Case.objects.select_related("person", "responsible_organisation").filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.CREATE, case)
        record(actor=actor, event=AuditEvent.VIEW, target=case, case=case)
    return case_card(case)


# The contact work that points to a phase: a contact plan (P2) and a conversation (P3). Each gives, for the
# case row of the overview's query, when it was last recorded among what the actor may see.


def latest_contact_plan(*, actor: User) -> Subquery:
    """Give when the case's contact plan was last saved, as far as the actor may see (evidence for P2)."""
    plans = policy.scope(actor, Action.VIEW, ContactPlan.objects.filter(case=OuterRef("pk")))
    return Subquery(plans.order_by("-updated_at").values("updated_at")[:1])


def latest_conversation(*, actor: User) -> Subquery:
    """Give when the case's latest conversation was recorded, as far as the actor may see (evidence for P3)."""
    talks = policy.scope(actor, Action.VIEW, Conversation.objects.filter(case=OuterRef("pk")))
    return Subquery(talks.order_by("-created_at").values("created_at")[:1])


@dataclass(frozen=True)
class ConversationPage:
    """Hold one conversation the actor may see, whether they may correct it, and its corrections."""

    conversation: Conversation
    can_correct: bool
    history: list[RevisionRow]


def conversation_page(*, actor: User, conversation_id: int) -> ConversationPage:
    """Fetch one conversation the actor may see with its history of corrections; audit both reads.

    :raises NotFound: the conversation does not exist or the actor may not see it (the same answer for both).
    """
    with reading():
        conversation = conversation_get(actor=actor, conversation_id=conversation_id)
        history = revision_history(
            actor=actor, obj=conversation, person_id=conversation.case.person_id, case_id=conversation.case_id
        )
        can_correct = policy.can(actor, Action.UPDATE, conversation) and conversation.case.is_open
    return ConversationPage(conversation, can_correct, history)


@dataclass(frozen=True)
class CorrectionData:
    """Hold a record the actor may correct, its case's card and its history of corrections."""

    item: Conversation | Consultation
    case: CaseCard
    history: list[RevisionRow]


def record_for_correction(*, actor: User, model: type[Conversation] | type[Consultation], pk: int) -> CorrectionData:
    """Fetch a conversation or consultation the actor may change, with its history; audit the read.

    :raises NotFound: the record does not exist, its case is closed, or the actor may not change it.
    """
    with reading():
        item = (
            model.objects.select_related("case", "case__person", "case__responsible_organisation").filter(pk=pk).first()
        )
        if item is None or not item.case.is_open or not policy.can(actor, Action.UPDATE, item):
            raise NotFound(model._meta.label, pk)
        history = revision_history(actor=actor, obj=item, person_id=item.case.person_id, case_id=item.case_id)
        record(actor=actor, event=AuditEvent.VIEW, target=item, case_id=item.case_id, person_id=item.case.person_id)
    return CorrectionData(item, case_card(item.case), history)
