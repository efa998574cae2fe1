from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Register the person's own portal (a minimal stand-in: the login session and two pages)."""

    name = "utvei.portal"
    label = "portal"
