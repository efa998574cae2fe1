"""The network rules: the per-object check and the queryset scope agree for every demo user (R23)."""

from __future__ import annotations

import pytest
from django.db import models

from utvei.access import policy
from utvei.access.policy import Action
from utvei.accounts.models import User
from utvei.network.models import NetworkNode, NetworkSnapshot, NodeContact

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [NetworkNode, NetworkSnapshot, NodeContact])
@pytest.mark.parametrize("action", [Action.VIEW, Action.UPDATE])
def test_scope_agrees_with_the_per_object_check_for_every_demo_user(
    demo: dict[str, User], model: type[models.Model], action: Action
) -> None:
    objects = list(model._default_manager.all())
    assert objects
    for user in demo.values():
        scoped = set(policy.scope(user, action, model._default_manager.all()).values_list("pk", flat=True))
        checked = {o.pk for o in objects if policy.can(user, action, o)}
        assert scoped == checked, user.username


def test_r23_who_sees_the_demo_network(demo: dict[str, User]) -> None:
    node = NetworkNode.objects.order_by("pk").first()
    assert node is not None
    readers = {name for name, user in demo.items() if policy.can(user, Action.VIEW, node)}
    editors = {name for name, user in demo.items() if policy.can(user, Action.UPDATE, node)}
    assert readers == {"saksbehandler", "koordinator", "nav"}
    assert editors == {"saksbehandler", "koordinator"}
