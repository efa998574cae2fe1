"""Cases and their follow-up teams (the foundation part; case work extends it)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.policy import Action
from utvei.accounts.models import Organisation, Role


class Phase(models.TextChoices):
    """This class will name the phases of exit work (DOMAIN.md, the process)."""

    P0 = "P0", _("P0 Referral")
    P1 = "P1", _("P1 Clarification and security check")
    P2 = "P2", _("P2 Preparation")
    P3 = "P3", _("P3 Contact and conversations")
    P4 = "P4", _("P4 Mapping")
    P5 = "P5", _("P5 Planning")
    P6 = "P6", _("P6 Implementation and follow-up")
    P7 = "P7", _("P7 Review")
    P8 = "P8", _("P8 Closure and hand-over")
    P9 = "P9", _("P9 Post-closure check-ins")


class Case(models.Model):
    """This model will hold one exit case, owned by a responsible organisation."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("responsible organisation")
    )
    phase = models.CharField(_("phase"), max_length=2, choices=Phase.choices, default=Phase.P0)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference


class TeamMember(models.Model):
    """This model will put a user on a case's follow-up team, acting for one organisation in one role."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    task = models.CharField(_("agreed task"), max_length=300, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "organisation"],
                condition=Q(left_at__isnull=True),
                name="team_member_once_per_case",
            )
        ]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.case}"
