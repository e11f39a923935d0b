"""Django settings for Samsyn.

Everything that differs between machines comes from the environment:

- ``DATABASE_URL``: the database (an SQLite file under ``var/`` by default).
- ``SAMSYN_DEMO``: ``1`` turns on demo mode (demo accounts with the password ``demo``).
- ``SAMSYN_SECRET_KEY``: required when ``SAMSYN_DEBUG`` is off and not in demo mode.
- ``SAMSYN_DEBUG``, ``SAMSYN_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("SAMSYN_VAR_DIR", PROJECT_DIR / "var"))


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEMO_MODE = _flag("SAMSYN_DEMO")
DEBUG = _flag("SAMSYN_DEBUG")

SECRET_KEY = os.environ.get("SAMSYN_SECRET_KEY", "")
if not SECRET_KEY and (
    DEBUG or DEMO_MODE or _flag("SAMSYN_TESTING") or "PYTEST_VERSION" in os.environ
):
    SECRET_KEY = "samsyn-insecure-development-key-never-use-in-production"
# Without a key, Django refuses anything that signs (sessions, the access log's MAC), and
# samsyn.wsgi refuses to start: production must set SAMSYN_SECRET_KEY.

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SAMSYN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "samsyn.core",
    "samsyn.accounts",
    "samsyn.organisations",
    "samsyn.children",
    "samsyn.access",
    "samsyn.audit",
    "samsyn.consent",
    "samsyn.teams",
    "samsyn.concerns",
    "samsyn.plans",
    "samsyn.attendance",
    "samsyn.statistics",
    "samsyn.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samsyn.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "samsyn.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "samsyn.core.context_processors.samsyn",
            ],
        },
    },
]

WSGI_APPLICATION = "samsyn.wsgi.application"

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'samsyn.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60
    )
}
# Every request is one transaction: an access and its log row commit together or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if "PYTEST_VERSION" in os.environ:
    # Tests create many users; a fast hasher keeps the suite quick. Never used at run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "children:my_children"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if (
    not DEBUG
    and not DEMO_MODE
    and _flag("SAMSYN_HTTPS", True)
    and "PYTEST_VERSION" not in os.environ
):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Municipality-level settings with defaults; each can be changed per installation.
SAMSYN: dict[str, Any] = {
    # Days before a handover that nobody has acknowledged is flagged.
    "HANDOVER_ACK_DAYS": 10,
    # Page size for lists.
    "PAGE_SIZE": 25,
    # Working days (Mon–Fri, not Swedish public holidays) the Barnkontakt has to answer a concern.
    "CONCERN_RESPONSE_WORKING_DAYS": 5,
    # Days before a Barnteam meeting that an unanswered invitation is reminded.
    "INVITATION_REMINDER_DAYS": 3,
    # Days before a plan's follow-up that the Stödsamordnare and Barnkontakt are reminded.
    "FOLLOW_UP_REMINDER_DAYS": 7,
    # Attendance files uploaded in the UI wait here while a background thread imports them.
    "UPLOAD_DIR": str(VAR_DIR / "uploads"),
    # Run an uploaded import in the request's commit hook instead of a thread (tests).
    "ATTENDANCE_UPLOAD_INLINE": "PYTEST_VERSION" in os.environ,
}
