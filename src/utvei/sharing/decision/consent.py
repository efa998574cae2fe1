"""What a consent covers, and each way it falls short of a request (S1, R12, R13, R19).

Besides scope and period, the age rules apply per category, each with its source in the data of legal
references: the person consents alone to sharing health information from the health consent age; a
consent given by the guardians alone ends when the person comes of age; and with the guardians' consent
for a minor, the child's own view must have been heard. A gap is a sentence for the explanation.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from utvei.access.categories import Category
from utvei.sharing.decision.facts import Giver, ReferenceLookup, RuleCode, SharingRequest
from utvei.sharing.decision.wording import categories_label, day_label, purpose_label, recipient_label

# Used only when the data holds no version of the age rule on the day: the stricter reading, so that a gap in
# the data cannot let a child consent alone.
_FALLBACK_AGE = 18
# Categories a person may consent to alone from the health consent age (the health rules' own age).
HEALTH_CATEGORIES: frozenset[Category] = frozenset({Category.HEALTH})


def rule_age(code: RuleCode, request: SharingRequest, lookup: ReferenceLookup) -> int:
    """Read an age limit from the version of its rule in force on the request's day."""
    reference = lookup(code, request.on)
    return reference.age if reference is not None and reference.age is not None else _FALLBACK_AGE


def consent_gaps(request: SharingRequest, *, lookup: ReferenceLookup) -> list[str]:
    """List, in the active language, each way the consent fails to cover the request."""
    consent = request.consent
    if consent is None:
        return [_("there is no consent")]
    gaps: list[str] = []
    if consent.withdrawn_at is not None and consent.withdrawn_at <= request.on:
        gaps.append(_("the consent was withdrawn on %(day)s") % {"day": day_label(consent.withdrawn_at)})
    if request.on < consent.valid_from:
        gaps.append(_("the consent applies only from %(day)s") % {"day": day_label(consent.valid_from)})
    if consent.valid_to is not None and consent.valid_to < request.on:
        gaps.append(_("the consent expired on %(day)s") % {"day": day_label(consent.valid_to)})
    if request.recipient_kind not in consent.recipients:
        gaps.append(
            _("the consent does not cover the recipient (%(recipient)s)")
            % {"recipient": recipient_label(request.recipient_kind)}
        )
    missing = request.categories - consent.categories
    if missing:
        gaps.append(
            _("the consent does not cover the categories %(categories)s") % {"categories": categories_label(missing)}
        )
    if request.purpose not in consent.purposes:
        gaps.append(
            _("the consent does not cover the purpose (%(purpose)s)") % {"purpose": purpose_label(request.purpose)}
        )
    gaps += _age_gaps(request, lookup)
    return gaps


def _age_gaps(request: SharingRequest, lookup: ReferenceLookup) -> list[str]:
    consent = request.consent
    assert consent is not None
    majority = rule_age(RuleCode.AGE_OF_MAJORITY, request, lookup)
    if request.person_age is None:
        return [_("the person's age on the day is not known, so the age rules for consent cannot be checked")]
    gaps: list[str] = []
    if consent.given_by == Giver.GUARDIANS and request.person_age >= majority:
        gaps.append(
            _(
                "the consent was given by the guardians alone, and it ended when the person turned %(age)s: ask the "
                "person for their own consent"
            )
            % {"age": majority}
        )
    if consent.given_by == Giver.PERSON and consent.giver_age < majority:
        health_age = rule_age(RuleCode.HEALTH_CONSENT_AGE, request, lookup)
        alone_not_allowed = request.categories - HEALTH_CATEGORIES
        if consent.giver_age < health_age:
            gaps.append(
                _("the person was %(age)s when they consented alone; under %(limit)s the guardians must consent")
                % {"age": consent.giver_age, "limit": health_age}
            )
        elif alone_not_allowed:
            gaps.append(
                _(
                    "the person was %(age)s when they consented alone, which covers health information only; for "
                    "%(categories)s the guardians must consent until the person is %(majority)s"
                )
                % {"age": consent.giver_age, "categories": categories_label(alone_not_allowed), "majority": majority}
            )
    if consent.given_by in {Giver.GUARDIANS, Giver.BOTH} and consent.giver_age < majority and not consent.child_heard:
        gaps.append(_("the child's own view was not recorded with the guardians' consent"))
    return gaps
