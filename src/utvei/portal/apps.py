from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Register the person's own portal: their plan, consents, access log and requests."""

    name = "utvei.portal"
    label = "portal"

    def ready(self) -> None:
        """Declare the portal's rules and the approved blocks to the access engine."""
        from utvei.portal import policy

        policy.declare()
