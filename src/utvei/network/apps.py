from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """Register the network map: nodes, ties, contact permissions and snapshots."""

    name = "utvei.network"
    label = "network"

    def ready(self) -> None:
        """Declare the rules and add the network section to the case's network tab."""
        from utvei.cases import sections
        from utvei.network import policy, selectors

        policy.declare()
        sections.register_section(
            tab="network",
            order=10,
            template="network/_case_section.html",
            provider=selectors.section_for_case,
            visible=selectors.sees_network,
        )
        sections.register_phase_evidence(
            phase="P4", what=_("the network is being mapped"), latest=selectors.latest_node
        )
