"""Settings, read from the environment with embedded defaults.

`make run` needs no configuration at all: debug on, SQLite under `var/`, the in-memory channel
layer and a local-memory cache. Production sets `DJANGO_DEBUG=0`, a real `DJANGO_SECRET_KEY`,
`DJANGO_ALLOWED_HOSTS`, `DATABASE_URL` and `REDIS_URL`; the README lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# A key that is missing, short or one of these placeholders must never reach production.
PLACEHOLDER_SECRET_KEYS = {
    "",
    "change-me",
    "changeme",
    "secret",
    "insecure",
    "dev",
    "django-insecure",
}
_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production-3f9a1c"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not DEBUG and (
    SECRET_KEY.strip().lower() in PLACEHOLDER_SECRET_KEYS
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is missing or a placeholder, and DJANGO_DEBUG is off. Set "
        "DJANGO_SECRET_KEY to a long random value (at least 50 characters), for example the "
        "output of: python -c 'import secrets; print(secrets.token_urlsafe(64))'. "
        "For local development, set DJANGO_DEBUG=1 instead."
    )
if not SECRET_KEY:
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "community",
    "groups",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Near the top, so their headers reach every answer, redirects and refusals too.
    "community.privacy_middleware.PrivacyHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "community.urls"
CSRF_FAILURE_VIEW = "community.views.errors.csrf_failure"
ASGI_APPLICATION = "community.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "community.context_processors.pending_signpost",
                "community.context_processors.notification_bell",
                "community.context_processors.mood_reminder",
            ],
        },
    },
]

# Databases: SQLite under var/ unless DATABASE_URL says otherwise. The test database name is
# always explicit, so a live-server child process connects to the same database as the tests.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    _default_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)
    _default_db["TEST"] = {"NAME": os.environ.get("DJANGO_TEST_DATABASE_NAME", "test_community")}
    if _default_db["ENGINE"] == "django.db.backends.postgresql":
        # Under daphne every request and every chat message runs in a worker thread, so
        # per-thread persistent connections (CONN_MAX_AGE) would leak; without them each request
        # paid for a new PostgreSQL connection. One pool per process instead; with the health
        # check (CONN_HEALTH_CHECKS) a connection broken by a database restart is replaced
        # before it is handed out, so the site recovers by itself.
        _default_db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": int(os.environ.get("DJANGO_DB_POOL_SIZE", "10")),
            # Seconds a request or chat message waits for a connection: when the database
            # is down, the member hears "please send it again" after this long.
            "timeout": 5,
        }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "community.sqlite3",
        "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        # IMMEDIATE: a transaction takes the write lock when it begins, so two moderators
        # deciding at once queue behind each other (and the second is told) instead of one
        # failing with "database is locked" when both try to upgrade a read lock.
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: unset means one process with in-memory parts; set means shared channel layer and cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # One Redis queue per process carries the events of all its sockets; the default
            # capacity (100) drops live chat messages during a burst in a busy room.
            # socket_timeout above channels_redis's 5 s blocking read (BZPOPMIN): redis-py 8
            # defaults to 5 s too, so a quiet room's read timed out and its sockets dropped.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": "community",
                "capacity": 1000,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "community",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "community.Member"
AUTHENTICATION_BACKENDS = ["community.auth_backends.PseudonymOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("pseudonym", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "me"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Failed logins for one account: after LOGIN_FAILURE_LIMIT failures within the window, further
# attempts are refused until the window has passed.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_SECONDS = 30 * 60
# New accounts from one address, to slow automated sign-up floods.
SIGNUP_LIMIT_PER_ADDRESS = 10
SIGNUP_WINDOW_SECONDS = 60 * 60

# The content pipeline. Per-member posting rates: (messages, seconds); forum threads, replies and
# stories share the "posts" budget.
MODERATION_RATE_LIMITS = {
    "chat": (20, 30),
    "posts": (5, 10 * 60),
    "profile": (10, 60 * 60),
}
# Frames one chat socket may send (burst, then per second), all types together, before they are
# answered without any database work (groups/flood.py). The burst is above the pipeline's chat
# limit (20 messages), so a browser resending what it queued while offline is not refused here;
# the browser sends a typing notice at most every 3 s.
CHAT_FRAME_BUDGET = (30, 2.0)
# In a pre-moderated space, a member's first N published items wait for review.
MODERATION_PREMODERATED_FIRST_ITEMS = int(
    os.environ.get("MODERATION_PREMODERATED_FIRST_ITEMS", "3")
)
# Links from accounts younger than this many hours wait for review.
MODERATION_NEW_MEMBER_LINK_HOURS = 24
# Queue ageing: an open item older than this is overdue. Urgent crisis items in minutes, every
# other item in hours.
MODERATION_AGEING_URGENT_MINUTES = int(os.environ.get("MODERATION_AGEING_URGENT_MINUTES", "5"))
MODERATION_AGEING_OTHER_HOURS = int(os.environ.get("MODERATION_AGEING_OTHER_HOURS", "24"))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Steady Ground <no-reply@localhost>"
)

# Security headers. Production defaults are strict; each can be relaxed only by an explicit
# variable (for example behind a TLS-terminating proxy on a private network).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health check is probed over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# API throttles and the client address. Rates are "<n>/<sec|min|hour|day>", kept in the default
# cache (Redis when REDIS_URL is set, so all processes share them). DJANGO_NUM_PROXIES is the
# number of trusted proxies in front of the app: 0 (the default) ignores X-Forwarded-For, so a
# client cannot pick its own address; with N proxies the N-th address from the right counts.
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "600/min")
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "120/min")
NUM_PROXIES = int(os.environ.get("DJANGO_NUM_PROXIES", "0"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The token class comes first so a bad token is answered 401 with WWW-Authenticate; a
    # request without an Authorization header falls through to the session (with CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "community.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": [
        "community.tokens.MemberRateThrottle",
        "community.tokens.VisitorRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": API_THROTTLE_USER, "anon": API_THROTTLE_ANON},
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "community.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Steady Ground API",
    "DESCRIPTION": "The REST API of the attachment-healing peer-support community.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Clients send JSON. The form parsers stay on for old callers, but the schema offers JSON
    # only: daphne's HTTP layer answers a malformed multipart body with a bare 400 before any
    # view runs, which no client should be invited to meet.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # One name for the "delete or keep anonymised" choice each account-deletion field offers.
    "ENUM_NAME_OVERRIDES": {
        "ErasureChoiceEnum": "community.account_services.CONTENT_CHOICES",
        "DataExportStateEnum": "community.models.exports.DATA_EXPORT_STATES",
        # The name membership states had before other "state" fields came; kept for clients.
        "StateEnum": "groups.models.MEMBERSHIP_STATES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "community.api_errors.error_responses_hook",
    ],
}

# Retention: the words of removed and deleted content, and their moderation context, are
# purged this many days after they were taken down (`manage.py purge_removed_content`).
# The privacy page (/privacy/) tells members this number.
RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "90"))

# Community rules that later features read.
GUIDELINES_VERSION = "2026-11"

# Nothing a member writes may reach a log (tests/community/test_no_health_text_in_logs.py):
# django.template's DEBUG records carry the whole template context in their traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"drop_template_context": {"()": "community.log_filters.DropTemplateContext"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.template": {"filters": ["drop_template_context"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Members' data exports (/me/export/). DATA_EXPORT_RUNNER says where an archive is built:
# "thread" (a background thread of the daphne process that took the request; a build that dies
# with its process is resumed by `manage.py run_data_exports` or the next builder) or "inline"
# (at once, in the request; the unit tests use it). An archive is downloadable for
# DATA_EXPORT_HOURS, then deleted by the retention command.
DATA_EXPORT_RUNNER = os.environ.get("DATA_EXPORT_RUNNER", "thread")
DATA_EXPORT_HOURS = 48

# Forums: the text-search configuration PostgreSQL uses for stemming (ignored on SQLite).
FORUM_SEARCH_CONFIG = os.environ.get("FORUM_SEARCH_CONFIG", "english")
