"""Decide a sharing request: the bases that apply, best first, or the refusal and what could help.

:func:`decide` is pure. It reads no database and no clock: the date is part of the request, and the legal
references it cites come from a lookup passed in (``selectors.legal_basis_reference`` reads the versioned
``LegalBasis`` table). A basis whose reference is not in force on the request's date cannot be used, so a
decision dated 2022 cites the law in force in 2022. No section number is written in this package.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from utvei.accounts.models import OrganisationKind, Sector
from utvei.sharing.decision import wording
from utvei.sharing.decision.consent import consent_gaps
from utvei.sharing.decision.facts import (
    CONSENT_BASES,
    ROW,
    BasisCode,
    LegalReference,
    Notice,
    Purpose,
    ReferenceLookup,
    SharingDecision,
    SharingRequest,
)
from utvei.sharing.decision.rows import (
    POLICE,
    REPORT_BASES,
    ROWS,
    Row,
    danger,
    health_bound,
    health_personnel,
    nav,
    record_fields,
)

LANGUAGES = ("nb", "en")


def _met(row: Row, request: SharingRequest, lookup: ReferenceLookup) -> bool:
    if not row.met(request):
        return False
    return row.code not in CONSENT_BASES or not consent_gaps(request, lookup=lookup)


def decide(request: SharingRequest, *, lookup: ReferenceLookup) -> SharingDecision:
    """Decide whether the request is lawful, on which bases, and what must be recorded.

    Classified content is always refused (S14, R20). Otherwise each row of the decision table is tried
    in order of preference: a row counts when this discloser may use it towards this recipient, its
    facts are present, and ``lookup`` finds its legal reference in force on ``request.on``. A report of
    concern to the police or PST (S15) counts only the bases a report may rest on. With no basis, the
    answer is deny, with what could make the sharing lawful.
    """
    if request.classified:
        return _refuse_classified(request, lookup)
    reporting = request.purpose == Purpose.REPORT_CONCERN and request.recipient_kind in POLICE
    candidates: list[Row] = []
    found: list[tuple[Row, LegalReference]] = []
    out_of_force: list[Row] = []
    for row in ROWS:
        if not row.available(request) or (reporting and row.code not in REPORT_BASES):
            continue
        reference = lookup(row.code, request.on)
        met = _met(row, request, lookup)
        if reference is None:
            if met:
                out_of_force.append(row)
            continue
        candidates.append(row)
        if met:
            found.append((row, reference))
    if found:
        return _allow(request, found, candidates, reporting, lookup)
    return _deny(request, candidates, out_of_force, reporting, lookup)


def _both(build: object) -> tuple[str, str]:
    assert callable(build)
    texts = []
    for language in LANGUAGES:
        with translation.override(language):
            texts.append(str(build()))
    return texts[0], texts[1]


def _applies(row: Row, request: SharingRequest) -> str:
    text = str(row.applies)
    if row.code in {
        BasisCode.CHILD_WELFARE_DUTY,
        BasisCode.CHILD_WELFARE_DUTY_HEALTH,
        BasisCode.CHILD_WELFARE_DUTY_SCHOOL,
    }:
        text += f" ({wording.conditions_text(request.child_welfare_conditions)})"
    return text


def _allow(
    request: SharingRequest,
    found: list[tuple[Row, LegalReference]],
    candidates: list[Row],
    reporting: bool,
    lookup: ReferenceLookup,
) -> SharingDecision:
    (first, reference), others = found[0], found[1:]
    bases = tuple(row.code for row, _ref in found)
    must_record = record_fields(first.code)
    # R16 on every danger basis, not only when it comes first: the reason why anonymised data are not enough.
    if any(row.danger_basis(request) for row, _ref in found) and "why_not_anonymised" not in must_record:
        must_record += ("why_not_anonymised",)
    report = lookup(BasisCode.REPORT_TO_POLICE, request.on) if reporting else None
    if report is not None:
        bases += (BasisCode.REPORT_TO_POLICE,)
    if reporting:
        must_record += tuple(f for f in record_fields(BasisCode.REPORT_TO_POLICE) if f not in must_record)

    def build() -> str:
        parts = [
            _("Sharing is allowed. Basis: %(title)s: %(reason)s.")
            % {"title": wording.title(reference), "reason": _applies(first, request)}
        ]
        if others:
            parts.append(
                _("These bases apply as well: %(titles)s.")
                % {"titles": "; ".join(wording.title(ref) for _row, ref in others)}
            )
        if reporting:
            parts.append(_("This is a report of concern: record the channel, the reference and when to reassess."))
        return " ".join(parts)

    nb, en = _both(build)
    return SharingDecision(
        allowed=True,
        bases=bases,
        must_record=must_record,
        explanation_nb=nb,
        explanation_en=en,
        warnings=_warnings(request, [row for row, _ref in found], reporting),
        candidates=tuple(row.code for row in candidates),
    )


def _deny(
    request: SharingRequest,
    candidates: list[Row],
    out_of_force: list[Row],
    reporting: bool,
    lookup: ReferenceLookup,
) -> SharingDecision:
    def build() -> str:
        parts = [
            _(
                "Sharing is not allowed: no basis applies. Discloser: %(discloser)s. Recipient: %(recipient)s. "
                "Categories: %(categories)s. Purpose: %(purpose)s."
            )
            % {
                "discloser": wording.recipient_label(request.discloser_kind),
                "recipient": wording.recipient_label(request.recipient_kind),
                "categories": wording.categories_label(request.categories),
                "purpose": wording.purpose_label(request.purpose),
            }
        ]
        if request.consent is not None:
            parts.append(
                _("The consent does not cover this: %(gaps)s.")
                % {"gaps": "; ".join(consent_gaps(request, lookup=lookup))}
            )
        if out_of_force:
            parts.append(
                _("These bases were not in force on %(day)s: %(names)s.")
                % {
                    "day": wording.day_label(request.on),
                    "names": ", ".join(f"{ROW[row.code]} ({row.code})" for row in out_of_force),
                }
            )
        if reporting:
            parts.append(
                _(
                    "A report about an identifiable person needs consent, an offence, danger to life or health, or a "
                    "duty; being useful for one's own tasks is not enough."
                )
            )
        # Consent first: the Justice Ministry's guide advises asking for it when in doubt.
        ordered = sorted(candidates, key=lambda row: row.code not in CONSENT_BASES)
        needs = list(dict.fromkeys(str(row.needs) for row in ordered if row.needs is not None))
        if needs:
            parts.append(_("What could make it lawful: %(options)s.") % {"options": "; ".join(needs)})
        if any(row.code in CONSENT_BASES for row in candidates):
            parts.append(_("When in doubt, ask the person for consent."))
        return " ".join(parts)

    nb, en = _both(build)
    return SharingDecision(
        allowed=False,
        bases=(),
        must_record=(),
        explanation_nb=nb,
        explanation_en=en,
        warnings=_warnings(request, [], reporting),
        candidates=tuple(row.code for row in candidates),
    )


def _warnings(request: SharingRequest, found: list[Row], reporting: bool) -> tuple[Notice, ...]:
    first = found[0].code if found else None
    notices: list[Notice] = []
    if nav(request):
        notices.append(wording.notice("R14", wording.R14))
    if request.discloser_sector == Sector.CHILD_WELFARE:
        notices.append(wording.notice("R14", wording.R14_CHILD_WELFARE))
    if health_bound(request):
        notices.append(wording.notice("R15", wording.R15_LIMITS))
        if not health_personnel(request):
            notices.append(wording.notice("R15", wording.R15_NOT_AUTHORISED))
        if first is not None and first != BasisCode.ANONYMISED:
            notices.append(wording.notice("R15", wording.R15_TELL))
    if danger(request) and any(row.danger_basis(request) for row in found):
        notices.append(wording.notice("R16", wording.R16))
    if first == BasisCode.DUTY_TO_AVERT:
        notices.append(wording.notice("S8", wording.S8))
    if first == BasisCode.POLICE_RULES:
        notices.append(wording.notice("R21", wording.R21))
    if first in CONSENT_BASES and request.person_is_minor:
        notices.append(wording.notice("R19", wording.R19_CONSENT))
    if (
        request.person_is_minor
        and request.child_welfare_conditions
        and request.recipient_kind != OrganisationKind.CHILD_WELFARE
    ):
        notices.append(wording.notice("R19", wording.R19_INFORM))
    if reporting:
        notices.append(wording.notice("S15", wording.S15))
    return tuple(notices)


def _refuse_classified(request: SharingRequest, lookup: ReferenceLookup) -> SharingDecision:
    reference = lookup(BasisCode.CLASSIFIED, request.on)

    def build() -> str:
        source = f" ({wording.title(reference)})" if reference is not None else ""
        return _(
            "Sharing is refused: the information is security-classified%(source)s. Classified information goes only "
            "to people with a need to know and clearance, and it never enters Utvei – not with consent, and not when "
            "a duty applies. If a duty applies, meet it outside Utvei together with the owner of the classified "
            "information (the police or PST)."
        ) % {"source": source}

    nb, en = _both(build)
    return SharingDecision(
        allowed=False,
        bases=(),
        must_record=(),
        explanation_nb=nb,
        explanation_en=en,
        warnings=(wording.notice("R20", wording.R20),),
        candidates=(),
    )
