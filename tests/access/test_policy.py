"""The policy registry: deny by default, and list scoping that agrees with the per-object check."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.db import models

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Role, User
from utvei.audit.models import AuditEntry
from utvei.cases.models import Case, TeamMember


def test_unregistered_action_is_denied_and_scopes_to_nothing(demo: dict[str, User]) -> None:
    case = Case.objects.first()
    user = demo["saksbehandler"]
    assert policy.can(user, Action.VIEW, case)
    assert not policy.can(user, Action.DELETE, case)  # no rule registered for DELETE
    assert policy.scope(user, Action.DELETE, Case.objects.all()).count() == 0
    with pytest.raises(NotFound):
        policy.require(user, Action.DELETE, case)


def test_anonymous_and_inactive_users_are_denied(demo: dict[str, User]) -> None:
    from django.contrib.auth.models import AnonymousUser

    case = Case.objects.first()
    assert not policy.can(AnonymousUser(), Action.VIEW, case)  # type: ignore[arg-type]
    user = demo["saksbehandler"]
    user.is_active = False
    assert not policy.can(user, Action.VIEW, case)
    assert policy.scope(user, Action.VIEW, Case.objects.all()).count() == 0


@pytest.mark.parametrize(
    "model,action", [(Case, Action.VIEW), (Case, Action.UPDATE), (User, Action.MANAGE), (AuditEntry, Action.VIEW)]
)
def test_scope_agrees_with_the_per_object_check_for_every_demo_user(
    demo: dict[str, User], model: type[models.Model], action: Action
) -> None:
    objects = list(model.objects.all())
    assert objects
    for user in demo.values():
        scoped = set(policy.scope(user, action, model.objects.all()).values_list("pk", flat=True))
        checked = {o.pk for o in objects if policy.can(user, action, o)}
        assert scoped == checked, user.username


def test_leaving_the_organisation_removes_case_access_at_once(demo: dict[str, User]) -> None:
    from django.utils import timezone

    nav = demo["nav"]
    case = TeamMember.objects.filter(user=nav).first().case
    assert policy.can(nav, Action.VIEW, case)
    today = timezone.localdate()
    Membership.objects.filter(user=nav).update(
        valid_from=today - timezone.timedelta(days=10), valid_to=today - timezone.timedelta(days=1)
    )
    assert not policy.can(nav, Action.VIEW, case)
    assert not policy.scope(nav, Action.VIEW, Case.objects.all()).exists()


def test_only_editor_roles_may_update_a_case(demo: dict[str, User]) -> None:
    case = TeamMember.objects.filter(user=demo["nav"]).first().case
    assert policy.can(demo["koordinator"], Action.UPDATE, case)
    assert not policy.can(demo["nav"], Action.UPDATE, case)
    assert not policy.can(demo["mentor"], Action.UPDATE, case)


def test_a_case_category_is_seen_by_its_responsible_organisation_only_without_a_consent(demo: dict[str, User]) -> None:
    case = TeamMember.objects.filter(user=demo["nav"]).first().case
    # A case's own facts belong to its responsible organisation; NAV sits on the team but is another one.
    assert policy.can(demo["saksbehandler"], Action.VIEW, case, category="conversations")
    assert not policy.can(demo["nav"], Action.VIEW, case, category="conversations")
    assert not policy.can(demo["nav"], Action.VIEW, case, category="health")


def test_no_app_can_replace_the_engines_decision_or_declare_a_fact_twice() -> None:
    from utvei.access import engine

    assert not hasattr(policy, "set_category_gate") and not hasattr(policy, "category_gate")
    with pytest.raises(ValueError, match="already has"):
        engine.provide_seats(lambda actor: [])
    with pytest.raises(ValueError, match="already has"):
        engine.provide_consents(lambda organisations, persons: [])


def test_system_check_fails_when_a_declared_action_has_no_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Case, "policy_actions", (Action.VIEW, Action.MANAGE), raising=False)
    errors = [e for e in run_checks() if e.id == "utvei.access.E001"]
    assert errors and "manage" in errors[0].msg


def test_system_check_fails_when_a_model_holding_case_data_declares_no_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    from utvei.cases.models import Handover

    monkeypatch.setattr(Handover, "policy_actions", (), raising=False)
    errors = [e for e in run_checks() if e.id == "utvei.access.E002"]
    assert [e.obj for e in errors] == [Handover]


def test_registering_a_rule_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="already registered"):
        rules = {model: rule for model, action, rule in policy.registered_rules() if action == Action.VIEW}
        policy.register(Case, Action.VIEW, rules[Case])


def test_team_seat_for_an_admin_role_is_refused(demo: dict[str, User]) -> None:
    from django.core.exceptions import ValidationError

    from utvei.cases.services import team_member_add

    case = Case.objects.first()
    admin = demo["admin"]
    org = Membership.objects.get(user=admin).organisation
    with pytest.raises(ValidationError):
        team_member_add(actor=demo["saksbehandler"], case=case, user=admin, organisation=org, role=Role.ORG_ADMIN)
    assert not policy.can(admin, Action.VIEW, case)
