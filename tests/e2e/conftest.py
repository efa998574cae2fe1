"""Browser-test set-up: the real server (gunicorn, demo data, 2FA required) and a headless Chromium.

pytest-django's live_server is not used: Playwright's event loop trips Django's async-safety check, and
the audit table's append-only triggers forbid the flush between tests. Instead one gunicorn process
serves a throw-away SQLite database for the whole session.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.support import TotpBook
from utvei.accounts.demo import DEMO_PROVIDER_SECRET_ENV, DEMO_USERS
from utvei.devidp import FakeProvider, serve_in_thread
from utvei.devidp.demo import DEMO_IDPORTEN_SECRET, DEMO_STAFF_SECRET, IDPORTEN_CLIENT_ID, demo_clients

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = PROJECT_DIR / "build" / "static" / "vendor" / "axe" / "axe.min.js"
# username -> path of the one-time enrolment link issued for the session's server.
ENROLMENT_LINKS: dict[str, str] = {}
# The local fake OpenID provider the session's server logs in through (ID-porten and Demo kommune's staff).
FAKE_PROVIDERS: list[FakeProvider] = []
# The server's environment, for tests that run a command against its database (the portal's session).
SERVER_ENV: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _provider_env(issuer: str) -> dict[str, str]:
    return {
        "UTVEI_IDPORTEN_ISSUER": issuer,
        "UTVEI_IDPORTEN_CLIENT_ID": IDPORTEN_CLIENT_ID,
        "UTVEI_IDPORTEN_CLIENT_SECRET": DEMO_IDPORTEN_SECRET,
        "UTVEI_DEMO_PROVIDER_ISSUER": issuer,
        DEMO_PROVIDER_SECRET_ENV: DEMO_STAFF_SECRET,
    }


def _server_env(var_dir: Path, port: int) -> dict[str, str]:
    # Built from scratch on purpose: tests/conftest.py puts UTVEI_ENV=test into this process's environment.
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        {
            "UTVEI_ENV": "demo",
            "UTVEI_VAR_DIR": str(var_dir),
            "UTVEI_SECRET_KEY": secrets.token_urlsafe(48)[:64],
            "UTVEI_ENCRYPTION_KEYS": "e2e:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "UTVEI_AUDIT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "UTVEI_BLIND_INDEX_KEY": "e2e:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "UTVEI_HTTPS": "false",
            "UTVEI_REQUIRE_2FA": "true",
            "UTVEI_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Passkeys need a domain, not an IP address: the passkey test browses http://localhost:<port>.
            "UTVEI_WEBAUTHN_RP_ID": "localhost",
            "UTVEI_WEBAUTHN_ORIGINS": f"http://localhost:{port}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _require_chromium() -> None:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Chromium is required in CI but missing at {CHROMIUM} (run `make chromium`).", pytrace=False)
    pytest.skip(f"Chromium not installed at {CHROMIUM}: browser tests not run (they are required in CI)")


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """Run migrate and seed_demo on a fresh database and serve it with gunicorn."""
    _require_chromium()
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `make vendor` first.", pytrace=False)
    venv_bin = PROJECT_DIR / ".venv" / "bin"
    python = venv_bin / "python" if (venv_bin / "python").exists() else Path(sys.executable)
    gunicorn = venv_bin / "gunicorn" if (venv_bin / "gunicorn").exists() else Path(sys.executable).with_name("gunicorn")
    var_dir = Path(tempfile.mkdtemp(prefix="utvei-e2e-"))
    port = _free_port()
    env = _server_env(var_dir, port)
    apps = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    provider, provider_server, _thread = serve_in_thread(
        lambda issuer: FakeProvider(issuer=issuer, clients=demo_clients(apps))
    )
    FAKE_PROVIDERS.append(provider)
    env.update(_provider_env(provider.issuer))
    SERVER_ENV.update(env)
    try:
        # 2FA is required here, so every demo user gets the one-time enrolment link an administrator
        # would hand out (the operator's command), for the tests that meet a first login.
        enrol = ["enrolment_link", *(spec.username for spec in DEMO_USERS)]
        for command in (
            ["migrate", "--database", "keys", "--verbosity", "0"],
            ["migrate", "--verbosity", "0"],
            ["seed_demo"],
            enrol,
        ):
            done = subprocess.run(
                [str(python), "manage.py", *command],
                cwd=PROJECT_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if done.returncode != 0:
                pytest.fail(f"manage.py {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
        ENROLMENT_LINKS.update(line.split("\t", 1) for line in done.stdout.splitlines() if "\t" in line)
        log_path = var_dir / "gunicorn.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [
                    str(gunicorn),
                    "utvei.wsgi",
                    "--pythonpath",
                    "src",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--access-logfile",
                    "-",
                ],
                cwd=PROJECT_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(url, server, log_path)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)
    finally:
        provider_server.shutdown()
        provider_server.server_close()
        shutil.rmtree(var_dir, ignore_errors=True)


def _wait_until_healthy(url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"gunicorn exited with {server.returncode}:\n{log_path.read_text(errors='replace')}", pytrace=False
            )
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    server.terminate()
    pytest.fail(f"gunicorn did not answer /healthz within 30 s:\n{log_path.read_text(errors='replace')}", pytrace=False)


@pytest.fixture(scope="session")
def browser(base_url: str) -> Iterator[object]:
    """Start one headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def totp_book(base_url: str) -> TotpBook:
    """Remember each demo user's authenticator key and enrolment link across tests (users enrol once)."""
    return TotpBook(links=dict(ENROLMENT_LINKS))


@pytest.fixture
def context(browser: object, base_url: str) -> Iterator[object]:
    """Give a normal browser context (CSP enforced), Norwegian by default."""
    ctx = browser.new_context(base_url=base_url, locale="nb-NO")  # type: ignore[attr-defined]
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def axe_context(browser: object, base_url: str) -> Iterator[object]:
    """Give a context that bypasses CSP, so axe-core can be injected (axe pass only)."""
    ctx = browser.new_context(base_url=base_url, locale="nb-NO", bypass_csp=True)  # type: ignore[attr-defined]
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


# Modules whose tests must meet a user's very first login (the enrolment page): they run before the others,
# which log the same users in (test_login_flow enrols saksbehandler and slt).
_RUN_FIRST = ("test_login_flow.py", "test_accessibility.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the enrolment tests to the front; the rest keep their order."""
    items.sort(key=lambda item: 0 if item.path.name in _RUN_FIRST else 1)
