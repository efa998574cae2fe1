from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Register the sharing engine: legal bases, the sharing decision, consents and the gate."""

    name = "utvei.sharing"
    label = "sharing"

    def ready(self) -> None:
        """Install the consent gate as the category gate of the access policy (D17)."""
        from utvei.access import policy
        from utvei.sharing.gate import ConsentGate

        policy.set_category_gate(ConsentGate())
