"""Start-up checks: every model holding case data has its rules, and the engine has its facts.

A model holds case data when a foreign key leads from it to a case or a person, directly or through
another model that holds case data. Such a model must declare ``policy_actions`` (and a rule for each),
or say in ``policy_exempt`` why it is never read on its own (e.g. a link row read only with its parent).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from utvei.access import engine
from utvei.access.decorators import has_refusal_recorder
from utvei.access.policy import Action, registered

ROOTS = frozenset({"cases.Case", "cases.Person"})


def case_data_models() -> list[type[models.Model]]:
    """List the models from which a chain of foreign keys reaches a case or a person."""
    reaches: dict[str, bool] = {}

    def holds(model: type[models.Model], seen: frozenset[str]) -> bool:
        label = model._meta.label
        if label in ROOTS:
            return True
        if label in reaches:
            return reaches[label]
        found = False
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if not field.concrete or not field.many_to_one and not field.one_to_one or related is None:
                continue
            if related._meta.label not in seen and holds(related, seen | {label}):
                found = True
                break
        reaches[label] = found
        return found

    return [m for m in apps.get_models() if m._meta.app_label != "auth" and holds(m, frozenset())]


@checks.register(checks.Tags.security)
def check_policy_rules(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Fail start-up when case data has no declared rules, or a declared action has no rule."""
    errors: list[checks.CheckMessage] = []
    for model in case_data_models():
        declared: tuple[Action, ...] = getattr(model, "policy_actions", ())
        if not declared and not getattr(model, "policy_exempt", ""):
            errors.append(
                checks.Error(
                    f"{model._meta.label} holds case data but declares no policy_actions.",
                    hint="Declare its actions and register a rule for each, or give policy_exempt a reason.",
                    obj=model,
                    id="utvei.access.E002",
                )
            )
    for model in apps.get_models():
        for action in getattr(model, "policy_actions", ()):
            if not registered(model, action):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} declares the action {action!s} but no policy rule is registered.",
                        hint="Register a Rule in the app's policy.py; without one every request is denied.",
                        obj=model,
                        id="utvei.access.E001",
                    )
                )
    for name in engine.missing_providers():
        errors.append(
            checks.Error(
                f"The access engine has no {name} provider: every visibility answer would be no.",
                id="utvei.access.E003",
            )
        )
    if not has_refusal_recorder():
        errors.append(checks.Error("No recorder audits refused requests.", id="utvei.access.E004"))
    return errors
