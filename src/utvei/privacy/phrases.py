"""Audit events in plain words, for the data protection officer and for the person.

The audit log holds codes (event, target type, role codes, grounds). These tables turn them into short
phrases in the interface language. The officer's phrases name the kind of object; the person's phrases
are neutral, because the person's log may be printed and posted (R27: no word that reveals the work).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category, Field
from utvei.accounts.models import Role
from utvei.audit.models import AuditEvent

# Target types the privacy app writes itself (there is no model for a produced log or a data copy).
ACCESS_LOG_TARGET = "privacy.AccessLog"
DATA_COPY_TARGET = "privacy.PersonDataCopy"

OFFICER_PHRASES: dict[tuple[str, str], Promise] = {
    (AuditEvent.VIEW, "cases.Case"): _("opened the case"),
    (AuditEvent.CREATE, "cases.Case"): _("registered a new case"),
    (AuditEvent.UPDATE, "cases.Case"): _("changed the case"),
    (AuditEvent.LIST, "cases.Case"): _("listed their cases"),
    (AuditEvent.VIEW, "cases.Person"): _("looked up the person"),
    (AuditEvent.CREATE, "cases.Person"): _("registered the person"),
    (AuditEvent.UPDATE, "cases.Person"): _("changed the person's details"),
    (AuditEvent.EXPORT, "cases.Person"): _("printed the overview for the person"),
    (AuditEvent.CREATE, "cases.TeamMember"): _("added a member to the follow-up team"),
    (AuditEvent.UPDATE, "cases.TeamMember"): _("changed a seat on the follow-up team"),
    (AuditEvent.CREATE, "cases.Task"): _("created a task"),
    (AuditEvent.UPDATE, "cases.Task"): _("changed a task"),
    (AuditEvent.SHARE, "cases.Escalation"): _("reported a serious concern"),
    (AuditEvent.CREATE, "cases.Concern"): _("recorded a concern-only record"),
    (AuditEvent.DELETE, "cases.Concern"): _("deleted a concern-only record"),
    (AuditEvent.LIST, "cases.Concern"): _("listed concern-only records"),
    (AuditEvent.CREATE, "contacts.Conversation"): _("recorded a conversation"),
    (AuditEvent.VIEW, "contacts.Conversation"): _("read a conversation"),
    (AuditEvent.CREATE, "contacts.Consultation"): _("recorded a consultation"),
    (AuditEvent.CREATE, "sharing.Consent"): _("recorded a consent"),
    (AuditEvent.UPDATE, "sharing.Consent"): _("changed or withdrew a consent"),
    (AuditEvent.CREATE, "sharing.Disclosure"): _("recorded a disclosure"),
    (AuditEvent.LIST, "sharing.Disclosure"): _("listed the disclosures about the person"),
    (AuditEvent.VIEW, "plans.Plan"): _("opened the individual plan"),
    (AuditEvent.EXPORT, "plans.Plan"): _("printed the individual plan"),
    (AuditEvent.LIST, "audit.AuditEntry"): _("searched the audit log"),
    (AuditEvent.EXPORT, "audit.AuditEntry"): _("exported the audit log"),
    (AuditEvent.VIEW, ACCESS_LOG_TARGET): _("produced the person's access log"),
    (AuditEvent.EXPORT, ACCESS_LOG_TARGET): _("printed the person's access log"),
    (AuditEvent.EXPORT, DATA_COPY_TARGET): _("exported a copy of the person's data"),
    (AuditEvent.CREATE, "privacy.AccessLogException"): _("held entries back from the person's access log"),
}

# Events that are about the user's own login rather than an object.
EVENT_PHRASES: dict[str, Promise] = {
    AuditEvent.LOGIN: _("logged in"),
    AuditEvent.LOGOUT: _("logged out"),
    AuditEvent.LOGIN_FAILED: _("failed to log in"),
    AuditEvent.LOCKED_OUT: _("was locked out after failed logins"),
    AuditEvent.OTP_ENROLLED: _("set up two-step login"),
    AuditEvent.OTP_VERIFIED: _("passed two-step login"),
    AuditEvent.OTP_FAILED: _("gave a wrong two-step code"),
    AuditEvent.OTP_RESET: _("had two-step login reset"),
    AuditEvent.ACCESS_DENIED: _("was refused access"),
    AuditEvent.BREAK_GLASS: _("used emergency access"),
}

# What the person reads: neutral, with no word that tells what kind of work this is.
PERSON_EVENT_PHRASES: dict[str, Promise] = {
    AuditEvent.VIEW: _("read information about you"),
    AuditEvent.LIST: _("saw you in a list"),
    AuditEvent.CREATE: _("recorded information about you"),
    AuditEvent.UPDATE: _("changed information about you"),
    AuditEvent.DELETE: _("deleted information about you"),
    AuditEvent.EXPORT: _("printed or exported information about you"),
    AuditEvent.SHARE: _("passed on information about you"),
    AuditEvent.BREAK_GLASS: _("opened your information in an emergency"),
    AuditEvent.LOGIN: _("logged in"),
}
PERSON_EVENTS = tuple(PERSON_EVENT_PHRASES)

PERSON_ROLE_LABELS: dict[str, Promise] = {
    Role.CASEWORKER: _("Case worker"),
    Role.EXIT_COORDINATOR: _("Coordinator"),
    Role.PLAN_COORDINATOR: _("Individual plan coordinator"),
    Role.SLT_COORDINATOR: _("SLT coordinator"),
    Role.POLICE_CONTACT: _("Police contact person"),
    Role.TEAM_MEMBER: _("Follow-up team member"),
    Role.MENTOR: _("Mentor"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.PRIVACY_OFFICER: _("Data protection officer"),
    Role.ORG_ADMIN: _("Administrator"),
}

GROUND_LABELS: dict[str, Promise] = {
    "seat": _("member of the follow-up team"),
    "consent": _("consent"),
    "agreement": _("mentor agreement"),
    "grant": _("time-limited access"),
    "break_glass": _("emergency access"),
    "duty": _("duty to report or avert"),
    "role": _("role in the organisation"),
    "own_organisation": _("recorded by their own organisation"),
    "own": _("your own login"),
    "guardian": _("your guardian's login"),
}


def role_labels(codes: str, *, for_person: bool = False) -> str:
    """Turn an entry's comma-separated role codes into role names ("system" for the retention job)."""
    names = []
    for code in filter(None, codes.split(",")):
        if code == "system":
            names.append(str(_("automatic job")))
        elif code == "person":  # the person in their own portal
            names.append(str(_("You")))
        elif code == "guardian":  # a guardian in the portal of a child under the age of majority
            names.append(str(_("Guardian")))
        elif for_person and code in PERSON_ROLE_LABELS:
            names.append(str(PERSON_ROLE_LABELS[code]))
        elif code in Role.values:
            names.append(str(Role(code).label))
        else:
            names.append(code)
    return ", ".join(names)


