"""Helpers for the browser tests: TOTP codes the server will accept, login, axe-core and console checks."""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import translation
from django_otp.oath import hotp

from utvei.accounts.demo import DEMO_PASSWORD

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_DIR / "build" / "static" / "vendor" / "axe" / "axe.min.js"

STEP = 30  # seconds per TOTP time step (django-otp's default)
TOLERANCE = 1  # TOTPDevice.tolerance default: one step either side of (now + drift)


@dataclass
class _Device:
    key: bytes
    last_t: int = -1
    drift: int = 0


@dataclass
class TotpBook:
    """Hold each user's authenticator key and mirror django-otp's replay state.

    django-otp accepts a code for a time step t only if t > last accepted step and t lies within
    ``now + drift ± tolerance``; after a match it stores ``last_t = t`` and ``drift = t - now``. Mirroring
    that lets a user log in several times within one 30-second step without waiting (as an app whose
    clock runs slightly ahead would), and waits for the next step only when nothing in the window is left.
    """

    devices: dict[str, _Device] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)

    def enrol(self, username: str, secret_text: str) -> None:
        key = base64.b32decode(re.sub(r"\s+", "", secret_text).upper())
        known = self.devices.get(username)
        if known is None or known.key != key:
            self.devices[username] = _Device(key=key)

    def next_code(self, username: str) -> str:
        device = self.devices[username]
        while True:
            now_time = time.time()
            if STEP - (now_time % STEP) < 2.0:
                # Too close to a step change: the server might already be in the next step.
                time.sleep(STEP - (now_time % STEP) + 0.1)
                continue
            now = int(now_time) // STEP
            candidate = max(now, device.last_t + 1, now + device.drift - TOLERANCE)
            if candidate <= now + device.drift + TOLERANCE:
                break
            time.sleep(STEP - (now_time % STEP) + 0.1)  # every step in the window is used: wait
        device.last_t = candidate
        device.drift = candidate - now
        return f"{hotp(device.key, candidate, digits=6):06d}"


def path_of(page: Any) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]


