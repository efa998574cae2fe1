"""The authorization oracle: for every URL, method and demo user, the expected answer.

Written by hand, separately from the policy code, from DOMAIN.md's roles table. The demo world
(utvei.accounts.demo) has three cases, all owned by Demo kommune and opened by `saksbehandler`:
case1 team: koordinator, politikontakt, nav, skole, mentor, helse; case2 team: koordinator, barnevern;
case3 team: slt. `nabo` works in another municipality and is on no team. `personvern` (data protection
officer) and `admin` see no case content.

Answers: an HTTP status, or LOGIN for a redirect to the login page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOGIN = "login"

USERS = [
    "anonymous",
    "saksbehandler",
    "koordinator",
    "slt",
    "politikontakt",
    "mentor",
    "skole",
    "barnevern",
    "nav",
    "helse",
    "personvern",
    "admin",
    "nabo",
]
CASE_ROLES = [
    "saksbehandler",
    "koordinator",
    "slt",
    "politikontakt",
    "mentor",
    "skole",
    "barnevern",
    "nav",
    "helse",
    "nabo",
]
CASE1_TEAM = {"saksbehandler", "koordinator", "politikontakt", "nav", "skole", "mentor", "helse"}
CASE2_TEAM = {"saksbehandler", "koordinator", "barnevern"}
CASE3_TEAM = {"saksbehandler", "slt"}


@dataclass(frozen=True)
class Row:
    """Hold one URL and method with the expected answer for every user."""

    name: str
    method: str
    expect: dict[str, int | str]
    kwargs: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)


def everyone(answer: int | str, *, anonymous: int | str = LOGIN, **overrides: int | str) -> dict[str, int | str]:
    """Give every logged-in user ``answer``, the anonymous visitor ``anonymous``."""
    table: dict[str, int | str] = dict.fromkeys(USERS, answer)
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


def only(allowed: dict[str, int | str], *, others: int | str = 403) -> dict[str, int | str]:
    """Give ``others`` to every logged-in user not named in ``allowed``."""
    return everyone(others) | allowed


def case_view(team: set[str]) -> dict[str, int | str]:
    """Allow a case's team, hide it (404) from other case roles, refuse non-case roles."""
    table = everyone(403)
    for user in CASE_ROLES:
        table[user] = 200 if user in team else 404
    return table


CREATORS = {"saksbehandler", "koordinator", "slt", "nabo"}  # case roles that may open cases
CASE1_EDITORS = {"saksbehandler", "koordinator"}
CASE3_EDITORS = {"saksbehandler", "slt"}


def creators(answer: int | str, *, nabo: int | str | None = None) -> dict[str, int | str]:
    """Give ``answer`` to users who may open cases and 403 to every other role."""
    table = only(dict.fromkeys(CREATORS, answer))
    if nabo is not None:
        table["nabo"] = nabo
    return table


def case_edit(editors: set[str]) -> dict[str, int | str]:
    """Allow a case's editors and answer 404 to every other case role (even team readers)."""
    return case_view(editors)


BASE_ROWS: list[Row] = [
    Row("home", "GET", everyone(302)),
    Row("health", "GET", everyone(200, anonymous=200)),
    Row("set_language", "POST", everyone(302, anonymous=302), data={"language": "en", "next": "/"}),
    Row("set_language", "GET", everyone(405, anonymous=405)),
    Row("accounts:login", "GET", everyone(302, anonymous=200)),
    Row("accounts:otp", "GET", everyone(302)),
    Row("accounts:otp_enrol", "GET", everyone(200)),
    Row("accounts:enrolment_link", "GET", everyone(404, anonymous=404), kwargs={"token": "literal:not-a-token"}),
    Row("accounts:passkey_register_begin", "POST", everyone(200)),
    Row("accounts:passkey_register_begin", "GET", everyone(405)),
    Row("accounts:passkey_register_complete", "POST", everyone(422)),
    Row("accounts:passkey_verify_begin", "POST", everyone(404)),
    Row("accounts:passkey_verify_complete", "POST", everyone(422)),
    Row("accounts:logout", "POST", everyone(302)),
    Row("accounts:logout", "GET", everyone(405)),
    Row("accounts:account", "GET", everyone(200)),
    Row("accounts:keepalive", "POST", everyone(204)),
    Row("accounts:keepalive", "GET", everyone(405)),
    Row("accounts:user_list", "GET", only({"admin": 200})),
    Row("accounts:user_create", "GET", only({"admin": 200})),
    Row("accounts:user_create", "POST", only({"admin": 422})),
    Row("accounts:user_detail", "GET", only({"admin": 200}), kwargs={"user_id": "user:mentor"}),
    Row("accounts:user_detail", "GET", only({"admin": 404}), kwargs={"user_id": "user:nabo"}),
    Row(
        "accounts:user_detail",
        "POST",
        only({"admin": 404}),
        kwargs={"user_id": "user:nabo"},
        data={"action": "deactivate"},
    ),
    Row("cases:dashboard", "GET", only(dict.fromkeys(CASE_ROLES, 200))),
    Row("cases:detail", "GET", case_view(CASE1_TEAM), kwargs={"case_id": "case:1"}),
    Row("cases:detail", "GET", case_view(CASE2_TEAM), kwargs={"case_id": "case:2"}),
    Row("cases:detail", "GET", case_view(CASE3_TEAM), kwargs={"case_id": "case:3"}),
    Row("cases:detail", "GET", case_view(set()), kwargs={"case_id": "case:missing"}),
    # The workspace's tabs. A narrow (mentor) seat has the plan tab only: no conversations, network or
    # sharing tab (R26); a tab that does not exist is not found.
    Row("cases:tab", "GET", case_view(CASE1_TEAM), kwargs={"case_id": "case:1", "tab": "plan"}),
    Row("cases:tab", "GET", case_view(CASE1_TEAM - {"mentor"}), kwargs={"case_id": "case:1", "tab": "conversations"}),
    Row("cases:tab", "GET", case_view(CASE1_TEAM - {"mentor"}), kwargs={"case_id": "case:1", "tab": "sharing"}),
    Row("cases:tab", "GET", case_view(CASE2_TEAM), kwargs={"case_id": "case:2", "tab": "sharing"}),
    # The network tab: the case's editors, and NAV through the demo consent for category "network".
    Row("cases:tab", "GET", case_view(CASE1_EDITORS | {"nav"}), kwargs={"case_id": "case:1", "tab": "network"}),
    Row("cases:tab", "GET", case_view(set()), kwargs={"case_id": "case:1", "tab": "nonsense"}),
    Row("cases:tab", "GET", case_view(set()), kwargs={"case_id": "case:1", "tab": "overview"}),
]

