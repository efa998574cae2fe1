"""The words of the decision: labels, citations and the warnings, all through gettext.

Each function speaks the active language (the engine switches to Bokmål and to English in turn). Dates are
formatted by the locale's short date format, never by hand. Citations come from the legal references the
lookup found; no section number is written here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from utvei.access.categories import Category
from utvei.sharing.decision.facts import LegalReference, Notice, OtherRecipient, Purpose, Recipient

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PURPOSE_LABELS: dict[Purpose, StrOrPromise] = {
    Purpose.COORDINATION: gettext_lazy("coordination"),
    Purpose.INDIVIDUAL_PLAN: gettext_lazy("individual plan"),
    Purpose.RESTORATIVE_PROCESS: gettext_lazy("restorative process"),
    Purpose.SECURITY: gettext_lazy("security"),
    Purpose.REPORT_CONCERN: gettext_lazy("report of concern"),
    Purpose.CONSULTATION: gettext_lazy("consultation"),
}
OTHER_RECIPIENT_LABELS: dict[OtherRecipient, StrOrPromise] = {
    OtherRecipient.PRIVATE_PERSON: gettext_lazy("a private person"),
    OtherRecipient.ANYONE: gettext_lazy("anyone who can act"),
}


def day_label(value: date) -> str:
    """Give a date in the active locale's short format."""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def purpose_label(purpose: Purpose) -> str:
    """Give a purpose in the active language."""
    return str(PURPOSE_LABELS[purpose])


def recipient_label(recipient: Recipient) -> str:
    """Give a kind of recipient in the active language."""
    if isinstance(recipient, OtherRecipient):
        return str(OTHER_RECIPIENT_LABELS[recipient])
    return str(recipient.label)


def categories_label(categories: Iterable[Category]) -> str:
    """Give categories by name, in the catalogue's order, in the active language."""
    wanted = set(categories)
    return ", ".join(str(category.label) for category in Category if category in wanted)


def title(reference: LegalReference) -> str:
    """Give a reference's title with its citation, in the active language."""
    language = translation.get_language() or "nb"
    text = reference.title_en if language.startswith("en") else reference.title_nb
    citation = reference.citation()
    return f"{text} ({citation})" if citation else text


def notice(rule: str, text: StrOrPromise) -> Notice:
    """Build a warning in both languages from one translatable text."""
    with translation.override("nb"):
        nb = str(text)
    with translation.override("en"):
        en = str(text)
    return Notice(rule, nb, en)


R14 = gettext_lazy(
    "Nav and the social services share under their own acts: only what is necessary for their own tasks, or to "
    "prevent substantial danger to life or serious harm to someone's health. The general rights to share for one's "
    "own tasks or about offences do not apply."
)
R14_CHILD_WELFARE = gettext_lazy(
    "Child welfare shares under the child welfare act's own, stricter rules: only what is necessary for child "
    "welfare's tasks, or to prevent substantial danger to life or serious harm to health. The general rights to "
    "share for one's own tasks or about offences do not apply."
)
R15_LIMITS = gettext_lazy(
    "Health personnel may share only with consent, under the health personnel act's own rules, or when a duty "
    "applies (to avert, to help, to inform child welfare)."
)
R15_TELL = gettext_lazy("As a rule the patient must be told what was shared and with whom.")
R15_NOT_AUTHORISED = gettext_lazy(
    "You work under the health rules, but no professional status as authorised health personnel is confirmed for "
    "you, so the health personnel's own rights to share are not offered. Your administrator confirms it."
)
R16 = gettext_lazy(
    "Share only what is necessary, and only with those who can avert the danger. Record why anonymised information "
    "was not enough."
)
R19_CONSENT = gettext_lazy(
    "The person is under 18: record who consented (the person, the guardians or both) and the child's own view. The "
    "age at which a young person consents alone depends on the kind of information."
)
R19_INFORM = gettext_lazy(
    "Conditions of the duty to inform child welfare are marked: the child welfare service must be informed too."
)
R20 = gettext_lazy("Record only that a classified briefing took place, never its content.")
R21 = gettext_lazy(
    "Recorded as shared by the police under their rules, summary only. No police-register content is stored in Utvei."
)
S8 = gettext_lazy(
    "The duty to avert is personal and cannot be overruled by the team. Involve a leader if time allows, and tell "
    "the person nothing that could stop the offence being averted."
)
S15 = gettext_lazy("In acute danger: call 112 first. Record the channel, the reference and when you knew.")


def conditions_text(letters: Iterable[str]) -> str:
    """Name the conditions a–d that hold, in the active language."""
    return _("conditions %(letters)s") % {"letters": ", ".join(sorted(letters))}
