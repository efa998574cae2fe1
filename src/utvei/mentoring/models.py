"""Models of the mentor register, mentor assignments (matching and agreement), the mentor log and
restorative processes through the konfliktråd.

A mentor log and a restorative referral hold coarse facts only: dates, bands, kinds and statuses. The
content of a mentor meeting or of a konfliktråd meeting is never recorded (R25, R26).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.access.policy import Action
from utvei.accounts.models import Organisation
from utvei.cases.models import Case, TeamMember
from utvei.core.crypto import EncryptedTextField, RowIdField

# The longest free note a mentor log entry takes: a reminder, never an account of the meeting.
LOG_NOTE_MAX = 200


class MentorScheme(models.TextChoices):
    """Name the mentor schemes a mentor works in."""

    MUNICIPAL = "municipal", _("Municipal mentor scheme")
    CORRECTIONAL = "correctional", _("Correctional service mentor scheme")


class MentorTraining(models.TextChoices):
    """Name the training a mentor has completed."""

    RVTS = "rvts", _("RVTS national mentor course")
    CORRECTIONAL = "correctional", _("Correctional service mentor training")
    OTHER = "other", _("Other relevant training")
    NONE = "none", _("Not yet trained")


class Mentor(models.Model):
    """Hold one entry of an organisation's mentor register.

    A mentor is either a user account (who then gets a team seat as mentor) or an external mentor known
    by name and contact details only.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor_entries",
        verbose_name=_("user account"),
    )
    name = EncryptedTextField(_("name"), blank=True)
    contact = EncryptedTextField(_("phone or e-mail"), blank=True)
    scheme = models.CharField(_("scheme"), max_length=16, choices=MentorScheme.choices)
    training = models.CharField(_("training"), max_length=16, choices=MentorTraining.choices)
    trained_on = models.DateField(_("training completed"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The register belongs to no person: its values use the master key.
    row_uid = RowIdField(data_key_owner=None)

    class Meta:
        # The name is encrypted: the register is sorted by name in Python (``mentoring.selectors``).
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=Q(user__isnull=False), name="mentor_user_once_per_org"
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="mentor_has_account_or_name"),
        ]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self) -> str:
        """Give the mentor's name: the account's name, or the external mentor's."""
        if self.user is not None:
            return self.user.display_name()
        return self.name

    @property
    def is_external(self) -> bool:
        """Tell whether the mentor has no user account."""
        return self.user_id is None


class Frequency(models.TextChoices):
    """Name how often mentor and person agree to meet."""

    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every other week")
    MONTHLY = "monthly", _("Every month")
    AS_NEEDED = "as_needed", _("When needed")


class AssignmentEnd(models.TextChoices):
    """Name why a mentor assignment ended."""

    COMPLETED = "completed", _("Agreed period completed")
    PERSON_WITHDREW = "person_withdrew", _("The person ended it")
    MENTOR_STOPPED = "mentor_stopped", _("The mentor stopped")
    NEW_MENTOR = "new_mentor", _("Replaced by another mentor")
    CASE_CLOSED = "case_closed", _("The case was closed")


class MentorAssignment(models.Model):
    """Match a mentor to a case's person, with the agreement the person made.

    The three ``share_*`` fields record what the person agreed that the mentor may see (R26); the access
    layer (``mentoring.gate.MentorRestriction``) opens exactly those parts to a mentor-only seat.
    """

    access_category: ClassVar[str] = Category.COORDINATION

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE, Action.CREATE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="mentor_assignments")
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("mentor"))
    seat = models.ForeignKey(TeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    measure = models.ForeignKey(
        "plans.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the plan's mentor measure"),
    )
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("agreement starts"))
    ends_on = models.DateField(_("agreement ends"), null=True, blank=True)
    frequency = models.CharField(_("how often they meet"), max_length=16, choices=Frequency.choices)
    share_contact = models.BooleanField(_("the mentor may see contact details"), default=False)
    share_goals = models.BooleanField(_("the mentor may see the plan's goals"), default=False)
    share_measures = models.BooleanField(_("the mentor may see the plan's measures"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=16, choices=AssignmentEnd.choices, blank=True)

    class Meta:
        ordering = ["-starts_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "mentor"], condition=Q(ended_at__isnull=True), name="mentor_assignment_once_per_case"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="mentor_assignment_ends_after_start",
            ),
        ]
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")

    def __str__(self) -> str:
        return f"mentor assignment {self.pk} on {self.case}"

    def in_force(self, today: date) -> bool:
        """Tell whether the agreement is in force on ``today`` (started, not ended)."""
        if self.ended_at is not None or self.starts_on > today:
            return False
        return self.ends_on is None or self.ends_on >= today


