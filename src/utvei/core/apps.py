from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Register the plumbing app (middleware, helpers, shell context)."""

    name = "utvei.core"
    label = "core"
