"""The access policy registry: may this actor do this action on this object?

Each app registers one :class:`Rule` per (model, action) in its ``policy.py``. The answer is **deny**
when no rule is registered, and a system check refuses to start if a model that holds case data lacks a
rule for an action it declares. Rules answer from the actor's :class:`~utvei.access.engine.AccessContext`,
worked out once per request, so asking again costs no query.

Per-category visibility inside a case is decided by the engine (:mod:`utvei.access.engine`): a rule that
guards items of a case asks :func:`item_visible` or :func:`item_condition`, never a gate of its own.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, TypeVar

from django.db import models

from utvei.access import engine
from utvei.access.engine import AccessContext, Actor, Ground
from utvei.access.persons import person_sees, withheld_for

M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    """Name the actions the policy answers for."""

    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"  # produce a document about the person (their plan, overview or access log)
    REVIEW = "review"  # read a case as one of its workers, open or closed (history, the network map)
    SHARE = "share"  # report a serious concern (any team seat, R17)
    DISCLOSE = "disclose"  # decide and record a disclosure (seats whose role may share)
    MANAGE = "manage"
    # Answer for one's own part of a case: progress on a measure one's organisation provides, or what the
    # police contact did with a report received.
    RESPOND = "respond"
    OWN = "own"  # the person, in their own portal: read (or act on) their own information


class NotFound(Exception):
    """Say an object is missing *or* forbidden; views answer both with the same 404."""

    def __init__(self, target_type: str = "", target_id: object = None) -> None:
        super().__init__(f"{target_type} {target_id} not found")
        self.target_type = target_type
        self.target_id = "" if target_id is None else str(target_id)


class Rule(Protocol):
    """Describe one rule: a per-object check and the matching queryset filter.

    ``allows`` and ``scope`` must agree: an object is in ``scope(ctx, qs)`` exactly when
    ``allows(ctx, obj)`` is true (a property test holds every registered rule to it).
    """

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool: ...

    def scope(self, ctx: AccessContext, qs: models.QuerySet[M]) -> models.QuerySet[M]: ...


_rules: dict[tuple[type[models.Model], Action], Rule] = {}


def register(model: type[models.Model], action: Action, rule: Rule) -> None:
    """Register the rule for one model and action; registering twice is an error."""
    key = (model, action)
    if key in _rules:
        raise ValueError(f"A rule for {model.__name__}.{action} is already registered")
    _rules[key] = rule


def registered(model: type[models.Model], action: Action) -> bool:
    """Tell whether a rule exists for the model and action."""
    return (model, action) in _rules


def registered_rules() -> list[tuple[type[models.Model], Action, Rule]]:
    """List every registered (model, action, rule), for start-up checks and the list-equals-check test."""
    return [(model, action, rule) for (model, action), rule in _rules.items()]


def context(actor: Actor | None) -> AccessContext:
    """Give the actor's access context for this request."""
    return engine.context_for(actor)


def can(actor: Actor | None, action: Action, obj: models.Model | None, *, category: str | None = None) -> bool:
    """Answer whether the actor may do the action on the object (deny by default).

    With ``category``, the object rule must allow the action *and* the engine must let the actor see that
    category of information on the object.
    """
    ctx = engine.context_for(actor)
    if not ctx.authenticated or obj is None:
        return False
    rule = _rules.get((type(obj), action))
    if rule is None or not rule.allows(ctx, obj):
        return False
    return category is None or category_ground(ctx, obj, category) is not None


def require(actor: Actor | None, action: Action, obj: models.Model, *, category: str | None = None) -> None:
    """Raise :class:`NotFound` unless :func:`can` allows the action.

    :raises NotFound: the actor may not do this; callers answer as if the object did not exist.
    """
    if not can(actor, action, obj, category=category):
        raise NotFound(obj._meta.label, obj.pk)


