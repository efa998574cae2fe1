"""Models of the individual plan (individuell plan): the wish, the plan, participants, goals, measures,
reviews, team meetings and the plan's version history.

Every item names the organisation that recorded it (``owner_organisation``) and an information category,
so the category gate (sharing ConsentGate) decides what a team member from another organisation sees.
Free text is encrypted at rest (D14). Legal references for participating services are versioned data.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.access.policy import Action
from utvei.accounts.models import Organisation
from utvei.cases.models import Case, Person
from utvei.core.crypto import EncryptedTextField, RowIdField

# The information category of the plan itself and of its goals, participants, reviews and meetings.
CATEGORY = Category.PLAN


class LegalReferenceQuerySet(models.QuerySet["LegalReference"]):
    """Filter versions of legal references by the date they apply to."""

    def in_force(self, on: date) -> LegalReferenceQuerySet:
        """Keep the versions valid on the given date (both ends inclusive)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class LegalReference(models.Model):
    """Hold one version of a legal reference a participating service works under.

    When an act is amended, the old row gets ``valid_to`` and a new row with the same ``code`` starts;
    participants keep pointing at the version chosen.
    """

    code = models.SlugField(max_length=64)
    law = models.CharField(_("law"), max_length=120)
    section = models.CharField(_("section"), max_length=60, blank=True)
    title_nb = models.CharField(_("title (Norwegian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # The school's duty to cooperate (opplæringslova / friskolelova): shown when the person is a pupil.
    is_school_duty = models.BooleanField(default=False)
    # False until checked against Lovdata or an official commentary; the unverified are listed in docs, not the UI.
    verified = models.BooleanField(_("checked against an authoritative source"), default=False)

    objects = LegalReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["law", "section", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="plan_legal_reference_unique_version"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="plan_legal_reference_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.citation()

    def citation(self) -> str:
        """Give the reference as it is cited, e.g. "helse- og omsorgstjenesteloven § 7-1"."""
        return f"{self.law} {self.section}".strip()

    def title_in(self, language: str) -> str:
        """Give the title in the interface language (Bokmål unless English)."""
        return self.title_en if language.startswith("en") else self.title_nb


class WishGiver(models.TextChoices):
    """Name who expressed the wish for a plan (R06)."""

    PERSON = "person", _("The person")
    GUARDIANS = "guardians", _("The guardians, with the child's view heard")


class PlanWish(models.Model):
    """Record the person's wish for an individual plan (R06); without it no plan is made."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plan_wishes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plan_wishes")
    given_by = models.CharField(_("who expressed the wish"), max_length=16, choices=WishGiver.choices)
    expressed_on = models.DateField(_("date"))
    persons_words = EncryptedTextField(_("the person's own words about the plan"), blank=True)
    guardians_view = EncryptedTextField(_("the guardians' view"), blank=True)
    childs_view = EncryptedTextField(_("the child's own view"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-expressed_on", "-created_at"]

    def __str__(self) -> str:
        return f"plan wish for {self.person_id}"

    @property
    def category(self) -> str:
        """Give the information category of the wish."""
        return CATEGORY

    @property
    def is_in_force(self) -> bool:
        """Tell whether the wish stands (not withdrawn)."""
        return self.withdrawn_on is None


class PlanStatus(models.TextChoices):
    """Name the states of a plan."""

    DRAFT = "draft", _("Being prepared")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class Plan(models.Model):
    """Hold the one individual plan of a person (R07), across all sectors."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE, Action.EXPORT)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plans")
    wish = models.ForeignKey(PlanWish, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
        verbose_name=_("plan coordinator"),
    )
    coordinator_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("plan period from"), null=True, blank=True)
    period_end = models.DateField(_("plan period to"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    cooperation = EncryptedTextField(_("cooperation with other plans and services"), blank=True)
    consents_note = EncryptedTextField(_("the person's consents for this plan"), blank=True)
    version = models.PositiveIntegerField(default=1)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(_("why the plan ended"), max_length=200, blank=True)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # R07: one plan per person; an ended plan is kept (read-only) and does not count.
            models.UniqueConstraint(fields=["person"], condition=Q(ended_at__isnull=True), name="plan_one_per_person"),
        ]
        verbose_name = _("individual plan")
        verbose_name_plural = _("individual plans")

    def __str__(self) -> str:
        return f"plan {self.pk} for {self.person_id}"

    @property
    def category(self) -> str:
        """Give the information category of the plan."""
        return CATEGORY

    @property
    def is_ended(self) -> bool:
        """Tell whether the plan has ended (it is then read-only)."""
        return self.ended_at is not None

    def review_overdue(self, today: date | None = None) -> bool:
        """Tell whether the next review date has passed (R09)."""
        return bool(self.next_review_on and not self.is_ended and self.next_review_on < (today or timezone.localdate()))


class LifeDomain(models.TextChoices):
    """Name the life domains resources and needs are mapped in."""

    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work and income")
    EDUCATION = "education", _("School and education")
    HEALTH = "health", _("Health and mental health")
    FAMILY = "family", _("Family")
    RELATIONS = "relations", _("Friends, leisure and new relations")
    FINANCES = "finances", _("Finances")
    SAFETY = "safety", _("Safety")
    MEANING = "meaning", _("Meaning, faith and identity")


class DomainNote(models.Model):
    """Hold the person's resources and needs in one life domain of the plan."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="domains")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(_("life domain"), max_length=16, choices=LifeDomain.choices)
    resources = EncryptedTextField(_("resources"), blank=True)
    needs = EncryptedTextField(_("needs"), blank=True)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["domain"]
        constraints = [models.UniqueConstraint(fields=["plan", "domain"], name="plan_domain_once")]

    def __str__(self) -> str:
        return f"{self.domain} on plan {self.plan_id}"

    @property
    def category(self) -> str:
        """Give the information category of the note."""
        return CATEGORY


class GoalStatus(models.TextChoices):
    """Name how far a goal has come."""

    OPEN = "open", _("Working on it")
    REACHED = "reached", _("Reached")
    DROPPED = "dropped", _("No longer a goal")


class Goal(models.Model):
    """Hold one of the person's own goals, in their words."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("the goal, in the person's own words"))
    domain = models.CharField(_("life domain"), max_length=16, choices=LifeDomain.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped by every service write; an edit form sends the version it was loaded with (core.editing).
    version = models.PositiveIntegerField(default=1)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"goal {self.pk}"

    @property
    def category(self) -> str:
        """Give the information category of the goal."""
        return CATEGORY


class Participant(models.Model):
    """Hold one participating service of the plan, its legal basis and its responsibility."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="participants")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    legal_reference = models.ForeignKey(
        LegalReference, on_delete=models.PROTECT, related_name="+", verbose_name=_("legal basis")
    )
    responsibility = EncryptedTextField(_("responsibility in the plan"))
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    left_on = models.DateField(null=True, blank=True)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"participant {self.organisation_id} on plan {self.plan_id}"

    @property
    def category(self) -> str:
        """Give the information category of the participant."""
        return CATEGORY


class MeasureKind(models.TextChoices):
    """Name the catalogue of measures (DOMAIN.md §4)."""

    MENTOR = "mentor", _("Mentor")
    RESTORATIVE = "restorative", _("Restorative process (konfliktråd)")
    CLOSE_FOLLOW_UP = "close_follow_up", _("Close follow-up and community work (miljøarbeid)")
    WORK = "work", _("Work and income (NAV)")
    HEALTH = "health", _("Health and mental health")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education")
    LEISURE = "leisure", _("Leisure and new relations")
    FAMILY = "family", _("Family support")
    SAFETY = "safety", _("Safety from the former milieu")


# The information category a measure of each kind belongs to (the sharing engine's vocabulary).
MEASURE_CATEGORY: dict[str, str] = {
    MeasureKind.HEALTH: Category.HEALTH,
    MeasureKind.WORK: Category.WORK,
    MeasureKind.EDUCATION: Category.SCHOOL,
}


def measure_category(kind: str) -> str:
    """Give the information category of a measure of the given kind."""
    return MEASURE_CATEGORY.get(kind, Category.PLAN)


class MeasureStatus(models.TextChoices):
    """Name the states of a measure."""

    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Measure(models.Model):
    """Hold one measure (tiltak) of a case, usually in the plan and linked to a goal (R24).

    A plan gives no right to a service (R37): ``decision_reference`` and ``decision_date`` point at the
    service decision made elsewhere. ``category`` is derived from ``kind`` by the services.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE, Action.RESPOND)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measures")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="measures")
    kind = models.CharField(_("kind of measure"), max_length=32, choices=MeasureKind.choices)
    title = EncryptedTextField(_("short description"))
    provider_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("provided by")
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person (user)"),
    )
    responsible_name = models.CharField(_("responsible person"), max_length=200, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end or deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, null=True, blank=True, related_name="measures", verbose_name=_("goal")
    )
    outcome = EncryptedTextField(_("outcome"), blank=True)
    decision_reference = models.CharField(_("service decision (reference)"), max_length=200, blank=True)
    decision_date = models.DateField(_("service decision date"), null=True, blank=True)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.PLAN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped by every service write; an edit form sends the version it was loaded with (core.editing).
    version = models.PositiveIntegerField(default=1)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(start_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="measure_period_ordered",
            )
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.title

    @property
    def responsible(self) -> str:
        """Name the responsible person (the user's name, or the name written in)."""
        if self.responsible_user_id:
            return self.responsible_user.get_full_name() or self.responsible_user.username  # type: ignore[union-attr]
        return self.responsible_name


class MeasureProgress(models.Model):
    """Keep one progress report on a measure by the organisation that provides it: status and a note.

    Rows are only added, never changed, so the measure's history shows who reported what and when. The
    row is owned by the reporting organisation and carries the measure's category, so the engine decides
    per row who else sees the note.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="progress")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    status_before = models.CharField(_("status before"), max_length=16, choices=MeasureStatus.choices)
    status = models.CharField(_("status"), max_length=16, choices=MeasureStatus.choices)
    note = EncryptedTextField(_("progress note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.PLAN)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"progress {self.pk} of measure {self.measure_id}"


class Review(models.Model):
    """Hold one review date of the plan (R09) and the task it made for the coordinator."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("review date"))
    task = models.ForeignKey("cases.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    held_on = models.DateField(_("held on"), null=True, blank=True)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"review of plan {self.plan_id} on {self.due_on}"

    @property
    def category(self) -> str:
        """Give the information category of the review."""
        return CATEGORY

    def is_overdue(self, today: date | None = None) -> bool:
        """Tell whether the review is not held and its date has passed (R09)."""
        return self.held_on is None and self.due_on < (today or timezone.localdate())


class Meeting(models.Model):
    """Record one team meeting (ansvarsgruppemøte) of the plan."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="meetings")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    is_review = models.BooleanField(_("this meeting reviews the plan"), default=False)
    agenda = EncryptedTextField(_("agenda"))
    attendance = EncryptedTextField(_("who attended"), blank=True)
    minutes = EncryptedTextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return f"meeting {self.pk} on plan {self.plan_id}"

    @property
    def category(self) -> str:
        """Give the information category of the meeting."""
        return CATEGORY


class Decision(models.Model):
    """Record one decision of a team meeting and the measure it created or changed."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("decision"))
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"decision {self.pk}"

    @property
    def category(self) -> str:
        """Give the information category of the decision."""
        return CATEGORY


class PlanVersion(models.Model):
    """Record one change to the plan or one of its parts, with a field-level diff.

    ``changes`` is JSON ``{field: [old, new]}`` of display values, encrypted at rest: the values are case
    data. The audit log holds field names only.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    object_type = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=16)
    changes = EncryptedTextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.PLAN)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"version {self.number} of plan {self.plan_id}"
