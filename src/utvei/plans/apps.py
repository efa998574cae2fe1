from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Register the individual plan, measures, reviews and team meetings."""

    name = "utvei.plans"
    label = "plans"

    def ready(self) -> None:
        """Declare the rules and add the plan section to the case's plan tab."""
        from utvei.cases import sections
        from utvei.plans import policy, selectors

        policy.declare()
        sections.register_section(
            tab="plan",
            order=10,
            template="plans/_case_section.html",
            provider=selectors.plan_section,
            visible=selectors.sees_plan,
        )
        sections.register_phase_evidence(selectors.phase_evidence)
