"""The categories of case information (DOMAIN.md, information sharing). Sharing is decided per category."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """Name each category of information recorded on a case."""

    IDENTITY = "identity", _("Identity and contact")
    CONVERSATIONS = "conversations", _("Conversations")
    MAPPING = "mapping", _("Mapping and needs")
    PLAN = "plan", _("Plan")
    HEALTH = "health", _("Health")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    POLICE = "police", _("Police and offences")
    CONCERN = "concern", _("Ideology and concern")
    NETWORK = "network", _("Network")
    SCHOOL = "school", _("School")
    WORK = "work", _("Work and income")
    COORDINATION = "coordination", _("Case coordination")


class Field(models.TextChoices):
    """Name the field categories of a case and its person, each decided by the engine per actor.

    A selector builds its view model from these, so a template only ever receives what the actor may see.
    """

    COORDINATOR = "coordinator", _("Who coordinates the case")
    TEAM = "team", _("The follow-up team")
    NATIONAL_ID = "national_id", _("National identity number")
    CONTACT = "contact", _("Contact details")
    ADDRESS = "address", _("Address")
    # The address of a person with a protected address: granted to no seat (only the fact is shown).
    PROTECTED_ADDRESS = "protected_address", _("Protected address")
    REFERRAL_REASON = "referral_reason", _("Reason for the referral")
    SECURITY_ASSESSMENT = "security_assessment", _("Security assessment")
    CONSENTS = "consents", _("Consents")
    DISCLOSURES = "disclosures", _("Disclosures")
    WARNINGS = "warnings", _("Warnings")
