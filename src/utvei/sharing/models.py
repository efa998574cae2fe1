"""Legal bases for sharing, kept as versioned data (DOMAIN.md: legal references change), and consents.

Each row is one version of one reference: a basis code from the decision table (S1–S15 in
``reference/domain-research.md`` section 6), the act and section it rests on, and the period the reference
is valid. When an act is amended or replaced, the old row gets a ``valid_to`` and a new row with the same
code starts the day after; disclosures keep pointing at the version they used.

A new forvaltningsloven was adopted in 2025 (Prop. 79 L (2024–2025)); its confidentiality chapter replaces
§§ 13–13 g. Once its date of entry into force is known, its references are a new version of the same codes
(a data migration), and the current versions get their ``valid_to``: no code changes.

``verified`` is False for a reference that has not been checked against an authoritative source (Lovdata, or
the responsible ministry's or directorate's own commentary or proposition); ``source_note`` says which.
Such references are listed in ``docs/sharing.md``; the pages never show a developer's note about them.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.policy import Action
from utvei.accounts.models import Organisation
from utvei.core.crypto import EncryptedTextField, RowIdField
from utvei.sharing.decision import LegalReference
from utvei.sharing.decision.facts import Giver, RuleCode


class LegalBasisQuerySet(models.QuerySet["LegalBasis"]):
    """Filter versions of legal references by the date they apply to."""

    def in_force(self, on: date) -> LegalBasisQuerySet:
        """Keep the versions valid on the given date (both ends inclusive)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class LegalBasis(models.Model):
    """Hold one version of the legal reference behind a sharing basis.

    ``code`` is the basis code the sharing decision uses (``BasisCode``); ``law`` and ``section`` may be
    empty for a basis that is a procedure rather than a provision (the report to the police, S15).
    """

    code = models.SlugField(max_length=32)
    law = models.CharField(max_length=100, blank=True)
    section = models.CharField(max_length=100, blank=True)
    title_nb = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # The age limit the rule sets, for the rules of consent by age (the health consent age, majority).
    age = models.PositiveSmallIntegerField(_("age limit"), null=True, blank=True)
    verified = models.BooleanField(_("checked against an authoritative source"), default=False)
    # What the reference was checked against, or why it is still open (for the maintainers, never shown).
    source_note = models.CharField(_("source note"), max_length=300, blank=True)

    objects = LegalBasisQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="legal_basis_unique_version"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="legal_basis_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.valid_from.isoformat()}): {self.citation()}"

    def citation(self) -> str:
        """Give the reference as it is cited, e.g. "forvaltningsloven § 13 b nr. 7"."""
        return f"{self.law} {self.section}".strip()

    def title_in(self, language: str) -> str:
        """Give the title in the interface language (Bokmål unless English)."""
        return self.title_en if language.startswith("en") else self.title_nb

    def as_reference(self) -> LegalReference:
        """Copy this version into the plain value the sharing decision reads."""
        return LegalReference(
            code=self.code,
            law=self.law,
            section=self.section,
            title_nb=self.title_nb,
            title_en=self.title_en,
            age=self.age,
            verified=self.verified,
        )


# --- consents (S1, R12, R13, R19) ---------------------------------------------------------------------

# R12: a consent is given for a limited period; Utvei's default maximum is twelve months from its start.
CONSENT_MAX_MONTHS = 12


# A consent may be recorded up to this many days after it was given; an earlier date is refused.
CONSENT_GRACE_DAYS = 7


class ConsentGiver(models.TextChoices):
    """Name who gave a consent: the person, the guardians of a minor, or both together (R19)."""

    PERSON = Giver.PERSON.value, _("The person")
    GUARDIANS = Giver.GUARDIANS.value, _("The guardians")
    BOTH = Giver.BOTH.value, _("The person and the guardians together")


class ConsentEnd(models.TextChoices):
    """Name why a consent version stopped applying other than by withdrawal or expiry."""

    AMENDED = "amended", _("Replaced by a changed version")
    REPLACED = "replaced", _("Replaced by a newer consent to the same recipient and category")


class ConsentForm(models.TextChoices):
    """Name the form a consent was given in."""

    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral")


