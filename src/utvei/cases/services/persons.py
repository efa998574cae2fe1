"""Persons: registering the data subject of a case, with the national identity number checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as NumberError
from stdnum.no import fodselsnummer

from utvei.access import policy
from utvei.access.categories import Field
from utvei.access.permissions import Perm, has_perm
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import Membership, Organisation, User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import (
    Guardian,
    Person,
)
from utvei.cases.services._common import lock_case_for_update
from utvei.cases.services.revisions import revision_apply
from utvei.core.cipher import NATIONAL_ID_INDEX, blind_index, blind_indexes
from utvei.core.limits import normalise_phone
from utvei.core.text import require_plain


def normalise_national_id(raw: str) -> str:
    """Validate a fødselsnummer or D-number and return its 11 digits ("" when blank).

    :raises ValidationError: the number has the wrong length, a bad date or wrong check digits.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return str(fodselsnummer.validate(raw))
    except NumberError as exc:
        raise ValidationError(
            {
                "national_id": _("This is not a valid Norwegian national identity number or D-number: %(reason)s")
                % {"reason": _("check the 11 digits")}
            }
        ) from exc


def national_id_matches(number: str, birth_date: date) -> bool:
    """Tell whether a valid number carries ``birth_date`` (a D-number carries it too, shifted)."""
    return bool(fodselsnummer.get_birth_date(number) == birth_date)


def _phone_errors(phone: str, guardians: Sequence[GuardianInput]) -> tuple[dict[str, str], str, list[str]]:
    errors: dict[str, str] = {}
    try:
        phone = normalise_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    guardian_phones: list[str] = []
    for guardian in guardians:
        try:
            guardian_phones.append(normalise_phone(guardian.phone))
        except ValidationError as exc:
            errors["guardian_phone"] = exc.messages[0]
            guardian_phones.append(guardian.phone)
    return errors, phone, guardian_phones


def national_id_indexes(number: str) -> list[str]:
    """Give the blind indexes a stored number may carry (one per configured index key; [] when blank)."""
    return blind_indexes(number, purpose=NATIONAL_ID_INDEX)


@dataclass(frozen=True)
class GuardianInput:
    """Carry one guardian of a minor into :func:`person_create`."""

    name: str
    relation: str
    phone: str = ""
    national_id: str = ""


