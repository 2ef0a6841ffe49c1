"""Django settings for Jaring.

Everything a deployment changes comes from the environment:

- ``DATABASE_URL``: ``sqlite:///path`` or ``postgres://user:pass@host/db``. Unset means the
  embedded SQLite database under ``var/`` (the demo).
- ``JARING_ENV``: ``demo`` (default when ``DATABASE_URL`` is unset), ``production`` (default
  otherwise) or ``test``. Only ``demo`` and ``test`` may generate secrets; production must be
  given them.
- ``JARING_SECRET_KEY``, the field-encryption key ring (NIK, phone, bank account):
  ``JARING_FIELD_KEYS`` (``2:<key>,1:<key>``) or ``JARING_FIELD_KEYS_FILE`` with
  ``JARING_FIELD_KEY_CURRENT``, or one ``JARING_FIELD_KEY`` (see :mod:`jaring.core.keyring`),
  and ``JARING_INDEX_KEY`` (keyed hash for looking people up by NIK or phone). Keys are random,
  URL-safe base64 (``jaring keys new`` prints them); production refuses a key shorter than
  50 characters, one with few distinct characters, and two keys that are the same.
- ``JARING_NATIONAL_KEY``: the national index key, given by the national operator to every
  region that exports for national matching and coverage (``jaring national export``; empty:
  no export). Never generated: two regions must hold the same one (docs/scale.md).
- ``JARING_SPARK_MASTER`` (default ``local[2]``) and ``JARING_SPARK_CONF`` (``spark.x=…``
  separated by spaces, e.g. ``spark.driver.memory=8g``): the Spark of ``jaring national …
  --engine spark``; the commands' ``--master`` and ``--spark-conf`` override them.
- ``JARING_VAR_DIR``: where the SQLite file, uploads and generated files live (default ``var/``).
- ``JARING_DEBUG``: ``1`` to show tracebacks (default on in the demo only).
- ``JARING_ALLOWED_HOSTS``: comma-separated host names.
- ``JARING_HTTPS``: ``1`` (default in production) when users reach Jaring over HTTPS through a
  reverse proxy: HTTPS redirect, HSTS, secure cookies (docs/deploy.md).
- ``JARING_SESSION_IDLE_HOURS`` (default 8), ``JARING_TOKEN_HOURS`` (API tokens, default 24),
  ``JARING_LOGIN_FAILURES`` (default 5) and ``JARING_LOGIN_COOLOFF_MINUTES`` (default 15),
  ``JARING_RETENTION_DAYS`` (uploaded lists and result workbooks, default 90).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jaring.core.keyring import field_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JARING_VAR_DIR", BASE_DIR / "var"))

_DATABASE_URL = os.environ.get("DATABASE_URL", "")
JARING_ENV = os.environ.get("JARING_ENV", "production" if _DATABASE_URL else "demo")
if JARING_ENV not in {"demo", "production", "test"}:
    raise ImproperlyConfigured(
        f"JARING_ENV={JARING_ENV!r} tidak dikenal; pakai demo, production atau test."
    )


def _secret(name: str) -> str:
    """A secret from the environment; demo and test generate one and keep it under var/."""
    value = os.environ.get(name)
    if value:
        return value
    if JARING_ENV == "production":
        raise ImproperlyConfigured(
            f"{name} belum diisi. Buat kunci dengan 'jaring keys new' lalu simpan di "
            "lingkungan server (docs/deploy.md)."
        )
    if JARING_ENV == "test":
        # Fixed per name so a test run is reproducible; never used outside tests.
        return f"test-only-{name.lower()}-0123456789abcdef0123456789abcdef"
    path = VAR_DIR / "secrets" / name.lower()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


# Production keys: at least this long (``secrets.token_urlsafe(48)`` gives 64 characters; Django's
# own deployment check wants 50 for SECRET_KEY), with this many distinct characters, and no key
# used twice: one leaked key must not open the others' doors.
KEY_MIN_LENGTH = 50
KEY_MIN_DISTINCT = 16


def _checked_keys(keys: dict[str, str]) -> None:
    for name, value in keys.items():
        if len(value) < KEY_MIN_LENGTH or len(set(value)) < KEY_MIN_DISTINCT:
            raise ImproperlyConfigured(
                f"{name} terlalu pendek atau terlalu seragam (perlu ≥ {KEY_MIN_LENGTH} karakter "
                f"acak). Buat yang baru dengan: jaring keys new"
            )
    names = list(keys)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if keys[first] == keys[second]:
                raise ImproperlyConfigured(
                    f"{first} dan {second} sama; setiap kunci harus berbeda (jaring keys new)."
                )


SECRET_KEY = _secret("JARING_SECRET_KEY")
_FIELD_KEYS = field_keys(
    os.environ,
    generated=lambda: _secret("JARING_FIELD_KEY"),
    strict=JARING_ENV == "production",
)
#: Field-encryption keys by number (:mod:`jaring.core.crypto`): every one reads, the current
#: one writes.
JARING_FIELD_KEYRING: dict[int, str] = dict(_FIELD_KEYS.ring)
JARING_FIELD_KEY_CURRENT: int = _FIELD_KEYS.current
JARING_INDEX_KEY = _secret("JARING_INDEX_KEY")
if JARING_ENV == "production":
    _checked_keys(
        {
            "JARING_SECRET_KEY": SECRET_KEY,
            **(
                {"JARING_FIELD_KEY": _FIELD_KEYS.ring[1]}
                if os.environ.get("JARING_FIELD_KEY")
                else _FIELD_KEYS.named()
            ),
            "JARING_INDEX_KEY": JARING_INDEX_KEY,
        }
    )

# Held by the national operator, not by the region: never generated, never checked against the
# region's own keys here (``jaring national export`` refuses when it is missing or too short).
JARING_NATIONAL_KEY = os.environ.get("JARING_NATIONAL_KEY", "")
# The Spark the national commands use with --engine spark (docs/scale.md): a master URL
# (local[2], spark://host:7077, k8s://https://…) and Spark settings "spark.x=… spark.y=…".
JARING_SPARK_MASTER = os.environ.get("JARING_SPARK_MASTER", "local[2]")
JARING_SPARK_CONF = os.environ.get("JARING_SPARK_CONF", "")

DEBUG = os.environ.get("JARING_DEBUG", "1" if JARING_ENV == "demo" else "0") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("JARING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "jaring.core",
    "jaring.regions",
    "jaring.accounts",
    "jaring.audit",
    "jaring.registry",
    "jaring.programmes",
    "jaring.finance",
    "jaring.claims",
    "jaring.monitoring",
    "jaring.national",
    "jaring.demo",
]

MIDDLEWARE = [
    "jaring.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Everything below WhiteNoise (every page, API answer and download, not static files) is
    # marked "Cache-Control: no-store": no browser or proxy keeps a copy of personal data.
    "jaring.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jaring.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jaring.core.middleware.IdleTimeoutMiddleware",
    "jaring.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jaring.core.middleware.OutOfRangeMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last: turns a lockout found during authentication into its answer (HTTP 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jaring.urls"
WSGI_APPLICATION = "jaring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jaring" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


# WAL lets the web server read while the import worker writes; IMMEDIATE takes the write lock
# at BEGIN so two writers queue instead of failing half-way. 16 KiB pages (set before WAL, so a
# new database file gets them; an existing one keeps its own) make a million-row import 1.2 s
# faster: fewer pages to split, write and checkpoint.
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536;"
    ),
    "transaction_mode": "IMMEDIATE",
}


#: PostgreSQL's memory for each sort and bitmap (``work_mem``; its default, 4 MB, is small
#: for ten million people: a name search's bitmap of the trigram index's matches went lossy
#: and every row of ~100,000 pages was rechecked — 2–4 s where 32 MB answers in 0.1–0.7 s).
POSTGRES_WORK_MEM = os.environ.get("JARING_POSTGRES_WORK_MEM", "32MB")


def _database() -> dict[str, object]:
    url = _DATABASE_URL or f"sqlite:///{VAR_DIR / 'jaring.sqlite3'}"
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL tidak dapat dibaca ({exc}); contoh: sqlite:///var/jaring.sqlite3 "
            "atau postgres://user:sandi@host:5432/jaring"
        ) from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    elif "postgresql" in str(config["ENGINE"]):
        options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        # Given first, so that options of the URL's own can say otherwise.
        options["options"] = f"-c work_mem={POSTGRES_WORK_MEM} {options.get('options', '')}"
        config["OPTIONS"] = options
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user name before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "jaring" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "jaring" / "static"]
# Production serves collected files; the demo and tests serve them from the apps (finders).
STATIC_ROOT = VAR_DIR / "static" if JARING_ENV == "production" else None
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads bigger than this are refused before they are read (an import file of a whole
# province fits easily; anything larger is a mistake or an attack).
JARING_MAX_UPLOAD_BYTES = int(os.environ.get("JARING_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))
# Uploaded lists and their result workbooks hold personal data in plain text: they are removed
# this many days after the import finished (``jaring purge``, run daily by ``jaring serve``).
JARING_RETENTION_DAYS = int(os.environ.get("JARING_RETENTION_DAYS", "90"))
# Management commands ``jaring serve`` runs a minute after it starts and then every day.
JARING_DAILY_COMMANDS = ["purge"]
# People pages and records a user without the export right may read in an hour beyond the
# first pages of a list (jaring.audit.pacing).
JARING_BROWSE_PER_HOUR = int(os.environ.get("JARING_BROWSE_PER_HOUR", "200"))
# Management commands ``jaring serve`` runs first, before the server and the worker start.
JARING_START_COMMANDS = ["recover"]
# Working days BPJS has to settle a claim once its file is submitted (PP 44/2015, Permenaker
# 5/2021): the claims' service-level clock and overdue list.
JARING_CLAIM_SLA_DAYS = int(os.environ.get("JARING_CLAIM_SLA_DAYS", "3"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- sessions, logins, tokens -----------------------------------------------------------------
# Signed in until this long without a request (IdleTimeoutMiddleware refreshes the session at
# most every few minutes, so pages polled by htmx do not write a session row each time).
JARING_SESSION_IDLE_HOURS = float(os.environ.get("JARING_SESSION_IDLE_HOURS", "8"))
SESSION_COOKIE_AGE = int(JARING_SESSION_IDLE_HOURS * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send the header
# API tokens (POST /api/token/) stop working this long after they were issued.
JARING_TOKEN_HOURS = float(os.environ.get("JARING_TOKEN_HOURS", "24"))
# django-axes: after this many wrong passwords for one user name, or from one address (page or
# API), that name or address is locked for the cool-off time (docs/security.md). A successful
# sign-in clears the count of its name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("JARING_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JARING_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Requests from these addresses (the local reverse proxy, docs/deploy.md) carry the client's
# address in X-Forwarded-For; TrustedProxyMiddleware puts it in REMOTE_ADDR, so the lockout,
# the audit trail and the export records see the client, not the proxy.
JARING_TRUSTED_PROXIES = [
    a.strip()
    for a in os.environ.get(
        "JARING_TRUSTED_PROXIES", "127.0.0.1,::1" if JARING_ENV == "production" else ""
    ).split(",")
    if a.strip()
]

# --- HTTPS, headers, content security policy --------------------------------------------------
JARING_HTTPS = os.environ.get("JARING_HTTPS", "1" if JARING_ENV == "production" else "0") == "1"
SESSION_COOKIE_SECURE = JARING_HTTPS
CSRF_COOKIE_SECURE = JARING_HTTPS
if JARING_HTTPS:
    # TLS ends at the reverse proxy, which says so in X-Forwarded-Proto (and gunicorn listens on
    # 127.0.0.1 only, so nobody else can send that header).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if h != "testserver"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from Jaring's own static files: no inline script, no CDN, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an API client without a valid token is told 401 with how to authenticate.
        "jaring.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "jaring.core.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jaring API",
    "DESCRIPTION": "Registry, regions and imports of Jaring; every list is limited to the "
    "regions of the signed-in user.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema names every endpoint and field: for signed-in users only, like the docs page.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed package, not a CDN: works offline and on slow links.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A decree entry's change and a membership's end share one set of reasons.
    "ENUM_NAME_OVERRIDES": {"ChangeReasonEnum": "jaring.programmes.models.ChangeReason"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_STORE_JSON_CHANGES = True
# Tracked models and their excluded fields are listed in jaring/audit/registration.py.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "jaring": {"handlers": ["console"], "level": "INFO"},
        # Splink narrates training at WARNING ("level not observed", ...); Jaring reports
        # what matters itself.
        "splink": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