class DurationBand(models.TextChoices):
    """Name how long a mentor meeting lasted, in coarse bands."""

    SHORT = "short", _("Under an hour")
    ONE_TWO = "one_two", _("One to two hours")
    HALF_DAY = "half_day", _("Half a day")
    LONGER = "longer", _("Longer")


class ActivityKind(models.TextChoices):
    """Name what a mentor meeting was about, coarsely."""

    TALK = "talk", _("Conversation")
    ACTIVITY = "activity", _("Leisure or shared activity")
    PRACTICAL = "practical", _("Practical help")
    ACCOMPANY = "accompany", _("Went with the person to a service")
    PHONE = "phone", _("Phone or message contact")
    OTHER = "other", _("Other")


class MentorLogEntry(models.Model):
    """Record one mentor meeting at a coarse level: date, duration band, kind, a short note."""

    access_category: ClassVar[str] = Category.COORDINATION

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    assignment = models.ForeignKey(MentorAssignment, on_delete=models.PROTECT, related_name="log")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    met_on = models.DateField(_("date"))
    duration = models.CharField(_("duration"), max_length=16, choices=DurationBand.choices)
    activity = models.CharField(_("kind of activity"), max_length=16, choices=ActivityKind.choices)
    note = EncryptedTextField(_("short note"), blank=True)
    row_uid = RowIdField(data_key_owner="case__person")
    # The organisation that made the assignment: its case editors read the log (the coordinator).
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-met_on", "-created_at"]
        verbose_name = _("mentor log entry")
        verbose_name_plural = _("mentor log entries")

    def __str__(self) -> str:
        return f"mentor log {self.met_on} on {self.case}"


class RestorativeStatus(models.TextChoices):
    """Name where a restorative process stands; the outcome only, never the content."""

    REFERRED = "referred", _("Referred")
    HELD = "held", _("Meeting held")
    AGREEMENT = "agreement", _("Agreement reached")
    NOT_HELD = "not_held", _("Not held")


class NotHeldReason(models.TextChoices):
    """Name, coarsely, why a restorative meeting was not held."""

    CONSENT_WITHDRAWN = "consent_withdrawn", _("A party withdrew their consent")
    NOT_SUITABLE = "not_suitable", _("The konfliktråd found it unsuitable")
    NO_CONTACT = "no_contact", _("A party could not be reached")
    OTHER = "other", _("Other reason")


class RestorativeReferral(models.Model):
    """Record a referral to the konfliktråd for a restorative process (R25).

    The referral needs the recorded consent of every party, and for a minor also of the guardians.
    Only the status and a coarse reason are kept, never what was said in the meeting.
    """

    access_category: ClassVar[str] = Category.PLAN

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="restorative_referrals")
    referred_on = models.DateField(_("referred on"))
    konfliktraad = models.CharField(_("konfliktråd office"), max_length=200)
    measure = models.ForeignKey(
        "plans.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the plan's restorative measure"),
    )
    person_consented = models.BooleanField(_("the person consented"), default=False)
    parties_consented = models.BooleanField(_("every other party consented"), default=False)
    guardians_consented = models.BooleanField(_("the guardians consented"), default=False)
    consent_recorded_on = models.DateField(_("consent recorded on"))
    status = models.CharField(
        _("status"), max_length=16, choices=RestorativeStatus.choices, default=RestorativeStatus.REFERRED
    )
    status_on = models.DateField(_("status date"))
    not_held_reason = models.CharField(_("why not held"), max_length=32, choices=NotHeldReason.choices, blank=True)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person_consented=True, parties_consented=True), name="restorative_needs_consent"
            ),
            models.CheckConstraint(
                condition=(Q(status="not_held") & ~Q(not_held_reason=""))
                | (~Q(status="not_held") & Q(not_held_reason="")),
                name="restorative_reason_only_when_not_held",
            ),
        ]
        verbose_name = _("restorative process")
        verbose_name_plural = _("restorative processes")

    def __str__(self) -> str:
        return f"restorative referral {self.pk} on {self.case}"
