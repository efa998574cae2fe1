"""Writes of the sharing engine, split by role and re-exported here.

``consents`` (record, amend, withdraw, with the age rules and the replacement of older consents),
``disclosures`` (one outward sharing after the decision allows it), ``escalations`` (the report of
serious concern as a disclosure) and ``reminders`` (expiry and renewal). Each write checks access and
audits in one transaction.
"""

from utvei.sharing.services.consents import (
    CONSENT_FIELDS,
    ConsentContent,
    add_months,
    consent_amend,
    consent_record,
    consent_withdraw,
    fingerprint,
)
from utvei.sharing.services.disclosures import (
    DISCLOSURE_FIELDS,
    FACT_FLAGS,
    contains_classified_marker,
    disclosure_record,
)
from utvei.sharing.services.escalations import disclosure_from_escalation, escalation_report, report_complete
from utvei.sharing.services.reminders import REMINDER_DAYS, ReminderResult, consent_reminders_send

__all__ = [
    "CONSENT_FIELDS",
    "DISCLOSURE_FIELDS",
    "FACT_FLAGS",
    "REMINDER_DAYS",
    "ConsentContent",
    "ReminderResult",
    "add_months",
    "consent_amend",
    "consent_record",
    "consent_reminders_send",
    "consent_withdraw",
    "contains_classified_marker",
    "disclosure_from_escalation",
    "disclosure_record",
    "escalation_report",
    "fingerprint",
    "report_complete",
]
