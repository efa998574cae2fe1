"""Users, organisations and the memberships that carry roles."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class OrganisationKind(models.TextChoices):
    """Name the kinds of organisation that take part in exit work."""

    MUNICIPALITY = "municipality", _("Municipality")
    POLICE_DISTRICT = "police_district", _("Police district")
    PST = "pst", _("Police Security Service (PST)")
    SCHOOL = "school", _("School")
    NAV = "nav", _("NAV")
    HEALTH = "health", _("Health service")
    CHILD_WELFARE = "child_welfare", _("Child welfare service")
    CORRECTIONAL_SERVICE = "correctional_service", _("Correctional service")
    MEDIATION_SERVICE = "mediation_service", _("Mediation service (konfliktråd)")
    RESOURCE_CENTRE = "resource_centre", _("Regional resource centre (RVTS)")
    OTHER = "other", _("Other")


class Sector(models.TextChoices):
    """Name the confidentiality rules an organisation's staff work under.

    The sharing decision reads the sector, not the kind: a health service run by a municipality is still
    bound by the health rules, and the municipal part of a NAV office by the social services act.
    """

    GENERAL = "general", _("General public administration")
    HEALTH = "health", _("Health and care services")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    NAV = "nav", _("NAV (the state part)")
    SOCIAL_SERVICES = "social_services", _("Social services (the municipal part of a NAV office)")
    EDUCATION = "education", _("Education")
    POLICE = "police", _("Police and PST")
    PRIVATE = "private", _("Private or voluntary")


# The sector an organisation of each kind has unless its register entry says otherwise.
DEFAULT_SECTOR: dict[str, str] = {
    "municipality": Sector.GENERAL,
    "police_district": Sector.POLICE,
    "pst": Sector.POLICE,
    "school": Sector.EDUCATION,
    "nav": Sector.NAV,
    "health": Sector.HEALTH,
    "child_welfare": Sector.CHILD_WELFARE,
    "correctional_service": Sector.GENERAL,
    "mediation_service": Sector.GENERAL,
    "resource_centre": Sector.HEALTH,
    "other": Sector.PRIVATE,
}


class ProfessionalStatus(models.TextChoices):
    """Name the professional statuses an administrator can confirm for a membership.

    Only a confirmed status gives the bases that belong to it (the health personnel act to authorised
    health personnel, the school's own duty to a teacher, the police's rules to the police).
    """

    NONE = "", _("None confirmed")
    HEALTH_PERSONNEL = "health_personnel", _("Authorised health personnel")
    TEACHER = "teacher", _("Teacher")
    POLICE = "police", _("Police")


class Role(models.TextChoices):
    """Name the roles a membership can carry (DOMAIN.md, roles)."""

    CASEWORKER = "caseworker", _("Case worker")
    EXIT_COORDINATOR = "exit_coordinator", _("Exit coordinator")
    PLAN_COORDINATOR = "plan_coordinator", _("Individual plan coordinator")
    SLT_COORDINATOR = "slt_coordinator", _("SLT coordinator")
    POLICE_CONTACT = "police_contact", _("Police radicalisation contact")
    TEAM_MEMBER = "team_member", _("Follow-up team member")
    MENTOR = "mentor", _("Mentor")
    SUPERVISOR = "supervisor", _("Supervisor")
    PRIVACY_OFFICER = "privacy_officer", _("Data protection officer")
    ORG_ADMIN = "org_admin", _("Administrator")


class Organisation(models.Model):
    """Hold one party to exit work, with its own confidentiality rules."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The public body (organ) this unit belongs to, e.g. a municipality's child welfare service belongs to the
    # municipality. Empty for a body of its own. "Same organ" is derived from it, never asserted by a user.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("belongs to the public body"),
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, default=Sector.GENERAL)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def public_body_id(self) -> int:
        """Name the public body this organisation belongs to: its parent, or itself (one level)."""
        return self.parent_id if self.parent_id is not None else self.pk

    @property
    def is_public_body(self) -> bool:
        """Tell whether the organisation is part of the public administration (not private or voluntary)."""
        return self.sector != Sector.PRIVATE


class User(AbstractUser):
    """Hold a person who logs in to Utvei (never the data subject of a case)."""

    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        """Give the name shown in the interface."""
        return self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet["Membership"]):
    """Filter memberships by whether they are in force."""

    def active(self) -> MembershipQuerySet:
        """Keep memberships in force now."""
        today = timezone.localdate()
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            valid_from__lte=today,
            organisation__is_active=True,
            user__is_active=True,
        )


class Membership(models.Model):
    """Give a user one role in one organisation for a period."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # The professional status the organisation's administrator has confirmed, with the HPR number for
    # authorised health personnel. Nobody confirms their own status.
    professional_status = models.CharField(
        _("professional status"), max_length=32, choices=ProfessionalStatus.choices, blank=True, default=""
    )
    hpr_number = models.CharField(_("HPR number"), max_length=9, blank=True)
    status_confirmed_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("confirmed by")
    )
    status_confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(professional_status=ProfessionalStatus.HEALTH_PERSONNEL) | ~Q(hpr_number=""),
                name="membership_health_personnel_has_hpr",
            ),
            models.CheckConstraint(
                condition=Q(professional_status="") | Q(status_confirmed_at__isnull=False),
                name="membership_status_confirmed",
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.role})"


class Partnership(models.Model):
    """Record that an organisation works with a partner on exit cases, so the partner's staff may be seated.

    Directional: the organisation that owns cases names its partners (the police district, the school,
    NAV, health, child welfare). Staff of an organisation that is neither the case's own nor its partner
    are never offered as team members.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnerships")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner"))
    since = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partner"], condition=Q(ended_on__isnull=True), name="partnership_once"
            ),
            models.CheckConstraint(condition=~Q(organisation=models.F("partner")), name="partnership_not_self"),
        ]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return f"{self.organisation} – {self.partner}"


