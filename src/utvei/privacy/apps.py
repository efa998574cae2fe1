from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Register privacy operations: the officer's log, the person's log, retention and the data copy."""

    name = "utvei.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        """Register the access rules of the privacy app."""
        from utvei.privacy import policy

        policy.declare()
