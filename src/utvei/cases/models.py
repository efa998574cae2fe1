"""Persons, cases, follow-up teams, phases, tasks, escalations and concern-only records."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.access.policy import Action
from utvei.accounts.models import Organisation, Role
from utvei.core.crypto import DataKeyField, EncryptedTextField, RowIdField


class Phase(models.TextChoices):
    """Name the phases of exit work (DOMAIN.md, the process)."""

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


class ProtectedAddress(models.TextChoices):
    """Name the address protection levels of the population register."""

    NONE = "", _("None")
    CONFIDENTIAL = "fortrolig", _("Confidential address (fortrolig)")
    STRICTLY_CONFIDENTIAL = "strengt_fortrolig", _("Strictly confidential address (strengt fortrolig)")


class Person(models.Model):
    """Hold the person an exit case is about (the data subject)."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    given_name = models.CharField(_("given name"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=150)
    birth_date = models.DateField(_("birth date"))
    # Fødselsnummer or D-number, encrypted; found and kept unique per registering organisation through its
    # keyed blind index (HMAC), never by the number itself.
    national_id = EncryptedTextField(_("national identity number"), blank=True)
    national_id_index = models.CharField(max_length=100, blank=True, default="", editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    language = models.CharField(_("language"), max_length=64, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    protected_address = models.CharField(
        _("protected address"), max_length=32, choices=ProtectedAddress.choices, blank=True, default=""
    )
    registered_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the retention schedule anonymised the person after their cases were closed long enough.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # The person's own data key (in the key store) encrypts their fields and those of their cases.
    data_key = DataKeyField()
    row_uid = RowIdField(data_key_owner="self")

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            # Each organisation keeps its own record of a person (D24): a number is unique per organisation,
            # so registering it says nothing about whether another organisation knows the person.
            models.UniqueConstraint(
                fields=["registered_by", "national_id_index"],
                condition=~Q(national_id_index=""),
                name="person_national_id_unique_per_organisation",
            )
        ]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["birth_date"]),
            # The search before create (cases.selectors.person_search) looks up each criterion by equality.
            models.Index(Lower("family_name"), Lower("given_name"), name="person_name_key"),
            models.Index(Lower("family_name"), "birth_date", name="person_family_birth_key"),
            models.Index(Lower("given_name"), "birth_date", name="person_given_birth_key"),
            models.Index(fields=["phone"], name="person_phone"),
            models.Index(fields=["national_id_index"], name="person_national_id_index"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: object = None) -> int:
        """Give the person's age in whole years on ``day`` (today by default)."""
        today = day or timezone.localdate()
        years = today.year - self.birth_date.year  # type: ignore[attr-defined]
        if (today.month, today.day) < (self.birth_date.month, self.birth_date.day):  # type: ignore[attr-defined]
            years -= 1
        return years

    @property
    def owner_organisation_id(self) -> int:
        """Name the organisation that owns the identity data (the one that registered it)."""
        return self.registered_by_id

    @property
    def is_minor(self) -> bool:
        """Tell whether the person is under 18 today."""
        return self.age_on() < 18

    @property
    def address_is_protected(self) -> bool:
        """Tell whether the address must never be shown, exported or printed."""
        return bool(self.protected_address)


