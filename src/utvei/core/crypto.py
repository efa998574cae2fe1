"""Encrypted model fields: sealed at rest, bound to their row, opened only when a page reads them.

- ``RowIdField`` gives each row a random, stable id, set before the INSERT (the primary key of an
  autoincrement table is not known yet), that binds every sealed value to its row. It also names whose
  data key the row's values use (``data_key_owner``): ``"self"`` (the person), a path of foreign keys to
  the person (``"person"``, ``"case__person"``), or ``None`` for rows of no person (master key).
- ``DataKeyField`` holds, on the person, the id of the person's data key in the key store.
- ``EncryptedTextField`` and ``EncryptedJSONField`` hold the values (format in ``utvei.core.cipher``).

Reading: ``from_db_value`` keeps the stored ciphertext; the attribute opens it on first access and keeps
the result on the instance. A value that cannot be opened reads as the marker "cannot be shown", is logged
once per request (table, column, row id and key, never the value) and never raises into a page.

Writing: ``pre_save`` seals a changed value under the row's key. A value that is unchanged (never read,
read and given back, or unreadable and given back as the marker) keeps its stored ciphertext, so saving
never turns the marker into data. ``QuerySet.update()`` and ``filter()`` by value are refused: encrypted
values cannot be written without their row, nor searched.
"""

from __future__ import annotations

import json
import logging
import uuid
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from utvei.core import cipher, keystore
from utvei.core.cipher import DecryptionError
from utvei.core.limits import FREE_TEXT_MAX, too_long_message
from utvei.core.markings import has_classification_marking, marking_message

logger = logging.getLogger("utvei.crypto")

UNREADABLE = _("cannot be shown")


class EncryptedFieldMisuse(TypeError):
    """Say an encrypted value was written or searched without its row (``update()``, ``filter()``)."""


class Sealed:
    """Hold a stored ciphertext that has not been opened yet."""

    __slots__ = ("stored",)

    def __init__(self, stored: str) -> None:
        self.stored = stored

    def __repr__(self) -> str:
        return "<sealed value>"

    def __str__(self) -> str:
        # values() and values_list() hand out ciphertext without its row: there is nothing to show.
        raise EncryptedFieldMisuse("encrypted values are read through their model instance")


class Opened:
    """Hold an opened value with the ciphertext it came from, so an unchanged value is not sealed again."""

    __slots__ = ("fingerprint", "readable", "shown", "stored")

    def __init__(self, stored: str, shown: Any, readable: bool, fingerprint: str) -> None:
        self.stored = stored
        self.shown = shown
        self.readable = readable
        self.fingerprint = fingerprint


class Unreadable:
    """Mark a value that could not be opened; it remembers its ciphertext, column and row."""

    stored: str = ""
    context: str = ""
    row: str = ""
    readable = False


class UnreadableText(Unreadable, str):
    """Show an unreadable text as "cannot be shown" (Bokmål "kan ikke vises")."""


class UnreadableList(Unreadable, list[object]):
    """Show an unreadable JSON list as empty."""


class Stored(str):
    """Mark a value ``pre_save`` produced: ciphertext (or empty), safe to send to the database."""


@lru_cache(maxsize=1)
def marker_texts() -> frozenset[str]:
    """Give the marker in every interface language, so a form that posts it back changes nothing."""
    texts = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(str(UNREADABLE))
    return frozenset(texts)


def _unreadable_write(field: models.Field[Any, Any]) -> ValidationError:
    return ValidationError(
        {field.name: _("This is the placeholder for a value that cannot be shown; write the value itself.")}
    )


# --- rows and owners ----------------------------------------------------------------------------------


class RowIdField(models.UUIDField):
    """Give a row the random id that binds its encrypted values to it, and name its data key's owner."""

    def __init__(self, *args: Any, data_key_owner: str | None, **kwargs: Any) -> None:
        kwargs.setdefault("default", uuid.uuid4)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("unique", True)
        self.data_key_owner = data_key_owner
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["data_key_owner"] = self.data_key_owner
        for key, value in (("default", uuid.uuid4), ("editable", False), ("unique", True)):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs


class DataKeyField(models.CharField):
    """Hold the id of a person's data key; the key itself lives in the key store."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        return _own_key(model_instance)


@lru_cache(maxsize=512)
def row_field(model: type[models.Model]) -> RowIdField:
    """Give the model's row-id field.

    :raises LookupError: the model has none (the system check ``utvei.core.E010`` reports it at start).
    """
    for f in model._meta.concrete_fields:
        if isinstance(f, RowIdField):
            return f
    raise LookupError(f"{model._meta.label} has encrypted fields but no RowIdField")


@lru_cache(maxsize=512)
def data_key_field(model: type[models.Model]) -> DataKeyField:
    """Give the model's data-key field.

    :raises LookupError: the model has none.
    """
    for f in model._meta.concrete_fields:
        if isinstance(f, DataKeyField):
            return f
    raise LookupError(f"{model._meta.label} has no DataKeyField")


def _known_row(instance: models.Model) -> str:
    """Give the instance's row id if it is already set ("" while the instance is being built)."""
    value = instance.__dict__.get(row_field(type(instance)).attname)
    return "" if value is None else uuid.UUID(str(value)).hex


