"""Django settings for Jaring.

Everything a deployment changes comes from the environment:

- ``DATABASE_URL``: ``sqlite:///path`` or ``postgres://user:pass@host/db``. Unset means the
  embedded SQLite database under ``var/`` (the demo).
- ``JARING_ENV``: ``demo`` (default when ``DATABASE_URL`` is unset), ``production`` (default
  otherwise) or ``test``. Only ``demo`` and ``test`` may generate secrets; production must be
  given them.
- ``JARING_SECRET_KEY``, ``JARING_FIELD_KEY`` (encrypts NIK and phone),
  ``JARING_INDEX_KEY`` (keyed hash for looking people up by NIK or phone). Keys are 32 random
  bytes, URL-safe base64 (``python -c "import secrets; print(secrets.token_urlsafe(32))"``).
- ``JARING_VAR_DIR``: where the SQLite file, uploads and generated files live (default ``var/``).
- ``JARING_DEBUG``: ``1`` to show tracebacks (default on in the demo only).
- ``JARING_ALLOWED_HOSTS``: comma-separated host names.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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
            f'{name} belum diisi. Buat dengan: python -c "import secrets; '
            f'print(secrets.token_urlsafe(32))" lalu simpan di lingkungan server.'
        )
    if JARING_ENV == "test":
        # Fixed per name so a test run is reproducible; never used outside tests.
        return f"test-only-{name.lower()}-0123456789abcdef0123456789abcdef"
    path = VAR_DIR / "secrets" / name.lower()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret("JARING_SECRET_KEY")
JARING_FIELD_KEY = _secret("JARING_FIELD_KEY")
JARING_INDEX_KEY = _secret("JARING_INDEX_KEY")

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
    "jaring.core",
    "jaring.regions",
    "jaring.accounts",
    "jaring.audit",
    "jaring.registry",
    "jaring.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jaring.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
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
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
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
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send the header
SESSION_COOKIE_SECURE = JARING_ENV == "production"
CSRF_COOKIE_SECURE = JARING_ENV == "production"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
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
    # Swagger UI from the installed package, not a CDN: works offline and on slow links.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
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
