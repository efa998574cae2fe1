"""Can a locked account be told from a wrong password by the time the login takes?

Times many failed logins of two accounts, one locked and one not, interleaved so that load on the machine
hits both alike, with the production password hasher (argon2). Compares the two samples with a two-sided
Mann-Whitney U test: a small p-value means the timings are distinguishable. The same comparison with
django-axes' stock backend (which refuses a locked account before hashing anything), patched in this
process only, shows that the test can see the difference when there is one.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager


def mann_whitney_u(a: list[float], b: list[float]) -> tuple[float, float, float]:
    """Give (U of ``a``, z, two-sided p) by the normal approximation with tie and continuity corrections."""
    n1, n2 = len(a), len(b)
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(pooled)
    ties = 0.0
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1  # average rank of a run of equal values
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    rank_sum_a = sum(r for r, (_v, group) in zip(ranks, pooled, strict=True) if group == 0)
    u_a = rank_sum_a - n1 * (n1 + 1) / 2
    n = n1 + n2
    mean = n1 * n2 / 2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    if sigma == 0:
        return u_a, 0.0, 1.0
    z = (u_a - mean - math.copysign(0.5, u_a - mean)) / sigma if u_a != mean else 0.0
    return u_a, z, math.erfc(abs(z) / math.sqrt(2))


def _users() -> tuple[str, str, str]:
    from utvei.accounts.models import OrganisationKind
    from utvei.accounts.services import organisation_create, user_create

    organisation = organisation_create(actor=None, name="Bench kommune", kind=OrganisationKind.MUNICIPALITY)
    password = "Bench-password-2026"
    for username in ("bench-open", "bench-locked"):
        user_create(
            actor=None,
            organisation=organisation,
            username=username,
            first_name="Bench",
            last_name="User",
            email=f"{username}@example.invalid",
            role="caseworker",
            password=password,
        )
    return "bench-open", "bench-locked", password


def _sample(samples: int, open_user: str, locked_user: str) -> tuple[list[float], list[float]]:
    from django.conf import settings
    from django.test import Client

    def post(username: str) -> float:
        client = Client(HTTP_HOST="localhost")
        start = time.perf_counter()
        response = client.post("/login/", {"username": username, "password": "not-the-password"})
        elapsed = time.perf_counter() - start
        assert response.status_code == 200 and "_auth_user_id" not in client.session
        return elapsed

    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        post(locked_user)
    post(open_user)  # the open account has a failure on record, as the locked one has
    normal: list[float] = []
    locked: list[float] = []
    for _ in range(samples):
        # Keep the open account below the limit (outside the timed request).
        AccessAttempt.objects.filter(username=open_user).update(failures_since_start=1)
        normal.append(post(open_user))
        locked.append(post(locked_user))
    return normal, locked


@contextmanager
def _stock_axes_backend() -> Iterator[None]:
    """Swap in django-axes' own backend, which skips the password check when locked (bench only)."""
    from django.conf import settings

    saved = list(settings.AUTHENTICATION_BACKENDS)
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *saved[1:]]
    try:
        yield
    finally:
        settings.AUTHENTICATION_BACKENDS = saved


def _report(label: str, normal: list[float], locked: list[float]) -> None:
    u, z, p = mann_whitney_u(locked, normal)
    verdict = "distinguishable" if p < 0.01 else "not distinguishable at the 1 % level"
    print(
        f"{label}: wrong password median {statistics.median(normal) * 1e3:6.1f} ms, "
        f"locked median {statistics.median(locked) * 1e3:6.1f} ms, n = {len(normal)} + {len(locked)}, "
        f"Mann-Whitney U = {u:.0f}, z = {z:+.2f}, p = {p:.3g} -> {verdict}"
    )


def run(samples: int) -> None:
    """Print the lockout timing comparison, for Utvei's backend and for the stock one."""
    import logging
    import warnings

    logging.getLogger("axes").setLevel(logging.ERROR)  # one warning per failed login otherwise
    warnings.filterwarnings("ignore", message="No directory at")
    open_user, locked_user, _password = _users()
    normal, locked = _sample(samples, open_user, locked_user)
    _report("lockout timing (Utvei backend)", normal, locked)
    with _stock_axes_backend():
        normal, locked = _sample(max(30, samples // 5), open_user, locked_user)
    _report("lockout timing (baseline: stock axes backend)", normal, locked)
