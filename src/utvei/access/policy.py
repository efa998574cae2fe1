"""The access policy registry: may this user do this action on this object?

Each app registers one :class:`Rule` per (model, action) in its ``policy.py``. The answer is **deny**
when no rule is registered, and a system check refuses to start if a model that declares
``policy_actions`` lacks a rule for one of them.

Per-category visibility inside a case plugs in through
:func:`set_category_gate`: :func:`can` passes ``category`` to the gate after the object rule allowed the
action, so a rule never has to know the sharing law.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, TypeVar

from django.db import models

from utvei.accounts.models import Membership, User

M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    """Name the actions the policy answers for."""

    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    SHARE = "share"
    MANAGE = "manage"


class NotFound(Exception):
    """Say an object is missing *or* forbidden; views answer both with the same 404."""

    def __init__(self, target_type: str = "", target_id: object = None) -> None:
        super().__init__(f"{target_type} {target_id} not found")
        self.target_type = target_type
        self.target_id = "" if target_id is None else str(target_id)


class Rule(Protocol):
    """Describe one rule: a per-object check and the matching queryset filter.

    ``allows`` and ``scope`` must agree: an object is in ``scope(user, qs)`` exactly when
    ``allows(user, obj)`` is true (tested per rule).
    """

    def allows(self, user: User, obj: models.Model) -> bool: ...

    def scope(self, user: User, qs: models.QuerySet[M]) -> models.QuerySet[M]: ...


class CategoryGate(Protocol):
    """Decide which categories of case information a user sees (per-agency visibility).

    An item carries ``owner_organisation_id`` (the organisation that recorded it, the discloser) and
    belongs to a case. The sharing engine replaces the default gate with one that reads consents and
    legal bases; ``allows`` and ``scope`` must agree as for rules.
    """

    def allows(self, user: User, obj: models.Model, category: str) -> bool: ...

    def scope(self, user: User, qs: models.QuerySet[M], category: str) -> models.QuerySet[M]: ...


class SameOrganisationGate:
    """Be the default until the sharing engine exists: only the owning organisation sees.

    An item without an owner is seen by nobody.
    """

    def allows(self, user: User, obj: models.Model, category: str) -> bool:
        """Tell whether the user is an active member of the item's owning organisation."""
        owner_id = getattr(obj, "owner_organisation_id", None)
        if owner_id is None:
            return False
        return Membership.objects.active().filter(user=user, organisation_id=owner_id).exists()

    def scope(self, user: User, qs: models.QuerySet[M], category: str) -> models.QuerySet[M]:
        """Keep the items owned by one of the user's organisations."""
        orgs = Membership.objects.active().filter(user=user).values_list("organisation_id", flat=True)
        return qs.filter(owner_organisation_id__in=orgs)


_rules: dict[tuple[type[models.Model], Action], Rule] = {}
_category_gate: CategoryGate = SameOrganisationGate()


def register(model: type[models.Model], action: Action, rule: Rule) -> None:
    """Register the rule for one model and action; registering twice is an error."""
    key = (model, action)
    if key in _rules:
        raise ValueError(f"A rule for {model.__name__}.{action} is already registered")
    _rules[key] = rule


def registered(model: type[models.Model], action: Action) -> bool:
    """Tell whether a rule exists for the model and action."""
    return (model, action) in _rules


def category_gate() -> CategoryGate:
    """Give the category gate in force."""
    return _category_gate


def set_category_gate(gate: CategoryGate) -> CategoryGate:
    """Install the category gate and return the one it replaced."""
    global _category_gate
    previous = _category_gate
    _category_gate = gate
    return previous


def _authenticated(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can(user: User | None, action: Action, obj: models.Model, *, category: str | None = None) -> bool:
    """Answer whether the user may do the action on the object (deny by default).

    With ``category``, the object rule must allow the action *and* the category gate must let this user
    see that category of information on the object.
    """
    if not _authenticated(user) or obj is None:
        return False
    assert user is not None
    rule = _rules.get((type(obj), action))
    if rule is None or not rule.allows(user, obj):
        return False
    if category is not None:
        return _category_gate.allows(user, obj, category)
    return True


def require(user: User | None, action: Action, obj: models.Model, *, category: str | None = None) -> None:
    """Raise :class:`NotFound` unless :func:`can` allows the action.

    :raises NotFound: the user may not do this; callers answer as if the object did not exist.
    """
    if not can(user, action, obj, category=category):
        raise NotFound(obj._meta.label, obj.pk)


def scope_category(user: User | None, qs: models.QuerySet[M], category: str) -> models.QuerySet[M]:
    """Narrow items of a case to those whose category the gate lets the user see."""
    if not _authenticated(user):
        return qs.none()
    assert user is not None
    return _category_gate.scope(user, qs, category)


def scope(user: User | None, action: Action, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """Narrow a queryset to the objects the user may do the action on (none by default)."""
    if not _authenticated(user):
        return qs.none()
    assert user is not None
    rule = _rules.get((qs.model, action))
    if rule is None:
        return qs.none()
    return rule.scope(user, qs)
