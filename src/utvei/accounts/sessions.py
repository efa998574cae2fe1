"""The session engine: Django's database sessions, in a table that also names each session's user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from utvei.accounts.models import UserSession

# The time the user last signed in again inside this session (ISO 8601), for steps that demand it.
REAUTH_SESSION_KEY = "utvei_reauthenticated_at"


class SessionStore(DatabaseSessionStore):
    """Store sessions as :class:`UserSession` rows, keeping the logged-in user's id beside the data."""

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
