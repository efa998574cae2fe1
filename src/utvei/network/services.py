"""Writes of the network map: ties, contacts with ties, and snapshots. Each checks the policy and audits
in one transaction; audit rows name the fields, never their values.

Rules enforced here: a tie may be marked "may be contacted" only with a current consent of the person
behind it, and a contact is recorded only while that holds (R22); a full name and contact details are
kept only for ties that may be contacted (third parties are data subjects, minimal data, R38); a risk
tie names the nature of the risk, other ties none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Case
from utvei.cases.services import acting_organisation, lock_case_for_update
from utvei.core.editing import refuse_stale
from utvei.core.text import hidden_control_errors
from utvei.network.drawing import NodeState
from utvei.network.models import (
    Closeness,
    ContactPermission,
    Formality,
    InformedAssessment,
    NetworkNode,
    NetworkSnapshot,
    NodeContact,
    NodeKind,
    Relation,
    RiskNature,
    SnapshotReason,
    Source,
    Valence,
)
from utvei.plans.models import Measure
from utvei.sharing.models import Consent

NODE_FIELDS = (
    "kind",
    "label",
    "full_name",
    "contact_details",
    "formality",
    "relation",
    "closeness",
    "valence",
    "risk_nature",
    "source",
    "contact_permission",
    "consent",
    "informed",
    "informed_note",
    "plan_role",
    "measure",
)


class ContactRefused(ValidationError):
    """Say a contact with a tie is not allowed (R22); nothing was recorded."""


@dataclass(frozen=True)
class NodeInput:
    """Hold the content of a tie as entered (the services validate it)."""

    kind: str
    label: str
    formality: str
    relation: str
    closeness: str
    valence: str
    source: str
    risk_nature: str = ""
    full_name: str = ""
    contact_details: str = ""
    contact_permission: str = ContactPermission.MAY_NOT
    consent_id: int | None = None
    informed: str = InformedAssessment.NOT_ASSESSED
    informed_note: str = ""
    plan_role: str = ""
    measure_id: int | None = None


def _today() -> date:
    return timezone.localdate()


def current_consent(*, case: Case, consent_id: int | None, on: date) -> Consent | None:
    """Give the consent if it is the person's latest version, not withdrawn and valid on the day."""
    if consent_id is None:
        return None
    return Consent.objects.current(on).filter(pk=consent_id, person_id=case.person_id).first()


def _measure(actor: User, case: Case, measure_id: int | None) -> Measure | None:
    """Give the measure of this case if the actor may see it (None for none or not found)."""
    if measure_id is None:
        return None
    measure = Measure.objects.filter(pk=measure_id, case=case).first()
    return measure if measure is not None and policy.can(actor, Action.VIEW, measure) else None


def _validated(actor: User, case: Case, data: NodeInput, on: date) -> dict[str, object]:
    """Check a tie's content and return the model values.

    :raises ValidationError: field errors for every rule broken.
    """
    errors: dict[str, str] = hidden_control_errors(label=data.label, full_name=data.full_name, plan_role=data.plan_role)
    label = data.label.strip()
    if not label:
        errors.setdefault("label", _("Give the tie a label. A pseudonym such as «uncle (M)» is enough."))
    choices = {
        "kind": NodeKind,
        "formality": Formality,
        "relation": Relation,
        "closeness": Closeness,
        "valence": Valence,
        "source": Source,
        "contact_permission": ContactPermission,
        "informed": InformedAssessment,
    }
    for name, choice in choices.items():
        if getattr(data, name) not in choice.values:
            errors[name] = _("Choose one of the options.")
    if data.valence == Valence.RISK and data.risk_nature not in RiskNature.values:
        errors["risk_nature"] = _("For a risk tie, choose the nature of the risk.")
    if data.valence != Valence.RISK and data.risk_nature:
        errors["risk_nature"] = _("Only a risk tie has a nature of risk.")
    consent = current_consent(case=case, consent_id=data.consent_id, on=on)
    if data.consent_id is not None and consent is None:
        errors["consent"] = _("Choose a current consent of this person.")
    if data.contact_permission == ContactPermission.MAY_CONTACT and data.consent_id is None:
        errors["consent"] = _("A tie may be contacted only with the person's consent. Choose the consent.")
    may_contact = data.contact_permission == ContactPermission.MAY_CONTACT
    if not may_contact and (data.full_name.strip() or data.contact_details.strip()):
        # R38, data minimisation: identity and contact details only when they are needed for contact.
        errors["full_name"] = _("Record a full name or contact details only for a tie that may be contacted.")
    measure = _measure(actor, case, data.measure_id)
    if data.measure_id is not None and measure is None:
        errors["measure"] = _("Choose a measure of this case.")
    if data.informed == InformedAssessment.EXCEPTION and not data.informed_note.strip():
        errors["informed_note"] = _("Give the reason the third party is not informed (GDPR art. 14 (5)).")
    if on > _today():
        errors["assessed_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": data.kind,
        "label": label,
        "full_name": data.full_name.strip(),
        "contact_details": data.contact_details.strip(),
        "formality": data.formality,
        "relation": data.relation,
        "closeness": data.closeness,
        "valence": data.valence,
        "risk_nature": data.risk_nature if data.valence == Valence.RISK else "",
        "source": data.source,
        "contact_permission": data.contact_permission,
        "consent": consent,
        "informed": data.informed,
        "informed_note": data.informed_note.strip(),
        "plan_role": data.plan_role.strip(),
        "measure": measure,
    }