class Guardian(models.Model):
    """Hold a guardian (parent with parental responsibility) of a minor."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    has_parental_responsibility = models.BooleanField(_("has parental responsibility"), default=True)
    # The guardian's own number, encrypted like the person's and found only through its keyed blind index:
    # an ID-porten login of a guardian is matched to the children they hold parental responsibility for.
    national_id = EncryptedTextField(_("national identity number"), blank=True)
    national_id_index = models.CharField(max_length=100, blank=True, default="", editable=False)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["national_id_index"], name="guardian_national_id_index")]

    def __str__(self) -> str:
        return self.name


class ReferralSource(models.TextChoices):
    """Name who raised the need for exit work."""

    SELF = "self", _("The person themselves")
    FAMILY = "family", _("Family or friends")
    SCHOOL = "school", _("School")
    POLICE = "police", _("Police")
    CORRECTIONAL = "correctional", _("Correctional service")
    OTHER_SERVICE = "other_service", _("Other service")


class SecurityAssessment(models.TextChoices):
    """Name the answer to "has it been assessed whether the person may be a security threat" (R04)."""

    ASSESSED = "assessed", _("Yes, assessed")
    NOT_YET = "not_yet", _("Not yet – to be assessed")


class ClosureReason(models.TextChoices):
    """Name why a case was closed (R28)."""

    GOALS_MET = "goals_met", _("Goals largely met")
    WITHDREW = "withdrew", _("The person withdrew")
    MOVED = "moved", _("Moved to another municipality")
    TRANSFERRED = "transferred", _("Transferred to other services")
    NOT_EXIT_CASE = "not_exit_case", _("Not an exit case")
    OTHER = "other", _("Other")


class Case(models.Model):
    """Hold one exit case about one person, owned by a responsible organisation."""

    policy_actions: ClassVar[tuple[Action, ...]] = (
        Action.VIEW,
        Action.UPDATE,
        Action.SHARE,
        Action.DISCLOSE,
        Action.EXPORT,
        Action.REVIEW,
        Action.CREATE,
    )

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person"))
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("responsible organisation")
    )
    phase = models.CharField(_("phase"), max_length=2, choices=Phase.choices, default=Phase.P0)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Referral (P0).
    referral_source = models.CharField(_("referred by"), max_length=32, choices=ReferralSource.choices)
    referral_date = models.DateField(_("referral date"))
    referral_reason = EncryptedTextField(_("reason for the referral"))
    # R04: recorded at opening.
    security_assessment = models.CharField(
        _("assessed whether the person may be a security threat"), max_length=16, choices=SecurityAssessment.choices
    )
    security_assessed_by = EncryptedTextField(_("assessed by (name and role)"), blank=True)
    security_assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    # R03: the reason the police radicalisation contact is not involved, when that is the case.
    police_not_involved_reason = EncryptedTextField(_("reason the police contact is not involved"), blank=True)
    # Closure (P8, R28).
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True)
    closure_outcome = EncryptedTextField(_("outcome"), blank=True)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(closed_at__isnull=True), name="case_one_open_per_person"
            )
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """Tell whether the case is still open."""
        return self.closed_at is None


class TeamMember(models.Model):
    """Put a user on a case's follow-up team, acting for one organisation in one role."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    task = models.CharField(_("agreed task"), max_length=300, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # Why the coordinator ended the seat; about the case, so under the person's key.
    end_reason = EncryptedTextField(_("why the seat ended"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Bumped by every service write; an edit form sends the version it was loaded with (core.editing).
    version = models.PositiveIntegerField(default=1)
    row_uid = RowIdField(data_key_owner="case__person")

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


class PhaseChange(models.Model):
    """Record one move of a case from one phase to another."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="phase_changes")
    from_phase = models.CharField(max_length=2, choices=Phase.choices)
    to_phase = models.CharField(max_length=2, choices=Phase.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    # Why the case moved more than one phase at a time (required then); empty for a move of one step.
    reason = EncryptedTextField(_("reason"), blank=True)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_phase}→{self.to_phase}"


class CaseAdvice(models.Model):
    """Record the SLT coordinator's advice on who should coordinate the case (R03)."""

    access_category: ClassVar[str] = Category.COORDINATION

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="advice")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField(_("date"), default=timezone.localdate)
    advice = EncryptedTextField(_("advice on who coordinates"))
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"advice on {self.case}"


class Handover(models.Model):
    """Record one recipient of a hand-over at closure and what was shared (R28)."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handovers")
    recipient = models.CharField(_("recipient (service)"), max_length=200)
    what_was_shared = EncryptedTextField(_("what was shared, and on which basis"))
    row_uid = RowIdField(data_key_owner="case__person")

    def __str__(self) -> str:
        return f"handover of {self.case}"


class Relapse(models.Model):
    """Record a relapse event; it never closes the case (R29)."""

    access_category: ClassVar[str] = Category.CONCERN

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="relapses")
    occurred_on = models.DateField(_("date"))
    description = EncryptedTextField(_("what happened"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"relapse on {self.case}"


class TaskKind(models.TextChoices):
    """Name a task Utvei makes itself; its title is rendered in the reader's language, never stored."""

    TYPED = "", _("Written by a user")
    REVIEW_PLAN = "review_plan", _("Review the individual plan")
    REASSESS_CONCERN = "reassess_concern", _("Reassess the reported concern")
    RENEW_CONSENT = "renew_consent", _("Renew or end the consent that ends on %(day)s")


class Task(models.Model):
    """Hold a task on a case with a due date and a responsible user.

    A task a user writes keeps its ``title``; a task Utvei makes has a ``kind`` (and the date its title
    names in ``about_on``) and an empty title, so each reader sees it in their own language.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    title = EncryptedTextField(_("task"), blank=True)
    kind = models.CharField(_("kind of task"), max_length=32, choices=TaskKind.choices, default="", blank=True)
    about_on = models.DateField(_("date named in the task"), null=True, blank=True)
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.shown_title()

    def shown_title(self) -> str:
        """Give the task's title in the active language (a system task's from its kind)."""
        if not self.kind or self.kind not in TaskKind.values:
            return str(self.title)
        label = str(TaskKind(self.kind).label)
        if self.kind == TaskKind.RENEW_CONSENT:
            day = formats.date_format(self.about_on, "SHORT_DATE_FORMAT") if self.about_on else "–"
            return label % {"day": day}
        return label

    def is_overdue(self, today: object = None) -> bool:
        """Tell whether the task is open past its due date."""
        return self.done_at is None and self.due_on < (today or timezone.localdate())  # type: ignore[operator]


class EscalationLevel(models.TextChoices):
    """Name how urgent a serious concern is (domain research §7)."""

    ACUTE = "acute", _("Acute danger to life or health")
    SERIOUS = "serious", _("Serious concern")


class EscalationRecipient(models.TextChoices):
    """Name who a serious concern is reported to."""

    POLICE_CONTACT = "police_contact", _("Police radicalisation contact")
    POLICE = "police", _("Police (02800)")
    PST = "pst", _("Police Security Service (PST)")
    EMERGENCY = "emergency", _("Emergency number 112")
    CHILD_WELFARE = "child_welfare", _("Child welfare service")


class EscalationBasis(models.TextChoices):
    """Name the legal basis used for the report; its citation comes from the sharing engine's versioned data."""

    CONSENT = "consent", _("Consent from the person")
    OFFENCES = "offences", _("Information about offences to the police")
    DANGER = "danger", _("Averting danger to life or health")
    DUTY_TO_AVERT = "duty_to_avert", _("Duty to avert serious offences")
    DUTY_TO_HELP = "duty_to_help", _("Duty to help")
    CHILD_WELFARE_DUTY = "child_welfare_duty", _("Duty to inform child welfare")
    HEALTH_PERSONNEL = "health_personnel", _("Health personnel's own rules")


