from django.apps import AppConfig


class OidcConfig(AppConfig):
    """Register the OpenID Connect login flows (ID-porten for the person, providers for staff)."""

    name = "utvei.oidc"
    label = "oidc"