def node_create(*, actor: User, case_id: int, data: NodeInput, on: date | None = None) -> NetworkNode:
    """Add a tie to the person's network, assessed by the actor on ``on`` (today by default).

    The tie is owned by the organisation the actor edits the case for.

    :raises NotFound: the case does not exist or the actor may not change it.
    :raises ValidationError: field errors (see the module's rules).
    """
    day = on or _today()
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        organisation = acting_organisation(actor=actor, case=case, editing=True)
        values = _validated(actor, case, data, day)
        node = NetworkNode.objects.create(
            case=case,
            valence_assessed_by=actor,
            valence_assessed_on=day,
            recorded_by=actor,
            owner_organisation=organisation,
            created_on=day,
            **values,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=node,
            case=case,
            organisation_id=organisation.pk,
            changed_fields=NODE_FIELDS,
        )
    return node


def _lock_node(actor: User, node_id: int) -> NetworkNode:
    node = NetworkNode.objects.select_for_update().select_related("case").filter(pk=node_id).first()
    if node is None:
        raise NotFound(NetworkNode._meta.label, node_id)
    policy.require(actor, Action.UPDATE, node)
    return node


def node_update(
    *, actor: User, node_id: int, data: NodeInput, expected_version: int, on: date | None = None
) -> NetworkNode:
    """Change a tie. A changed valence or risk nature is recorded as assessed by the actor on ``on``.

    ``expected_version`` is the tie's version when the form was loaded; a later save by someone else wins
    over this one, which is refused.

    :raises NotFound: the tie does not exist or the actor may not change it.
    :raises EditConflict: the tie was saved after the form was loaded; nothing changes.
    :raises ValidationError: field errors (see the module's rules); nothing changes.
    """
    day = on or _today()
    with transaction.atomic():
        node = _lock_node(actor, node_id)
        refuse_stale(
            target=NetworkNode._meta.label,
            target_id=node.pk,
            current_version=node.version,
            expected_version=expected_version,
        )
        values = _validated(actor, node.case, data, day)
        changed = [name for name, value in values.items() if getattr(node, name) != value]
        if "valence" in changed or "risk_nature" in changed:
            node.valence_assessed_by = actor
            node.valence_assessed_on = day
            changed += ["valence_assessed_by", "valence_assessed_on"]
        for name, value in values.items():
            setattr(node, name, value)
        node.updated_at = timezone.now()
        node.version += 1 if changed else 0
        node.save()
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=node,
            case=node.case,
            organisation_id=node.owner_organisation_id,
            changed_fields=changed,
        )
    return node


