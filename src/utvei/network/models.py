"""Models of the network map: nodes (people and organisations around the person), contacts and snapshots.

A node is one tie of the person: who (a pseudonymous label is enough; a full name only when needed for
contact), how close, and how the tie is assessed (valence, with who assessed it and when). Every record
names the organisation that recorded it (``owner_organisation``) and belongs to the category "network",
so the category gate decides who else sees it (R23). Free text is encrypted at rest (D14).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from utvei.access.categories import Category
from utvei.access.policy import Action
from utvei.accounts.models import Organisation
from utvei.cases.models import Case
from utvei.core.crypto import EncryptedJSONField, EncryptedTextField, RowIdField

# The information category of every record in this app (the sharing engine's vocabulary).
CATEGORY = Category.NETWORK


class NodeKind(models.TextChoices):
    """Name what a node is: a person or an organisation."""

    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Formality(models.TextChoices):
    """Name the side of the map a tie belongs to."""

    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal")


class Relation(models.TextChoices):
    """Name the kind of relation (§5)."""

    FAMILY = "family", _("Family")
    FRIEND = "friend", _("Friend")
    PARTNER = "partner", _("Partner")
    FAITH_COMMUNITY = "faith_community", _("Faith community")
    CLUB = "club", _("Club or leisure")
    ONLINE_COMMUNITY = "online_community", _("Online community")
    SCHOOL = "school", _("School")
    EMPLOYER = "employer", _("Employer")
    SERVICE = "service", _("Service")
    MILIEU_CONTACT = "milieu_contact", _("Contact from the former milieu")


class Closeness(models.TextChoices):
    """Name how close a tie is, from the innermost ring outwards."""

    INTIMATE = "intimate", _("Intimate")
    EFFECTIVE = "effective", _("Effective")
    AVAILABLE = "available", _("Available")
    PERIPHERAL = "peripheral", _("Peripheral")


class Valence(models.TextChoices):
    """Name how a tie is assessed: does it support the person, or pull them back?"""

    SUPPORTIVE = "supportive", _("Supportive")
    NEUTRAL = "neutral", _("Neutral")
    RISK = "risk", _("Risk")
    UNKNOWN = "unknown", _("Unknown")


class RiskNature(models.TextChoices):
    """Name what makes a risk tie a risk."""

    RECRUITMENT = "recruitment", _("Recruitment pressure")
    THREATS = "threats", _("Threats or retaliation")
    CRIMINAL = "criminal", _("Criminal ties")
    ONLINE = "online", _("Online influence")


class Source(models.TextChoices):
    """Name where what is known about a tie comes from."""

    PERSON = "person", _("The person's own account")
    PROFESSIONAL = "professional", _("A professional's observation")
    THIRD_PARTY = "third_party", _("A third party's report")


class ContactPermission(models.TextChoices):
    """Name whether professionals may contact the node (R22)."""

    MAY_CONTACT = "may_contact", _("May be contacted")
    MAY_NOT = "may_not", _("May not be contacted")
    VIA_PERSON = "via_person", _("Only through the person")


class InformedAssessment(models.TextChoices):
    """Name the assessment of whether a third party is told they are recorded (R38, GDPR art. 14)."""

    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    INFORMED = "informed", _("Has been informed")
    TO_INFORM = "to_inform", _("Will be informed")
    EXCEPTION = "exception", _("Not informed: exception recorded")


class NetworkNode(models.Model):
    """Hold one tie of the person: a person or organisation in their network.

    ``label`` is what the map shows and may be pseudonymous ("uncle (M)"); ``full_name`` and
    ``contact_details`` are filled only when needed for contact. ``ended_on`` marks a tie that is no
    longer part of the network; it stays for the history and leaves the current map.
    """

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="network_nodes")
    kind = models.CharField(_("kind"), max_length=16, choices=NodeKind.choices)
    label = EncryptedTextField(_("label"))
    full_name = EncryptedTextField(_("full name"), blank=True)
    contact_details = EncryptedTextField(_("contact details"), blank=True)
    formality = models.CharField(_("formal or informal"), max_length=16, choices=Formality.choices)
    relation = models.CharField(_("relation"), max_length=32, choices=Relation.choices)
    closeness = models.CharField(_("closeness"), max_length=16, choices=Closeness.choices)
    valence = models.CharField(_("valence"), max_length=16, choices=Valence.choices)
    valence_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("valence assessed by")
    )
    valence_assessed_on = models.DateField(_("valence assessed on"))
    risk_nature = models.CharField(_("nature of the risk"), max_length=16, choices=RiskNature.choices, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    contact_permission = models.CharField(
        _("contact permission"), max_length=16, choices=ContactPermission.choices, default=ContactPermission.MAY_NOT
    )
    consent = models.ForeignKey(
        "sharing.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent the permission rests on"),
    )
    informed = models.CharField(
        _("informed of the record"),
        max_length=16,
        choices=InformedAssessment.choices,
        default=InformedAssessment.NOT_ASSESSED,
    )
    informed_note = EncryptedTextField(_("reason or how informed"), blank=True)
    plan_role = EncryptedTextField(_("role in the plan"), blank=True)
    measure = models.ForeignKey(
        "plans.Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("part of measure"),
    )
    ended_on = models.DateField(_("no longer part of the network since"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_on = models.DateField(_("recorded on"), default=timezone.localdate)
    updated_at = models.DateTimeField(default=timezone.now)
    # Bumped by every service write; an edit form sends the version it was loaded with (core.editing).
    version = models.PositiveIntegerField(default=1)
    row_uid = RowIdField(data_key_owner="case__person")

    # Not stored: set by the selectors to the linked measure's title when the reader may see that measure
    # (a measure has its own category, so its title is not shown to everyone who sees the tie).
    measure_title: str = ""

    class Meta:
        # The label is encrypted: pages sort ties by label in Python (``network.selectors``).
        ordering = ["closeness", "pk"]
        constraints = [
            # A risk nature belongs to risk ties only.
            models.CheckConstraint(
                condition=Q(valence="risk") | Q(risk_nature=""), name="network_node_risk_nature_only_for_risk"
            ),
            # "May contact" rests on a consent (R22).
            models.CheckConstraint(
                condition=~Q(contact_permission="may_contact") | Q(consent__isnull=False),
                name="network_node_contact_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"network node {self.pk} of {self.case}"

    @property
    def is_third_party(self) -> bool:
        """Tell whether the node is a private person (a data subject, R38)."""
        return self.kind == NodeKind.PERSON and self.formality == Formality.INFORMAL


class NodeContact(models.Model):
    """Record that a professional contacted a node (allowed only with permission, R22)."""

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(NetworkNode, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    purpose = EncryptedTextField(_("purpose"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["-contacted_on", "-created_at"]

    def __str__(self) -> str:
        return f"contact with network node {self.node_id}"


class SnapshotReason(models.TextChoices):
    """Name why a snapshot of the network was taken."""

    MAPPING = "mapping", _("Mapping with the person")
    PLAN_REVIEW = "plan_review", _("Plan review")
    CHANGE = "change", _("Important change")
    CLOSURE = "closure", _("Closure")


class NetworkSnapshot(models.Model):
    """Freeze the network as it stood on a day, to show how it changes over time.

    ``nodes`` holds one dict per node (id, label, kind, formality, relation, closeness, valence,
    risk_nature), copied from the nodes the taker could see; later edits of a node leave it unchanged.
    """

    access_category: ClassVar[str] = CATEGORY

    policy_actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.UPDATE)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="network_snapshots")
    taken_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=16, choices=SnapshotReason.choices)
    note = EncryptedTextField(_("note"), blank=True)
    nodes = EncryptedJSONField(default=list)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    row_uid = RowIdField(data_key_owner="case__person")

    class Meta:
        ordering = ["taken_on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"network snapshot {self.pk} of {self.case}"
