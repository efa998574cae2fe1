"""Writes of contact plans, conversations and consultations. Each checks the policy and audits in one transaction.

Every record is owned by the organisation of the seat the actor edits the case through: inside the case,
other organisations see it only through the category gate. Audit rows name the fields, never their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.policy import active_seats
from utvei.cases.services import acting_organisation, lock_case_for_update
from utvei.contacts import rules
from utvei.contacts.models import (
    Consultation,
    ConsultedParty,
    ContactPlan,
    Conversation,
    ConversationForm,
    ConversationMethod,
    InitiationMethod,
)
from utvei.core.editing import refuse_stale
from utvei.core.services import draft_discard
from utvei.core.text import hidden_control_errors


class PreparationItem(models.TextChoices):
    """Name the fixed preparation checklist before first contact (R35, the national guide's
    conversation tool); a contact plan stores the codes of the items done."""

    ATTENDEES = "attendees", gettext_lazy("Who attends is decided")
    GUARDIANS = "guardians", gettext_lazy("Parents or guardians considered (minors)")
    CHILD_WELFARE = "child_welfare", gettext_lazy("Child welfare service considered (minors)")
    TRUSTED_PERSON = "trusted_person", gettext_lazy("A person they trust considered")
    INTERPRETER = "interpreter", gettext_lazy("Need for an interpreter checked")
    FAMILY_NETWORK = "family_network", gettext_lazy("Known facts about family and network gathered")
    MEETING_PLACE = "meeting_place", gettext_lazy("Safety of the meeting place considered")


PLAN_FIELDS = (
    "initiator",
    "method",
    "attendees",
    "interpreter_needed",
    "interpreter_language",
    "checklist",
    "preparation_notes",
    "planned_on",
)
CONVERSATION_FIELDS = (
    "held_on",
    "form",
    "participants",
    "method",
    "notes",
    "persons_own_words",
    "told_mandate",
    "told_confidentiality",
    "told_reporting_duty",
    "next_steps",
    "next_contact_on",
)
CONSULTATION_FIELDS = (
    "conversation",
    "held_on",
    "consulted",
    "consulted_organisation",
    "anonymised",
    "summary",
    "decision",
)


def _not_in_future(day: date | None) -> bool:
    return day is None or day <= timezone.localdate()


def contact_plan_save(
    *,
    actor: User,
    case_id: int,
    initiator: User,
    method: str,
    attendees: str,
    interpreter_needed: bool,
    interpreter_language: str,
    checklist: Sequence[str],
    preparation_notes: str,
    planned_on: date | None,
    expected_version: int,
) -> ContactPlan:
    """Create or update the case's single contact plan: how first contact is made (R35).

    ``expected_version`` is the plan's version when the form was loaded, 0 when there was no plan yet; a
    plan saved (or first made) by someone else since is not overwritten.

    The initiator must hold a seat on the follow-up team; the checklist holds codes of
    :class:`PreparationItem`; an interpreter need names the language. An existing plan keeps its owning
    organisation and may only be changed by those allowed to change it.

    :raises NotFound: the case does not exist, the actor may not change it, or may not change its plan.
    :raises EditConflict: the plan was saved after the form was loaded; nothing changes.
    :raises ValidationError: an unknown method or checklist item, an initiator off the team, or an
        interpreter need without a language (field errors).
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        organisation = acting_organisation(actor=actor, case=case, editing=True)
        plan = ContactPlan.objects.select_for_update().filter(case=case).first()
        if plan is not None:
            policy.require(actor, Action.UPDATE, plan)
        # The case row is locked above, so a first plan cannot be made twice in between either.
        refuse_stale(
            target=ContactPlan._meta.label,
            target_id=plan.pk if plan is not None else 0,
            current_version=plan.version if plan is not None else 0,
            expected_version=expected_version,
        )
        errors: dict[str, str] = hidden_control_errors(interpreter_language=interpreter_language)
        if method not in InitiationMethod.values:
            errors["method"] = _("Choose how first contact will be made.")
        if not active_seats(initiator).filter(case=case).exists():
            errors["initiator"] = _("The person who makes contact must be on the follow-up team.")
        if set(checklist) - set(PreparationItem.values):
            errors["checklist"] = _("Choose items from the preparation list only.")
        if interpreter_needed and not interpreter_language.strip():
            errors["interpreter_language"] = _("Give the language the interpreter is needed for.")
        if errors:
            raise ValidationError(errors)
        values: dict[str, object] = {
            "method": method,
            "attendees": attendees.strip(),
            "interpreter_needed": interpreter_needed,
            "interpreter_language": interpreter_language.strip() if interpreter_needed else "",
            # Stored in the list's own order, each item once.
            "checklist": [item for item in PreparationItem.values if item in set(checklist)],
            "preparation_notes": preparation_notes.strip(),
            "planned_on": planned_on,
        }
        now = timezone.now()
        if plan is None:
            plan = ContactPlan.objects.create(
                case=case, initiator=initiator, owner_organisation=organisation, updated_at=now, **values
            )
            event, changed = AuditEvent.CREATE, list(PLAN_FIELDS)
        else:
            changed = [name for name, value in values.items() if getattr(plan, name) != value]
            if plan.initiator_id != initiator.pk:
                changed.append("initiator")
            for name, value in values.items():
                setattr(plan, name, value)
            plan.initiator = initiator
            plan.updated_at = now
            plan.version += 1 if changed else 0
            plan.save()
            event = AuditEvent.UPDATE
        record(
            actor=actor,
            event=event,
            target=plan,
            case=case,
            organisation_id=plan.owner_organisation_id,
            changed_fields=changed,
        )
    return plan


