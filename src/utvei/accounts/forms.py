"""Forms for login, second factor and user administration."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from utvei.accounts.models import ProfessionalStatus, Role
from utvei.core.forms import DesignForm

# Long enough for any passphrase a person types, short enough that hashing it costs nothing unusual.
PASSWORD_MAX = 128

ADMINISTRABLE_ROLES = [(value, label) for value, label in Role.choices]


class LoginForm(DesignForm):
    """Take a username and password."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(DesignForm):
    """Take a six-digit code from an authenticator app."""

    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the six digits shown in the app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class UserCreateForm(DesignForm):
    """Take the fields of a new user in the administrator's organisation."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[a-z0-9._-]+$",
        error_messages={"invalid": _("Use lower-case letters, digits, dots, dashes or underscores.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=ADMINISTRABLE_ROLES)
    password = forms.CharField(
        label=_("Temporary password"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. The user sets up two-step login at first login."),
    )


class LanguageForm(DesignForm):
    """Take a preferred interface language."""

    language = forms.ChoiceField(label=_("Language"), choices=[("nb", "Norsk bokmål"), ("en", "English")])


class PasswordSetForm(DesignForm):
    """Take a new password that an administrator gives a user."""

    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. The user's sessions end and they log in again with it."),
    )


class PasswordChangeForm(DesignForm):
    """Take the user's current password and the new one."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. You stay logged in here; your other sessions end."),
    )


class MembershipStatusForm(DesignForm):
    """Take the professional status an administrator confirms for one membership."""

    membership = forms.IntegerField(widget=forms.HiddenInput)
    professional_status = forms.ChoiceField(
        label=_("Professional status"),
        choices=ProfessionalStatus.choices,
        required=False,
        help_text=_("Confirm only what you have checked, for example in the health personnel register (HPR)."),
    )
    hpr_number = forms.CharField(
        label=_("HPR number"),
        max_length=9,
        required=False,
        help_text=_("Only for authorised health personnel."),
    )


class ReauthForm(DesignForm):
    """Take the password again, and the code when the account has an authenticator app."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data.get("token") or "").strip()