def person_create(
    *,
    actor: User,
    organisation: Organisation,
    given_name: str,
    family_name: str,
    birth_date: date,
    national_id: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    language: str = "",
    interpreter_needed: bool = False,
    protected_address: str = "",
    guardians: Sequence[GuardianInput] = (),
) -> Person:
    """Register a person, refusing a national identity number the organisation has already registered.

    Each registering organisation keeps its own record of a person; the number is stored encrypted and
    compared through its blind index only, so a number held by another organisation reveals nothing.

    The actor must act for ``organisation`` in a role that may open cases. A minor must have at least one
    guardian recorded.

    :raises NotFound: the actor does not act for the organisation.
    :raises ValidationError: a bad or duplicate number, a birth date in the future, or a minor without guardians.
    """
    with transaction.atomic():
        if (
            not has_perm(actor, Perm.CASE_CREATE)
            or not Membership.objects.active().filter(user=actor, organisation=organisation).exists()
        ):
            raise NotFound(Organisation._meta.label, organisation.pk)
        require_plain(
            given_name=given_name,
            family_name=family_name,
            language=language,
            guardian_name=[g.name for g in guardians],
            guardian_relation=[g.relation for g in guardians],
        )
        # Every check runs before any is reported, so the user sees all that is wrong at once.
        errors, phone, guardian_phones = _phone_errors(phone, guardians)
        try:
            number = normalise_national_id(national_id)
        except ValidationError as exc:
            errors |= {name: messages[0] for name, messages in exc.message_dict.items()}
            number = ""
        if birth_date > timezone.localdate():
            errors["birth_date"] = _("The birth date cannot be in the future.")
        if number and not national_id_matches(number, birth_date):
            errors["national_id"] = _("The number does not match the birth date.")
        indexes = national_id_indexes(number)
        if indexes and Person.objects.filter(registered_by=organisation, national_id_index__in=indexes).exists():
            errors["national_id"] = _("A person with this number is already registered. Search for them instead.")
        person = Person(
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            birth_date=birth_date,
            national_id=number,
            national_id_index=blind_index(number, purpose=NATIONAL_ID_INDEX),
            phone=phone,
            email=email.strip(),
            address=address.strip(),
            language=language.strip(),
            interpreter_needed=interpreter_needed,
            protected_address=protected_address,
            registered_by=organisation,
        )
        guardian_numbers: list[str] = []
        for guardian in guardians:
            try:
                guardian_numbers.append(normalise_national_id(guardian.national_id))
            except ValidationError:
                errors["guardian_national_id"] = _(
                    "The guardian's number is not a valid Norwegian national identity number or D-number: check "
                    "the 11 digits."
                )
                guardian_numbers.append("")
            if guardian_numbers[-1] and guardian_numbers[-1] == number:
                errors["guardian_national_id"] = _("The guardian's number is the person's own number.")
        if person.is_minor and not guardians:
            errors["guardians"] = _("Record at least one guardian for a person under 18.")
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:  # two users registering the same number at once
            raise ValidationError({"national_id": _("A person with this number is already registered.")}) from exc
        for guardian, guardian_phone, guardian_number in zip(guardians, guardian_phones, guardian_numbers, strict=True):
            Guardian.objects.create(
                person=person,
                name=guardian.name,
                relation=guardian.relation,
                phone=guardian_phone,
                national_id=guardian_number,
                national_id_index=blind_index(guardian_number, purpose=NATIONAL_ID_INDEX),
            )
        record(
            actor=actor,
            event=AuditEvent.CREATE,
            target=person,
            person_id=person.pk,
            organisation_id=organisation.pk,
            changed_fields=[
                "given_name",
                "family_name",
                "birth_date",
                "national_id",
                "phone",
                "email",
                "address",
                "language",
                "interpreter_needed",
                "protected_address",
                *(["guardians"] if guardians else []),
            ],
        )
    return person


def person_correct_contact(
    *,
    actor: User,
    case_id: int,
    phone: str,
    email: str,
    address: str | None,
    language: str,
    interpreter_needed: bool,
) -> Person:
    """Correct the contact details of a case's person; the earlier values are kept as a revision (art. 16).

    The actor must be allowed to change the case and its person and to see the contact details; the address
    only when they see it too (``None`` leaves it as it is, and a protected address is never changed here).

    :raises NotFound: the case does not exist, or the actor may not change it, its person or their details.
    :raises ValidationError: an address the actor may not see, or text with hidden control characters.
    """
    with transaction.atomic():
        case = lock_case_for_update(actor, case_id)
        person = Person.objects.select_for_update().get(pk=case.person_id)
        policy.require(actor, Action.UPDATE, person)
        case.person = person
        shown = policy.fields(actor, "case", case)
        if Field.CONTACT not in shown:
            raise NotFound(Person._meta.label, person.pk)
        require_plain(phone=phone, language=language)
        changes: dict[str, object] = {
            "phone": phone,
            "email": email,
            "language": language,
            "interpreter_needed": interpreter_needed,
        }
        if address is not None:
            if Field.ADDRESS not in shown:
                raise ValidationError({"address": _("The address cannot be changed here.")})
            changes["address"] = address
        changed = revision_apply(
            actor=actor,
            obj=person,
            changes=changes,
            person_id=person.pk,
            case_id=case.pk,
            owner_organisation_id=person.registered_by_id,
        )
        if changed:
            person.save(update_fields=changed)
            record(
                actor=actor,
                event=AuditEvent.UPDATE,
                target=person,
                person_id=person.pk,
                case_id=case.pk,
                organisation_id=person.registered_by_id,
                changed_fields=changed,
            )
    return person
