"""The named rules of exit work (domain research §9), as pure functions the services and pages use.

E = enforced (a service refuses), W = warning shown on the case page. Each rule's id is in its docstring
and in the test that covers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from utvei.cases.models import Case, Phase, SecurityAssessment
from utvei.core.wording import REVEALING_WORDS as REVEALING_WORDS  # re-exported: the rule R27 lives here
from utvei.core.wording import matches
from utvei.core.wording import revealing_words as revealing_words

ORDER = [p.value for p in Phase]


def security_assessment_errors(answer: str, assessed_by: str, assessed_on: date | None) -> dict[str, str]:
    """Check the R04 answer (E): required, and by whom and when if assessed."""
    errors: dict[str, str] = {}
    if answer not in SecurityAssessment.values:
        errors["security_assessment"] = _(
            "Answer whether it has been assessed that the person may be a security threat."
        )
    elif answer == SecurityAssessment.ASSESSED:
        if not assessed_by.strip():
            errors["security_assessed_by"] = _("Write who made the assessment.")
        if assessed_on is None:
            errors["security_assessed_on"] = _("Give the date of the assessment.")
        elif assessed_on > timezone.localdate():
            errors["security_assessed_on"] = _("The date cannot be in the future.")
    return errors


def allowed_targets(case: Case) -> list[str]:
    """List the phases an open case may move to by a phase change.

    Forward one step at a time; back to any earlier working phase (P1–P7), e.g. after a relapse; P7 may
    return to P6. Closure (P8) has its own form; P9 only follows a closed case.
    """
    if not case.is_open:
        return [Phase.P9] if case.phase == Phase.P8 else []
    index = ORDER.index(case.phase)
    targets = [ORDER[index + 1]] if index + 1 < ORDER.index(Phase.P8) else []
    # The next phase first (the usual move), then earlier phases, nearest first.
    targets += [p for p in reversed(ORDER[1:index]) if p != case.phase]
    return targets


def phase_transition_problem(case: Case, to_phase: str, *, has_exit_coordinator: bool) -> str:
    """Explain why a phase change is refused, or return "" when it is allowed (R01 E)."""
    if to_phase not in Phase.values:
        return _("Unknown phase.")
    if to_phase == Phase.P8:
        return _("Close the case with the closure form: it asks for a reason, the outcome and the hand-over.")
    if to_phase not in allowed_targets(case):
        return _("A case in %(current)s cannot move to %(target)s.") % {
            "current": case.get_phase_display(),
            "target": Phase(to_phase).label,
        }
    if ORDER.index(to_phase) >= ORDER.index(Phase.P3) and not has_exit_coordinator and case.is_open:
        return _("Name an exit coordinator on the team before contact and conversations start (P3).")
    return ""


@dataclass(frozen=True)
class Warning:
    """Hold one rule warning shown on the case page."""

    rule: str
    message: str


def case_warnings(
    case: Case,
    *,
    has_exit_coordinator: bool,
    has_police_contact: bool,
    members_without_task: list[str],
    conversations: int,
    has_contact_plan: bool,
    consulted_after_first: bool,
    relapses: int,
    is_prison_case: bool = False,
    has_correctional_member: bool = False,
) -> list[Warning]:
    """Collect the warnings (W rules, and E rules not yet met) for an open case."""
    if not case.is_open:
        return []
    warnings: list[Warning] = []
    if not has_exit_coordinator:
        warnings.append(Warning("R01", _("No exit coordinator is named. One is required before phase P3.")))
    if members_without_task:
        warnings.append(
            Warning(
                "R02", _("Team members without an agreed task: %(names)s.") % {"names": ", ".join(members_without_task)}
            )
        )
    if not has_police_contact and not case.police_not_involved_reason:
        warnings.append(
            Warning(
                "R03",
                _(
                    "The police radicalisation contact is not on the team. As a rule they "
                    "should be involved; add them or record why not."
                ),
            )
        )
    if conversations == 0 and not has_contact_plan:
        warnings.append(
            Warning(
                "R35",
                _(
                    "There is no contact yet. Make a contact plan: who initiates, how, who "
                    "attends, interpreter and preparation."
                ),
            )
        )
    if conversations > 0 and not consulted_after_first:
        warnings.append(
            Warning(
                "R05",
                _(
                    "After the first conversation, discuss next steps with your supervisor or "
                    "a partner agency and record the decision."
                ),
            )
        )
    if case.person.is_minor:
        warnings.append(
            Warning(
                "R19",
                _(
                    "The person is under 18. Guardians must be involved, and the duty to "
                    "inform child welfare applies when its conditions are met."
                ),
            )
        )
    if is_prison_case and not has_correctional_member:
        warnings.append(
            Warning(
                "R36",
                _(
                    "The person is or has been in prison. Start planning the return to the "
                    "community early in the sentence, and bring the correctional service into "
                    "the team."
                ),
            )
        )
    if relapses:
        warnings.append(
            Warning("R29", _("A relapse is recorded. Revisit the relapse plan with the person; the case stays open."))
        )
    return warnings


# R18: words in a note that may mean a duty to act. Matched case-insensitively at word starts, so inflected
# forms are caught ("våpenet", "drepte"). A hit only shows guidance; it never blocks or reports anything.
DUTY_TRIGGER_WORDS = (
    "våpen",
    "gevær",
    "pistol",
    "kniv",
    "bombe",
    "sprengstoff",
    "eksplosiv",
    "angrep",
    "terror",
    "drepe",
    "drap",
    "skyte",
    "skyting",
    "massak",
    "konfliktområde",
    "fremmedkriger",
    "reise til syria",
    "mishandl",
    "overgrep",
    "weapon",
    "gun",
    "explosive",
    "attack",
    "kill",
    "shoot",
    "conflict zone",
    "foreign fighter",
    "abuse",
)


def duty_trigger_matches(text: str) -> list[str]:
    """List the duty-trigger words found in a note (R18 W)."""
    return matches(text, DUTY_TRIGGER_WORDS)


def duty_trigger_guidance(matches: list[str]) -> str:
    """Explain the escalation route when a note mentions duty-trigger words (R18 W)."""
    return _(
        "The text mentions «%(words)s». If you fear a serious offence or danger to someone's life or health, "
        "use «Report a serious concern» on the case page: call 112 if it is acute; the duty to avert serious "
        "offences overrides confidentiality; for a child, consider the duty to inform child welfare. The page "
        "names the provisions in force."
    ) % {"words": ", ".join(matches)}


def revealing_guidance(matches: list[str]) -> str:
    """Explain the stigma warning (R27 W)."""
    return _(
        "«%(words)s» may show others what the work is about if this text reaches a calendar, a letter or a "
        "message. Prefer neutral words such as «meeting» or «follow-up»."
    ) % {"words": ", ".join(matches)}