def ground_labels(codes: Iterable[str] | None) -> list[str]:
    """Name the grounds an access rested on; an unknown code is shown as it is."""
    return [str(GROUND_LABELS.get(code, code)) for code in codes or ()]


def category_labels(codes: Iterable[str] | None) -> list[str]:
    """Name the categories of information a read showed; an unknown code is shown as it is."""
    labels = {**dict(Field.choices), **dict(Category.choices)}
    # Names of the workspace's tabs ("tab:plan") say where, not what: the categories beside them say what.
    return [str(labels.get(code, code)) for code in codes or () if not code.startswith("tab:")]


def object_label(target_type: str) -> str:
    """Name the kind of object an entry is about (the model's name), or the raw type if it is unknown."""
    app_label, _dot, model_name = target_type.partition(".")
    try:
        return str(apps.get_model(app_label, model_name)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


def officer_phrase(event: str, target_type: str) -> str:
    """Say what an entry's actor did, in plain words ("opened the case")."""
    phrase = OFFICER_PHRASES.get((event, target_type)) or EVENT_PHRASES.get(event)
    if phrase is not None:
        return str(phrase)
    label = str(AuditEvent(event).label) if event in AuditEvent.values else event
    if not target_type:
        return label.lower()
    return str(_("%(event)s: %(object)s")) % {"event": label.lower(), "object": object_label(target_type)}


def person_phrase(event: str) -> str:
    """Say what was done with the person's information, in neutral words."""
    return str(PERSON_EVENT_PHRASES.get(event, PERSON_EVENT_PHRASES[AuditEvent.VIEW]))
