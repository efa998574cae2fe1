from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Register cases, follow-up teams and their access rules."""

    name = "utvei.cases"
    label = "cases"

    def ready(self) -> None:
        from utvei.cases import policy

        policy.declare()