class EscalationChannel(models.TextChoices):
    """Name how the report was made."""

    PHONE = "phone", _("Phone")
    MEETING = "meeting", _("Meeting")
    FORM = "form", _("Tip form")
    LETTER = "letter", _("Letter or secure e-mail")


class Escalation(models.Model):
    """Record a report of serious concern to the police, PST or child welfare (R17–R19).

    It is a disclosure: it records basis, recipient, content summary, channel, time, reference, whether the
    person was told, and when to reassess. It can be saved with fields missing: nothing may block a report.
    """

    access_category: ClassVar[str] = Category.POLICE

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.RESPOND)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="escalations")
    level = models.CharField(_("level"), max_length=16, choices=EscalationLevel.choices)
    recipient = models.CharField(_("reported to"), max_length=32, choices=EscalationRecipient.choices)
    basis = models.CharField(_("legal basis"), max_length=32, choices=EscalationBasis.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=EscalationChannel.choices, blank=True)
    summary = EncryptedTextField(_("what was reported (observations, not conclusions)"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    # When the reporter came to know what was reported (the duty to avert asks for it).
    known_at = models.DateTimeField(_("known since"), null=True, blank=True)
    reference = EncryptedTextField(_("reference number"), blank=True)
    reassess_on = models.DateField(_("reassess on"), null=True, blank=True)
    leader_informed = models.BooleanField(_("leader informed"), default=False)
    person_informed = models.BooleanField(_("the person has been told"), default=False)
    person_not_informed_reason = EncryptedTextField(_("why the person has not been told"), blank=True)
    person_not_informed_until = models.DateField(_("not told until"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"escalation on {self.case}"


class EscalationChange(models.Model):
    """Keep one completion of a report: who changed which fields when, and what they held before.

    A report may be saved with fields missing (R17) and completed later; each completion is kept here, so
    the history of what was reported when stays. ``previous`` holds the earlier values, encrypted.
    """

    policy_exempt = "the history of one report, read only with its report by the organisation that made it"

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_fields = models.JSONField(default=list)
    previous = EncryptedTextField(_("earlier values"), blank=True)
    row_uid = RowIdField(data_key_owner="escalation__case__person")

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"change of escalation {self.escalation_id} at {self.changed_at.isoformat()}"


class EscalationOutcome(models.TextChoices):
    """Name what the police did with a report they received."""

    RECEIVED = "received", _("Received, being assessed")
    FOLLOWED_UP = "followed_up", _("Followed up by the police")
    FORWARDED_PST = "forwarded_pst", _("Forwarded to PST")
    NO_ACTION = "no_action", _("No further action by the police")


class EscalationReceipt(models.Model):
    """Keep what the police contact on the team recorded about a report received: outcome and reference.

    Rows are only added, never changed, so the report's history shows each answer with its author and
    time; the newest row is the current one. It is shown with its report (to whoever sees the report).
    """

    access_category: ClassVar[str] = Category.POLICE

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="receipts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=16, choices=EscalationOutcome.choices)
    police_reference = EncryptedTextField(_("police reference"), blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"receipt {self.pk} of escalation {self.escalation_id}"


class Concern(models.Model):
    """Hold a concern that never became a case, kept apart with a short retention (R30)."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(_("date"), default=timezone.localdate)
    subject = EncryptedTextField(_("about (initials or a description, no identity number)"))
    description = EncryptedTextField(_("the concern"))
    outcome = EncryptedTextField(_("what was done"), blank=True)
    delete_after = models.DateField(_("delete after"))
    # A concern is about no registered person: its values use the master key.
    row_uid = RowIdField(data_key_owner=None)

    class Meta:
        ordering = ["-recorded_on"]

    def __str__(self) -> str:
        return f"concern {self.pk}"


class CalendarFeed(models.Model):
    """Hold a user's secret calendar address for their own planned contacts (D95).

    Only a hash of the token is kept, so the address cannot be read back from the database; a new address
    replaces the old one, and revoking deletes it.
    """

    policy_exempt = "a user's own calendar address: no case data, only the hash of its secret token"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"


class Revision(models.Model):
    """Keep what a record said before one correction: who corrected it, when, and the earlier values.

    One mechanism for every correctable record (art. 16): the correction service of the record's app
    stores the earlier values here, encrypted under the person's data key, so they are as protected as the
    current ones and shredded with them. A revision is read only together with its record, after the
    record's own access check (``cases.selectors.revision_history``), so it is shown to exactly those who
    may see the record, in the record's category.
    """

    policy_exempt = "the earlier values of one record, read only with that record after its own access check"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="revisions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The record corrected, by model label ("contacts.Conversation") and primary key.
    target_type = models.CharField(_("kind of record"), max_length=64)
    target_id = models.PositiveBigIntegerField(_("record number"))
    # The organisation that owns the corrected record (not named owner_organisation: a revision is no item
    # of the case of its own, so the engine's item counts leave it out).
    record_owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    changed_fields = models.JSONField(_("fields corrected"), default=list)
    previous = EncryptedTextField(_("earlier values"), blank=True)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="revision_target")]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"revision of {self.target_type} {self.target_id}"
