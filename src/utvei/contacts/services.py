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
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.policy import active_seats
from utvei.cases.services import acting_organisation, lock_case_for_update, revision_apply
from utvei.contacts import rules
from utvei.contacts.models import (
    CaseNote,
    CaseNoteKind,
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


# The longest partner note taken; longer records belong in the organisation's own journal.
NOTE_MAX_LENGTH = 4000


def case_note_record(*, actor: User, case_id: int, kind: str, held_on: date, text: str) -> CaseNote:
    """Record a conversation or a note for the actor's own organisation on a case.

    Any seat that acts for its organisation on the open case may record one (a mentor keeps its own log).
    The record is owned by that organisation and is in the conversations category, so the engine decides
    who else on the team sees it. It is not the municipality's conversation record (R05, R35 count only
    those).

    :raises NotFound: the case does not exist, is closed, or the actor holds no acting seat on it.
    :raises ValidationError: an unknown kind, a date in the future, an empty or too long text, hidden
        characters or a classification marking (every error at once; nothing is saved).
    """
    from utvei.cases.models import Case
    from utvei.cases.policy import DISCLOSER_ROLES
    from utvei.core.markings import marking_errors

    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound(Case._meta.label, case_id)
        policy.require(actor, Action.CREATE, case)
        seat = (
            active_seats(actor)
            .filter(case=case, role__in=sorted(DISCLOSER_ROLES))
            .select_related("organisation")
            .order_by("added_at")
            .first()
        )
        if seat is None:
            raise NotFound(Case._meta.label, case_id)
        errors = hidden_control_errors(text=text)
        errors.update(marking_errors({"text": text}))
        if kind not in CaseNoteKind.values:
            errors["kind"] = _("Choose whether it was a conversation or a note.")
        if not _not_in_future(held_on):
            errors["held_on"] = _("The date cannot be in the future.")
        if not text.strip():
            errors.setdefault("text", _("Write the note."))
        elif len(text) > NOTE_MAX_LENGTH:
            errors.setdefault("text", _("Write at most %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH})
        if errors:
            raise ValidationError(errors)
        note = CaseNote.objects.create(
            case=case,
            kind=kind,
            held_on=held_on,
            text=text.strip(),
            recorded_by=actor,
            owner_organisation=seat.organisation,
        )
        record(actor=actor, event=AuditEvent.CREATE, target=note, case=case, changed_fields=["kind", "held_on", "text"])
    return note


# What a correction may change: the record's own content. The case, the author and the owning
# organisation stay; so do a consultation's link to a conversation and whether it was anonymised.
CONVERSATION_CORRECTABLE = tuple(name for name in CONVERSATION_FIELDS if name != "method")
CONSULTATION_CORRECTABLE = ("held_on", "consulted", "consulted_organisation", "summary", "decision")


def _for_correction(
    actor: User, model: type[Conversation] | type[Consultation], pk: int
) -> Conversation | Consultation:
    """Fetch a record to correct under its case's lock, or refuse as not found."""
    found = model.objects.filter(pk=pk).only("case_id").first()
    if found is None:
        raise NotFound(model._meta.label, pk)
    lock_case_for_update(actor, found.case_id)
    item = model.objects.select_for_update().select_related("case__person").get(pk=pk)
    policy.require(actor, Action.UPDATE, item)
    return item


def _correction_apply(actor: User, record_: Conversation | Consultation, changes: dict[str, object]) -> None:
    """Keep what the record said before as a revision, save the changed fields and audit them by name."""
    changed = revision_apply(
        actor=actor,
        obj=record_,
        changes=changes,
        person_id=record_.case.person_id,
        case_id=record_.case_id,
        owner_organisation_id=record_.owner_organisation_id,
    )
    if changed:
        record_.save(update_fields=changed)
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=record_,
            case=record_.case,
            organisation_id=record_.owner_organisation_id,
            changed_fields=changed,
        )


def conversation_correct(*, actor: User, conversation_id: int, **values: object) -> Conversation:
    """Correct a recorded conversation; what it said before is kept as a revision (art. 16, G37).

    The same checks as when it was recorded apply. The audit row names the changed fields only.

    :raises NotFound: the conversation does not exist or the actor may not change it.
    :raises ValidationError: a date in the future, a next contact before the conversation, no participants,
        an unknown form, or hidden control characters (all field errors at once).
    """
    unknown = set(values) - set(CONVERSATION_CORRECTABLE)
    if unknown:
        raise ValueError(f"Not correctable: {sorted(unknown)}")
    with transaction.atomic():
        conversation = _for_correction(actor, Conversation, conversation_id)
        assert isinstance(conversation, Conversation)
        held_on = values.get("held_on", conversation.held_on)
        next_contact_on = values.get("next_contact_on", conversation.next_contact_on)
        errors: dict[str, str] = hidden_control_errors(
            **{name: value for name, value in values.items() if isinstance(value, str)}
        )
        if not isinstance(held_on, date) or not _not_in_future(held_on):
            errors["held_on"] = _("The date of the conversation cannot be in the future.")
        elif isinstance(next_contact_on, date) and next_contact_on < held_on:
            errors["next_contact_on"] = _("The next contact cannot be before the conversation.")
        if not str(values.get("participants", conversation.participants)).strip():
            errors["participants"] = _("Write who took part in the conversation.")
        if values.get("form", conversation.form) not in ConversationForm.values:
            errors["form"] = _("Choose the form the conversation took.")
        if errors:
            raise ValidationError(errors)
        _correction_apply(actor, conversation, values)
    return conversation


def consultation_correct(*, actor: User, consultation_id: int, **values: object) -> Consultation:
    """Correct a recorded consultation; what it said before is kept as a revision (art. 16, G37).

    An anonymised consultation stays anonymised: its corrected summary and decision are anonymised again,
    and an 11-digit number left in them is refused.

    :raises NotFound: the consultation does not exist or the actor may not change it.
    :raises ValidationError: a date in the future, an unknown party, an empty summary or decision, an
        identity number in an anonymised text, or hidden control characters (all field errors at once).
    """
    unknown = set(values) - set(CONSULTATION_CORRECTABLE)
    if unknown:
        raise ValueError(f"Not correctable: {sorted(unknown)}")
    with transaction.atomic():
        consultation = _for_correction(actor, Consultation, consultation_id)
        assert isinstance(consultation, Consultation)
        errors: dict[str, str] = hidden_control_errors(
            **{name: value for name, value in values.items() if isinstance(value, str)}
        )
        held_on = values.get("held_on", consultation.held_on)
        if not isinstance(held_on, date) or not _not_in_future(held_on):
            errors["held_on"] = _("The date of the consultation cannot be in the future.")
        if values.get("consulted", consultation.consulted) not in ConsultedParty.values:
            errors["consulted"] = _("Choose who was consulted.")
        texts = {name: str(values.get(name, getattr(consultation, name))).strip() for name in ("summary", "decision")}
        if not texts["summary"]:
            errors["summary"] = _("Write what was discussed.")
        if not texts["decision"]:
            errors["decision"] = _("Write what was decided on how to proceed.")
        if consultation.anonymised:
            person = consultation.case.person
            guardians = list(person.guardians.values_list("name", flat=True))
            for name, text in texts.items():
                texts[name] = rules.anonymise(text, person, extra_names=guardians)
                if name not in errors and rules.contains_identity_number(texts[name]):
                    errors[name] = _(
                        "The text still holds an 11-digit number, which may be a national identity number. "
                        "Remove it: an anonymised consultation may not contain identifying data."
                    )
        if errors:
            raise ValidationError(errors)
        changes = dict(values)
        changes.update({name: text for name, text in texts.items() if name in values})
        _correction_apply(actor, consultation, changes)
    return consultation
