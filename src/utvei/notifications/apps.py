from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Register the inbox: notifications, e-mail choices and the rule that each is its recipient's alone."""

    name = "utvei.notifications"
    label = "notifications"

    def ready(self) -> None:
        """Declare the notification rules to the access engine."""
        from utvei.notifications import policy

        policy.declare()
