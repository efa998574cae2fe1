from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Register the person's own portal: their plan, consents, access log and requests."""

    name = "utvei.portal"
    label = "portal"

    def ready(self) -> None:
        """Declare the portal's rules and the approved blocks to the access engine."""
        from utvei.cases import sections
        from utvei.portal import policy, selectors

        policy.declare()
        sections.register_section(
            tab="plan",
            order=90,
            template="portal/_case_section.html",
            provider=selectors.from_person_section,
            visible=selectors.sees_from_person,
        )
