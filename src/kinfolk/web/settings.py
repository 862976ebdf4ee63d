"""Kinfolk settings, read from the environment (documented in .env.example).

SQLite is the default so that a fresh clone runs; ``DATABASE_URL`` switches to
PostgreSQL.  Bad values fail loudly at start-up rather than at first use.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str) -> str:
    """Read a string, or the contents of the file named by ``<name>_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


_RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def envrate(name: str, default: str) -> tuple[int, int]:
    """Read a rate such as ``3/h`` or ``20/15m`` as (requests, seconds)."""
    value = os.environ.get(name, default).strip()
    count, _slash, period = value.partition("/")
    unit = period[-1:]
    amount = period[:-1] or "1"
    if not (count.isdigit() and amount.isdigit() and unit in _RATE_UNITS and int(amount) > 0):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 3/h or 20/15m (s, m, h or d), not {value!r}"
        )
    return int(count), int(amount) * _RATE_UNITS[unit]


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DATA_DIR = Path(envstr("KINFOLK_DATA_DIR", str(Path.cwd() / "data")))
DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not envbool("KINFOLK_INSECURE_DEV_KEY", False):
        raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE); `kinfolk demo` sets one.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
if SECRET_KEY == "change-me" and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY is still the placeholder of .env.example; set your own.")
ALLOWED_HOSTS = [h for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    # Form widgets' templates, so that ours (templates/django/forms) can replace them.
    "django.forms",
    "django_tasks",
    "django_tasks_db",
    # The API docs page (/api/docs) with its scripts served from here, not a CDN.
    "ninja",
    "kinfolk.accounts",
    "kinfolk.devices",
    "kinfolk.programmes",
    "kinfolk.people",
    "kinfolk.privacy",
    "kinfolk.pairings",
    "kinfolk.outbox",
    "kinfolk.ticks",
    "kinfolk.visits",
    "kinfolk.vetting",
    "kinfolk.introductions",
    "kinfolk.staff",
    "kinfolk.imports",
    "kinfolk.api",
    "kinfolk.casework",
    "kinfolk.budget",
    "kinfolk.reports",
    "kinfolk.regions",
    "kinfolk.ops",
    "django_prometheus",
]

MIDDLEWARE = [
    # ops: the request id first and the request metrics around everything (docs/deploy.md).
    "kinfolk.ops.logs.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kinfolk.imports.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kinfolk.accounts.middleware.AccountLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kinfolk.accounts.middleware.SecondFactorMiddleware",
    "kinfolk.accounts.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kinfolk.devices.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "kinfolk.web.urls"
WSGI_APPLICATION = "kinfolk.web.wsgi.application"

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
                "kinfolk.accounts.context.roles",
            ],
            # |bdi and |isolate: every name a person typed is isolated (web/bidi.py).
            "builtins": ["kinfolk.web.templatetags.bidi"],
        },
    }
]

# Widgets render through TEMPLATES, so that typed text gets dir="auto" (templates/django/forms).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

_database_url = envstr("DATABASE_URL", "")
# secure_delete overwrites what is deleted, so an erased person's words do not
# linger in the file's free pages.
SQLITE_INIT_COMMAND = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "kinfolk.sqlite3",
            # WAL lets the worker write while the web server reads; the busy
            # timeout makes a writer wait for the lock instead of failing.
            "OPTIONS": {
                "init_command": SQLITE_INIT_COMMAND,
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters, wherever a password is set.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Links to choose a password (new coordinators, resets) work once, for this long.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_LINK_HOURS", 72) * 3600
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Hours a one-time link to enrol a site administrator's authenticator app works.
TWO_FACTOR_LINK_HOURS = envint("TWO_FACTOR_LINK_HOURS", 24)

# How many proxies in front of Kinfolk append to X-Forwarded-For (0: the header is ignored).
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)

AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)
# Lock an address out only from the connection that guessed: behind one proxy
# or one office network, a person's wrong passwords never lock out the others.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "kinfolk.accounts.clients.login_username"
AXES_CLIENT_IP_CALLABLE = "kinfolk.accounts.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Limits on every form that sends an e-mail, per client IP and per e-mail address
# (kinfolk.accounts.ratelimits); counted in the database, so they hold across processes.
RATE_LIMITS = {
    "signup": {
        "ip": envrate("RATE_LIMIT_SIGNUP_IP", "20/h"),
        "address": envrate("RATE_LIMIT_SIGNUP_ADDRESS", "3/h"),
    },
    "password_reset": {
        "ip": envrate("RATE_LIMIT_PASSWORD_RESET_IP", "20/h"),
        "address": envrate("RATE_LIMIT_PASSWORD_RESET_ADDRESS", "3/h"),
    },
    "invitation": {
        "ip": envrate("RATE_LIMIT_INVITATION_IP", "300/h"),
        "address": envrate("RATE_LIMIT_INVITATION_ADDRESS", "3/d"),
    },
    "adult_invitation": {
        "ip": envrate("RATE_LIMIT_ADULT_INVITATION_IP", "20/h"),
        "address": envrate("RATE_LIMIT_ADULT_INVITATION_ADDRESS", "3/d"),
    },
    "password_link": {
        "ip": envrate("RATE_LIMIT_PASSWORD_LINK_IP", "60/h"),
        "address": envrate("RATE_LIMIT_PASSWORD_LINK_ADDRESS", "3/h"),
    },
    # Requests to the REST API, per programme token (a 429 with a JSON message past it).
    "api": {"address": envrate("RATE_LIMIT_API_TOKEN", "1200/m")},
}

