from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Register users, organisations, memberships and login."""

    name = "utvei.accounts"
    label = "accounts"

    def ready(self) -> None:
        from utvei.accounts import policy

        policy.declare()
