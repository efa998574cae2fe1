from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Register the network map: nodes, ties, contact permissions and snapshots."""

    name = "utvei.network"
    label = "network"

    def ready(self) -> None:
        from utvei.network import policy  # noqa: F401  (registers the rules)
