"""Start-up check: every model that declares policy actions has a rule for each."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks

from utvei.access.policy import Action, registered


@checks.register(checks.Tags.security)
def check_policy_rules(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Fail start-up when a declared (model, action) has no registered rule."""
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        declared: tuple[Action, ...] = getattr(model, "policy_actions", ())
        for action in declared:
            if not registered(model, action):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} declares the action {action!s} but no policy rule is registered.",
                        hint="Register a Rule in the app's policy.py; without one every request is denied.",
                        obj=model,
                        id="utvei.access.E001",
                    )
                )
    return errors
