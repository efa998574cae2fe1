"""The sharing decision: may this discloser share these categories with this recipient, and on which basis.

The package is split by role: ``facts`` (the values read and returned), ``rows`` (the decision table),
``consent`` (what a consent covers, with the age rules), ``wording`` (labels and warnings through gettext)
and ``engine`` (:func:`decide`). The public names are re-exported here.

The rows follow the decision table S1–S15 in ``reference/domain-research.md`` (section 6) and the rules
R12–R16, R19–R21 (section 9). Every citation comes from the lookup, so a change in the law is a change in
data, not in code.
"""

from utvei.sharing.decision.consent import consent_gaps
from utvei.sharing.decision.engine import decide
from utvei.sharing.decision.facts import (
    CONSENT_BASES,
    ROW,
    BasisCode,
    ChildWelfareCondition,
    ConsentScope,
    Giver,
    LegalReference,
    Notice,
    OtherRecipient,
    Purpose,
    Recipient,
    ReferenceLookup,
    RuleCode,
    SharingDecision,
    SharingRequest,
    WeightyInterest,
    WeightyInterests,
)
from utvei.sharing.decision.rows import POLICE, PUBLIC_BODIES, REPORT_BASES, ROWS, record_fields

__all__ = [
    "CONSENT_BASES",
    "POLICE",
    "PUBLIC_BODIES",
    "REPORT_BASES",
    "ROW",
    "ROWS",
    "BasisCode",
    "ChildWelfareCondition",
    "ConsentScope",
    "Giver",
    "LegalReference",
    "Notice",
    "OtherRecipient",
    "Purpose",
    "Recipient",
    "ReferenceLookup",
    "RuleCode",
    "SharingDecision",
    "SharingRequest",
    "WeightyInterest",
    "WeightyInterests",
    "consent_gaps",
    "decide",
    "record_fields",
]