def scope(actor: Actor | None, action: Action, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """Narrow a queryset to the objects the actor may do the action on (none by default)."""
    ctx = engine.context_for(actor)
    if not ctx.authenticated:
        return qs.none()
    rule = _rules.get((qs.model, action))
    if rule is None:
        return qs.none()
    return rule.scope(ctx, qs)


def scope_category(actor: Actor | None, qs: models.QuerySet[M], category: str) -> models.QuerySet[M]:
    """Narrow items of cases (or persons) to those the engine lets the actor see in ``category``."""
    ctx = engine.context_for(actor)
    if not ctx.authenticated:
        return qs.none()
    return qs.filter(category_condition(ctx, qs.model, category))


def fields(actor: Actor | None, kind: str, record: object) -> frozenset[str]:
    """Give the field categories of a record the actor sees (e.g. a case's contact details, team)."""
    return engine.context_for(actor).fields(kind, record)


class OwnRule:
    """Allow the person an action on their own rows, in categories the portal may show; never a staff user.

    ``field`` names the row's person id (``person_id``, ``pk`` for the person) or its case id
    (``case_id``), checked against the cases of the person's own persons (the fact ``cases.own``).
    ``category`` fixes the row's category; without it the row's ``category`` column decides.
    """

    def __init__(self, field: str = "person_id", *, category: str | None = None) -> None:
        self.field = field
        self.category = category

    def _ids(self, ctx: AccessContext) -> frozenset[int]:
        if self.field == "case_id":
            found = ctx.fact("cases.own")
            assert isinstance(found, frozenset)
            return found
        return ctx.own_person_ids

    def allows(self, ctx: AccessContext, obj: models.Model) -> bool:
        """Tell whether the row is the person's own and of a category the portal may show."""
        if not ctx.is_person or getattr(obj, self.field, None) not in self._ids(ctx):
            return False
        return person_sees(self.category or str(getattr(obj, "category", "")), withheld_for(ctx.actor))

    def scope(self, ctx: AccessContext, qs: models.QuerySet[M]) -> models.QuerySet[M]:
        """Keep the person's own rows in categories the portal may show."""
        if not ctx.is_person:
            return qs.none()
        own = qs.filter(**{f"{self.field}__in": sorted(self._ids(ctx))})
        if self.category is not None:
            return own if person_sees(self.category, withheld_for(ctx.actor)) else qs.none()
        return own.exclude(category__in=sorted(withheld_for(ctx.actor)))


# --- how items of a case are located --------------------------------------------------------------------


def _person_model(model: type[models.Model]) -> bool:
    return model._meta.label == "cases.Person"


def _case_model(model: type[models.Model]) -> bool:
    return model._meta.label == "cases.Case"


def category_ground(ctx: AccessContext, obj: models.Model, category: str) -> Ground | None:
    """Answer on which ground the actor sees ``category`` of the object (None: not at all).

    A person is owned by the organisation that registered it; a case's own facts by its responsible
    organisation; an item of a case by the organisation that recorded it (``owner_organisation_id``).
    """
    label = obj._meta.label
    if _person_model(type(obj)):
        owner = getattr(obj, "registered_by_id", None)
        if owner is None:
            return None
        return ctx.person_ground(person_id=int(obj.pk), owner_id=owner, category=category, label=label)
    case_id: int | None
    if _case_model(type(obj)):
        case_id, owner_id = int(obj.pk), getattr(obj, "responsible_organisation_id", None)
    else:
        case_id = getattr(obj, "case_id", None)
        owner_id = getattr(obj, "owner_organisation_id", None)
    if case_id is None:
        return None
    return ctx.item_ground(case_id=case_id, owner_id=owner_id, category=category, label=label)


def category_condition(
    ctx: AccessContext, model: type[models.Model], category: str, *, case_ids: frozenset[int] | None = None
) -> models.Q:
    """Give the queryset condition matching :func:`category_ground` for rows of ``model``."""
    label = model._meta.label
    if _person_model(model):
        return ctx.person_condition(label=label, category=category)
    cases = ctx.case_ids() if case_ids is None else case_ids
    if _case_model(model):
        return ctx.item_condition(
            label=label, category=category, case_ids=cases, case_field="pk", owner_field="responsible_organisation_id"
        )
    return ctx.item_condition(label=label, category=category, case_ids=cases)


def item_models() -> list[tuple[type[models.Model], str | None]]:
    """List the models whose rows are items of a case recorded by an organisation, with each model's fixed
    category (``access_category``), or None when each row stores its own ``category``.

    :raises ImproperlyConfigured: an item model declares neither.
    """
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    found: list[tuple[type[models.Model], str | None]] = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields() if f.concrete}
        if not {"case", "owner_organisation"} <= names:
            continue
        fixed = getattr(model, "access_category", None)
        if fixed is None and "category" not in names:
            raise ImproperlyConfigured(f"{model._meta.label} is an item of a case but names no category")
        found.append((model, fixed))
    return found


def case_item_counts(case_id: int) -> list[tuple[str, int, str, int]]:
    """Count the items of one case per (model, owner, category), across every item model, in one query.

    Counts only: no content is read. The engine then decides which groups an actor sees.
    """
    from django.db.models import CharField, Count, F, Value

    parts = []
    for model, fixed in item_models():
        category = Value(fixed, output_field=CharField()) if fixed is not None else F("category")
        part = (
            model._default_manager.filter(case_id=case_id)
            .order_by()
            .annotate(item_label=Value(model._meta.label, output_field=CharField()), item_category=category)
            .values("item_label", "owner_organisation_id", "item_category")
            .annotate(n=Count("pk"))
            .values_list("item_label", "owner_organisation_id", "item_category", "n")
        )
        parts.append(part)
    if not parts:
        return []
    first, *rest = parts
    return [(label, owner, category, n) for label, owner, category, n in first.union(*rest, all=True)]
