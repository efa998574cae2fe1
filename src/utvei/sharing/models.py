"""Legal bases for sharing, kept as versioned data (DOMAIN.md: legal references change), and consents.

Each row is one version of one reference: a basis code from the decision table (S1–S15 in
``reference/domain-research.md`` section 6), the act and section it rests on, and the period the reference
is valid. When an act is amended or replaced, the old row gets a ``valid_to`` and a new row with the same
code starts the day after; disclosures keep pointing at the version they used.

A new forvaltningsloven was adopted in 2025. Its section numbers for confidentiality and sharing are not
seeded here: they will be added as new versions of the same codes once verified against Lovdata, and the
current references will then get their ``valid_to``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.accounts.models import Organisation
from utvei.core.crypto import EncryptedTextField, RowIdField
from utvei.sharing.decision import LegalReference


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
        )


# --- consents (S1, R12, R13, R19) ---------------------------------------------------------------------

# R12: a consent is given for a limited period; Utvei's default maximum is twelve months from its start.
CONSENT_MAX_MONTHS = 12


class ConsentGiver(models.TextChoices):
    """Name who gave a consent: the person, or the guardians of a minor (R19)."""

    PERSON = "person", _("The person")
    GUARDIANS = "guardians", _("The guardians")


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


class ConsentQuerySet(models.QuerySet["Consent"]):
    """Filter consents by whether they are in force."""

    def current(self, on: date) -> ConsentQuerySet:
        """Keep the latest versions, not withdrawn, valid on the given date (both ends inclusive)."""
        return self.filter(withdrawn_at__isnull=True, superseded_by__isnull=True, valid_from__lte=on, valid_to__gte=on)


class Consent(models.Model):
    """Hold one version of a consent to share information about a person (S1).

    The consent waives the confidentiality of ``recorded_for_organisation`` (the discloser) towards the
    organisations in ``recipients`` (their ids), for the listed ``categories`` and the ``purpose``, from
    ``valid_from`` to ``valid_to`` (both days included). A recorded version is never edited: a change is a
    new version whose ``previous`` points at the one it supersedes, and only ``withdrawn_at`` and
    ``withdrawn_by`` are ever set afterwards (R13: withdrawal ends it for the future, the history stays).
    """

    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="consents", verbose_name=_("person")
    )
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGiver.choices)
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
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConsentQuerySet.as_manager()
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="consent_period_ordered"),
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"consent {self.pk} v{self.version} for person {self.person_id}"


class ConsentNoticeKind(models.TextChoices):
    """Name why a recipient organisation is told about a consent."""

    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    EXPIRING = "expiring", _("Consent expiring")


class ConsentNotice(models.Model):
    """Tell one recipient organisation that a consent was withdrawn or is about to expire."""

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


class Disclosure(models.Model):
    """Record one outward sharing of information about a person (R11, R12).

    ``discloser`` is the organisation whose information is shared; the recipient is an organisation or,
    for a party outside Utvei, a name (``recipient_external``). ``basis`` is the sharing decision's basis
    code and ``legal_basis`` the version of its reference in force that day; ``consent`` is the consent
    version used for a consent-based disclosure (S1). A report of serious concern links its
    ``escalation``. A disclosure is never edited.
    """

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
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="person")

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_organisation__isnull=False) | ~Q(recipient_external=""),
                name="disclosure_has_recipient",
            ),
        ]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return f"disclosure {self.pk} ({self.basis}) for person {self.person_id}"
