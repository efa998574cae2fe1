from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        sections.register_section(
            tab="plan",
            order=20,
            template="plans/_provided_measures.html",
            provider=selectors.provided_measures_section,
            visible=selectors.provides_measures,
        )
        sections.register_phase_evidence(
            phase="P5", what=_("a plan is being prepared"), latest=selectors.latest_draft_plan
        )
        sections.register_phase_evidence(phase="P6", what=_("the plan is active"), latest=selectors.latest_active_plan)
        sections.register_phase_evidence(
            phase="P7", what=_("a review meeting is recorded"), latest=selectors.latest_review_meeting
        )