class ConsentPurpose(models.TextChoices):
    """Name what a consent lets information be shared for (the values of ``decision.Purpose``)."""

    COORDINATION = "coordination", _("Coordination of the follow-up")
    INDIVIDUAL_PLAN = "individual_plan", _("Individual plan")
    RESTORATIVE_PROCESS = "restorative_process", _("Restorative process")
    SECURITY = "security", _("Security")
    REPORT_CONCERN = "report_concern", _("Report of concern")
    CONSULTATION = "consultation", _("Consultation")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


class ConsentQuerySet(models.QuerySet["Consent"]):
    """Filter consents by whether they are in force."""

    def current(self, on: date) -> ConsentQuerySet:
        """Keep the latest versions in force on the date (both ends inclusive): not withdrawn or replaced.

        A consent the guardians gave alone ends on the day the person comes of age (R19), so it is not in
        force from then on; the age of majority is read from the version of its rule in force that day.
        """
        majority = (
            LegalBasis.objects.in_force(on)
            .filter(code=RuleCode.AGE_OF_MAJORITY, age__isnull=False)
            .order_by("-valid_from")
            .values_list("age", flat=True)
            .first()
        )
        of_age_born_by = _years_before(on, majority if majority is not None else 18)
        return self.filter(
            withdrawn_at__isnull=True,
            ended_at__isnull=True,
            superseded_by__isnull=True,
            valid_from__lte=on,
            valid_to__gte=on,
        ).exclude(given_by=Giver.GUARDIANS, person__birth_date__lte=of_age_born_by)


class Consent(models.Model):
    """Hold one version of a consent to share information about a person (S1).

    The consent waives the confidentiality of ``recorded_for_organisation`` (the discloser) towards the
    organisations in ``recipients`` (their ids), for the listed ``categories`` and the ``purpose``, from
    ``valid_from`` to ``valid_to`` (both days included). It records who gave it and the person's age on the
    day it was given (``given_on``, ``person_age``), which the age rules read. A recorded version is never
    edited: a change is a new version whose ``previous`` points at the one it supersedes. Only the end of a
    version is ever stamped afterwards: ``withdrawn_at``/``withdrawn_by`` (R13), or ``ended_at`` with
    ``ended_reason`` when a changed version or a newer consent took its place; the history stays.

    ``fingerprint`` digests who gave it, for whom, to whom, what, for what and for which period. The database
    refuses two versions in force with the same fingerprint: a twin would stay in force when one is withdrawn.
    """

    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="consents", verbose_name=_("person")
    )
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGiver.choices)
    given_on = models.DateField(_("given on"), null=True, blank=True)
    person_age = models.PositiveSmallIntegerField(_("the person's age that day"), null=True, blank=True)
    child_view = EncryptedTextField(_("the child's view"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_for_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("disclosing organisation")
    )
    recipients = models.JSONField(_("recipients"), default=list)
    categories = models.JSONField(_("categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    form = models.CharField(_("form"), max_length=16, choices=ConsentForm.choices)
    evidence_note = EncryptedTextField(_("evidence"))
    how_informed = EncryptedTextField(_("how the person was informed"))
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_reason = models.CharField(_("why it ended"), max_length=16, choices=ConsentEnd.choices, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced", verbose_name=_("replaced by")
    )
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConsentQuerySet.as_manager()
    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="consent_period_ordered"),
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(withdrawn_at__isnull=True, ended_at__isnull=True) & ~Q(fingerprint=""),
                name="consent_unique_in_force",
            ),
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"consent {self.pk} v{self.version} for person {self.person_id}"


class ConsentGrant(models.Model):
    """Index one (recipient, category) that a consent version opens, so the access engine finds the consents
    naming an organisation by recipient and person through an index, never by reading every consent.

    Written with the consent version and never changed: whether it is in force is read from its consent
    (latest version, not withdrawn, within its period).
    """

    policy_exempt = "an index row of a consent, read only by the access engine together with its consent"

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="grants")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    discloser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consent", "recipient", "category"], name="consent_grant_once"),
        ]
        indexes = [models.Index(fields=["recipient", "person"], name="consent_grant_recipient")]

    def __str__(self) -> str:
        return f"consent {self.consent_id}: {self.category} to organisation {self.recipient_id}"


class ConsentNoticeKind(models.TextChoices):
    """Name why a recipient organisation is told about a consent."""

    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    EXPIRING = "expiring", _("Consent expiring")


