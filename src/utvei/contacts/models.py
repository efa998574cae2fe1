"""First contact and conversations: contact plans, conversation records, methods and consultations.

Every free-text field is encrypted at rest. Every record names the organisation that recorded it
(``owner_organisation``): inside a case, other organisations see it only through the category gate.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.access.policy import Action
from utvei.accounts.models import Organisation
from utvei.cases.models import Case
from utvei.core.crypto import EncryptedTextField, RowIdField

# The information category of every record in this app (the sharing engine's vocabulary).
CATEGORY = Category.CONVERSATIONS


class ConversationMethod(models.Model):
    """Hold one entry of the configurable catalogue of conversation methods.

    Guidance is written for Utvei in its own words; ``source`` names the material it is based on.
    """

    code = models.SlugField(unique=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    guidance_nb = models.TextField(_("guidance (Norwegian)"))
    guidance_en = models.TextField(_("guidance (English)"))
    source = models.CharField(_("source"), max_length=300)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name_nb"]

    def __str__(self) -> str:
        return self.name_nb

    def name_in(self, language: str) -> str:
        """Give the method's name in the interface language (Bokmål unless English)."""
        return self.name_en if language.startswith("en") else self.name_nb

    def guidance_in(self, language: str) -> str:
        """Give the method's guidance in the interface language (Bokmål unless English)."""
        return self.guidance_en if language.startswith("en") else self.guidance_nb


class InitiationMethod(models.TextChoices):
    """Name how first contact is to be made."""

    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Letter")
    THROUGH_TRUSTED_PERSON = "trusted_person", _("Through a trusted person")
    HOME_VISIT = "home_visit", _("Home visit")
    PRISON_VISIT = "prison_visit", _("Prison visit")


class ContactPlan(models.Model):
    """Record how first contact will be made when there is no contact yet (R35)."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="contact_plan")
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who initiates")
    )
    method = models.CharField(_("how"), max_length=32, choices=InitiationMethod.choices)
    attendees = EncryptedTextField(_("who attends"), blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_language = EncryptedTextField(_("interpreter language"), blank=True)
    checklist = models.JSONField(_("preparation done"), default=list)
    preparation_notes = EncryptedTextField(_("what is known of family and network"), blank=True)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    # Bumped by every service write; an edit form sends the version it was loaded with (core.editing).
    version = models.PositiveIntegerField(default=1)
    row_uid = RowIdField(data_key_owner="case__person")

    def __str__(self) -> str:
        return f"contact plan for {self.case}"


class ConversationForm(models.TextChoices):
    """Name the form a conversation took."""

    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    HOME_VISIT = "home_visit", _("Home visit")
    PRISON_VISIT = "prison_visit", _("Prison visit")


class Conversation(models.Model):
    """Record one conversation with the person."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conversations")
    held_on = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=32, choices=ConversationForm.choices)
    participants = EncryptedTextField(_("participants"))
    method = models.ForeignKey(
        ConversationMethod, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("conversation method")
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    persons_own_words = EncryptedTextField(_("the person's own words and goals"), blank=True)
    told_mandate = models.BooleanField(_("told about the worker's mandate"), default=False)
    told_confidentiality = models.BooleanField(_("told about confidentiality"), default=False)
    told_reporting_duty = models.BooleanField(_("told about the duty to report"), default=False)
    next_steps = EncryptedTextField(_("agreed next steps"), blank=True)
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="case__person")

    # Not stored: set by the services and selectors that load one conversation, because rules R05 and
    # R35/utveier apply to the first conversation of a case (by date) only.
    is_first_of_case: bool = False

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return f"conversation on {self.case} {self.held_on}"


class ConsultedParty(models.TextChoices):
    """Name who was consulted after the first conversation (R05)."""

    SUPERVISOR = "supervisor", _("Supervisor")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")
    POLICE_CONTACT = "police_contact", _("Police radicalisation contact")
    RVTS = "rvts", _("RVTS (regional resource centre)")


class Consultation(models.Model):
    """Record a discussion with a supervisor or partner on how to proceed (R05).

    When ``anonymised``, the summary is built by the system without name, number, address or birth date
    and no identifying data leaves the case (fvl. § 13 a nr. 2).
    """

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consultations")
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    held_on = models.DateField(_("date"))
    consulted = models.CharField(_("consulted"), max_length=32, choices=ConsultedParty.choices)
    consulted_organisation = EncryptedTextField(_("organisation consulted"), blank=True)
    anonymised = models.BooleanField(_("anonymised consultation"), default=False)
    summary = EncryptedTextField(_("what was discussed"))
    decision = EncryptedTextField(_("decision on how to proceed"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"consultation on {self.case}"


class CaseNoteKind(models.TextChoices):
    """Name what a partner's own record on a case is."""

    CONVERSATION = "conversation", _("Conversation")
    NOTE = "note", _("Note")


class CaseNote(models.Model):
    """Hold a conversation or a note that a seat records for its own organisation on a case.

    It is owned by that organisation (``owner_organisation``) and belongs to the conversations category, so
    another organisation on the team sees it only when the engine opens it (a consent in force). It is not
    the municipality's conversation record, so the first-conversation rules (R05, R35) do not count it.
    """

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=CaseNoteKind.choices)
    held_on = models.DateField(_("date"))
    text = EncryptedTextField(_("note"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case}"
