from django.apps import AppConfig


class SharingConfig(AppConfig):
    """This class will register the sharing engine: legal bases as versioned data and the sharing decision."""

    name = "utvei.sharing"
    label = "sharing"