def password_step(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in the login page and submit it (the first factor only)."""
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def second_factor_step(page: Any, username: str, book: TotpBook) -> str:
    """Pass the enrolment or code page, whichever the server shows; returns which."""
    step = path_of(page)
    if step == "/login/code/setup/":
        book.enrol(username, page.locator("#totp-secret").inner_text())
    elif step != "/login/code/":
        raise AssertionError(f"expected a second-factor page after the password, got {page.url}")
    page.locator("#id_token").fill(book.next_code(username))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if path_of(page).startswith("/login/"):
        errors = page.locator(".ds-error-summary, .ds-validation-message").all_inner_texts()
        raise AssertionError(f"{username}: the code was not accepted on {step}: {errors}")
    return "enrol" if step == "/login/code/setup/" else "verify"


def open_enrolment_link(page: Any, username: str, book: TotpBook) -> None:
    """Open the user's one-time enrolment link in this browser (before their first login)."""
    page.goto(book.links[username])


def login(page: Any, username: str, book: TotpBook) -> None:
    """Log in with password and second factor (through the enrolment link the first time)."""
    if username not in book.devices:
        open_enrolment_link(page, username, book)
    password_step(page, username)
    second_factor_step(page, username, book)


CASE_ROOT = re.compile(r"/cases/\d+/")


def tab_path(case_path: str, slug: str) -> str:
    """Give the address of one tab of a case's workspace (the overview is the case page itself)."""
    return case_path if slug == "overview" else f"{case_path}tab/{slug}/"


def _focus(page: Any) -> dict[str, Any]:
    script = "() => ({id: document.activeElement.id, href: document.activeElement.getAttribute('href')})"
    return dict(page.evaluate(script))


def open_tab(page: Any, slug: str, *, keyboard: bool = False, limit: int = 80) -> str:
    """Open a tab of the case workspace through its link in the tab bar, as a user does, and give its path.

    With ``keyboard`` the link is reached with Tab and followed with Enter. htmx swaps the workspace in
    place and pushes the tab's address; focus then moves to the new panel, so the next Tab goes into it.
    """
    match = CASE_ROOT.match(path_of(page))
    assert match, f"not on a case page: {page.url}"
    target = tab_path(match.group(0), slug)
    link = page.locator(f"nav.utvei-tabs a[href='{target}']")
    assert link.count() == 1, f"no link to the {slug} tab on {page.url}: " + str(
        page.locator("nav.utvei-tabs a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    if keyboard:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if _focus(page)["href"] == target:
                break
        else:
            raise AssertionError(f"the {slug} tab not reached with {limit} presses of Tab; focus: {_focus(page)}")
        page.keyboard.press("Enter")
    else:
        link.click()
    page.wait_for_url(re.compile(rf"^https?://[^/]+{re.escape(target)}$"))
    page.locator(f"nav.utvei-tabs a[href='{target}'][aria-current=page]").wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'case-panel'")
    return target


def page_language(page: Any) -> str:
    return str(page.locator("html").get_attribute("lang") or "nb")


def tr(page: Any, msgid: str, **params: object) -> str:
    """Give a UI string as the page shows it, in the page's language (html lang)."""
    with translation.override(page_language(page)):
        text = translation.gettext(msgid)
    return text % params if params else text


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary[:400]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (default rule set) on the page as it is now; needs bypass_csp."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


@dataclass
class AxeReport:
    """Run axe-core on several pages and report every violation at the end, not the first."""

    failures: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, page: Any, what: str) -> None:
        violations = axe_violations(page)
        self.checked.append(what)
        if violations:
            self.failures.append(f"{what} ({page.url}):\n{format_violations(violations)}")

    def assert_clean(self) -> None:
        assert self.failures == [], (
            f"axe-core found violations on {len(self.failures)} of {len(self.checked)} pages:\n"
            + ("\n".join(self.failures))
        )


def assert_accessible(page: Any, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core found {len(violations)} violation(s) on {what} ({page.url}):\n" + (
        format_violations(violations)
    )


@dataclass
class ConsoleWatch:
    """Collect console errors, page errors and CSP reports of one page."""

    errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> ConsoleWatch:
        page.on(
            "response",
            lambda r: (
                self.failed_responses.append(f"{r.status} {r.request.method} {r.url}") if r.status >= 400 else None
            ),
        )
        page.on(
            "console",
            lambda msg: (
                self.errors.append(f"console.{msg.type}: {msg.text}")
                if msg.type == "error" or "Content Security Policy" in msg.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        return self

    def report(self) -> str:
        return "\n".join([*self.errors, *(f"response: {r}" for r in self.failed_responses)])

    def csp_errors(self) -> list[str]:
        return [e for e in self.errors if "content security policy" in e.lower() or "csp" in e.lower()]


class DocumentWatch:
    """Record every HTML document the page loads, with its CSP header."""

    def __init__(self, page: Any) -> None:
        self.documents: list[tuple[str, int, str | None]] = []
        page.on("response", self._seen)

    def _seen(self, response: Any) -> None:
        if response.request.resource_type == "document":
            self.documents.append((response.url, response.status, response.headers.get("content-security-policy")))

    def assert_csp_everywhere(self) -> None:
        assert self.documents, "no document was loaded"
        for url, status, csp in self.documents:
            if status in (301, 302, 303, 307, 308):
                continue  # redirects carry no page to protect
            assert csp, f"no Content-Security-Policy header on {url} ({status})"
            directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
            assert directives.get("default-src") == "default-src 'none'", f"{url}: {csp}"
            assert directives.get("script-src") == "script-src 'self'", f"{url}: {csp}"
            assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, f"{url}: {csp}"
            assert directives.get("frame-ancestors") == "frame-ancestors 'none'", f"{url}: {csp}"