def row_of(instance: models.Model) -> str:
    """Give the row id an instance's values are bound to (hex)."""
    value = getattr(instance, row_field(type(instance)).attname)
    return uuid.UUID(str(value)).hex


def _own_key(person: models.Model) -> str:
    """Give the person's data key id, making the key first if the person has none yet."""
    attname = data_key_field(type(person)).attname
    key_id: str = getattr(person, attname) or ""
    if key_id:
        return key_id
    key_id = keystore.data_key_create()
    if person.pk is not None and not person._state.adding:
        # A saved row without a key: claim it unless a concurrent writer did first.
        manager = type(person)._base_manager
        if not manager.filter(pk=person.pk, **{attname: ""}).update(**{attname: key_id}):
            key_id = manager.filter(pk=person.pk).values_list(attname, flat=True).get()
    setattr(person, attname, key_id)
    return key_id


def _lookup_key_id(model: type[models.Model], pk: object, rest: list[str]) -> str:
    cache_key = (model._meta.label, pk, "__".join(rest))
    scope = keystore.current()
    hit = scope.owner(cache_key)
    if hit:
        return hit
    final = model
    for step in rest:
        final = final._meta.get_field(step).related_model  # type: ignore[assignment]
    attname = data_key_field(final).name
    lookup = "__".join([*rest, attname])
    key_id = model._base_manager.filter(pk=pk).values_list(lookup, flat=True).first()
    if not key_id:
        owner_pk = model._base_manager.filter(pk=pk).values_list("__".join([*rest, "pk"]), flat=True).get()
        key_id = _own_key(final._base_manager.get(pk=owner_pk))
    scope.put_owner(cache_key, key_id)
    return str(key_id)


def owner_key_id(instance: models.Model) -> str | None:
    """Give the id of the data key an instance's values use (None: the master key).

    Follows ``data_key_owner`` through foreign keys already loaded on the instance, and otherwise asks the
    database once per row owner and key scope.
    """
    owner = row_field(type(instance)).data_key_owner
    if owner is None:
        return None
    if owner == "self":
        return _own_key(instance)
    obj: models.Model = instance
    model: type[models.Model] = type(instance)
    steps = owner.split("__")
    for index, step in enumerate(steps):
        fk = model._meta.get_field(step)
        if not isinstance(fk, models.ForeignKey):  # the system check utvei.core.E011 refuses this at start
            raise LookupError(f"{model._meta.label}.{step} is not a foreign key")
        cached = fk.get_cached_value(obj, default=None) if fk.is_cached(obj) else None
        if cached is not None:
            obj, model = cached, type(cached)
            continue
        pk = getattr(obj, fk.attname)
        if pk is None:
            raise ValueError(f"{type(instance)._meta.label} has no {owner}: its data key is unknown")
        related = fk.related_model
        assert not isinstance(related, str)  # resolved once the app registry is ready
        return _lookup_key_id(related, pk, steps[index + 1 :])
    return _own_key(obj)


def keyref_for(instance: models.Model) -> str:
    """Give the key reference new values of this instance are sealed under."""
    key_id = owner_key_id(instance)
    return cipher.master_ref(cipher.keyring().primary) if key_id is None else cipher.data_ref(key_id)


# --- the fields ---------------------------------------------------------------------------------------


class EncryptedAttribute(DeferredAttribute):
    """Open a field's sealed value on first access and keep what was opened on the instance."""

    field: EncryptedTextField

    def __get__(self, instance: models.Model | None, cls: type | None = None) -> Any:
        if instance is None:
            return self
        name = self.field.attname
        data = instance.__dict__
        if name not in data:
            super().__get__(instance, cls)  # a deferred field: loads it (through __set__)
        value = data[name]
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            data[name] = value
        return value.shown if isinstance(value, Opened) else value

    def __set__(self, instance: models.Model, value: Any) -> None:
        name = self.field.attname
        data = instance.__dict__
        current = data.get(name)
        if isinstance(value, Unreadable) and value.context == self.field.context and value.row == _known_row(instance):
            # An unreadable value copied back onto its own row (refresh_from_db): keep its ciphertext.
            data[name] = Opened(value.stored, value, False, self.field.fingerprint(value))
            return
        if isinstance(current, (Sealed, Opened)) and not isinstance(value, (Sealed, Opened)):
            if self.field.is_marker(value):
                opened = current if isinstance(current, Opened) else self.field.open(instance, current)
                if not opened.readable:
                    data[name] = opened  # the marker given back: the stored value stays
                    return
            elif (
                isinstance(current, Opened)
                and current.readable
                and self.field.fingerprint(value) == current.fingerprint
            ):
                return  # the same value given back: keep its ciphertext
        data[name] = value


