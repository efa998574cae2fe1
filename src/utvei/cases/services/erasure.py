"""Crypto-shredding: destroying a person's data key, so their encrypted fields are gone in every copy."""

from __future__ import annotations

from django.db import transaction

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.cases.models import Person
from utvei.core import keystore


def person_data_key_destroy(*, actor: User | None, person_id: int) -> bool:
    """Destroy the person's data key and forget their number's blind index; it returns False if already done.

    Every encrypted field of the person and of their cases (conversations, plan, network, consents,
    disclosures and the rest) then reads "kan ikke vises", in the live database and in every backup of it,
    since the key store is backed up apart and kept briefly (docs/operations.md). Nothing can be recorded
    about the person afterwards. Names, birth date and other clear fields are not touched: removing or
    anonymising the rows is the erasure workflow's work, as is its second approval (four-eyes); this is
    its last, irreversible step. ``actor`` None is that workflow acting as the system; a user must be
    allowed to change the person.

    :raises NotFound: the person does not exist, or the actor may not change them.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=person_id).first()
        if person is None:
            raise NotFound(Person._meta.label, person_id)
        if actor is not None:
            policy.require(actor, Action.UPDATE, person)
        if not person.data_key or not keystore.data_key_is_live(person.data_key):
            return False
        Person.objects.filter(pk=person.pk).update(national_id_index="")
        record(
            actor=actor,
            event=AuditEvent.DELETE,
            target_type="core.DataKey",
            target_id=person.data_key,
            person_id=person.pk,
            changed_fields=["data_key", "national_id_index"],
        )
        # Last, so a failure to destroy rolls the audit entry back; the key store commits on its own.
        return keystore.data_key_destroy(person.data_key)
