from django.apps import AppConfig


class CoreConfig(AppConfig):
    """This class will register the plumbing app (middleware, helpers, shell context)."""

    name = "utvei.core"
    label = "core"
