from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Register the plumbing app (middleware, helpers, shell context, encryption checks)."""

    name = "utvei.core"
    label = "core"

    def ready(self) -> None:
        """Register the system checks of the encrypted fields."""
        from utvei.core import checks  # noqa: F401
