from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Register the sharing engine: legal bases, the sharing decision, consents and the disclosure ledger."""

    name = "utvei.sharing"
    label = "sharing"

    def ready(self) -> None:
        """Declare the consents in force and the sharing rules, and add the sharing tab to the case."""
        from utvei.cases import sections
        from utvei.sharing import policy, selectors

        policy.declare()
        sections.register_section(
            tab="sharing",
            order=10,
            template="sharing/_case_section.html",
            provider=selectors.sharing_section,
            visible=selectors.sees_sharing,
        )
