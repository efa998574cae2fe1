"""Signing in again inside a session: the password, and the code when the account has an authenticator.

A step such as break-glass access asks for it. On success the time is kept in the session
(:data:`REAUTH_SESSION_KEY`); the step that needs it checks that the time is recent
(:func:`utvei.accounts.selectors.reauthenticated_at`). Both outcomes are audited.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from utvei.accounts.models import User
from utvei.accounts.sessions import REAUTH_SESSION_KEY
from utvei.audit.models import AuditEvent, Outcome
from utvei.audit.services import record

REAUTH_TARGET = "accounts.Reauthentication"


def reauthenticate(*, actor: User, request: HttpRequest, password: str, token: str) -> None:
    """Check the actor's password again (and a fresh code when they have an authenticator app) and keep
    the time in the session.

    The password goes through the login backends, so failures count towards the lockout like a login.
    An account whose only second factor is a passkey cannot sign in again here yet and is refused.

    :raises ValidationError: the password or code was not accepted (one message for each field).
    """
    errors: dict[str, str] = {}
    with transaction.atomic():
        user = authenticate(request, username=actor.get_username(), password=password)
        if user is None or user.pk != actor.pk:
            errors["password"] = _("The password was not accepted.")
        devices = list(TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True))
        if devices:
            accepted = False
            for device in devices:
                allowed, _info = device.verify_is_allowed()
                if allowed and device.verify_token(token):
                    accepted = True
                    break
            if not accepted:
                errors["token"] = _("The code was not accepted. Wait for a new code and try again.")
        elif WebAuthnCredential.objects.filter(user=actor, confirmed=True).exists():
            errors["token"] = _("Signing in again needs an authenticator app; ask your administrator to set one up.")
        if errors:
            record(
                actor=actor,
                event=AuditEvent.LOGIN_FAILED,
                target_type=REAUTH_TARGET,
                target_id=actor.pk,
                outcome=Outcome.DENIED,
            )
        else:
            request.session[REAUTH_SESSION_KEY] = timezone.now().isoformat()
            record(actor=actor, event=AuditEvent.LOGIN, target_type=REAUTH_TARGET, target_id=actor.pk)
    if errors:
        raise ValidationError(errors)
