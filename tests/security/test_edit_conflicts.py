"""Edits never overwrite what the editor has not seen: every edit form carries the version it was loaded
with, and a save on an older version is refused, at the service and over HTTP.

Each form is tested the same way: two editors load the same version, the first saves, the second save is
refused with an EditConflict and changes nothing, and saving again on the current version works. Over
HTTP the refusal is a 409 page that keeps what the second editor typed, shows what changed (then → now)
and carries the current version, so sending it again saves on top.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import FormClient, loaded_with, login_verified
from utvei.accounts.models import User
from utvei.cases import services as case_services
from utvei.cases.models import Case, Phase, TeamMember
from utvei.contacts import services as contact_services
from utvei.contacts.models import ContactPlan
from utvei.core.editing import VERSION_FIELD, EditConflict
from utvei.network import services as network_services
from utvei.network.forms import NodeForm
from utvei.network.models import NetworkNode
from utvei.plans import services as plan_services
from utvei.plans.forms import measure_initial
from utvei.plans.models import Goal, GoalStatus, Measure, Plan
from utvei.sharing import services as sharing_services
from utvei.sharing.models import Consent

pytestmark = pytest.mark.django_db

Users = dict[str, User]


def _client(user: User, language: str = "en") -> Client:
    client = login_verified(FormClient(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _case(number: int) -> Case:
    return Case.objects.order_by("pk")[number - 1]


def _post_data(values: dict[str, object]) -> dict[str, object]:
    """Give form values as a browser posts them (ids and dates as text, unticked boxes left out)."""
    data: dict[str, object] = {}
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def _conflict_then_resave(
    client: Client, url: str, data: dict[str, object], save_meanwhile: Callable[[], None]
) -> tuple[str, int, int]:
    """Load the form, let someone else save, send ours: give the conflict page and both statuses."""
    page = client.get(url)
    assert page.status_code == 200
    save_meanwhile()
    refused = client.post(url, {**data, **loaded_with(page)})
    html = refused.content.decode()
    again = client.post(url, {**data, **loaded_with(refused)})
    return html, refused.status_code, again.status_code


def _assert_conflict_page(html: str, *, yours: str, old: str, current: str) -> None:
    assert "Someone else saved a change while you were editing" in html
    assert yours in html, "what the editor typed must still be on the page"
    panel = html.split('class="ds-alert utvei-conflict"', 1)[1].split("</section>", 1)[0]
    assert old in panel and current in panel, "the conflict shows the value then and now"


# --- goals -------------------------------------------------------------------------------------------------


def _goal() -> Goal:
    goal = Goal.objects.filter(plan__case=_case(1)).order_by("pk").first()
    assert goal is not None
    return goal


def _goal_update(actor: User, goal: Goal, text: str, version: int) -> Goal:
    return plan_services.goal_update(
        actor=actor, goal_id=goal.pk, text=text, domain=goal.domain, status=goal.status, expected_version=version
    )


def test_a_goal_saved_on_an_older_version_is_refused_and_changes_nothing(demo_shared: Users) -> None:
    goal = _goal()
    loaded = goal.version
    _goal_update(demo_shared["koordinator"], goal, "«Jeg vil ha fast jobb.»", loaded)
    with pytest.raises(EditConflict) as refused:
        _goal_update(demo_shared["saksbehandler"], goal, "«Jeg vil ha en jobb i Bergen.»", loaded)
    assert refused.value.current_version == loaded + 1
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("«Jeg vil ha fast jobb.»", loaded + 1)
    _goal_update(demo_shared["saksbehandler"], goal, "«Jeg vil ha en jobb i Bergen.»", goal.version)
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("«Jeg vil ha en jobb i Bergen.»", loaded + 2)


def test_a_save_that_changes_nothing_keeps_the_version(demo_shared: Users) -> None:
    goal = _goal()
    _goal_update(demo_shared["koordinator"], goal, goal.text, goal.version)
    assert Goal.objects.get(pk=goal.pk).version == goal.version


def test_the_goal_page_answers_a_stale_save_with_409_keeping_the_text(demo_shared: Users) -> None:
    goal = _goal()
    url = reverse("plans:goal_edit", kwargs={"goal_id": goal.pk})
    mine = "«Jeg vil jobbe med bil.»"
    data = {"text": mine, "domain": goal.domain, "status": GoalStatus.OPEN}

    def other_saves() -> None:
        _goal_update(demo_shared["saksbehandler"], goal, "«Jeg vil bli snekker.»", goal.version)

    html, refused, again = _conflict_then_resave(_client(demo_shared["koordinator"]), url, data, other_saves)
    assert refused == 409
    _assert_conflict_page(html, yours=mine, old=goal.text, current="«Jeg vil bli snekker.»")
    assert again == 302
    assert Goal.objects.get(pk=goal.pk).text == mine


def test_the_conflict_page_is_in_bokmal_by_default(demo_shared: Users) -> None:
    goal = _goal()
    url = reverse("plans:goal_edit", kwargs={"goal_id": goal.pk})
    client = _client(demo_shared["koordinator"], language="nb")
    page = client.get(url)
    _goal_update(demo_shared["saksbehandler"], goal, "«Endret av en annen.»", goal.version)
    refused = client.post(url, {"text": "Min tekst", "status": GoalStatus.OPEN, **loaded_with(page)})
    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Noen andre lagret en endring mens du redigerte" in html and "Da du åpnet skjemaet" in html


def test_a_form_without_its_version_is_a_conflict_never_an_overwrite(demo_shared: Users) -> None:
    goal = _goal()
    url = reverse("plans:goal_edit", kwargs={"goal_id": goal.pk})
    response = _client(demo_shared["koordinator"]).post(url, {"text": "Uten versjon", "status": GoalStatus.OPEN})
    assert response.status_code == 409
    assert Goal.objects.get(pk=goal.pk).text == goal.text
    # The page now carries the current version, so the same text can be saved on top of it.
    assert re.search(rf'name="{VERSION_FIELD}" value="{goal.version}"', response.content.decode())


def test_a_form_with_errors_keeps_the_version_it_was_loaded_with(demo_shared: Users) -> None:
    goal = _goal()
    url = reverse("plans:goal_edit", kwargs={"goal_id": goal.pk})
    client = _client(demo_shared["koordinator"])
    page = client.get(url)
    _goal_update(demo_shared["saksbehandler"], goal, "«Endret imens.»", goal.version)
    invalid = client.post(url, {"text": "", "status": GoalStatus.OPEN, **loaded_with(page)})
    assert invalid.status_code == 422
    # Fixing the error must not slip the form onto the newer version the user never saw.
    assert loaded_with(invalid)[VERSION_FIELD] == str(goal.version)
    fixed = client.post(url, {"text": "Rettet", "status": GoalStatus.OPEN, **loaded_with(invalid)})
    assert fixed.status_code == 409
    assert Goal.objects.get(pk=goal.pk).text == "«Endret imens.»"


# --- the plan -----------------------------------------------------------------------------------------------


def _plan() -> Plan:
    return Plan.objects.get(case=_case(1))


def _plan_update(actor: User, plan: Plan, cooperation: str, version: int) -> Plan:
    return plan_services.plan_update(
        actor=actor,
        plan_id=plan.pk,
        coordinator=plan.coordinator,
        period_start=plan.period_start,
        period_end=plan.period_end,
        cooperation=cooperation,
        consents_note=plan.consents_note,
        expected_version=version,
    )


def test_a_plan_saved_on_an_older_version_is_refused(demo_shared: Users) -> None:
    plan = _plan()
    loaded = plan.version
    _plan_update(demo_shared["koordinator"], plan, "Samordnes med NAV og skolen.", loaded)
    with pytest.raises(EditConflict):
        _plan_update(demo_shared["saksbehandler"], plan, "Samordnes med fastlegen.", loaded)
    assert Plan.objects.get(pk=plan.pk).cooperation == "Samordnes med NAV og skolen."


def test_a_goal_added_meanwhile_does_not_block_the_plan_form(demo_shared: Users) -> None:
    plan = _plan()
    loaded = plan.version
    plan_services.goal_add(actor=demo_shared["saksbehandler"], plan_id=plan.pk, text="«Jeg vil ta lappen.»")
    assert Plan.objects.get(pk=plan.pk).version == loaded + 1
    _plan_update(demo_shared["koordinator"], plan, "Samordnes med NAV.", loaded)
    assert Plan.objects.get(pk=plan.pk).cooperation == "Samordnes med NAV."


def test_the_plan_page_answers_a_stale_save_with_409(demo_shared: Users) -> None:
    plan = _plan()
    url = reverse("plans:edit", kwargs={"plan_id": plan.pk})
    mine = "Samordnes med barnevernet."
    data = _post_data(
        {
            "coordinator": plan.coordinator_id,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "cooperation": mine,
            "consents_note": plan.consents_note,
        }
    )

    def other_saves() -> None:
        _plan_update(demo_shared["saksbehandler"], plan, "Samordnes med PPT.", plan.version)

    html, refused, again = _conflict_then_resave(_client(demo_shared["koordinator"]), url, data, other_saves)
    assert refused == 409
    _assert_conflict_page(html, yours=mine, old=plan.cooperation, current="Samordnes med PPT.")
    assert again == 302 and Plan.objects.get(pk=plan.pk).cooperation == mine


# --- measures -----------------------------------------------------------------------------------------------


def _measure() -> Measure:
    measure = Measure.objects.filter(plan__case=_case(1), kind="work").first()
    assert measure is not None
    return measure


def _measure_update(actor: User, measure: Measure, title: str, version: int) -> Measure:
    return plan_services.measure_update(
        actor=actor,
        measure_id=measure.pk,
        kind=measure.kind,
        title=title,
        provider_organisation=measure.provider_organisation,
        responsible_user=measure.responsible_user,
        responsible_name=measure.responsible_name,
        start_on=measure.start_on,
        end_on=measure.end_on,
        status=measure.status,
        goal_id=measure.goal_id,
        outcome=measure.outcome,
        decision_reference=measure.decision_reference,
        decision_date=measure.decision_date,
        expected_version=version,
    )


def test_a_measure_saved_on_an_older_version_is_refused(demo_shared: Users) -> None:
    measure = _measure()
    loaded = measure.version
    _measure_update(demo_shared["koordinator"], measure, "Arbeidstrening hos lager", loaded)
    with pytest.raises(EditConflict):
        _measure_update(demo_shared["saksbehandler"], measure, "Arbeidstrening i butikk", loaded)
    assert Measure.objects.get(pk=measure.pk).title == "Arbeidstrening hos lager"


def test_the_measure_page_answers_a_stale_save_with_409(demo_shared: Users) -> None:
    measure = _measure()
    url = reverse("plans:measure_edit", kwargs={"measure_id": measure.pk})
    data = _post_data({**measure_initial(measure), "title": "Arbeidstrening på verksted"})

    def other_saves() -> None:
        _measure_update(demo_shared["saksbehandler"], measure, "Arbeidstrening i kantine", measure.version)

    html, refused, again = _conflict_then_resave(_client(demo_shared["koordinator"]), url, data, other_saves)
    assert refused == 409
    _assert_conflict_page(
        html, yours="Arbeidstrening på verksted", old=measure.title, current="Arbeidstrening i kantine"
    )
    assert again == 302 and Measure.objects.get(pk=measure.pk).title == "Arbeidstrening på verksted"


# --- network ties ---------------------------------------------------------------------------------------------


def _node() -> NetworkNode:
    # The label is encrypted, so it is compared in Python, never in a query.
    nodes = [n for n in NetworkNode.objects.filter(case=_case(1), ended_on__isnull=True) if n.label == "Mor"]
    assert nodes
    return nodes[0]


def _node_update(actor: User, node: NetworkNode, plan_role: str, version: int) -> NetworkNode:
    values = {**NodeForm.initial_for(node), "plan_role": plan_role}
    data = network_services.NodeInput(
        kind=str(values["kind"]),
        label=str(values["label"]),
        formality=str(values["formality"]),
        relation=str(values["relation"]),
        closeness=str(values["closeness"]),
        valence=str(values["valence"]),
        source=str(values["source"]),
        risk_nature=str(values["risk_nature"]),
        full_name=str(values["full_name"]),
        contact_details=str(values["contact_details"]),
        contact_permission=str(values["contact_permission"]),
        consent_id=node.consent_id,
        informed=str(values["informed"]),
        informed_note=str(values["informed_note"]),
        plan_role=plan_role,
        measure_id=node.measure_id,
    )
    return network_services.node_update(actor=actor, node_id=node.pk, data=data, expected_version=version)


def test_a_tie_saved_on_an_older_version_is_refused(demo_shared: Users) -> None:
    node = _node()
    loaded = node.version
    _node_update(demo_shared["koordinator"], node, "Følger Jonas til NAV.", loaded)
    with pytest.raises(EditConflict):
        _node_update(demo_shared["saksbehandler"], node, "Kjører ham til trening.", loaded)
    assert NetworkNode.objects.get(pk=node.pk).plan_role == "Følger Jonas til NAV."


def test_ending_a_tie_moves_its_version_so_an_older_form_is_refused(demo_shared: Users) -> None:
    node = _node()
    loaded = node.version
    network_services.node_end(actor=demo_shared["koordinator"], node_id=node.pk, on=timezone.localdate())
    with pytest.raises(EditConflict):
        _node_update(demo_shared["saksbehandler"], node, "Ny rolle", loaded)


def test_the_tie_page_answers_a_stale_save_with_409(demo_shared: Users) -> None:
    node = _node()
    url = reverse("network:node_edit", kwargs={"node_id": node.pk})
    data = _post_data({**NodeForm.initial_for(node), "plan_role": "Er med på møtene."})

    def other_saves() -> None:
        _node_update(demo_shared["saksbehandler"], node, "Henter ham etter skolen.", node.version)

    html, refused, again = _conflict_then_resave(_client(demo_shared["koordinator"]), url, data, other_saves)
    assert refused == 409
    _assert_conflict_page(
        html, yours="Er med på møtene.", old=node.plan_role or "–", current="Henter ham etter skolen."
    )
    assert again == 302 and NetworkNode.objects.get(pk=node.pk).plan_role == "Er med på møtene."


# --- the contact plan -----------------------------------------------------------------------------------------


def _contact_plan_save(actor: User, case: Case, attendees: str, version: int) -> ContactPlan:
    return contact_services.contact_plan_save(
        actor=actor,
        case_id=case.pk,
        initiator=actor,
        method="meeting",
        attendees=attendees,
        interpreter_needed=False,
        interpreter_language="",
        checklist=[],
        preparation_notes="",
        planned_on=None,
        expected_version=version,
    )


def _case_without_contact_plan() -> Case:
    case = next(c for c in Case.objects.order_by("pk") if not ContactPlan.objects.filter(case=c).exists())
    return case


def test_a_first_contact_plan_made_twice_from_empty_forms_is_refused_the_second_time(demo_shared: Users) -> None:
    case = _case_without_contact_plan()
    _contact_plan_save(demo_shared["saksbehandler"], case, "Saksbehandler og mor", 0)
    with pytest.raises(EditConflict):
        _contact_plan_save(demo_shared["saksbehandler"], case, "Saksbehandler alene", 0)
    plan = ContactPlan.objects.get(case=case)
    assert (plan.attendees, plan.version) == ("Saksbehandler og mor", 1)
    _contact_plan_save(demo_shared["saksbehandler"], case, "Saksbehandler alene", 1)
    assert ContactPlan.objects.get(case=case).version == 2


def test_the_contact_plan_page_answers_a_stale_save_with_409(demo_shared: Users) -> None:
    case = _case_without_contact_plan()
    user = demo_shared["saksbehandler"]
    url = reverse("contacts:plan", kwargs={"case_id": case.pk})
    data = {"initiator": str(user.pk), "method": "meeting", "attendees": "Saksbehandler og far"}

    def other_saves() -> None:
        _contact_plan_save(user, case, "Saksbehandler og tolk", 0)

    html, refused, again = _conflict_then_resave(_client(user), url, data, other_saves)
    assert refused == 409
    _assert_conflict_page(html, yours="Saksbehandler og far", old="–", current="Saksbehandler og tolk")
    assert again == 302 and ContactPlan.objects.get(case=case).attendees == "Saksbehandler og far"


# --- team seats -----------------------------------------------------------------------------------------------


def _seat() -> TeamMember:
    return TeamMember.objects.filter(case=_case(1), left_at__isnull=True, user__username="nav").get()


def test_a_team_task_saved_on_an_older_version_is_refused(demo_shared: Users) -> None:
    seat = _seat()
    loaded = seat.version
    case_services.team_member_set_task(
        actor=demo_shared["koordinator"], seat_id=seat.pk, task="Arbeidstrening og inntekt", expected_version=loaded
    )
    with pytest.raises(EditConflict):
        case_services.team_member_set_task(
            actor=demo_shared["saksbehandler"], seat_id=seat.pk, task="Bolig", expected_version=loaded
        )
    assert TeamMember.objects.get(pk=seat.pk).task == "Arbeidstrening og inntekt"


def test_the_team_task_page_answers_a_stale_save_with_409(demo_shared: Users) -> None:
    seat = _seat()
    url = reverse("cases:team_task", kwargs={"seat_id": seat.pk})

    def other_saves() -> None:
        case_services.team_member_set_task(
            actor=demo_shared["saksbehandler"], seat_id=seat.pk, task="Følger opp bolig", expected_version=seat.version
        )

    client = _client(demo_shared["koordinator"])
    html, refused, again = _conflict_then_resave(client, url, {"task": "Følger opp arbeid"}, other_saves)
    assert refused == 409
    _assert_conflict_page(html, yours="Følger opp arbeid", old=seat.task or "–", current="Følger opp bolig")
    assert again == 302 and TeamMember.objects.get(pk=seat.pk).task == "Følger opp arbeid"
    assert url in client.get(reverse("cases:detail", kwargs={"case_id": seat.case_id})).content.decode()


# --- phases ---------------------------------------------------------------------------------------------------


def _case_to_move(users: Users) -> Case:
    """Give case 1 (which has an exit coordinator) in phase P3, as the starting point of both editors."""
    Case.objects.filter(pk=_case(1).pk).update(phase=Phase.P3)
    return _case(1)


def test_a_phase_change_from_an_older_page_is_refused_naming_the_current_phase(demo_shared: Users) -> None:
    case = _case_to_move(demo_shared)
    case_services.case_change_phase(
        actor=demo_shared["koordinator"], case_id=case.pk, from_phase=Phase.P3, to_phase=Phase.P4
    )
    with pytest.raises(EditConflict) as refused:
        case_services.case_change_phase(
            actor=demo_shared["saksbehandler"], case_id=case.pk, from_phase=Phase.P3, to_phase=Phase.P2
        )
    assert str(Phase.P4.label) in refused.value.messages[0]
    assert Case.objects.get(pk=case.pk).phase == Phase.P4, "the other move is not undone"


def test_the_case_page_refuses_a_stale_phase_change_with_a_message(demo_shared: Users) -> None:
    case = _case_to_move(demo_shared)
    url = reverse("cases:phase", kwargs={"case_id": case.pk})
    page = _client(demo_shared["saksbehandler"]).get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    assert 'name="from_phase" value="P3"' in page.content.decode()
    case_services.case_change_phase(
        actor=demo_shared["koordinator"], case_id=case.pk, from_phase=Phase.P3, to_phase=Phase.P4
    )
    response = _client(demo_shared["saksbehandler"]).post(url, {"from_phase": "P3", "to_phase": "P2"}, follow=True)
    assert "The case was not moved: it is now in phase P4" in response.content.decode()
    assert Case.objects.get(pk=case.pk).phase == Phase.P4


# --- consents ---------------------------------------------------------------------------------------------


def _consent() -> Consent:
    consent = Consent.objects.current(timezone.localdate()).filter(person=_case(1).person).order_by("pk").first()
    assert consent is not None
    return consent


def _consent_values(consent: Consent, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "recipients": consent.recipients,
        "categories": consent.categories,
        "purpose": consent.purpose,
        "valid_from": consent.valid_from,
        "valid_to": consent.valid_to,
        "given_by": consent.given_by,
        # A change is given today: the consent rules refuse a date more than a week back.
        "given_on": timezone.localdate(),
        "child_view": consent.child_view,
        "form": consent.form,
        "evidence_note": consent.evidence_note,
        "how_informed": consent.how_informed,
    }
    values.update(overrides)
    return values


def _amend(actor: User, consent: Consent, version: int, **overrides: object) -> Consent:
    from utvei.accounts.models import Organisation

    values = _consent_values(consent, **overrides)
    recipients = list(Organisation.objects.filter(pk__in=values.pop("recipients")))  # type: ignore[misc]
    return sharing_services.consent_amend(
        actor=actor,
        consent_id=consent.pk,
        recipients=recipients,
        expected_version=version,
        **values,  # type: ignore[arg-type]
    )


def test_a_consent_changed_on_an_older_version_is_refused(demo_shared: Users) -> None:
    consent = _consent()
    actor = User.objects.get(pk=consent.recorded_by_id)
    newer = _amend(actor, consent, consent.version, valid_to=consent.valid_to - timedelta(days=10))
    with pytest.raises(EditConflict):
        _amend(actor, newer, consent.version, valid_to=consent.valid_to - timedelta(days=20))
    with pytest.raises(EditConflict):  # the old row itself can no longer be changed
        _amend(actor, consent, consent.version, valid_to=consent.valid_to - timedelta(days=20))
    assert Consent.objects.filter(previous=newer).count() == 0


def test_a_withdrawal_confirmed_on_an_older_version_is_refused(demo_shared: Users) -> None:
    consent = _consent()
    actor = User.objects.get(pk=consent.recorded_by_id)
    newer = _amend(actor, consent, consent.version, valid_to=consent.valid_to - timedelta(days=10))
    with pytest.raises(EditConflict):
        sharing_services.consent_withdraw(actor=actor, consent_id=newer.pk, expected_version=consent.version)
    assert Consent.objects.get(pk=newer.pk).withdrawn_at is None
    sharing_services.consent_withdraw(actor=actor, consent_id=newer.pk, expected_version=newer.version)
    assert Consent.objects.get(pk=newer.pk).withdrawn_at is not None


def test_the_consent_page_answers_a_change_made_on_an_older_version_with_409(demo_shared: Users) -> None:
    consent = _consent()
    actor = User.objects.get(pk=consent.recorded_by_id)
    url = reverse("sharing:consent_change", kwargs={"case_id": _case(1).pk, "consent_id": consent.pk})
    mine = "Skriftlig samtykke, arkivert i sak 2026/14."
    data = _post_data(_consent_values(consent, evidence_note=mine))

    def other_saves() -> None:
        _amend(actor, consent, consent.version, evidence_note="Muntlig samtykke i samtale.")

    html, refused, again = _conflict_then_resave(_client(actor), url, data, other_saves)
    assert refused == 409
    _assert_conflict_page(html, yours=mine, old=consent.evidence_note, current="Muntlig samtykke i samtale.")
    assert again == 303
    latest = Consent.objects.get(previous__previous=consent)
    assert (latest.evidence_note, latest.version) == (mine, consent.version + 2)


def test_the_withdrawal_page_answers_a_withdrawal_of_an_older_version_with_409(demo_shared: Users) -> None:
    consent = _consent()
    actor = User.objects.get(pk=consent.recorded_by_id)
    url = reverse("sharing:consent_withdraw", kwargs={"case_id": _case(1).pk, "consent_id": consent.pk})
    shorter = consent.valid_to - timedelta(days=30)

    def other_saves() -> None:
        _amend(actor, consent, consent.version, valid_to=shorter)

    html, refused, again = _conflict_then_resave(_client(actor), url, {"confirm": "on"}, other_saves)
    assert refused == 409
    panel = html.split('class="ds-alert utvei-conflict"', 1)[1].split("</section>", 1)[0]
    assert "Valid to" in panel or "valid to" in panel.lower()
    assert again == 303
    newest = Consent.objects.get(previous=consent)
    assert newest.withdrawn_at is not None and newest.valid_to == shorter
