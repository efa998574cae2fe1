from django.apps import AppConfig


class MentoringConfig(AppConfig):
    """Register the mentor register, mentor assignments and restorative processes."""

    name = "utvei.mentoring"
    label = "mentoring"

    def ready(self) -> None:
        """Register the rules and narrow the category gate for mentor-only seats (R26).

        Mentoring comes after sharing in INSTALLED_APPS, so the gate it wraps is the consent gate.
        """
        from utvei.access import policy
        from utvei.mentoring import policy as mentoring_policy  # noqa: F401  (registers the rules)
        from utvei.mentoring.gate import MentorRestriction

        if not isinstance(policy.category_gate(), MentorRestriction):
            policy.set_category_gate(MentorRestriction(policy.category_gate()))