CASE_ROWS: list[Row] = [
    Row("cases:referral_new", "GET", creators(200)),
    Row("cases:referral_new", "POST", creators(422), data={"step": "search"}),
    Row("cases:case_new_for_person", "GET", creators(200, nabo=404), kwargs={"person_id": "person:1"}),
    Row(
        "cases:phase",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 302),
        kwargs={"case_id": "case:1"},
        data={"to_phase": "P7"},
    ),
    Row("cases:close", "GET", case_edit(CASE1_EDITORS), kwargs={"case_id": "case:1"}),
    Row(
        "cases:close",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 422),
        kwargs={"case_id": "case:1"},
    ),
    Row("cases:team_add", "GET", case_edit(CASE1_EDITORS), kwargs={"case_id": "case:1"}),
    Row("cases:team_task", "GET", case_edit(CASE1_EDITORS), kwargs={"seat_id": "seat:1"}),
    # Without the version the form was loaded with, a save is a conflict (409), never an overwrite.
    Row(
        "cases:team_task",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 409),
        kwargs={"seat_id": "seat:1"},
        data={"task": "Ny oppgave"},
    ),
    Row("cases:police_reason", "GET", case_edit(CASE3_EDITORS), kwargs={"case_id": "case:3"}),
    Row("cases:advice", "GET", case_view(CASE3_TEAM), kwargs={"case_id": "case:3"}),
    Row("cases:relapse", "GET", case_edit(CASE1_EDITORS), kwargs={"case_id": "case:1"}),
    Row("cases:task_new", "GET", case_edit(CASE1_EDITORS), kwargs={"case_id": "case:1"}),
    Row(
        "cases:task_done",
        "POST",
        case_edit(CASE1_EDITORS) | dict.fromkeys(CASE1_EDITORS, 302),
        kwargs={"task_id": "task:1"},
    ),
    Row("sharing:escalate", "GET", case_view(CASE1_TEAM), kwargs={"case_id": "case:1"}),
    Row(
        "sharing:escalate",
        "POST",
        case_view(CASE1_TEAM) | dict.fromkeys(CASE1_TEAM, 422),
        kwargs={"case_id": "case:1"},
    ),
    Row("cases:concerns", "GET", creators(200)),
    Row("drafts", "GET", everyone(200)),
    Row("drafts", "POST", everyone(400)),
]


def _extra_rows() -> list[Row]:
    # Imported here: those modules import helpers from this one.
    from tests.access import (
        matrix_attachments,
        matrix_breakglass,
        matrix_contacts,
        matrix_correct,
        matrix_erasure,
        matrix_lane,
        matrix_mentoring,
        matrix_network,
        matrix_notifications,
        matrix_oidc,
        matrix_planinline,
        matrix_plans,
        matrix_portal,
        matrix_privacy,
        matrix_sharing,
        matrix_worklist,
    )

    return (
        matrix_contacts.ROWS
        + matrix_worklist.ROWS
        + matrix_sharing.ROWS
        + matrix_plans.ROWS
        + matrix_mentoring.ROWS
        + matrix_network.ROWS
        + matrix_privacy.ROWS
        + matrix_attachments.ROWS
        + matrix_erasure.ROWS
        + matrix_breakglass.ROWS
        + matrix_notifications.ROWS
        + matrix_oidc.ROWS
        + matrix_lane.ROWS
        + matrix_planinline.ROWS
        + matrix_correct.ROWS
        + matrix_portal.ROWS
    )


MATRIX: list[Row] = BASE_ROWS + CASE_ROWS + _extra_rows()
