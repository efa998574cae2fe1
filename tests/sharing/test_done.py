"""What "done" means for the sharing decision built on the records, each case named by a test.

The same question asked by a municipal worker, a health worker and a teacher gets three different, correct
answers, because who they are comes from the records (sector, public body, confirmed status), not from a
tick. The other cases of the list are in ``test_consent_rules.py`` (turning 18 under a guardians' consent,
a newer, narrower consent) and ``test_legal_bases.py`` / ``test_decision.py`` (a 2022 child-welfare report).
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.helpers import login_verified
from utvei.accounts.models import Organisation, OrganisationKind, Role, User
from utvei.cases import services as case_services
from utvei.cases.models import Case
from utvei.sharing import selectors

CHILD_WELFARE = "Barnevernstjenesten i Demo kommune"


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _ask(actor: User, case: Case) -> selectors.DecisionView:
    # Emma is a minor with serious behavioural problems (condition c); tell child welfare.
    return selectors.sharing_decision(
        actor=actor,
        case_id=case.pk,
        recipient_organisation=_org(CHILD_WELFARE),
        recipient_kind=OrganisationKind.CHILD_WELFARE,
        categories=["concern"],
        purpose="coordination",
        facts={},
        child_welfare_conditions=["c"],
        language="en",
    )


def _emma_with_health_and_school(demo: dict[str, User]) -> Case:
    case = Case.objects.get(person__given_name="Emma")
    for username, organisation in (("helse", "Demo helsetjeneste"), ("skole", "Demo videregående skole")):
        case_services.team_member_add(
            actor=demo["saksbehandler"],
            case=case,
            user=demo[username],
            organisation=_org(organisation),
            role=Role.TEAM_MEMBER,
            task="Oppfølging",
        )
    return case


def test_done_a_municipal_worker_a_health_worker_and_a_teacher_get_different_correct_answers(
    demo: dict[str, User],
) -> None:
    case = _emma_with_health_and_school(demo)
    municipal, health, teacher = (_ask(demo[name], case) for name in ("saksbehandler", "helse", "skole"))
    # The municipality and its child welfare service are one public body in the register, and the duty applies.
    assert municipal.decision.bases == ("same_organ", "child_welfare_duty")
    assert "barnevernsloven § 13-2" in municipal.explanation
    # Authorised health personnel inform child welfare under their own act.
    assert health.decision.bases == ("child_welfare_duty_health",)
    assert "helsepersonelloven § 33" in health.explanation
    # A teacher does so under the education act.
    assert teacher.decision.bases == ("child_welfare_duty_school",)
    assert "opplæringslova (2023)" in teacher.explanation
    # What each answer rested on is shown with its source: the confirmed status differs, nothing was ticked.
    status = {
        name: {fact.value for fact in view.derived} for name, view in [("municipal", municipal), ("health", health)]
    }
    assert any("HPR 9000001" in value for value in status["health"])
    assert not any("HPR" in value for value in status["municipal"])


def test_done_the_sharing_page_shows_what_it_derived_and_from_where(demo: dict[str, User]) -> None:
    case = _emma_with_health_and_school(demo)
    client = login_verified(Client(), demo["helse"])
    html = client.get(reverse("sharing:share", kwargs={"case_id": case.pk}), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    derived = html[html.index("data-derived") : html.index("</dl>", html.index("data-derived"))]
    assert "HPR 9000001" in derived and "Demo helsetjeneste" in derived
    assert "the organisation register" in derived or "organisasjonsregisteret" in derived
    # The page asks the weighty-interests judgement of authorised health personnel, and no "same organ" tick.
    assert 'name="weighty_reasons"' in html and "same_organ" not in html and "discloser_is_health" not in html
