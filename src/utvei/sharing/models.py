"""Legal bases for sharing, kept as versioned data (DOMAIN.md: legal references change).

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

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from utvei.sharing.decision import LegalReference


class LegalBasisQuerySet(models.QuerySet["LegalBasis"]):
    """This class will filter versions of legal references by the date they apply to."""

    def in_force(self, on: date) -> LegalBasisQuerySet:
        """This function will keep the versions valid on the given date (both ends inclusive)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class LegalBasis(models.Model):
    """This model will hold one version of the legal reference behind a sharing basis.

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
        """This function will give the reference as it is cited, e.g. "forvaltningsloven § 13 b nr. 7"."""
        return f"{self.law} {self.section}".strip()

    def title_in(self, language: str) -> str:
        """This function will give the title in the interface language (Bokmål unless English)."""
        return self.title_en if language.startswith("en") else self.title_nb

    def as_reference(self) -> LegalReference:
        """This function will copy this version into the plain value the sharing decision reads."""
        return LegalReference(
            code=self.code,
            law=self.law,
            section=self.section,
            title_nb=self.title_nb,
            title_en=self.title_en,
        )
