"""Settings for Utvei, read from the environment (one file, no split).

``UTVEI_ENV`` names the environment: ``production`` (the default, so a missing variable fails closed),
``demo``, ``development`` or ``test``. Production refuses to start with DEBUG on, a default or short
secret key, plain HTTP or optional 2FA.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("UTVEI_VAR_DIR", PROJECT_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no setting, refusing values that are neither."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    """Read an integer setting, refusing anything that is not a number."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_secret(name: str, default: str = "") -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


ENVIRONMENT = os.environ.get("UTVEI_ENV", "production")
if ENVIRONMENT not in {"production", "demo", "development", "test"}:
    raise ImproperlyConfigured(f"UTVEI_ENV must be production, demo, development or test, not {ENVIRONMENT!r}")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("UTVEI_DEBUG", False)
INSECURE_DEFAULT_SECRET = "insecure-utvei-development-key-never-use-in-production"
SECRET_KEY = env_secret("UTVEI_SECRET_KEY", INSECURE_DEFAULT_SECRET)
HTTPS = env_bool("UTVEI_HTTPS", IS_PRODUCTION)
REQUIRE_2FA = env_bool("UTVEI_REQUIRE_2FA", ENVIRONMENT != "demo")

if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("UTVEI_DEBUG must be off in production.")
    if SECRET_KEY == INSECURE_DEFAULT_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "Set UTVEI_SECRET_KEY (or UTVEI_SECRET_KEY_FILE) to a random value of 50+ characters."
        )
    if not HTTPS:
        raise ImproperlyConfigured("Production runs behind HTTPS only; UTVEI_HTTPS cannot be off.")
    if not REQUIRE_2FA:
        raise ImproperlyConfigured("Production requires two-factor login; UTVEI_REQUIRE_2FA cannot be off.")
elif not DEBUG and SECRET_KEY == INSECURE_DEFAULT_SECRET and ENVIRONMENT not in {"test", "development"}:
    raise ImproperlyConfigured("Set UTVEI_SECRET_KEY: the default key is only for tests and development.")

# Field encryption keys (utvei.core.crypto). Tests and development get a fixed, public key; every other
# environment must set its own.
_DEV_ENCRYPTION_KEYS = "dev:dXR2ZWktZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ="
ENCRYPTION_KEYS = env_secret(
    "UTVEI_ENCRYPTION_KEYS", _DEV_ENCRYPTION_KEYS if ENVIRONMENT in {"test", "development"} else ""
)
ENCRYPTION_PRIMARY = os.environ.get("UTVEI_ENCRYPTION_PRIMARY", ENCRYPTION_KEYS.split(":", 1)[0])
if not ENCRYPTION_KEYS:
    raise ImproperlyConfigured("Set UTVEI_ENCRYPTION_KEYS (kid:base64key) for field encryption (docs/operations.md).")
if IS_PRODUCTION and _DEV_ENCRYPTION_KEYS.split(":", 1)[1] in ENCRYPTION_KEYS:
    raise ImproperlyConfigured("The development encryption key cannot be used in production.")

# Audit checkpoints (utvei.audit.checkpoints): an Ed25519 key signs the chain head, and the signed
# checkpoints go to a store outside the database. Tests and development get a fixed, public key; every
# other environment must set its own, kept apart from the database and its backups.
_DEV_AUDIT_SIGNING_KEY = "dXR2ZWktZGV2ZWxvcG1lbnQtYXVkaXQtc2lnbmluZyE="
AUDIT_SIGNING_KEY = env_secret(
    "UTVEI_AUDIT_SIGNING_KEY", _DEV_AUDIT_SIGNING_KEY if ENVIRONMENT in {"test", "development"} else ""
)
if not AUDIT_SIGNING_KEY:
    raise ImproperlyConfigured(
        "Set UTVEI_AUDIT_SIGNING_KEY (or UTVEI_AUDIT_SIGNING_KEY_FILE), a base64 Ed25519 key (docs/operations.md)."
    )
try:
    _signing_seed = base64.b64decode(AUDIT_SIGNING_KEY, validate=True)
