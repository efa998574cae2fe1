from django.apps import AppConfig


class MentoringConfig(AppConfig):
    """Register the mentor register, mentor assignments and restorative processes."""

    name = "utvei.mentoring"
    label = "mentoring"

    def ready(self) -> None:
        """Declare the narrow mentor seat, its agreements and the mentoring rules to the access engine (R26),
        and add the mentoring section to the case's plan tab."""
        from utvei.cases import sections
        from utvei.mentoring import policy, selectors

        policy.declare()
        sections.register_section(
            tab="plan", order=20, template="mentoring/_case_section.html", provider=selectors.mentoring_section
        )