def conversation_record(
    *,
    actor: User,
    case_id: int,
    held_on: date,
    form: str,
    participants: str,
    method: ConversationMethod | None,
    notes: str,
    persons_own_words: str,
    told_mandate: bool,
    told_confidentiality: bool,
    told_reporting_duty: bool,
    next_steps: str,
    next_contact_on: date | None,
    draft_key: str = "",
) -> Conversation:
    """Record a conversation with the person and discard the actor's drafts of the form.

    The returned conversation's ``is_first_of_case`` tells whether it is the case's first by date: then a
    consultation is due (R05), and :func:`rules.first_conversation_warnings` applies (R35/utveier).

    :raises NotFound: the case does not exist or the actor may not change it.
    :raises ValidationError: a date in the future, a next contact before the conversation, no participants,
        an unknown form or a method no longer in use (field errors).
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        organisation = acting_organisation(actor=actor, case=case, editing=True)
        errors: dict[str, str] = {}
        if not _not_in_future(held_on):
            errors["held_on"] = _("The date of the conversation cannot be in the future.")
        if next_contact_on is not None and next_contact_on < held_on:
            errors["next_contact_on"] = _("The next contact cannot be before the conversation.")
        if not participants.strip():
            errors["participants"] = _("Write who took part in the conversation.")
        if form not in ConversationForm.values:
            errors["form"] = _("Choose the form the conversation took.")
        if method is not None and not method.is_active:
            errors["method"] = _("This conversation method is no longer in use. Choose another.")
        if errors:
            raise ValidationError(errors)
        # Ordered by date, then by when it was recorded: an existing one on or before this date comes first.
        is_first = not Conversation.objects.filter(case=case, held_on__lte=held_on).exists()
        conversation = Conversation.objects.create(
            case=case,
            held_on=held_on,
            form=form,
            participants=participants.strip(),
            method=method,
            notes=notes.strip(),
            persons_own_words=persons_own_words.strip(),
            told_mandate=told_mandate,
            told_confidentiality=told_confidentiality,
            told_reporting_duty=told_reporting_duty,
            next_steps=next_steps.strip(),
            next_contact_on=next_contact_on,
            recorded_by=actor,
            owner_organisation=organisation,
        )
        conversation.is_first_of_case = is_first
        draft_discard(actor=actor, form_key=draft_key)
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=conversation,
            case=case,
            organisation_id=organisation.pk,
            changed_fields=CONVERSATION_FIELDS,
        )
    return conversation


def consultation_record(
    *,
    actor: User,
    case_id: int,
    conversation_id: int | None,
    held_on: date,
    consulted: str,
    consulted_organisation: str,
    anonymised: bool,
    summary: str,
    decision: str,
) -> Consultation:
    """Record a discussion with a supervisor or partner on how to proceed (R05).

    When ``anonymised``, every free text stored (the summary, the decision and the organisation consulted)
    is built by :func:`rules.anonymise` from the person's (and guardians') identifying data, and no
    identifying data leaves the case (fvl. § 13 a nr. 2); a text that still holds an 11-digit number is
    refused. A linked conversation must be one of the case's that
    the actor may see, held on or before the consultation.

    :raises NotFound: the case does not exist or the actor may not change it.
    :raises ValidationError: a date in the future, an unknown party or conversation, an empty summary or
        decision, or an identity number left in an anonymised text (field errors).
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        organisation = acting_organisation(actor=actor, case=case, editing=True)
        errors: dict[str, str] = hidden_control_errors(consulted_organisation=consulted_organisation)
        conversation: Conversation | None = None
        if conversation_id is not None:
            conversation = Conversation.objects.filter(pk=conversation_id, case=case).first()
            if conversation is None or not policy.can(actor, Action.VIEW, conversation):
                errors["conversation"] = _("Choose one of the case's conversations.")
                conversation = None
        if not _not_in_future(held_on):
            errors["held_on"] = _("The date of the consultation cannot be in the future.")
        elif conversation is not None and held_on < conversation.held_on:
            errors["held_on"] = _("The consultation cannot be before the conversation it follows.")
        if consulted not in ConsultedParty.values:
            errors["consulted"] = _("Choose who was consulted.")
        if not summary.strip():
            errors["summary"] = _("Write what was discussed.")
        if not decision.strip():
            errors["decision"] = _("Write what was decided on how to proceed.")
        texts = {
            "summary": summary.strip(),
            "decision": decision.strip(),
            "consulted_organisation": consulted_organisation.strip(),
        }
        if anonymised:
            guardians = list(case.person.guardians.values_list("name", flat=True))
            for name, text in texts.items():
                texts[name] = rules.anonymise(text, case.person, extra_names=guardians)
                if name not in errors and rules.contains_identity_number(texts[name]):
                    errors[name] = _(
                        "The text still holds an 11-digit number, which may be a national identity number. "
                        "Remove it: an anonymised consultation may not contain identifying data."
                    )
        if errors:
            raise ValidationError(errors)
        consultation = Consultation.objects.create(
            case=case,
            conversation=conversation,
            held_on=held_on,
            consulted=consulted,
            consulted_organisation=texts["consulted_organisation"],
            anonymised=anonymised,
            summary=texts["summary"],
            decision=texts["decision"],
            recorded_by=actor,
            owner_organisation=organisation,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=consultation,
            case=case,
            organisation_id=organisation.pk,
            changed_fields=CONSULTATION_FIELDS,
        )
    return consultation
