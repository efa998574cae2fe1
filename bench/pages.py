"""Page benchmark: Utvei's main pages served by gunicorn over a scale database, on SQLite and PostgreSQL.

For each database it builds a fresh copy (migrate, the demo, then ``bench/scale.py``'s N extra cases),
starts gunicorn with 2 sync workers as in ``make demo``, logs in over HTTP as the demo users and times
each page from outside: p50, p95 and max over ``--requests`` sequential requests, then 4 clients at once
on the case page. ``/healthz`` is measured in the same run as the baseline each page is compared with.
Nothing here is a test: the figures are printed, never asserted.

Usage: python bench/pages.py [--scale small|medium|national10 | --cases N] [--requests R]
"""

from __future__ import annotations

import argparse
import base64
import http.cookiejar
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_SERVER = os.environ.get("UTVEI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _env(var_dir: Path, database: str | None) -> dict[str, str]:
    keys = {
        "secret_key": secrets.token_urlsafe(64),
        "encryption_keys": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "audit_signing_key": base64.b64encode(os.urandom(32)).decode(),
        "blind_index_key": "bench:" + base64.b64encode(os.urandom(32)).decode(),
    }
    for name, value in keys.items():
        path = var_dir / name
        if not path.exists():
            path.write_text(value + "\n")
            path.chmod(0o600)
    env = dict(os.environ)
    env.update(
        UTVEI_ENV="demo",
        UTVEI_HTTPS="false",
        UTVEI_VAR_DIR=str(var_dir),
        UTVEI_SECRET_KEY_FILE=str(var_dir / "secret_key"),
        UTVEI_ENCRYPTION_KEYS_FILE=str(var_dir / "encryption_keys"),
        UTVEI_AUDIT_SIGNING_KEY_FILE=str(var_dir / "audit_signing_key"),
        UTVEI_BLIND_INDEX_KEY_FILE=str(var_dir / "blind_index_key"),
    )
    env.pop("UTVEI_DATABASE_URL", None)
    env.pop("UTVEI_KEYSTORE_DATABASE_URL", None)
    if database:
        env["UTVEI_DATABASE_URL"] = f"{PG_SERVER}/{database}"
        env["UTVEI_KEYSTORE_DATABASE_URL"] = f"{PG_SERVER}/{database}_keys"
    return env


def prepare(cases: int) -> None:
    """Build the database in this process (called in a child with the bench environment)."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utvei.settings")
    import django

    django.setup()
    import scale
    from django.core.management import call_command
    from django.urls import reverse

    from utvei.accounts.demo import seed_demo
    from utvei.cases.models import Case
    from utvei.contacts.models import Conversation
    from utvei.plans.models import Plan

    call_command("migrate", database="keys", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    seed_demo()
    seeded = time.perf_counter() - started
    made = scale.generate(cases=cases)
    # As the worker's daily job would have done by the next morning (D132).
    from utvei.core.jobs import database_statistics_refresh

    database_statistics_refresh()
    case = Case.objects.get(person__given_name="Jonas", person__family_name="Berg")
    conversation = Conversation.objects.filter(case=case).order_by("pk").first()
    plan = Plan.objects.get(case=case)
    urls = {
        "work list": ("koordinator", reverse("cases:dashboard")),
        "case page (koordinator)": ("koordinator", reverse("cases:detail", kwargs={"case_id": case.pk})),
        "case page (nav)": ("nav", reverse("cases:detail", kwargs={"case_id": case.pk})),
        "conversation": (
            "koordinator",
            reverse("contacts:conversation_detail", kwargs={"conversation_id": conversation.pk}),
        ),
        "plan": ("koordinator", reverse("plans:detail", kwargs={"plan_id": plan.pk})),
        "network map": ("koordinator", reverse("network:map", kwargs={"case_id": case.pk})),
        "consents": ("koordinator", reverse("sharing:consents", kwargs={"case_id": case.pk})),
        "Kan jeg dele?": ("koordinator", reverse("sharing:share", kwargs={"case_id": case.pk})),
        "audit log, newest": ("personvern", reverse("privacy:audit_log")),
        "audit log, one person": ("personvern", reverse("privacy:audit_log") + "?person=Jonas+Berg"),
        "person search": ("saksbehandler", reverse("cases:referral_new")),
    }
    summary = {
        "urls": urls,
        "cases": Case.objects.count(),
        "seed_demo_s": seeded,
        "generate_s": made.seconds,
        "audit_events": made.audit_events,
        "conversations": made.rows.get("contacts.Conversation", 0),
    }
    (Path(os.environ["UTVEI_VAR_DIR"]) / "bench.json").write_text(json.dumps(summary))


class Session:
    """Hold one logged-in HTTP client (cookies, CSRF token) against the bench server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post(self, path: str, form_page: bytes, data: dict[str, str]) -> tuple[int, bytes]:
        hidden = dict(re.findall(rb'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_page))
        fields = {k.decode(): v.decode() for k, v in hidden.items()} | data
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": self.base + path, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, username: str, password: str) -> None:
        _, page = self.get("/login/")
        status, body = self.post("/login/", page, {"username": username, "password": password})
        if status != 200 or b"logout" not in body.lower() and b"logg ut" not in body.lower():
            raise SystemExit(f"bench: login as {username} failed ({status})")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timings(fn: object, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _paired(first: object, second: object, count: int) -> tuple[list[float], list[float]]:
    """Time ``first`` and ``second`` alternately, ``count`` times each."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(count):
        a.extend(_timings(first, 1))
        b.extend(_timings(second, 1))
    return a, b


def _stats(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def _serve(env: dict[str, str], app: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start gunicorn with 2 sync workers (as ``make demo``) on a free port; give it and its base URL."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603  (fixed argument list)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            app,
            "--pythonpath",
            f"{ROOT / 'src'},{ROOT / 'bench'}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(Path(env["UTVEI_VAR_DIR"]) / f"gunicorn-{app}.log").open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    probe = Session(base)
    for _ in range(300):
        try:
            if probe.get("/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    return server, base


def _page_calls(base: str, urls: dict[str, tuple[str, str]]) -> dict[str, object]:
    """Log in as each user the pages need and give one call per page (it fails loudly on a bad answer)."""
    password = "Utvei-demo-2026"  # the demo's shared password (utvei.accounts.demo.DEMO_PASSWORD)
    sessions: dict[str, Session] = {}
    for username in {user for user, _ in urls.values()}:
        sessions[username] = Session(base)
        sessions[username].login(username, password)
    calls: dict[str, object] = {}
    for name, (username, path) in urls.items():
        session = sessions[username]
        if name == "person search":
            _, form = session.get(path)
            data = {"step": "search", "given_name": "Jonas", "family_name": "Berg", "birth_date": "2007-03-14"}

            def call(s: Session = session, f: bytes = form, d: dict[str, str] = data, p: str = path) -> None:
                status, body = s.post(p, f, d)
                if status != 200 or b"Berg" not in body:
                    raise SystemExit(f"bench: the person search answered {status} without the person")
        else:

            def call(s: Session = session, p: str = path) -> None:
                status, _ = s.get(p)
                if status != 200:
                    raise SystemExit(f"bench: {p} answered {status}")

        calls[name] = call
    return calls


def _verify_rate(env: dict[str, str]) -> str:
    """Time ``manage.py audit_verify`` over the whole generated chain; give the line for the table."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603  (fixed argument list)
        [PY, str(ROOT / "manage.py"), "audit_verify"], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    found = re.search(r"(\d+) entries verified", done.stdout + done.stderr)
    if not found:
        return f"  audit_verify: no result ({(done.stdout + done.stderr).strip()[-300:]})"
    events = int(found.group(1))
    rate = events / seconds
    return f"  audit_verify: {events} events in {seconds:.1f} s = {rate:,.0f} events/s (exit {done.returncode})"


def measure(label: str, env: dict[str, str], requests: int) -> list[str]:
    """Serve the prepared database with the security layer on and off and time every page on both."""
    var_dir = Path(env["UTVEI_VAR_DIR"])
    summary = json.loads((var_dir / "bench.json").read_text())
    urls = {name: tuple(value) for name, value in summary["urls"].items()}
    on_server, on_base = _serve(env, "utvei.wsgi")
    off_server, off_base = _serve(env, "security_off")
    try:
        probe = Session(on_base)
        on, off = _page_calls(on_base, urls), _page_calls(off_base, urls)
        health = _stats(_timings(lambda: probe.get("/healthz"), requests))
        lines = [
            f"{label}: {summary['cases']} cases, {summary['conversations']} conversations generated, "
            f"{summary['audit_events']} audit events generated in {summary['generate_s']:.1f} s "
            f"(seed_demo {summary['seed_demo_s']:.1f} s)",
            f"  {'page':<26} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/healthz':>12}"
            f" {'off p50':>8} {'off p95':>8} {'on/off p50':>11}",
            f"  {'/healthz (baseline)':<26} {health[0]:8.1f} {health[1]:8.1f} {health[2]:8.1f} {1.0:12.1f}",
        ]
        for name in urls:
            on[name]()  # type: ignore[operator]
            off[name]()  # type: ignore[operator]
            # On and off in turn, so that a drift of the machine (the page cache, another process) falls
            # on both alike and the ratio compares like with like.
            on_samples, off_samples = _paired(on[name], off[name], requests)
            p50, p95, most = _stats(on_samples)
            off50, off95, _ = _stats(off_samples)
            lines.append(
                f"  {name:<26} {p50:8.1f} {p95:8.1f} {most:8.1f} {p95 / health[1]:12.1f}"
                f" {off50:8.1f} {off95:8.1f} {p50 / off50:10.2f}x"
            )
        case_path = urls["case page (koordinator)"][1]
        clients = []
        for _ in range(4):
            client = Session(on_base)
            client.login("koordinator", "Utvei-demo-2026")
            clients.append(client)
        samples: list[float] = []
        lock = threading.Lock()

        def worker(client: Session) -> None:
            mine = _timings(lambda: client.get(case_path), requests)
            with lock:
                samples.extend(mine)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        p50, p95, most = _stats(samples)
        lines.append(
            f"  {'case page, 4 clients':<26} {p50:8.1f} {p95:8.1f} {most:8.1f} {p95 / health[1]:12.1f}"
            f"   {len(samples) / elapsed:.0f} requests/s"
        )
    finally:
        for server in (on_server, off_server):
            server.terminate()
            server.wait(timeout=30)
    lines.append(_verify_rate(env))
    return lines


def _postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception:  # noqa: BLE001  (any failure means: not reachable, skip it)
        return False
    return True


def _recreate_pg(database: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        for name in (database, f"{database}_keys"):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # nosemgrep
            conn.execute(f'CREATE DATABASE "{name}"')  # nosemgrep


def _prepare(cases: int, env: dict[str, str], database: str | None) -> subprocess.Popen[bytes]:
    if database:
        _recreate_pg(database)
    log = (Path(env["UTVEI_VAR_DIR"]) / "prepare.log").open("wb")
    return subprocess.Popen([PY, __file__, "--prepare", "--cases", str(cases)], env=env, stdout=log, stderr=log)  # noqa: S603


def main() -> None:
    """Build the databases (SQLite and PostgreSQL at once), then time each in turn; see the module."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="small", help="small (300 cases), medium (5,000) or national10 (50,000)")
    parser.add_argument("--cases", type=int, help="the number of generated cases (overrides --scale)")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--keep", type=Path, help="build the databases under this directory and keep them")
    parser.add_argument("--measure-only", action="store_true", help="time the databases --keep already holds")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from scale import SCALES

    cases = args.cases if args.cases is not None else SCALES[args.scale]
    if args.prepare:
        prepare(cases)
        return
    backends: list[tuple[str, str | None]] = [("SQLite", None)]
    if _postgres_reachable():
        backends.append(("PostgreSQL", f"utvei_bench_{args.scale if args.cases is None else args.cases}"))
    else:
        print("PostgreSQL not reachable: SQLite only")
    with tempfile.TemporaryDirectory() as temporary:
        root = args.keep or Path(temporary)
        envs = []
        for label, database in backends:
            var = root / label.lower()
            var.mkdir(parents=True, exist_ok=True)
            envs.append((label, _env(var, database), database))
        if not args.measure_only:
            # Both databases are built at the same time (one core each); nothing is timed while they are.
            started = time.perf_counter()
            children = [_prepare(cases, env, database) for _, env, database in envs]
            for (label, env, _), child in zip(envs, children, strict=True):
                if child.wait() != 0:
                    log = Path(env["UTVEI_VAR_DIR"]) / "prepare.log"
                    raise SystemExit(f"bench: building the {label} database failed:\n{log.read_text()[-3000:]}")
            print(f"databases built in {time.perf_counter() - started:.0f} s", flush=True)
        for label, env, _ in envs:
            for line in measure(label, env, args.requests):
                print(line, flush=True)


if __name__ == "__main__":
    main()
