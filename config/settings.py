"""Django settings for MinNow: every environment variable is read here, once."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

load_dotenv(BASE_DIR / ".env", override=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (True/False), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and at most {maximum}"
        raise ImproperlyConfigured(f"{name} must be at least {minimum}{upper}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_url(name: str, default: str = "") -> str:
    value = env_str(name, default).rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, got {value!r}")
    return value


# --- Mode -------------------------------------------------------------------------------------
PROD = env_bool("PROD", False)
DEBUG = False if PROD else env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-minnow-local-development-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PROD:
        raise ImproperlyConfigured("SECRET_KEY must be set when PROD=True")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", ["http://localhost:3000"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ["http://localhost:3000"])
CORS_URLS_REGEX = r"^/api/.*$"
# The web frontend calls with `credentials: 'include'`: a browser drops any answer to such a call that lacks
# Access-Control-Allow-Credentials. Only the listed origins ever get CORS headers.
CORS_ALLOW_CREDENTIALS = env_bool("CORS_ALLOW_CREDENTIALS", True)
CORS_ALLOW_HEADERS = ("accept", "authorization", "content-type", "x-csrftoken", "x-requested-with")
CORS_EXPOSE_HEADERS = (
    "X-Total-Count",
    "Link",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "X-Request-ID",
    "Deprecation",  # a retiring operation's headers (minNow/deprecation.py)
    "Sunset",
)

# --- Applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "axes",
    "ninja",
    "users",
    "locations",
    "items",
    "agent",
    "search",
    "portability",
]

MIDDLEWARE = [
    "config.request_ids.RequestIdMiddleware",
    "config.health.HealthCheckMiddleware",  # before the Host check and the https redirect (config/health.py)
    "minNow.errors.JsonApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "minNow.ratelimit.RateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Admin login throttling (django-axes): 5 failed logins from one client address lock it out for 15 minutes.
# The address is the one the rate limiter uses, so it honours TRUSTED_PROXY_COUNT the same way.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "minNow.ratelimit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "users.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
            ],
        },
    },
]

# --- Time budget ------------------------------------------------------------------------------
# Every call to another service is bounded, so that the slowest request still answers its JSON error (503 for the
# database, 502 for a provider) before gunicorn's worker `timeout` (30 s, gunicorn.conf.py) kills the worker.
# docs/design.md ("Faults cost a bounded time") has these numbers as a table with the worst case per request;
# config/tests/test_time_budget.py checks that the worst case stays under the worker timeout. Seconds throughout.
DATABASE_CONNECT_TIMEOUT = 5  # opening a connection (libpq connect_timeout)
# A kept PostgreSQL connection is checked (a round trip) before a request uses it only when it has been idle
# this long: one that answered a moment ago almost surely still does (config/postgresql/base.py).
DATABASE_HEALTH_CHECK_IDLE_SECONDS = env_int("DATABASE_HEALTH_CHECK_IDLE_SECONDS", 5, maximum=3600)
# Each statement, cancelled by the server (statement_timeout; 0: none, e.g. for a long migration)...
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 3, maximum=86_400)
# ...and, one second later, given up by the client when the server (or a proxy in front of it) stays silent.
DATABASE_ANSWER_TIMEOUT = DATABASE_STATEMENT_TIMEOUT + 1 if DATABASE_STATEMENT_TIMEOUT else 0
DATABASE_DEAD_PEER_SECONDS = 4  # TCP: unacknowledged data (tcp_user_timeout) or keepalive probes, then dropped
RATE_LIMIT_TIMEOUT_SECONDS = 1.0  # one call to Upstash or Redis; at most two a request (a failure skips the rest)
CLERK_TIMEOUT_SECONDS = 3.0  # the JWKS fetch (at most once a minute), and one Backend API call
MAILERSEND_TIMEOUT_SECONDS = 5  # one send; a request sends at most two (POST /api/send-test-email)
LLM_CALL_TIMEOUT_SECONDS = 10.0  # one language-model call...
LLM_RETRIES = 1  # ...retried once after a timeout, a connection error, a 429 or a 5xx, if the request has time left
LLM_REQUEST_SECONDS = 15.0  # all the model calls of one request: a single add, a batch, a Min Search tool loop

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
elif env_str("PGHOST"):
    _database = {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": env_str("PGHOST"),
        "PORT": env_int("PGPORT", 5432, minimum=1, maximum=65535),
        "NAME": env_str("PGDATABASE", "postgres"),
        "USER": env_str("PGUSER", "postgres"),
        "PASSWORD": env_str("PGPASSWORD"),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"sslmode": env_str("PGSSLMODE")} if env_str("PGSSLMODE") else {},
    }
else:
    _database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "db.sqlite3")}

if _database["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a client-side bound on every wait for the server (config/postgresql/base.py).
    _database["ENGINE"] = "config.postgresql"
    _options = _database.setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    # A server that is gone (host down, network cut) is noticed by TCP: data it never acknowledges, or idle
    # keepalive probes it never answers, drop the connection after DATABASE_DEAD_PEER_SECONDS.
    _options.setdefault("keepalives", 1)
    _options.setdefault("keepalives_idle", DATABASE_DEAD_PEER_SECONDS // 2)
    _options.setdefault("keepalives_interval", 1)
    _options.setdefault("keepalives_count", DATABASE_DEAD_PEER_SECONDS // 2)
    _options.setdefault("tcp_user_timeout", DATABASE_DEAD_PEER_SECONDS * 1000)  # milliseconds
    # A statement that runs too long (a lock wait, a runaway query) is cancelled by the server. Options given in
    # DATABASE_URL are kept; this setting comes after them, so it wins over a statement_timeout there too.
    if DATABASE_STATEMENT_TIMEOUT:
        _statement = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
        _options["options"] = f"{_options.get('options', '')} {_statement}".strip()
    if PROD:
        # An sslmode given explicitly (the URL's query or PGSSLMODE) wins; PROD only supplies the default.
        _options.setdefault("sslmode", env_str("PGSSLMODE") or "require")

if _database["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue behind one another instead of failing with "database is locked"; the test
    # database is a file (one per test process) so that threads and worker processes in
    # concurrency tests see each other's commits. Connections are kept between requests, as on
    # PostgreSQL: opening one and running its PRAGMAs cost about 1 ms per request.
    _database["CONN_MAX_AGE"] = 60
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _database["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
DATABASES = {"default": _database}

# --- Passwords, i18n, static ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The languages MinNow speaks (users.models.Language); a request's language is the first of them that its
# Accept-Language asks for, else its person's `language` (users/auth.py), else English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("de", "Deutsch"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"  # storage and the server's clock; a person's dates follow their own `time_zone`
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PROD
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (production hardening) ----------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PROD:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Clerk authentication ---------------------------------------------------------------------
CLERK_JWT_KEY = env_str("CLERK_JWT_KEY").replace("\\n", "\n")
CLERK_JWKS_URL = env_url("CLERK_JWKS_URL")
CLERK_SECRET_KEY = env_str("CLERK_SECRET_KEY")
CLERK_WEBHOOK_SECRET = env_str("CLERK_WEBHOOK_SECRET")  # whsec_...; the webhook route answers 404 without it
CLERK_API_URL = env_url("CLERK_API_URL", "https://api.clerk.com/v1")
CLERK_ISSUER = env_str("CLERK_ISSUER")
CLERK_AUTHORIZED_PARTIES = env_list("CLERK_AUTHORIZED_PARTIES", [])

# --- Email ------------------------------------------------------------------------------------
MAILERSEND_API_KEY = env_str("MAILERSEND_API_KEY")
MAILERSEND_API_URL = env_url("MAILERSEND_API_URL")
EMAIL_BACKEND = (
    "minNow.email.MailerSendBackend"
    if MAILERSEND_API_KEY
    else env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent_emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@min-now.store")
DEFAULT_FROM_NAME = env_str("DEFAULT_FROM_NAME", "MinNow")
FRONTEND_URL = env_url("FRONTEND_URL", "http://localhost:3000")

# --- Scheduled jobs (manage.py run_scheduler): cron lines in UTC, "off" disables one ------------------
REMINDERS_CRON = env_str("REMINDERS_CRON", "0 9 * * *") or "0 9 * * *"
CLERK_SYNC_CRON = env_str("CLERK_SYNC_CRON", "17 * * * *") or "17 * * * *"

# --- Rate limiting ----------------------------------------------------------------------------
UPSTASH_REDIS_REST_URL = env_url("UPSTASH_REDIS_REST_URL")
UPSTASH_REDIS_REST_TOKEN = env_str("UPSTASH_REDIS_REST_TOKEN")
REDIS_URL = env_str("REDIS_URL")
RATE_LIMIT_REQUESTS = env_int("RATE_LIMIT_REQUESTS", 100, minimum=1)
RATE_LIMIT_WINDOW_SECONDS = env_int("RATE_LIMIT_WINDOW_SECONDS", 60, minimum=1)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, maximum=10)

# --- Live updates (/ws/: config/live.py, minNow/live.py) -----------------------------------------
# Redis carries an event from the process that wrote it to the ASGI server holding the person's sockets. Without
# REDIS_URL the in-memory layer reaches only sockets of the same process: one process must serve HTTP and /ws/.
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # capacity: events queued for one slow socket before more are dropped; expiry: seconds they wait.
            # socket_timeout: none, as channels-redis expects. A socket's read of its channel blocks 5 s in Redis
            # (BZPOPMIN); redis-py 8's default 5 s read timeout fails that read on a socket idle for 5 s, which
            # kills its consumer and leaves the socket open but deaf (config/tests/test_live_servers.py).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": "minnow:live",
                "capacity": 500,
                "expiry": 30,
            },
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
LIVE_MAX_SOCKETS_PER_USER = env_int("LIVE_MAX_SOCKETS_PER_USER", 10, minimum=1)
LIVE_AUTH_TIMEOUT_SECONDS = 5.0  # the first message, the token, must arrive this soon
LIVE_MAX_MESSAGE_BYTES = env_int("LIVE_MAX_MESSAGE_BYTES", 8192, minimum=1024)  # a Clerk token fits many times
LIVE_MAX_MESSAGES_PER_MINUTE = env_int("LIVE_MAX_MESSAGES_PER_MINUTE", 30, minimum=1)
LIVE_PING_SECONDS = env_int("LIVE_PING_SECONDS", 30, minimum=1)

# --- Agent ------------------------------------------------------------------------------------
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
OPENAI_BASE_URL = env_url("OPENAI_BASE_URL")
OPENAI_MODEL = env_str("OPENAI_MODEL", "gpt-4.1-mini")
AGENT_MAX_BATCH = env_int("AGENT_MAX_BATCH", 20, minimum=1, maximum=100)
QUERY_AGENT_DAILY_LIMIT = env_int("QUERY_AGENT_DAILY_LIMIT", 100, minimum=1, maximum=1_000_000)

# --- Items ------------------------------------------------------------------------------------
MAX_ITEMS_PER_USER = env_int("MAX_ITEMS_PER_USER", 10, minimum=1)
MAX_LOCATIONS_PER_USER = env_int("MAX_LOCATIONS_PER_USER", 1000, minimum=1)

# --- Logging: one JSON object per line on stdout ----------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logs.JsonFormatter"}},
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},  # one line per outgoing request (Upstash, Clerk) is noise
    },
}
