"""Limits on what a user may type: the length of a text, dates that plan ahead, and phone numbers.

Every text field of every form has a maximum length (``tests/test_form_limits.py`` holds each form to
it), and the encrypted text field refuses anything longer than :data:`FREE_TEXT_MAX` whichever service
writes it, so a 100,000-character reason is refused with a message instead of growing a page without end.
"""

from __future__ import annotations

import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# One line: a name, a title, a reference.
LINE_MAX = 200
# A note, a reason, a description: a few paragraphs.
TEXT_MAX = 4000
# The longest free text a form takes: minutes of a meeting, the notes of a conversation.
FREE_TEXT_MAX = 10000
# Phone numbers are stored in the international format (E.164 is at most 16 characters with the "+").
PHONE_MAX = 32
PHONE_REGION = "NO"


def too_long_message(limit: int, length: int) -> str:
    """Give the message for a text of ``length`` characters over its ``limit``."""
    return _("The text is too long: it has %(length)s characters, and at most %(limit)s are allowed.") % {
        "length": formats.number_format(length, force_grouping=True),
        "limit": formats.number_format(limit, force_grouping=True),
    }


def limit_help(limit: int) -> str:
    """Give the help sentence that states a text field's limit (shown also without JavaScript)."""
    return _("At most %(limit)s characters.") % {"limit": formats.number_format(limit, force_grouping=True)}


def refuse_past(value: datetime.date | None) -> None:
    """Validate that a date that plans ahead is today or later.

    :raises ValidationError: the date is before today (code ``past``).
    """
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day < timezone.localdate():
        raise ValidationError(_("Choose today or a later date: this date plans ahead."), code="past")


def normalise_phone(raw: str) -> str:
    """Give a phone number in the international format (+47 ...), or "" for a blank one.

    Numbers without a country code are read as Norwegian.

    :raises ValidationError: the text is not a valid phone number (code ``phone``).
    """
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_phone_message(), code="phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_phone_message(), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _phone_message() -> str:
    return _("Enter a valid phone number, for example 912 34 567 or +46 70 123 45 67.")
