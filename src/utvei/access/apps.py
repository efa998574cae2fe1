from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Register the access policy and its start-up check."""

    name = "utvei.access"
    label = "access"

    def ready(self) -> None:
        from utvei.access import checks  # noqa: F401  (registers the system check)
