"""Reads for the sharing engine, split by role and re-exported here.

Legal bases are public reference data with no personal information, so those reads take no actor, check
no policy and write no audit row. Consents and disclosures are case data: their reads check the policy
and are audited.
"""

from utvei.sharing.selectors._common import (
    STATUS_LABELS,
    AgeLimits,
    ConsentChain,
    ConsentStatus,
    age_limits,
    category_labels,
    consent_status,
    disclosure_list_for_person,
    legal_basis_reference,
)
from utvei.sharing.selectors.consents import ConsentFormData, ConsentPage, consent_form_data, consent_list_for_case
from utvei.sharing.selectors.decision import (
    ASSESSED_FACTS,
    RECORD_LABELS,
    DecisionView,
    DerivedFact,
    KnownFacts,
    SharingFormData,
    consent_for_recipient,
    consent_scope_of,
    request_facts,
    sharing_decision,
    sharing_form_data,
)
from utvei.sharing.selectors.disclosures import (
    DisclosurePage,
    PersonConsentLine,
    PersonDisclosureLine,
    PersonView,
    ReportPage,
    disclosure_list_for_case,
    person_view,
    report_for_completion,
)
from utvei.sharing.selectors.section import SharingSection, Withheld, sees_sharing, sharing_section, withheld_items

__all__ = [
    "AgeLimits",
    "age_limits",
    "ASSESSED_FACTS",
    "RECORD_LABELS",
    "STATUS_LABELS",
    "ConsentChain",
    "ConsentFormData",
    "ConsentPage",
    "ConsentStatus",
    "DecisionView",
    "DerivedFact",
    "DisclosurePage",
    "KnownFacts",
    "PersonConsentLine",
    "PersonDisclosureLine",
    "PersonView",
    "ReportPage",
    "SharingFormData",
    "SharingSection",
    "Withheld",
    "category_labels",
    "consent_for_recipient",
    "consent_list_for_case",
    "consent_form_data",
    "consent_scope_of",
    "consent_status",
    "disclosure_list_for_case",
    "disclosure_list_for_person",
    "legal_basis_reference",
    "person_view",
    "report_for_completion",
    "request_facts",
    "sees_sharing",
    "sharing_decision",
    "sharing_form_data",
    "sharing_section",
    "withheld_items",
]