class UserSession(AbstractBaseSession):
    """Hold one login session in the database, with the user it belongs to.

    Django's own session table cannot be searched by user (the user id sits inside the encoded data), so
    ending a user's sessions would mean decoding every session. This row names its user, so deactivation,
    an ended membership or a new password deletes exactly that user's sessions (``accounts.services``).
    """

    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        """Name the session engine that reads and writes these rows."""
        from utvei.accounts.sessions import SessionStore

        return SessionStore


class EnrolmentLink(models.Model):
    """Hold a one-time link that lets a user set up a first second factor.

    Only the SHA-256 of the link's random token is stored, so the table cannot be turned back into
    links. A link is usable once, until it expires, and only while no newer link replaced it.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="enrolment_links")
    # Null: issued by the system operator (manage.py enrolment_link), not by an administrator.
    issued_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")

    def __str__(self) -> str:
        return f"enrolment link {self.pk} for user {self.user_id}"

    def is_usable(self, now: datetime) -> bool:
        """Tell whether the link may still be used at ``now``."""
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


class OidcProvider(models.Model):
    """Hold an organisation's OpenID Connect provider for staff login (such as Entra ID).

    The client secret is never stored: ``client_secret_env`` names the environment variable that holds
    it (or, with ``_FILE`` appended, the file), as every other secret of the system is given. Who may log
    in and with which roles is left to the organisation's administrator: a login is accepted only for a
    user who already has a membership in force in this organisation (D99).
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="oidc_provider")
    slug = models.SlugField(_("address name"), max_length=50, unique=True)
    name = models.CharField(_("name shown on the login page"), max_length=100)
    issuer = models.URLField(_("issuer"), max_length=300)
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret_env = models.CharField(_("environment variable holding the client secret"), max_length=100)
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    # The claim that names the user's e-mail address, used only to link a first login to an existing user.
    email_claim = models.CharField(_("e-mail claim"), max_length=50, default="email")
    # Values of ``amr`` (any of them) or ``acr`` (exactly) that mean the provider checked a second factor;
    # only then does the login count as two-factor (D100). Space-separated.
    mfa_amr_values = models.CharField(_("amr values meaning two factors"), max_length=200, default="mfa", blank=True)
    mfa_acr_values = models.CharField(_("acr values meaning two factors"), max_length=200, default="", blank=True)
    passwords_allowed = models.BooleanField(_("passwords still allowed"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("login provider")
        verbose_name_plural = _("login providers")

    def __str__(self) -> str:
        return self.name

    def mfa_claimed(self, *, amr: list[str], acr: str) -> bool:
        """Tell whether the token's ``amr`` or ``acr`` says the provider checked a second factor."""
        amr_values = set(self.mfa_amr_values.split())
        acr_values = set(self.mfa_acr_values.split())
        return bool(amr_values & set(amr)) or (bool(acr) and acr in acr_values)


class OidcIdentity(models.Model):
    """Bind a provider's subject (the ``sub`` claim, unique per issuer) to one user, for good.

    After the first login the user is found by (provider, subject) alone; a changed e-mail address at the
    provider can then never move the login to another user.
    """

    provider = models.ForeignKey(OidcProvider, on_delete=models.PROTECT, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="oidc_identities")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="oidc_identity_subject_once"),
            models.UniqueConstraint(fields=["provider", "user"], name="oidc_identity_user_once"),
        ]
        verbose_name = _("login provider identity")
        verbose_name_plural = _("login provider identities")

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.user_id}"


class _ProviderFactorManager(models.Manager["OidcMfaDevice"]):
    """Keep the provider's factor out of the user's own devices (``django_otp.user_has_device``).

    It is no factor the user can pass in Utvei: were it counted, a password login would ask for a code
    the user cannot give, and enrolling an app of their own would be refused.
    """

    def devices_for_user(self, user: object, confirmed: bool | None = None) -> models.QuerySet[OidcMfaDevice]:
        """Give no devices: the factor lives at the provider (django-otp asks every device model this)."""
        return self.none()


class OidcMfaDevice(Device):
    """Stand for a second factor the user's login provider checked (a django-otp device, never a code).

    A session is marked as having passed two-factor login through this device only when the provider's
    ID token said so (:meth:`OidcProvider.mfa_claimed`). It accepts no codes.
    """

    objects = _ProviderFactorManager()

    # Declared again (django-otp's is untyped) with no reverse accessor: nothing reads a user's factors
    # at providers through the user.
    user: models.ForeignKey[User, User] = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    provider: models.ForeignKey[OidcProvider, OidcProvider] = models.ForeignKey(
        OidcProvider, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="oidc_mfa_device_once")]
        verbose_name = _("second factor at the login provider")
        verbose_name_plural = _("second factors at the login provider")

    def verify_token(self, token: object) -> bool:
        """Refuse every code: this factor is checked by the provider, never typed in."""
        return False