class ConsentNotice(models.Model):
    """Tell one recipient organisation that a consent was withdrawn or is about to expire."""

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="notices")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ConsentNoticeKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consent notice")
        verbose_name_plural = _("consent notices")

    def __str__(self) -> str:
        return f"{self.kind} notice of consent {self.consent_id} to organisation {self.organisation_id}"


# --- disclosures (R11, R12) ---------------------------------------------------------------------------


class DisclosureChannel(models.TextChoices):
    """Name how information reached the police or PST (S15)."""

    POLICE_02800 = "police_02800", _("Police switchboard 02800")
    RADICALISATION_CONTACT = "radicalisation_contact", _("The police radicalisation contact")
    PST_TIP = "pst_tip", _("PST's tip form")
    EMERGENCY_112 = "emergency_112", _("Emergency number 112")
    MEETING = "meeting", _("Meeting")
    LETTER = "letter", _("Letter or secure e-mail")


class ExternalRecipient(models.Model):
    """Hold one party outside Utvei that information may be disclosed to, kept as data.

    ``kind`` is the recipient kind the sharing decision reads (an ``OrganisationKind`` value, or
    ``private_person``/``anyone``). The register is seeded by a migration; parties are deactivated, never
    deleted, so old disclosures keep naming them.
    """

    code = models.SlugField(max_length=40, unique=True)
    name_nb = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    kind = models.CharField(_("kind of recipient"), max_length=32)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_nb"]
        verbose_name = _("external recipient")
        verbose_name_plural = _("external recipients")

    def __str__(self) -> str:
        return self.name_nb

    def name_in(self, language: str) -> str:
        """Give the name in the interface language (Bokmål unless English)."""
        return self.name_en if language.startswith("en") else self.name_nb


class Disclosure(models.Model):
    """Record one outward sharing of information about a person (R11, R12).

    ``discloser`` is the organisation whose information is shared; the recipient is an organisation or,
    for a party outside Utvei, a name (``recipient_external``). ``basis`` is the sharing decision's basis
    code and ``legal_basis`` the version of its reference in force that day; ``consent`` is the consent
    version used for a consent-based disclosure (S1). A report of serious concern links its
    ``escalation``. A disclosure is never edited.
    """

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW,)

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="disclosures")
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("person")
    )
    discloser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("disclosing organisation")
    )
    recipient_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recipient")
    )
    recipient_external = models.CharField(_("external recipient"), max_length=200, blank=True)
    recipient_kind = models.CharField(_("kind of recipient"), max_length=32)
    categories = models.JSONField(_("categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    basis = models.CharField(_("basis"), max_length=32)
    legal_basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("legal basis")
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures", verbose_name=_("consent")
    )
    content_summary = EncryptedTextField(_("content summary"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    person_informed = models.BooleanField(_("the person has been told"), default=False)
    not_informed_reason = EncryptedTextField(_("why the person has not been told"), blank=True)
    not_informed_until = models.DateField(_("not told until"), null=True, blank=True)
    escalation = models.OneToOneField(
        "cases.Escalation", on_delete=models.PROTECT, null=True, blank=True, related_name="disclosure"
    )
    # The yes/no facts the decider asserted (names of ``SharingRequest`` flags, never free text) and, for the
    # duty to inform child welfare, the conditions a–d that hold: what the decision rested on (R11, R34).
    facts = models.JSONField(_("facts asserted"), default=list, blank=True)
    child_welfare_conditions = models.JSONField(_("child welfare conditions"), default=list, blank=True)
    # A recipient outside Utvei, chosen from the register of external parties (never typed in).
    recipient_party = models.ForeignKey(
        "ExternalRecipient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
        verbose_name=_("external recipient"),
    )
    known_at = models.DateTimeField(_("known since"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=32, choices=DisclosureChannel.choices, blank=True)
    reference = models.CharField(_("the recipient's reference"), max_length=100, blank=True)
    why_not_anonymised = EncryptedTextField(_("why anonymised information was not enough"), blank=True)
    # The weighty-interests judgement of health personnel (S11): the interests weighed and the reasons.
    weighty_interests = models.JSONField(_("weighty interests"), default=list, blank=True)
    judgement_reasons = EncryptedTextField(_("reasons for the judgement"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_organisation__isnull=False)
                | Q(recipient_party__isnull=False)
                | ~Q(recipient_external=""),
                name="disclosure_has_recipient",
            ),
        ]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return f"disclosure {self.pk} ({self.basis}) for person {self.person_id}"