def node_end(*, actor: User, node_id: int, on: date | None) -> NetworkNode:
    """Mark a tie as no longer part of the network from ``on``; snapshots keep it.

    :raises NotFound: the tie does not exist or the actor may not change it.
    :raises ValidationError: no date, a date in the future or before the tie was recorded, or the tie has
        ended already.
    """
    with transaction.atomic():
        node = _lock_node(actor, node_id)
        if node.ended_on is not None:
            raise ValidationError(_("This tie is already marked as ended."))
        day = on
        if day is None or day > _today() or day < node.created_on:
            raise ValidationError({"ended_on": _("Give a date between when the tie was recorded and today.")})
        node.ended_on = day
        node.updated_at = timezone.now()
        # Ending overwrites none of the tie's content, so it is not refused on an older version; an edit
        # form loaded before it is (the version moves on).
        node.version += 1
        node.save(update_fields=["ended_on", "updated_at", "version"])
        record(
            actor=actor,
            event=AuditEvent.UPDATE,
            target=node,
            case=node.case,
            organisation_id=node.owner_organisation_id,
            changed_fields=["ended_on"],
        )
    return node


def node_contact_record(*, actor: User, node_id: int, contacted_on: date | None, purpose: str) -> NodeContact:
    """Record that the actor contacted a tie, which R22 allows only when the tie may be
    contacted and the consent it rests on is in force on that day.

    :raises NotFound: the tie does not exist or the actor may not change it.
    :raises ContactRefused: the tie may not be contacted, only through the person, or its consent is not
        in force (nothing is recorded).
    :raises ValidationError: no date, or a date in the future.
    """
    with transaction.atomic():
        node = _lock_node(actor, node_id)
        if contacted_on is None or contacted_on > _today():
            raise ValidationError({"contacted_on": _("Give the date of the contact; it cannot be in the future.")})
        if node.contact_permission == ContactPermission.MAY_NOT:
            raise ContactRefused(_("This tie may not be contacted. The contact was not recorded."))
        if node.contact_permission == ContactPermission.VIA_PERSON:
            raise ContactRefused(_("This tie may be reached only through the person. The contact was not recorded."))
        if current_consent(case=node.case, consent_id=node.consent_id, on=contacted_on) is None:
            raise ContactRefused(
                _(
                    "The consent this contact permission rests on is withdrawn, replaced or not valid on "
                    "that day. The contact was not recorded."
                )
            )
        contact = NodeContact.objects.create(
            case=node.case,
            node=node,
            contacted_on=contacted_on,
            purpose=purpose.strip(),
            recorded_by=actor,
            owner_organisation=node.owner_organisation,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=contact,
            case=node.case,
            organisation_id=node.owner_organisation_id,
            changed_fields=["node", "contacted_on", "purpose"],
        )
    return contact


def node_states(nodes: list[NetworkNode]) -> list[NodeState]:
    """Turn ties into the states the map draws and a snapshot stores."""
    return [
        NodeState(
            id=n.pk,
            label=n.label,
            kind=n.kind,
            formality=n.formality,
            relation=n.relation,
            closeness=n.closeness,
            valence=n.valence,
            risk_nature=n.risk_nature,
        )
        for n in nodes
    ]


def snapshot_take(*, actor: User, case: Case, reason: str, on: date | None = None, note: str = "") -> NetworkSnapshot:
    """Freeze the network as the actor sees it: the ties recorded by ``on`` and not ended by then.

    Meant for a plan review (the plans app may call it with ``reason=SnapshotReason.PLAN_REVIEW``) and
    for manual snapshots. Only ties the actor may see are copied, so a snapshot never shows anyone more
    than the live map would.

    :raises NotFound: the case does not exist or the actor may not change it.
    :raises ValidationError: an unknown reason or a date in the future; nothing is stored.
    """
    day = on or _today()
    with transaction.atomic():
        locked = lock_case_for_update(actor, case.pk)
        organisation = acting_organisation(actor=actor, case=locked, editing=True)
        errors: dict[str, str] = {}
        if reason not in SnapshotReason.values:
            errors["reason"] = _("Choose why the snapshot is taken.")
        if day > _today():
            errors["taken_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)
        visible = policy.scope(actor, Action.VIEW, NetworkNode.objects.filter(case=locked, created_on__lte=day))
        nodes = [n for n in visible if n.ended_on is None or n.ended_on > day]
        snapshot = NetworkSnapshot.objects.create(
            case=locked,
            taken_on=day,
            reason=reason,
            note=note.strip(),
            nodes=[state.as_dict() for state in node_states(nodes)],
            taken_by=actor,
            owner_organisation=organisation,
        )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=snapshot,
            case=locked,
            organisation_id=organisation.pk,
            changed_fields=["taken_on", "reason", "note", "nodes"],
        )
    return snapshot
