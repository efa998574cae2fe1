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
