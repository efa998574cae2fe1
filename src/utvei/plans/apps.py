from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Register the individual plan, measures, mentors, restorative processes and team meetings."""

    name = "utvei.plans"
    label = "plans"

    def ready(self) -> None:
        from utvei.plans import policy  # noqa: F401  (registers the rules)