# A site whose SITE_URL is https is served over HTTPS only: cookies never travel
# in clear, plain-HTTP requests are redirected, and browsers are told (HSTS) to
# refuse plain HTTP for a year.  Each can be overridden; see docs/operations.md.
_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_HTTPONLY = True
# Sessions are rows of kinfolk.devices (one per signed-in device, listed on the
# person's "Signed-in devices" page).  A session ends after SESSION_IDLE_MINUTES
# without use, or SESSION_ABSOLUTE_HOURS after signing in, whichever comes first;
# coordinators and site administrators, who see other people's data, get the
# shorter STAFF_ limits.
SESSION_ENGINE = "kinfolk.devices.sessions"
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_MINUTES", 120) * 60
SESSION_ABSOLUTE_SECONDS = envint("SESSION_ABSOLUTE_HOURS", 14 * 24) * 3600
STAFF_SESSION_IDLE_SECONDS = envint("STAFF_SESSION_IDLE_MINUTES", 30) * 60
STAFF_SESSION_ABSOLUTE_SECONDS = envint("STAFF_SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
_SESSION_LIMITS = (
    SESSION_IDLE_SECONDS,
    SESSION_ABSOLUTE_SECONDS,
    STAFF_SESSION_IDLE_SECONDS,
    STAFF_SESSION_ABSOLUTE_SECONDS,
)
if any(limit <= 0 for limit in _SESSION_LIMITS):
    raise ImproperlyConfigured("Session time-outs must be whole numbers above 0.")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", _HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("HTTPS_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 365 * 86400 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list is a one-way decision for the owner of
    # the domain (hstspreload.org), not a flaw of a site that has not made it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if TRUSTED_PROXIES > 0:
    # The proxy that terminates TLS says so; without this, the HTTPS redirect
    # behind a proxy would loop.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A visitor's pick (before signing in) lasts a year on that device.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Assets are served from the package through WhiteNoise's finders; set
# STATIC_ROOT only to collect them for another web server.
STATIC_ROOT = envstr("STATIC_ROOT", "") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves the vendored assets itself, so no CDN and no separate web server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded files (claims' receipts) live here, or in the storage backend chosen below.
# There is no MEDIA_URL on purpose: each file is served by a view that checks who may read it.
MEDIA_ROOT = envstr("MEDIA_ROOT", str(DATA_DIR / "uploads"))
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Kinfolk <noreply@kinfolk.invalid>")

# Text messages (reminders, and notices to people without e-mail): "console"
# prints them, "file" appends them to SMS_FILE_PATH, or a dotted path to a
# class with send(messages) (a provider).
SMS_BACKEND = envstr("SMS_BACKEND", "console")
SMS_FILE_PATH = envstr("SMS_FILE_PATH", str(DATA_DIR / "sms.log"))

# The outbox (every e-mail and SMS): a claim older than this many seconds
# belongs to a worker that died, and its messages are sent again; sent
# messages are deleted after OUTBOX_KEEP_DAYS.
OUTBOX_CLAIM_SECONDS = envint("OUTBOX_CLAIM_SECONDS", 600)
OUTBOX_KEEP_DAYS = envint("OUTBOX_KEEP_DAYS", 90)

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# A running matching job refreshes its heartbeat; one silent for this many seconds
# lost its worker (killed, out of memory) and is marked failed.
MATCHING_RUN_STALE_SECONDS = envint("MATCHING_RUN_STALE_SECONDS", 300)

# The country a new programme starts in, as an ISO 3166 code (its towns, time zones and currency).
KINFOLK_DEFAULT_COUNTRY = envstr("KINFOLK_DEFAULT_COUNTRY", "GB").strip().upper()
if not (len(KINFOLK_DEFAULT_COUNTRY) == 2 and KINFOLK_DEFAULT_COUNTRY.isalpha()):
    raise ImproperlyConfigured(
        f"KINFOLK_DEFAULT_COUNTRY must be a two-letter country code such as GB, "
        f"not {KINFOLK_DEFAULT_COUNTRY!r}"
    )
# People imports (volunteers and households from a spreadsheet): the largest file
# taken, in megabytes (a bigger upload is refused by its size before it is read),
# and the seconds of silence after which a commit's worker is taken for dead.
IMPORT_MAX_MB = envint("IMPORT_MAX_MB", 64)
IMPORT_STALE_SECONDS = envint("IMPORT_STALE_SECONDS", 300)
# The optional geocoder of people imports (docs/importing.md): the base URL of a
# Nominatim server, e.g. https://nominatim.example.org.  Unset, no request is ever
# made.  Set, rows whose town or postcode the programme's own data cannot place are
# looked up there (addresses only with KINFOLK_GEOCODER_ADDRESSES), at most one
# request per KINFOLK_GEOCODER_MIN_DELAY seconds, each waiting KINFOLK_GEOCODER_TIMEOUT.
KINFOLK_GEOCODER_URL = envstr("KINFOLK_GEOCODER_URL", "").strip().rstrip("/")
if KINFOLK_GEOCODER_URL and not (
    KINFOLK_GEOCODER_URL.startswith(("http://", "https://"))
    and KINFOLK_GEOCODER_URL.split("://", 1)[1]
):
    raise ImproperlyConfigured(
        f"KINFOLK_GEOCODER_URL must start with https:// or http://, not {KINFOLK_GEOCODER_URL!r}"
    )
KINFOLK_GEOCODER_ADDRESSES = envbool("KINFOLK_GEOCODER_ADDRESSES", False)
# Nominatim's usage policy asks every application to name itself: the site says who asks.
KINFOLK_GEOCODER_USER_AGENT = envstr(
    "KINFOLK_GEOCODER_USER_AGENT", f"Kinfolk people import ({SITE_URL})"
)
try:
    KINFOLK_GEOCODER_MIN_DELAY = float(envstr("KINFOLK_GEOCODER_MIN_DELAY", "1"))
    KINFOLK_GEOCODER_TIMEOUT = float(envstr("KINFOLK_GEOCODER_TIMEOUT", "10"))
except ValueError:
    raise ImproperlyConfigured(
        "KINFOLK_GEOCODER_MIN_DELAY and KINFOLK_GEOCODER_TIMEOUT are seconds, such as 1 or 0.5"
    ) from None
if KINFOLK_GEOCODER_MIN_DELAY < 0 or KINFOLK_GEOCODER_TIMEOUT <= 0:
    raise ImproperlyConfigured(
        "KINFOLK_GEOCODER_MIN_DELAY must be 0 or more and KINFOLK_GEOCODER_TIMEOUT more than 0"
    )
# Django refuses a request body larger than this before any view reads it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# How long a sign-up or invitation link stays valid.
SIGNUP_LINK_DAYS = envint("SIGNUP_LINK_DAYS", 3)
INVITATION_DAYS = envint("INVITATION_DAYS", 30)

# --- ops: several servers on one database (docs/deploy.md) ------------------------
# Shared state lives in services every process reaches, never in one process's
# memory.  With REDIS_URL, the cache, a cached copy of each session (the row in
# kinfolk.devices stays the record) and the rate-limit counters live in Redis;
# without it, the cache is a database table and sessions and counters are rows.
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("REDIS_KEY_PREFIX", "kinfolk"),
            # A Redis that stops answering costs a request half a second, not a hang.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    SESSION_ENGINE = "kinfolk.devices.cached_sessions"
    SESSION_CACHE_SECONDS = envint("SESSION_CACHE_SECONDS", 300)
    RATE_LIMIT_STORE = "cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kinfolk_cache",  # the table of kinfolk.ops.CacheEntry
        }
    }
    RATE_LIMIT_STORE = "database"
