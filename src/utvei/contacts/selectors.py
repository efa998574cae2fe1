"""Reads of contact plans, conversations and consultations, scoped by the policy and audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case, TeamMember
from utvei.contacts.models import Consultation, ContactPlan, Conversation, ConversationForm, ConversationMethod


@dataclass
class CaseContacts:
    """Hold what the case page shows of contacts, and the counts its rules need.

    The counts cover every record of the case (a rule warning must not depend on what one member sees);
    the lists hold only what the category gate lets the actor see.
    """

    contact_plan: ContactPlan | None
    conversations: list[Conversation] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    conversation_count: int = 0
    has_contact_plan: bool = False
    consulted_after_first: bool = False
    prison_visits: int = 0


def contacts_for_case(*, actor: User, case: Case) -> CaseContacts:
    """Gather the contact section of a case the actor may see (reads audited by the caller)."""
    plans = policy.scope(actor, Action.VIEW, ContactPlan.objects.filter(case=case).select_related("initiator"))
    conversations = policy.scope(actor, Action.VIEW, Conversation.objects.filter(case=case).select_related("method"))
    consultations = policy.scope(actor, Action.VIEW, Consultation.objects.filter(case=case))
    first = (
        Conversation.objects.filter(case=case)
        .order_by("held_on", "created_at")
        .values_list("held_on", flat=True)
        .first()
    )
    return CaseContacts(
        contact_plan=plans.first(),
        conversations=list(conversations),
        consultations=list(consultations),
        conversation_count=Conversation.objects.filter(case=case).count(),
        has_contact_plan=ContactPlan.objects.filter(case=case).exists(),
        consulted_after_first=first is not None and Consultation.objects.filter(case=case, held_on__gte=first).exists(),
        prison_visits=Conversation.objects.filter(case=case, form=ConversationForm.PRISON_VISIT).count(),
    )


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
    with transaction.atomic():
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
    with transaction.atomic():
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
    with transaction.atomic():
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
    with transaction.atomic():
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
