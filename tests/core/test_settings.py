"""Production settings refuse unsafe configurations; the deployment check is clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "Zx9!qRt7@pLm#Vb2$Nc8%Hd4^Jf6&Gs1*Ww3(Ee5)" + "y" * 10
SIGNING_KEY = "c2lnbmluZy1rZXktZm9yLXRoZS1zZXR0aW5ncy10ZXM="
DEV_SIGNING_KEY = "dXR2ZWktZGV2ZWxvcG1lbnQtYXVkaXQtc2lnbmluZyE="
# What production needs besides the secret: field keys, a blind-index key and the key store's database.
KEYS = {
    "UTVEI_ENCRYPTION_KEYS": "t:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=",
    "UTVEI_BLIND_INDEX_KEY": "i:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=",
    "UTVEI_KEYSTORE_DATABASE_URL": "postgres://utvei@keys.example.no/utvei_keys",
}


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("UTVEI_")}
    clean.update(KEYS)
    clean["UTVEI_AUDIT_SIGNING_KEY"] = SIGNING_KEY
    clean.update(env)
    for name in [k for k, v in clean.items() if v == ""]:
        del clean[name]
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "utvei.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env,message",
    [
        ({}, "UTVEI_SECRET_KEY"),
        ({"UTVEI_SECRET_KEY": "short"}, "UTVEI_SECRET_KEY"),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_DEBUG": "true"}, "UTVEI_DEBUG must be off"),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_HTTPS": "false"}, "HTTPS"),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_REQUIRE_2FA": "false"}, "two-factor"),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_DEBUG": "perhaps"}, "true or false"),
        ({"UTVEI_ENV": "staging"}, "UTVEI_ENV must be"),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_AUDIT_SIGNING_KEY": ""}, "Set UTVEI_AUDIT_SIGNING_KEY"),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_AUDIT_SIGNING_KEY": "not base64!"}, "base64 of 32 random bytes"),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_AUDIT_SIGNING_KEY": "c2hvcnQ="}, "base64 of 32 random bytes"),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_AUDIT_SIGNING_KEY": DEV_SIGNING_KEY}, "development audit signing key"),
        (
            {"UTVEI_ENV": "demo", "UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_AUDIT_SIGNING_KEY": ""},
            "Set UTVEI_AUDIT_SIGNING_KEY",
        ),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_BLIND_INDEX_KEY": ""}, "UTVEI_BLIND_INDEX_KEY"),
        (
            {
                "UTVEI_SECRET_KEY": STRONG_KEY,
                "UTVEI_BLIND_INDEX_KEY": "dev:dXR2ZWktZGV2LWJsaW5kLWluZGV4LWtleS1wdWJsaWM=",
            },
            "development blind-index key",
        ),
        ({"UTVEI_SECRET_KEY": STRONG_KEY, "UTVEI_KEYSTORE_DATABASE_URL": ""}, "UTVEI_KEYSTORE_DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_unsafely(env: dict[str, str], message: str) -> None:
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_strong_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(STRONG_KEY + "\n", encoding="utf-8")
    result = _load_settings(UTVEI_SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_deployment_check_is_clean_under_production_settings() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("UTVEI_")}
    clean |= {
        "UTVEI_SECRET_KEY": STRONG_KEY,
        "UTVEI_ALLOWED_HOSTS": "utvei.example.no",
        **KEYS,
        "UTVEI_AUDIT_SIGNING_KEY": SIGNING_KEY,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
