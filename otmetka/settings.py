"""Otmetka settings: one file, every value from the environment, SQLite by default."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OTMETKA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("OTMETKA_TESTING", "pytest" in sys.modules)


def _secret_key() -> str:
    if path := os.environ.get("SECRET_KEY_FILE"):
        return Path(path).read_text(encoding="utf-8").strip()
    if key := os.environ.get("SECRET_KEY"):
        return key
    if DEBUG or TESTING:
        return "otmetka-development-key-not-for-production"
    # Commands that sign nothing (makemigrations, migrate, check) may run without a secret;
    # the app servers refuse to start without one (wsgi.py/asgi.py read it at import), and
    # Django refuses an empty key wherever one is used.
    return ""


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "template_partials.apps.SimpleAppConfig",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "otmetka.lib",
    "otmetka.audit",
    "otmetka.notifications",
    "otmetka.org",
    "otmetka.people",
    "otmetka.accounts",
    "otmetka.documents",
    "otmetka.academics",
    "otmetka.journal",
    "otmetka.schedule",
    "otmetka.movement",
    "otmetka.messaging",
    "otmetka.diary",
    "otmetka.reports",
    "otmetka.certificates",
    "otmetka.contingent",
    "otmetka.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "otmetka.lib.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "otmetka.accounts.middleware.ActiveRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "otmetka.urls"
WSGI_APPLICATION = "otmetka.wsgi.application"
ASGI_APPLICATION = "otmetka.asgi.application"

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
                "csp.context_processors.nonce",
                "otmetka.accounts.context_processors.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'otmetka.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A kept connection is checked before a request uses it, so the first request after
        # a database restart reconnects instead of failing on a connection the server closed.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # While the database host is unreachable, a connection attempt would otherwise hang for
    # minutes, beyond gunicorn's timeout; give up soon and show the «temporarily unavailable»
    # page. DATABASE_URL may set its own (?connect_timeout=N).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The development server runs a thread per request and would leave a kept connection open
    # with each thread, so SQLite connections close after every request by default. An app
    # server with one thread per process (gunicorn's sync workers) may keep them: opening one
    # (PRAGMAs, schema, a cold page cache) costs more than a diary page's queries.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("SQLITE_CONN_MAX_AGE", 0)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["otmetka.accounts.backends.AccountBackend"]
PASSWORD_HASHERS = [
    "otmetka.accounts.hashers.Argon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests that check it switch it back on.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle sessions expire; the expiry slides with activity (accounts middleware).
SESSION_COOKIE_AGE = env_int("OTMETKA_SESSION_IDLE_SECONDS", 8 * 3600)
SESSION_REMEMBER_ME_SECONDS = env_int("OTMETKA_REMEMBER_ME_SECONDS", 30 * 24 * 3600)
SESSION_REMEMBER_ME_ENABLED = env_bool("OTMETKA_REMEMBER_ME", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("OTMETKA_SECURE_COOKIES", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("OTMETKA_HSTS_SECONDS", 0)
SECURE_SSL_REDIRECT = env_bool("OTMETKA_SSL_REDIRECT", False)
if env_bool("OTMETKA_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling (accounts.throttle).
LOGIN_ACCOUNT_FREE_FAILURES = env_int("OTMETKA_LOGIN_FREE_FAILURES", 10)
LOGIN_ACCOUNT_MAX_DELAY_SECONDS = env_int("OTMETKA_LOGIN_MAX_DELAY", 60)
LOGIN_ACCOUNT_HOURLY_CAP = env_int("OTMETKA_LOGIN_HOURLY_CAP", 90)
LOGIN_ADDRESS_HOURLY_CAP = env_int("OTMETKA_LOGIN_ADDRESS_HOURLY_CAP", 300)
# Failures on user names that belong to nobody fill at most this much of an address's cap
# (always less than the cap), so made-up names alone never shut a shared address.
LOGIN_ADDRESS_UNKNOWN_NAMES_HOURLY_CAP = env_int("OTMETKA_LOGIN_ADDRESS_UNKNOWN_CAP", 50)
LOGIN_TRUSTED_DEVICE_DAYS = env_int("OTMETKA_TRUSTED_DEVICE_DAYS", 90)
# How many reverse proxies of our own stand in front of the app: unset or 0 when clients reach
# it directly; 1 (or "true") behind one nginx that appends to X-Forwarded-For; 2 behind a
# balancer and nginx. The client's address is then the N-th X-Forwarded-For entry from the
# right; entries further left are whatever the client sent. Left unset behind a proxy, every
# user shares the proxy's address in the throttle and the audit log. Parsed, and checked at
# start (accounts.checks), by accounts.throttle.trusted_proxy_count.
LOGIN_TRUST_X_FORWARDED_FOR = os.environ.get("OTMETKA_TRUST_X_FORWARDED_FOR", "")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tomsk")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("OTMETKA_MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG or TESTING

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail (notifications, weekly digests), sent only by the task worker, never in a request.
# With EMAIL_HOST set the mail goes out by SMTP; without it, to the console (development).
# EMAIL_BACKEND overrides both, e.g. django.core.mail.backends.filebased.EmailBackend, which
# writes each message into EMAIL_FILE_PATH.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = (
    Path(os.environ["EMAIL_HOST_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
    if os.environ.get("EMAIL_HOST_PASSWORD_FILE")
    else os.environ.get("EMAIL_HOST_PASSWORD", "")
)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "otmetka@localhost")
# The address people open Otmetka at: links in e-mails are absolute.
OTMETKA_SITE_URL = os.environ.get("OTMETKA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Defaults for a new organization (each organization may change its own).
OTMETKA_OTP_VALID_DAYS = env_int("OTMETKA_OTP_VALID_DAYS", 14)
OTMETKA_PAGE_SIZE = env_int("OTMETKA_PAGE_SIZE", 50)
