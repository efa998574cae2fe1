from django.apps import AppConfig


class ContactsConfig(AppConfig):
    """Register contact plans, conversations and consultations."""

    name = "utvei.contacts"
    label = "contacts"

    def ready(self) -> None:
        from utvei.contacts import policy  # noqa: F401  (registers the rules)