# Files through a storage backend chosen here (uploaded spreadsheets themselves
# are kept in the database, so every process reads them; receipts need a folder or
# bucket that every app server shares).
STORAGES["default"] = {
    "BACKEND": envstr("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")
}

# The file e-mail backend's folder (EMAIL_BACKEND=…filebased.EmailBackend), for trials.
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))

# Readiness (/readyz): a worker must have beaten within this many seconds, and
# the oldest task waiting in the queue must be younger than READY_QUEUE_SECONDS.
READY_WORKER_SECONDS = envint("READY_WORKER_SECONDS", 180)
READY_QUEUE_SECONDS = envint("READY_QUEUE_SECONDS", 600)
# Who may read /metrics: a client sending "Authorization: Bearer METRICS_TOKEN",
# or, with no token set, a client on this machine that came through no proxy.
METRICS_TOKEN = envstr("METRICS_TOKEN", "")
PROMETHEUS_EXPORT_MIGRATIONS = False
# Probes from a load balancer or the monitoring server may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Logs: one JSON object a line with the request id (LOG_FORMAT=text for people),
# and e-mail addresses and phone numbers masked whatever logged them.
LOG_FORMAT = envstr("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "kinfolk.ops.logs.RequestIdFilter"},
        "no_personal_data": {"()": "kinfolk.ops.logs.PersonalDataFilter"},
    },
    "formatters": {
        "json": {"()": "kinfolk.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    "loggers": {
        # One line per request (kinfolk.ops.logs), at INFO whatever LOG_LEVEL says.
        "kinfolk.requests": {
            "handlers": ["console"],
            "level": envstr("REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # Django's own request warnings name the raw path, which can hold a token.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # geopy logs each request's URL at DEBUG, and the URL holds the place looked up.
        "geopy": {"level": "WARNING"},
    },
}
# --- end ops ------------------------------------------------------------------------
