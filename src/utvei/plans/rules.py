"""Named rules of the individual plan (R06–R10, R24, R37), as pure functions the services and pages share."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PlanCounts:
    """Hold what R08 looks at, counted over every part of the plan (never what one user sees)."""

    has_wish: bool
    has_coordinator: bool
    participants: int
    goals: int
    measures: int
    measures_without_responsible: int
    has_period: bool
    reviews: int
    has_cooperation: bool
    participants_without_responsibility: int = 0
    exit_coordinator_is_police: bool = False


def missing_elements(counts: PlanCounts) -> list[str]:
    """List the mandatory elements a plan still lacks before it can become active (R08).

    C1 goals, C2 participants, C3 coordinator, C5 measures with a responsible person, C7 plan period and a
    review date, C8 the person's wish. C4 and C9 (contributions, cooperation) are warnings only.
    """
    missing: list[str] = []
    if not counts.has_wish:
        missing.append(str(_("The person's wish for a plan")))
    if not counts.has_coordinator:
        missing.append(str(_("A plan coordinator from the municipality")))
    if counts.participants == 0:
        missing.append(str(_("At least one participating service")))
    if counts.goals == 0:
        missing.append(str(_("At least one goal in the person's own words")))
    if counts.measures == 0:
        missing.append(str(_("At least one measure")))
    if counts.measures_without_responsible:
        missing.append(str(_("A responsible person for every measure")))
    if not counts.has_period:
        missing.append(str(_("The plan period (from and to)")))
    if counts.reviews == 0:
        missing.append(str(_("A review date")))
    return missing


def plan_warnings(counts: PlanCounts) -> list[str]:
    """List what the plan should have but does not require (R08 warnings for C4 and C9)."""
    warnings: list[str] = []
    if not counts.has_cooperation:
        warnings.append(str(_("Describe how the plan works together with other plans and services.")))
    if counts.exit_coordinator_is_police:
        warnings.append(
            str(
                _(
                    "The exit coordinator on this case is from the police. The plan coordinator must be a "
                    "municipal service provider, and the two roles are kept apart."
                )
            )
        )
    if counts.participants_without_responsibility:
        warnings.append(str(_("Every participating service should have its responsibility written down.")))
    return warnings


def is_pupil_age(age: int) -> bool:
    """Tell whether the school's cooperation duty is likely relevant (a person of school age)."""
    return 6 <= age <= 19