except (binascii.Error, ValueError) as exc:
    raise ImproperlyConfigured("UTVEI_AUDIT_SIGNING_KEY must be base64 of 32 random bytes.") from exc
if len(_signing_seed) != 32:
    raise ImproperlyConfigured("UTVEI_AUDIT_SIGNING_KEY must be base64 of 32 random bytes.")
if IS_PRODUCTION and AUDIT_SIGNING_KEY == _DEV_AUDIT_SIGNING_KEY:
    raise ImproperlyConfigured("The development audit signing key cannot be used in production.")
# Public keys (base64, comma-separated) of retired signing keys, so their checkpoints still verify.
AUDIT_VERIFY_KEYS = [k.strip() for k in os.environ.get("UTVEI_AUDIT_VERIFY_KEYS", "").split(",") if k.strip()]
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("UTVEI_AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints"))

# Attachments (utvei.attachments): the largest file accepted, refused while it streams in, and clamd's socket
# (empty: no scanner; the attachment is then stored and shown as "not virus scanned").
ATTACHMENT_MAX_BYTES = env_int("UTVEI_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
CLAMD_SOCKET = os.environ.get("UTVEI_CLAMD_SOCKET", "/var/run/clamav/clamd.ctl")
CLAMD_TIMEOUT = env_int("UTVEI_CLAMD_TIMEOUT", 30)
FILE_UPLOAD_HANDLERS = [
    "utvei.attachments.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Entries older than this with no checkpoint covering them mean the checkpoint job stopped or its
# store was emptied; audit_verify reports them as missing checkpoints.
AUDIT_CHECKPOINT_MAX_AGE_HOURS = env_int("UTVEI_AUDIT_CHECKPOINT_MAX_AGE_HOURS", 26)
# Blind-index key (HMAC-SHA256, utvei.core.cipher): finds a national identity number without storing it.
# ``kid:base64key``; further pairs are old keys kept while ``rotate_keys`` re-indexes. Tests and development
# get a fixed, public key; every other environment must set its own.
_DEV_BLIND_INDEX_KEY = "dev:dXR2ZWktZGV2LWJsaW5kLWluZGV4LWtleS1wdWJsaWM="
BLIND_INDEX_KEY = env_secret(
    "UTVEI_BLIND_INDEX_KEY", _DEV_BLIND_INDEX_KEY if ENVIRONMENT in {"test", "development"} else ""
)
if not BLIND_INDEX_KEY:
    raise ImproperlyConfigured("Set UTVEI_BLIND_INDEX_KEY (kid:base64key) for the blind index (docs/operations.md).")
if IS_PRODUCTION and _DEV_BLIND_INDEX_KEY.split(":", 1)[1] in BLIND_INDEX_KEY:
    raise ImproperlyConfigured("The development blind-index key cannot be used in production.")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("UTVEI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "axes",
    "csp",
    "template_partials",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "utvei.core",
    "utvei.access",
    "utvei.accounts",
    "utvei.audit",
    "utvei.notifications",
    "utvei.cases",
    "utvei.contacts",
    "utvei.sharing",
    "utvei.plans",
    "utvei.network",
    "utvei.mentoring",
    "utvei.attachments",
    "utvei.privacy",
    "utvei.portal",
    "utvei.oidc",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "utvei.core.middleware.RequestIdMiddleware",
    # One access context per actor and request: every visibility decision reuses the same facts.
    "utvei.access.middleware.AccessScopeMiddleware",
    "utvei.core.middleware.EncryptionScopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "utvei.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "utvei.core.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "utvei.core.middleware.SecurityHeadersMiddleware",
    # Last, so a lockout is seen after authentication has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "utvei.urls"
WSGI_APPLICATION = "utvei.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "utvei.context_processors.shell",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'utvei.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("UTVEI_DATABASE_URL", _default_db),
        conn_max_age=env_int("UTVEI_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}


def _keystore_url(main: str) -> str:
    """Derive the key store's database next to the main one (outside production only)."""
    if main.startswith("sqlite:"):
        stem = main[:-8] if main.endswith(".sqlite3") else main
        return f"{stem}-keys.sqlite3"
    base, _sep, name = main.rpartition("/")
    name, query_sep, query = name.partition("?")
    return f"{base}/{name}_keys{query_sep}{query}"


# The key store (utvei.core.keystore) holds the persons' wrapped data keys in its own database, so the
# main database's backups never hold them: destroying a key makes that person's fields unreadable in
# every old backup too. Production names it explicitly (docs/operations.md).
_keystore = os.environ.get("UTVEI_KEYSTORE_DATABASE_URL", "")
if not _keystore:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("Set UTVEI_KEYSTORE_DATABASE_URL to the key store's database (docs/operations.md).")
    _keystore = _keystore_url(os.environ.get("UTVEI_DATABASE_URL", _default_db))
DATABASES["keys"] = dj_database_url.parse(
    _keystore, conn_max_age=env_int("UTVEI_DB_CONN_MAX_AGE", 60), conn_health_checks=True
)
for _alias in DATABASES:
    if DATABASES[_alias]["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions take the write lock at BEGIN, so two writers never deadlock on upgrade;
        # WAL lets readers continue while one writer works.
        DATABASES[_alias]["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            # A destroyed data key is overwritten with zeros in the file, not just unlinked.
            + (" PRAGMA secure_delete=ON;" if _alias == "keys" else ""),
        }
# The test key store is created first: the main database's migrations may write data keys into it.
DATABASES["keys"]["TEST"] = {"DEPENDENCIES": []}
DATABASES["default"]["TEST"] = {"DEPENDENCIES": ["keys"]}
DATABASE_ROUTERS = ["utvei.core.routers.KeyStoreRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "utvei.accounts.backends.EqualWorkLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: sliding idle timeout (every request renews it) plus an absolute lifetime in middleware. The
# engine is Django's database backend, in a table that names each session's user, so that a user's
# sessions can be deleted when their access ends (accounts.sessions).
SESSION_ENGINE = "utvei.accounts.sessions"
SESSION_IDLE_SECONDS = env_int("UTVEI_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("UTVEI_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_WARNING_SECONDS = env_int("UTVEI_SESSION_WARNING_SECONDS", 2 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default-compatible
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-utvei-session"
    CSRF_COOKIE_NAME = "__Host-utvei-csrf"
else:
    SESSION_COOKIE_NAME = "utvei-session"
    CSRF_COOKIE_NAME = "utvei-csrf"

# Lockout after repeated failures (django-axes): by username, so an attacker cannot lock out a whole office.
AXES_FAILURE_LIMIT = env_int("UTVEI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("UTVEI_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "utvei.accounts.views.lockout_response"

OTP_TOTP_ISSUER = "Utvei"
OTP_TOTP_THROTTLE_FACTOR = 1

# Where 2FA is required, a first second factor is set up only through a one-time link from the
# organisation's administrator (or the operator's `manage.py enrolment_link`), valid this many hours.
ENROLMENT_LINK_HOURS = env_int("UTVEI_ENROLMENT_LINK_HOURS", 72)

# WebAuthn passkeys (django-otp-webauthn), a second factor only (never passwordless). A passkey is bound
# to the relying party id, the site's domain, and each assertion names the origin it was made for, so a
# look-alike site can neither ask for nor replay one (phishing resistance, ASVS 6.3.3).
_named_hosts = [h.lstrip(".") for h in ALLOWED_HOSTS if h != "*" and not h.replace(".", "").replace(":", "").isdigit()]
OTP_WEBAUTHN_RP_ID = os.environ.get("UTVEI_WEBAUTHN_RP_ID", _named_hosts[0] if _named_hosts else "localhost")
OTP_WEBAUTHN_RP_NAME = "Utvei"
_default_origin = f"https://{OTP_WEBAUTHN_RP_ID}" if HTTPS else f"http://{OTP_WEBAUTHN_RP_ID}:8000"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    o.strip() for o in os.environ.get("UTVEI_WEBAUTHN_ORIGINS", _default_origin).split(",") if o.strip()
]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = ""

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("UTVEI_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("UTVEI_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Internationalisation: Norwegian Bokmål by default, English available.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates follow the language: English gets day-first European formats (utvei/formats/en), never US ones.
FORMAT_MODULE_PATH = ["utvei.formats"]
LANGUAGE_COOKIE_NAME = "utvei-language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PROJECT_DIR / "build" / "static"]
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# Background work: django-tasks with its database backend, run by one worker process
# (`manage.py run_worker`, docs/operations.md). The queue lives in the main database, so a job and the
# task that runs it are enqueued in one transaction.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail about new notifications, sent by that worker over SMTP. The mail carries no case content, only a
# link to the inbox at UTVEI_SITE_URL (the address users reach Utvei at).
EMAIL_HOST = os.environ.get("UTVEI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("UTVEI_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("UTVEI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("UTVEI_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("UTVEI_EMAIL_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("UTVEI_EMAIL_FROM", "utvei@localhost")
SITE_URL = os.environ.get("UTVEI_SITE_URL", "http://localhost:8000")

# Concern-only records (never opened as cases) are kept briefly (R30).
CONCERN_RETENTION_DAYS = env_int("UTVEI_CONCERN_RETENTION_DAYS", 90)
# Closed cases are anonymised this long after closure unless the retention schedule names a period; the
# municipality sets it from its archive plan (docs/retention.md). Ten years until then.
CLOSED_CASE_RETENTION_DAYS = env_int("UTVEI_CLOSED_CASE_RETENTION_DAYS", 3653)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("UTVEI_LOG_LEVEL", "WARNING")},
}

# axes.W006 asks for per-IP lockout too. Utvei locks per username: a municipal office shares one public
# address, and a per-IP lock would let one person lock out every colleague (docs/decisions.md, D4).
SILENCED_SYSTEM_CHECKS: list[str] = ["axes.W006"]

# OpenID Connect login (utvei.core.oidc): the person through ID-porten, staff through their organisation's
# provider (accounts.OidcProvider). A flow must come back within OIDC_FLOW_SECONDS; token times are checked
# with OIDC_LEEWAY_SECONDS of clock skew. Plain-HTTP providers are accepted only outside production (the
# local fake provider, utvei.devidp).
OIDC_HTTP_TIMEOUT = env_int("UTVEI_OIDC_HTTP_TIMEOUT", 10)
OIDC_FLOW_SECONDS = env_int("UTVEI_OIDC_FLOW_SECONDS", 10 * 60)
OIDC_LEEWAY_SECONDS = env_int("UTVEI_OIDC_LEEWAY_SECONDS", 60)
# ID-porten: empty issuer = the person's login is off. The level asked for and required is
# idporten-loa-substantial or idporten-loa-high; a token of a lower level is refused.
UTVEI_IDPORTEN_ISSUER = os.environ.get("UTVEI_IDPORTEN_ISSUER", "").rstrip("/")
UTVEI_IDPORTEN_CLIENT_ID = os.environ.get("UTVEI_IDPORTEN_CLIENT_ID", "")
UTVEI_IDPORTEN_CLIENT_SECRET = env_secret("UTVEI_IDPORTEN_CLIENT_SECRET")
UTVEI_IDPORTEN_ACR = os.environ.get("UTVEI_IDPORTEN_ACR", "idporten-loa-substantial")
if UTVEI_IDPORTEN_ACR not in {"idporten-loa-substantial", "idporten-loa-high"}:
    raise ImproperlyConfigured("UTVEI_IDPORTEN_ACR must be idporten-loa-substantial or idporten-loa-high.")
if IS_PRODUCTION and UTVEI_IDPORTEN_ISSUER and not UTVEI_IDPORTEN_ISSUER.startswith("https://"):
    raise ImproperlyConfigured("UTVEI_IDPORTEN_ISSUER must be an https:// address in production.")
# The person's portal session is short and absolute: it ends this many seconds after the login.
UTVEI_PORTAL_SESSION_SECONDS = env_int("UTVEI_PORTAL_SESSION_SECONDS", 15 * 60)
