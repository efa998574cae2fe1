"""Every URL pattern is either explicitly public, a login step, or protected by the access policy.

A new view without a marker fails here; so does a public view that is not on the allow-list below.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from utvei.access.decorators import ACCESS_ATTR
from utvei.access.permissions import Perm

# The only views anyone may reach without logging in.
# cases:calendar_feed answers a secret per-user token with days only, no names or content (D95).
# The OpenID Connect views are public by nature: they are how a visitor becomes logged in (staff) or gets a
# portal session (the person); the callbacks accept only a login this browser began (state, once).
# portal:login only offers the ID-porten login; every other portal page is a @person_view and needs a
# portal session.
PUBLIC_ALLOW_LIST = {
    "accounts:login",
    "accounts:enrolment_link",
    "cases:calendar_feed",
    "health",
    "set_language",
    "oidc:idporten_start",
    "oidc:idporten_callback",
    "oidc:staff_start",
    "oidc:staff_callback",
    "portal:login",
}
# Views of the login flow itself: a password session that has not yet passed the second factor.
LOGIN_STEP_ALLOW_LIST = {
    "accounts:otp",
    "accounts:otp_enrol",
    "accounts:logout",
    "accounts:passkey_register_begin",
    "accounts:passkey_register_complete",
    "accounts:passkey_verify_begin",
    "accounts:passkey_verify_complete",
}


def iter_patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """Yield (qualified name or route, pattern) for every URL pattern, recursively."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry, inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"
            yield name, entry


def all_url_names() -> set[str]:
    """List the qualified names of all URL patterns."""
    return {name for name, _ in iter_patterns()}


def test_every_view_is_marked_public_login_step_or_protected() -> None:
    unmarked = [name for name, p in iter_patterns() if getattr(p.callback, ACCESS_ATTR, None) is None]
    assert unmarked == [], f"Views without @public, @login_step, @requires or @person_view: {unmarked}"


def test_public_views_are_exactly_the_allow_list() -> None:
    public = {name for name, p in iter_patterns() if getattr(p.callback, ACCESS_ATTR, (None,))[0] == "public"}
    assert public == PUBLIC_ALLOW_LIST


def test_login_step_views_are_exactly_the_allow_list() -> None:
    steps = {name for name, p in iter_patterns() if getattr(p.callback, ACCESS_ATTR, (None,))[0] == "login_step"}
    assert steps == LOGIN_STEP_ALLOW_LIST


def test_protected_views_name_a_known_permission() -> None:
    for name, pattern in iter_patterns():
        kind, perm = getattr(pattern.callback, ACCESS_ATTR)
        if kind == "requires":
            assert isinstance(perm, Perm), name


def test_person_views_are_exactly_the_portal() -> None:
    person = {name for name, p in iter_patterns() if getattr(p.callback, ACCESS_ATTR, (None,))[0] == "person"}
    portal = {name for name, _ in iter_patterns() if name.startswith("portal:")} - {"portal:login"}
    assert person == portal


def test_every_url_has_a_name() -> None:
    assert not [n for n in all_url_names() if n.startswith("<unnamed")]
