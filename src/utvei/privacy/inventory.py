"""The inventory of personal data about a person: what the copy of their data holds, and what it leaves out.

Every model that reaches ``cases.Person`` through foreign keys is either listed in :data:`EXPORTED`, with
the path to the person and the path to the organisation that owns the row, or in :data:`EXEMPT` with the
reason it is left out. A test walks the models and fails on one that is in neither list, so a new model
with personal data cannot be forgotten by the copy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exported:
    """Describe one model in the copy: how its rows reach the person and which organisation owns a row."""

    label: str
    person_path: str
    owner_path: str


EXPORTED: tuple[Exported, ...] = (
    Exported("cases.Person", "pk", "registered_by"),
    Exported("cases.Guardian", "person", "person__registered_by"),
    Exported("cases.Case", "person", "responsible_organisation"),
    Exported("cases.TeamMember", "case__person", "case__responsible_organisation"),
    Exported("cases.PhaseChange", "case__person", "case__responsible_organisation"),
    Exported("cases.CaseAdvice", "case__person", "owner_organisation"),
    Exported("cases.Handover", "case__person", "case__responsible_organisation"),
    Exported("cases.Relapse", "case__person", "owner_organisation"),
    Exported("cases.Task", "case__person", "case__responsible_organisation"),
    Exported("cases.Escalation", "case__person", "owner_organisation"),
    Exported("cases.EscalationChange", "escalation__case__person", "escalation__owner_organisation"),
    Exported("cases.EscalationReceipt", "case__person", "owner_organisation"),
    Exported("cases.Revision", "person", "record_owner"),
    Exported("contacts.ContactPlan", "case__person", "owner_organisation"),
    Exported("contacts.Conversation", "case__person", "owner_organisation"),
    Exported("contacts.Consultation", "case__person", "owner_organisation"),
    Exported("contacts.CaseNote", "case__person", "owner_organisation"),
    Exported("sharing.Consent", "person", "recorded_for_organisation"),
    Exported("sharing.ConsentNotice", "consent__person", "consent__recorded_for_organisation"),
    Exported("sharing.Disclosure", "person", "discloser"),
    Exported("plans.PlanWish", "case__person", "owner_organisation"),
    Exported("plans.Plan", "case__person", "owner_organisation"),
    Exported("plans.DomainNote", "plan__case__person", "owner_organisation"),
    Exported("plans.Goal", "plan__case__person", "owner_organisation"),
    Exported("plans.Participant", "plan__case__person", "owner_organisation"),
    Exported("plans.Measure", "case__person", "owner_organisation"),
    Exported("plans.MeasureProgress", "case__person", "owner_organisation"),
    Exported("plans.Review", "plan__case__person", "owner_organisation"),
    Exported("plans.Meeting", "plan__case__person", "owner_organisation"),
    Exported("plans.Decision", "meeting__plan__case__person", "owner_organisation"),
    Exported("network.NetworkNode", "case__person", "owner_organisation"),
    Exported("network.NodeContact", "case__person", "owner_organisation"),
    Exported("network.NetworkSnapshot", "case__person", "owner_organisation"),
    Exported("mentoring.MentorAssignment", "case__person", "owner_organisation"),
    Exported("mentoring.MentorLogEntry", "assignment__case__person", "owner_organisation"),
    Exported("mentoring.RestorativeReferral", "case__person", "owner_organisation"),
    Exported("attachments.Attachment", "case__person", "owner_organisation"),
    Exported("privacy.ErasureRequest", "person", "organisation"),
    # What the person did in their own portal: their messages, their requests to block someone, their choice
    # of notices. Owned by the case's (or the person record's) organisation, which answers for them.
    Exported("portal.PersonMessage", "person", "case__responsible_organisation"),
    Exported("portal.BlockRequest", "person", "case__responsible_organisation"),
    Exported("portal.NoticeSetting", "person", "person__registered_by"),
)

EXEMPT: dict[str, str] = {
    "attachments.AttachmentContent": (
        "The bytes of an attachment: the copy lists every attachment by name, type, size and date, and the "
        "files themselves are handed over by downloading each one listed, not embedded in the copy's text."
    ),
    "notifications.Notification": (
        "A worker's note that something happened on a case (its kind and the case, no words about the person): "
        "it describes the worker's inbox, and the events it points to are in the copy themselves."
    ),
    "sharing.ConsentGrant": (
        "An index row of a consent, written with it and never changed: the consent it indexes is in the copy "
        "with every recipient and category."
    ),
    "plans.PlanVersion": (
        "The field-level history of the plan repeats values that the copy already holds from the plan's "
        "own rows (goals, measures, participants); the current rows are exported instead of every version."
    ),
    "privacy.AccessLogException": (
        "A lawful exception to the right of access (GDPR art. 23, personopplysningsloven § 16): telling the "
        "person about it while it is in force would defeat its purpose. The entries it holds back reach the "
        "person's access log once it ends."
    ),
    "privacy.AccessGrant": (
        "A record of a staff member's emergency access and its review, about the staff member's conduct: "
        "the person's access log already shows each read under it as emergency access, with its reason."
    ),
}

# Fields that are never part of the copy: who among the staff did what is not the person's data (see the
# decision on staff names in docs/decisions.md), and the encrypted key material is not information.
SKIPPED_RELATED_MODELS = ("accounts.User",)
