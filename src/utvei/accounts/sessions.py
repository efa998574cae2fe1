"""The session engine: Django's database sessions, in a table that also names each session's user."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from utvei.accounts.models import UserSession

# An unchanged session's expiry is written again only once it would move by more than this: a page view
# then costs no session write, and the idle limit is kept to within this margin (D90).
RENEW_AFTER = timedelta(seconds=60)

# The time the user last signed in again inside this session (ISO 8601), for steps that demand it.
REAUTH_SESSION_KEY = "utvei_reauthenticated_at"


class SessionStore(DatabaseSessionStore):
    """Store sessions as :class:`UserSession` rows, keeping the logged-in user's id beside the data."""

    _stored_expiry: datetime | None = None

    def load(self) -> dict[str, Any]:
        """Read the session and remember the expiry stored with it (see :meth:`save`)."""
        # Django's database store reads the row here (the method is missing from django-stubs).
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        if row is None:
            self._stored_expiry = None
            return {}
        self._stored_expiry = row.expire_date
        return self.decode(row.session_data)

    def save(self, must_create: bool = False) -> None:
        """Write the session, unless nothing changed and its stored expiry is still within RENEW_AFTER."""
        if (
            not must_create
            and not self.modified
            and self.session_key
            and self._stored_expiry is not None
            and self.get_expiry_date() - self._stored_expiry < RENEW_AFTER
        ):
            return
        super().save(must_create=must_create)
        self._stored_expiry = self.get_expiry_date()

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        """Name the model that holds the sessions."""
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        """Build the row to save, with the user id taken from the session data (none before login)."""
        instance = super().create_model_instance(data)
        if not isinstance(instance, UserSession):
            raise TypeError("the session model must be UserSession")
        try:
            instance.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            instance.user_id = None
        return instance
