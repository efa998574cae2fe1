"""The named rules of first contact and conversations, as pure functions (no database access).

R05 (W): after the first conversation, record a discussion with a supervisor or partner agency on how to
proceed; it may be an anonymised consultation (fvl. § 13 a nr. 2), whose summary :func:`anonymise` builds.
R35 (W): prepare first contact (who attends, interpreter, family and network) and tell the person the
worker's mandate, confidentiality and duty to report (utveier.no).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from django.utils.translation import gettext as _

from utvei.cases.models import Person

REMOVED = "[fjernet]"

_ADJACENT_MARKERS = re.compile(rf"{re.escape(REMOVED)}(?:[ \t]+{re.escape(REMOVED)})+")
# An 11-digit number, also written 6 + 5 as national identity numbers often are ("010203 12345").
_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{6}[ .-]?\d{5}(?!\d)")

_MONTHS = (
    ("januar", "january"),
    ("februar", "february"),
    ("mars", "march"),
    ("april", "april"),
    ("mai", "may"),
    ("juni", "june"),
    ("juli", "july"),
    ("august", "august"),
    ("september", "september"),
    ("oktober", "october"),
    ("november", "november"),
    ("desember", "december"),
)
# Shorter fragments than this are not removed on their own: they would strip ordinary words.
_MIN_FRAGMENT = 2


def first_conversation_warnings(
    *, is_first: bool, told_mandate: bool, told_confidentiality: bool, told_reporting_duty: bool
) -> list[str]:
    """Warn when the first conversation records none of mandate, confidentiality and
    reporting duty as told (rule R35/utveier, W: allowed, but shown on the page)."""
    if not is_first or told_mandate or told_confidentiality or told_reporting_duty:
        return []
    return [
        _(
            "Tell the person the mandate, confidentiality and reporting duty. None of the three is "
            "recorded as told in the first conversation."
        )
    ]


def contains_identity_number(text: str) -> bool:
    """Tell whether the text holds an 11-digit number (a possible national identity number)."""
    return _ELEVEN_DIGITS.search(text) is not None


def _bounded(pattern: str) -> str:
    # Letters and digits on either side mean the match is part of a longer word or number.
    return rf"(?<!\w){pattern}(?!\w)"


def _words(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())


def _name_patterns(names: Iterable[str]) -> list[str]:
    fragments: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if len(name) < _MIN_FRAGMENT:
            continue
        fragments.add(name)
        # Each given name, and each part of a double name ("Anne-Lise", "Berg Hansen"), identifies too.
        fragments.update(part for part in name.split() if len(part) >= _MIN_FRAGMENT)
        fragments.update(part for part in re.split(r"[\s-]+", name) if len(part) >= _MIN_FRAGMENT)
    # Longest first, so "Ola Nordmann" becomes one marker rather than two. A genitive -s or ' is kept out.
    return [
        rf"(?<!\w){_words(fragment)}(?:'s|s|')?(?!\w)" for fragment in sorted(fragments, key=lambda f: (-len(f), f))
    ]


def _number_pattern(national_id: str) -> list[str]:
    digits = re.sub(r"\D", "", national_id)
    if len(digits) != 11:
        return []
    return [rf"(?<!\d){digits[:6]}[ .-]?{digits[6:]}(?!\d)"]


def _phone_pattern(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0047"):
        digits = digits[4:]
    elif digits.startswith("47") and len(digits) == 10:
        digits = digits[2:]
    if len(digits) < 5:
        return []
    spaced = r"[\s.-]?".join(digits)
    return [rf"(?<![\d+])(?:(?:\+|00)\s?47[\s.-]?)?{spaced}(?!\d)"]


def _email_pattern(email: str) -> list[str]:
    email = email.strip()
    if "@" not in email:
        return []
    return [rf"(?<![\w.+-]){re.escape(email)}(?![\w-])"]


def _address_patterns(address: str) -> list[str]:
    fragments: set[str] = set()
    for line in re.split(r"[\n,;]+", address):
        line = " ".join(line.split())
        if len(line) <= _MIN_FRAGMENT:
            continue
        fragments.add(line)
        # "Storgata 12 B" is also written as just "Storgata"; "0123 Oslo" as just "0123".
        street = re.match(r"^(\D{3,}?)\s+\d+\s*\w?$", line)
        if street:
            fragments.add(street.group(1))
        postcode = re.match(r"^(\d{4})\s+\S", line)
        if postcode:
            fragments.add(postcode.group(1))
    return [_bounded(_words(f)) for f in sorted(fragments, key=lambda f: (-len(f), f))]


def _birth_date_patterns(born: date) -> list[str]:
    d, m, y = born.day, born.month, born.year
    nb_month, en_month = _MONTHS[m - 1]
    return [
        # dd.mm.yyyy and d.m.yyyy (also with / or -), and two-digit years.
        rf"(?<!\d)0?{d}[./-]0?{m}[./-](?:{y}|{y % 100:02d})(?![\d])",
        # yyyy-mm-dd
        rf"(?<!\d){y}-0?{m}-0?{d}(?!\d)",
        # ddmmyy, the first half of a national identity number.
        rf"(?<!\d){d:02d}{m:02d}{y % 100:02d}(?!\d)",
        # "3. mars 2008", "3 March 2008", "March 3, 2008".
        rf"(?<!\d)0?{d}\.?\s+(?:{nb_month}|{en_month})\s+{y}(?!\d)",
        rf"(?<!\w){en_month}\s+0?{d},?\s+{y}(?!\d)",
    ]


def anonymise(text: str, person: Person, *, extra_names: Sequence[str] = ()) -> str:
    """Replace what identifies ``person`` in ``text`` with "[fjernet]" (R05, fvl. § 13 a nr. 2).

    It removes the full name and each given and family name (also in the genitive), the national identity
    number, phone number, e-mail address, address lines (and street name or postcode alone) and the birth
    date in the usual formats, case-insensitively and only as whole words; ``extra_names`` (e.g. guardians)
    are removed like the person's names. Callers must still refuse text that holds an 11-digit number
    (:func:`contains_identity_number`): a number of someone else identifies too.
    """
    full_name = f"{person.given_name} {person.family_name}"
    patterns = [
        *_number_pattern(person.national_id),
        *_phone_pattern(person.phone),
        *_email_pattern(person.email),
        *(_birth_date_patterns(person.birth_date) if person.birth_date else []),
        *_address_patterns(person.address or ""),
        *_name_patterns([full_name, person.given_name, person.family_name, *extra_names]),
    ]
    for pattern in patterns:
        text = re.sub(pattern, REMOVED, text, flags=re.IGNORECASE)
    # "Ola [fjernet]" as "[fjernet] [fjernet]" would still tell how many names there were.
    return _ADJACENT_MARKERS.sub(REMOVED, text)
