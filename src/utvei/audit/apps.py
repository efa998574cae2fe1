from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Register the append-only, hash-chained audit log."""

    name = "utvei.audit"
    label = "audit"

    def ready(self) -> None:
        from utvei.audit import policy

        policy.declare()