class EncryptedTextField(models.TextField):
    """Store free text encrypted at rest; Python code sees plain strings.

    Encrypted values cannot be searched, filtered or ordered in the database, by design.
    """

    descriptor_class = EncryptedAttribute
    context: str = ""
    # The longest text any form takes; refused here too, so a service without a form cannot store more.
    # A class attribute, not max_length, so the limit is no part of the migrations.
    max_chars: int | None = FREE_TEXT_MAX

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.context = f"{cls._meta.app_label}.{cls.__name__}.{name}"

    # How the field turns values into text and back; the JSON field overrides these.
    def to_plain(self, value: Any) -> str:
        """Give the text to seal for a value."""
        return str(value)

    def from_plain(self, text: str) -> Any:
        """Give the value of an opened text."""
        return text

    def fingerprint(self, value: Any) -> str:
        """Give what tells two values apart (a changed value must be sealed again)."""
        return str(value)

    def is_empty(self, value: Any) -> bool:
        """Tell whether a value is stored as it is, unencrypted (None or "")."""
        return value is None or value == ""

    def is_marker(self, value: Any) -> bool:
        """Tell whether a value is the unreadable marker (in any language), not data."""
        return isinstance(value, Unreadable) or (isinstance(value, str) and value.strip() in marker_texts())

    def unreadable(self, stored: str, row: str) -> Any:
        """Give what an unreadable value shows."""
        marker = UnreadableText(str(UNREADABLE))
        marker.stored, marker.context, marker.row = stored, self.context, row
        return marker

    def open(self, instance: models.Model, sealed: Sealed) -> Opened:
        """Decrypt a stored value of this instance; a failure gives the marker and is logged once."""
        row = row_of(instance)
        try:
            plain = cipher.unseal(sealed.stored, key_for=keystore.key_for, context=self.context, row=row)
            shown = self.from_plain(plain)
        except DecryptionError as exc:
            self._report(instance, sealed.stored, exc)
            shown = self.unreadable(sealed.stored, row)
            return Opened(sealed.stored, shown, False, self.fingerprint(shown))
        return Opened(sealed.stored, shown, True, self.fingerprint(shown))

    def _report(self, instance: models.Model, stored: str, exc: DecryptionError) -> None:
        table = type(instance)._meta.db_table
        if not keystore.current().first_report((table, self.column, instance.pk)):
            return
        head = cipher.header(stored)
        logger.warning(
            "Cannot decrypt %s.%s of row %s (key %s): %s",
            table,
            self.column,
            instance.pk,
            exc.keyref or (head[1] if head else "-"),
            exc.reason,
        )

    def seal_for(self, instance: models.Model, value: Any) -> str:
        """Encrypt a value for this instance's row under its owner's key.

        :raises ValidationError: the owner's data key was destroyed (the person was erased).
        """
        keyref = keyref_for(instance)
        try:
            key = keystore.key_for(keyref)
        except DecryptionError as exc:
            raise ValidationError(
                _("This person's data has been erased; nothing more can be recorded about them.")
            ) from exc
        return cipher.seal(self.to_plain(value), key=key, keyref=keyref, context=self.context, row=row_of(instance))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        keystore.want(value)
        return Sealed(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Stored) or self.is_empty(value):
            return None if value is None else str(value)
        raise EncryptedFieldMisuse(
            f"{self.context} is encrypted: write it through Model.save(), and never filter or update by its value"
        )

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            return Stored(value.stored)
        if isinstance(value, Opened):
            if self.fingerprint(value.shown) == value.fingerprint:
                return Stored(value.stored)
            value = value.shown  # changed in place (a JSON list)
        if self.is_empty(value):
            return value
        if self.is_marker(value):
            raise _unreadable_write(self)
        # R20: the last line of defence for every free-text field of case data, whichever service writes it.
        if has_classification_marking(str(value)):
            raise ValidationError({self.name: marking_message()})
        # Only typed text: bytes and JSON values are built by the services, their parts limited by the forms.
        if isinstance(value, str) and self.max_chars is not None and len(value) > self.max_chars:
            raise ValidationError({self.name: too_long_message(self.max_chars, len(value))})
        stored = self.seal_for(model_instance, value)
        model_instance.__dict__[self.attname] = Opened(stored, value, True, self.fingerprint(value))
        return Stored(stored)


class EncryptedJSONField(EncryptedTextField):
    """Store a JSON value (a list or dict) encrypted at rest; Python code sees the value."""

    # What django-stubs reads as the field's Python types: any JSON value.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def to_plain(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def from_plain(self, text: str) -> Any:
        try:
            return json.loads(text)
        except ValueError as exc:
            raise DecryptionError("bad_content") from exc

    def fingerprint(self, value: Any) -> str:
        return self.to_plain(value)

    def is_empty(self, value: Any) -> bool:
        return value is None

    def is_marker(self, value: Any) -> bool:
        return isinstance(value, Unreadable)

    def unreadable(self, stored: str, row: str) -> Any:
        marker = UnreadableList()
        marker.stored, marker.context, marker.row = stored, self.context, row
        return marker


def is_readable(value: object) -> bool:
    """Tell whether a value read from an encrypted field was opened (not the unreadable marker)."""
    return not isinstance(value, Unreadable)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    """List a model's encrypted fields."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
