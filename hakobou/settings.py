"""Hakobou settings: every value comes from the environment (see .env.example).

Development is opt-in (DEBUG=true, which `make run` sets); anything else is treated
as production and refuses to start without a real SECRET_KEY, ALLOWED_HOSTS and
LINE credentials, so no development default can reach a city's server.
"""

import hashlib
import hmac
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from lib.crypto import KeyConfigError, development_keys, parse_keys
from lib.env import Env
from lib.secret_key import SecretKeyFileError, development_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

# A .env file beside manage.py is read for convenience; real environment wins.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

env = Env()

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))

# --- Secrets and hosts -----------------------------------------------------------

if DEBUG:
    # No default in the source: drill mode derives the LINE simulator's secrets from this
    # key, so a public one would let anyone who reaches the server forge them. A random
    # key is made once into DATA_DIR (mode 0600), like the resident keys below.
    SECRET_KEY = env.optional_str("SECRET_KEY") or ""
    if not SECRET_KEY:
        try:
            SECRET_KEY = development_secret_key(DATA_DIR / "secret-key")
        except SecretKeyFileError as exc:
            raise ImproperlyConfigured(str(exc)) from None
else:
    SECRET_KEY = env.optional_str("SECRET_KEY") or ""
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is "
            'off. Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

# --- Apps --------------------------------------------------------------------------

INSTALLED_APPS = [
    "hakobou.apps.HakobouAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "leaflet",
    "hakobou",
    "limits",
    "areas",
    "residents",
    "shelters",
    "evacuation",
    "supplies",
    "notices",
    "messaging",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A signed-in resident's browser without a language cookie: their account's language.
    "residents.language.AccountLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hakobou.urls"
WSGI_APPLICATION = "hakobou.wsgi.application"
ASGI_APPLICATION = "hakobou.asgi.application"

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
                "hakobou.context_processors.site",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------

DATABASE_URL = env.optional_str("DATABASE_URL")
if DATABASE_URL is None:
    # The embedded first-run database; a city deployment sets DATABASE_URL.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'hakobou.sqlite3'}"
try:
    _database = environ.Env.db_url_config(DATABASE_URL)
except Exception as exc:  # django-environ raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _database["ENGINE"] not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
if _database["ENGINE"] == "django.db.backends.postgresql":
    # Connections are bounded: each process keeps a pool (psycopg_pool) of at most
    # DATABASE_POOL_MAX_SIZE; a request takes one for its duration and gives it back. When
    # all are taken a request waits up to DATABASE_POOL_TIMEOUT seconds for one (a slower
    # answer, never a "too many clients" 500). Budget: (web processes + Celery worker
    # processes) × max + beat below PostgreSQL's max_connections (docs/configuration.md).
    # 0 switches the pool off: one connection per thread, kept DATABASE_CONN_MAX_AGE s.
    _pool_max_size = env.int("DATABASE_POOL_MAX_SIZE", default=4, minimum=0, maximum=100)
    if _pool_max_size:
        _database["CONN_MAX_AGE"] = 0  # the pool keeps connections, not the thread
        _database["OPTIONS"] = {
            "pool": {
                "min_size": env.int(
                    "DATABASE_POOL_MIN_SIZE", default=1, minimum=0, maximum=_pool_max_size
                ),
                "max_size": _pool_max_size,
                "timeout": env.float("DATABASE_POOL_TIMEOUT", default=30.0, minimum=1.0),
            }
        }
    else:
        _database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60, minimum=0)
    _database["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: our queries are short, and on a big estimated cost (a segment
    # count over 300,000 accounts) PostgreSQL spent more compiling than running
    # (bench/segments.py: 1.5 s → 0.4 s p95).
    _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    # `make run` writes from three processes (web, LINE simulator, periodic tasks): a
    # transaction takes the write lock when it starts instead of failing at once when it
    # upgrades a read lock, waits for it up to 20 s, and readers do not block writers.
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Residents' personal data (encrypted at rest) ----------------------------------

# Comma-separated base64 keys, newest first (see lib/crypto.py). Development
# generates its own once and keeps them in DATA_DIR so `make run` needs nothing.
RESIDENT_DATA_KEY = env.optional_str("RESIDENT_DATA_KEY")
RESIDENT_INDEX_KEY = env.optional_str("RESIDENT_INDEX_KEY")
if DEBUG and not (RESIDENT_DATA_KEY and RESIDENT_INDEX_KEY):
    _dev_keys = development_keys(DATA_DIR / "dev-keys.json")
    RESIDENT_DATA_KEY = RESIDENT_DATA_KEY or _dev_keys["RESIDENT_DATA_KEY"]
    RESIDENT_INDEX_KEY = RESIDENT_INDEX_KEY or _dev_keys["RESIDENT_INDEX_KEY"]
for _name, _value in (
    ("RESIDENT_DATA_KEY", RESIDENT_DATA_KEY),
    ("RESIDENT_INDEX_KEY", RESIDENT_INDEX_KEY),
):
    try:
        parse_keys(_name, _value)
    except KeyConfigError as exc:
        raise ImproperlyConfigured(str(exc)) from None
if RESIDENT_DATA_KEY == RESIDENT_INDEX_KEY:
    raise ImproperlyConfigured("RESIDENT_DATA_KEY and RESIDENT_INDEX_KEY must be different keys.")

# Limits (docs/configuration.md): budgets per identity, per address and per staff user, each
# spent and recorded in one atomic step. Windows are REGISTRY_MATCH_WINDOW_SECONDS long.
# Registry guesses (furigana + birth date) that found nobody:
REGISTRY_MATCH_MAX_FAILURES = env.int("REGISTRY_MATCH_MAX_FAILURES", default=5, minimum=1)
REGISTRY_MATCH_WINDOW_SECONDS = env.int("REGISTRY_MATCH_WINDOW_SECONDS", default=3600, minimum=60)
# ...per staff member / volunteer registering people on their behalf (代理登録):
REGISTRY_HELPER_MAX_FAILURES = env.int("REGISTRY_HELPER_MAX_FAILURES", default=30, minimum=1)
# ...per address (a shelter's Wi-Fi is one address): free up to SOFT, then each guess waits
# twice as long as the one before (up to a minute), refused past MAX.
REGISTRY_ADDRESS_SOFT_FAILURES = env.int("REGISTRY_ADDRESS_SOFT_FAILURES", default=20, minimum=1)
REGISTRY_ADDRESS_MAX_FAILURES = env.int("REGISTRY_ADDRESS_MAX_FAILURES", default=100, minimum=1)
# Wrong recovery codes per address (a budget of their own):
RECOVERY_MAX_FAILURES = env.int("RECOVERY_MAX_FAILURES", default=10, minimum=1)
# New browser identities (people without LINE) per address:
WEB_IDENTITIES_PER_ADDRESS = env.int("WEB_IDENTITIES_PER_ADDRESS", default=20, minimum=1)
# Out-of-shelter reports and pickup requests started per identity, and per address for
# browser identities (a LINE identity costs a phone number; a browser identity nothing):
REPORTS_PER_IDENTITY = env.int("REPORTS_PER_IDENTITY", default=5, minimum=1)
REPORTS_PER_ADDRESS = env.int("REPORTS_PER_ADDRESS", default=10, minimum=1)
PICKUPS_PER_IDENTITY = env.int("PICKUPS_PER_IDENTITY", default=3, minimum=1)
PICKUPS_PER_ADDRESS = env.int("PICKUPS_PER_ADDRESS", default=5, minimum=1)
# City-wide alarm: this many failed guesses in a minute makes /healthz "degraded" and
# puts a warning on the admin index.
REGISTRY_ALARM_FAILURES_PER_MINUTE = env.int(
    "REGISTRY_ALARM_FAILURES_PER_MINUTE", default=60, minimum=1
)

# --- Broker, tasks and cache -------------------------------------------------------

REDIS_URL = env.optional_str("REDIS_URL")
if REDIS_URL is not None and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis:// or rediss://.")

# "memory://" alone makes kombu warn "No hostname was supplied" on every publish.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Without a broker a first run still works: tasks execute inline, in the request.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=REDIS_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Tokyo"
# The outbox sweep re-queues what a broker or worker outage left behind.
CELERY_BEAT_SCHEDULE: dict = {
    "outbox-sweep": {"task": "messaging.tasks.outbox_sweep_task", "schedule": 30.0},
    "webhook-sweep": {"task": "messaging.tasks.webhook_sweep_task", "schedule": 60.0},
    "pickup-claim-expiry": {"task": "evacuation.tasks.pickup_expire_claims_task", "schedule": 60.0},
    "supply-claim-expiry": {"task": "supplies.tasks.delivery_expire_claims_task", "schedule": 60.0},
    "notices-due": {"task": "notices.tasks.notices_due_task", "schedule": 30.0},
    "supply-receipt-reminders": {
        "task": "supplies.tasks.delivery_remind_task",
        "schedule": 300.0,
    },
    "arrival-follow-ups": {"task": "shelters.tasks.arrival_follow_ups_task", "schedule": 30.0},
    "limit-counters-prune": {"task": "limits.tasks.counters_prune_task", "schedule": 86400.0},
}
# An arrival's follow-up (its out-of-shelter report ends, its LINE notice is written)
# runs this long after the check-in commits, together with every other arrival's by
# then: one task a second under load, not one per scan.
ARRIVAL_FOLLOW_UP_DELAY_SECONDS = env.float(
    "ARRIVAL_FOLLOW_UP_DELAY_SECONDS", default=1.0, minimum=0, maximum=60
)
# Publishing must fail fast when the broker is down: the outbox row is already
# committed and the sweep sends it later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lib.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="hakobou"),
        }
    }
    # Sessions stay in the database; each request reads its session from Redis.
    SESSION_ENGINE = "lib.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth --------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's model backend; it reads the signed-in user with a prepared query.
AUTHENTICATION_BACKENDS = ["residents.auth.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:index"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time -------------------------------------------------------------

LANGUAGE_CODE = "ja"
# Each language named in itself (the switcher shows them so). やさしい日本語 (easy Japanese,
# for children, older people and residents from abroad) falls back to Japanese wherever
# its catalogue has no wording yet.
LANGUAGES = [("ja", "日本語"), ("en", "English"), ("ja-easy", "やさしい にほんご")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

# --- Static files ------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Third-party browser code installed by `npm ci` (package-lock.json pins it).
QR_DECODER_DIR = BASE_DIR / "node_modules" / "jsqr" / "dist"
if QR_DECODER_DIR.is_dir():
    STATICFILES_DIRS.append(("vendor/jsqr", QR_DECODER_DIR))
# Development serves straight from the app folders; production from collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (on by default outside development) ----------------------------------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_FAILURE_VIEW = "hakobou.views.csrf_failure"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("TRUST_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of the app that each append to X-Forwarded-For (a load
# balancer, nginx): the client's address is read from there (lib.client_ip).
# 0: none, REMOTE_ADDR is the client's. Too high lets a client choose its address.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0, minimum=0, maximum=5)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- The city and its map ----------------------------------------------------------

CITY_NAME = env.str("CITY_NAME", default="函館市")
# The name English pages and messages use (empty: the Japanese name everywhere).
CITY_NAME_EN = env.str("CITY_NAME_EN", default="Hakodate City")
MAP_CENTER_LAT = env.float("MAP_CENTER_LAT", default=41.7578, minimum=-90, maximum=90)
MAP_CENTER_LNG = env.float("MAP_CENTER_LNG", default=140.7180, minimum=-180, maximum=180)
MAP_ZOOM = env.int("MAP_ZOOM", default=15, minimum=1, maximum=19)
# The city's extent (south, west, north, east): a reported point outside it is
# questioned, not silently accepted. The default covers Hakodate incl. Esan/Minamikayabe.
CITY_BOUNDS = tuple(
    env.float(f"CITY_BOUNDS_{side}", default=default, minimum=-180, maximum=180)
    for side, default in (("SOUTH", 41.65), ("WEST", 140.55), ("NORTH", 42.10), ("EAST", 141.25))
)
MAP_TILE_URL = env.str(
    "MAP_TILE_URL",
    default="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
    pattern=r"https?://\S+\{z\}\S*",
)
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>',
)
# Pickup requests: a volunteer's claim lapses if not acted on within this time.
PICKUP_CLAIM_MINUTES = env.int("PICKUP_CLAIM_MINUTES", default=30, minimum=1, maximum=24 * 60)
# When a shelter opens or becomes full, residents of its area are told on LINE; the
# same notice is not sent twice for one shelter within the debounce window.
SHELTER_NOTICES = env.bool("SHELTER_NOTICES", default=True)
SHELTER_NOTICE_DEBOUNCE_MINUTES = env.int(
    "SHELTER_NOTICE_DEBOUNCE_MINUTES", default=30, minimum=0, maximum=24 * 60
)
# A city notice to more people than this (or to the whole city) needs a second staff
# member's approval before it is sent.
NOTICE_APPROVAL_THRESHOLD = env.int("NOTICE_APPROVAL_THRESHOLD", default=1000, minimum=0)
# Supplies: a volunteer's hold on a batch of deliveries; when a household that has not
# answered "did it arrive?" is asked once more (then shown as unconfirmed).
SUPPLY_CLAIM_MINUTES = env.int("SUPPLY_CLAIM_MINUTES", default=180, minimum=1, maximum=24 * 60)
SUPPLY_RECEIPT_REMIND_MINUTES = env.int(
    "SUPPLY_RECEIPT_REMIND_MINUTES", default=360, minimum=1, maximum=7 * 24 * 60
)

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (MAP_CENTER_LAT, MAP_CENTER_LNG),
    "DEFAULT_ZOOM": MAP_ZOOM,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": [("地図", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION, "maxZoom": 18})],
    "RESET_VIEW": False,
}

# --- LINE ----------------------------------------------------------------------------

# Simulator mode runs the same code against a built-in fake LINE platform (drill mode).
LINE_MODE = env.choice(
    "LINE_MODE", default="simulator" if DEBUG else "live", choices=("simulator", "live")
)
LINE_ALLOW_SIMULATOR_IN_PRODUCTION = env.bool("LINE_ALLOW_SIMULATOR_IN_PRODUCTION", default=False)
if LINE_MODE == "simulator" and not DEBUG and not LINE_ALLOW_SIMULATOR_IN_PRODUCTION:
    raise ImproperlyConfigured(
        "LINE_MODE=simulator is refused when DEBUG is off. For a city-wide drill on a "
        "production server set LINE_ALLOW_SIMULATOR_IN_PRODUCTION=true explicitly."
    )
_line_required = LINE_MODE == "live"


def _line_credential(name: str, pattern: str) -> str:
    if _line_required:
        return env.str(name, pattern=pattern)
    value = env.optional_str(name)
    if value is not None:
        env.str(name, pattern=pattern)  # validate what is given even when unused
    return value or ""


LINE_CHANNEL_SECRET = _line_credential("LINE_CHANNEL_SECRET", r"[0-9a-f]{32}")
LINE_CHANNEL_ACCESS_TOKEN = _line_credential("LINE_CHANNEL_ACCESS_TOKEN", r"[A-Za-z0-9+/=._-]{20,}")
LINE_LOGIN_CHANNEL_ID = _line_credential("LINE_LOGIN_CHANNEL_ID", r"[0-9]{10}")
LIFF_ID = _line_credential("LIFF_ID", r"[0-9]{10}-[A-Za-z0-9]{8}")
if LINE_MODE == "simulator":
    # The simulator's own channel: no real LINE id is needed for a drill.
    LINE_LOGIN_CHANNEL_ID = LINE_LOGIN_CHANNEL_ID or "1000000000"
    LIFF_ID = LIFF_ID or "1000000000-Drill000"

    # Simulator-only secrets, derived from SECRET_KEY (never a public default, see above)
    # so that the web process, the simulator and the workers agree without configuration.
    def _simulator_secret(purpose: str) -> str:
        return hmac.new(SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).hexdigest()

    LINE_CHANNEL_SECRET = LINE_CHANNEL_SECRET or _simulator_secret("line-simulator:secret")[:32]
    LINE_CHANNEL_ACCESS_TOKEN = (
        LINE_CHANNEL_ACCESS_TOKEN or f"simulator-{_simulator_secret('line-simulator:token')}"
    )
# Where the LINE simulator answers (`make run` starts it as its own small server, so
# a web process never waits on itself).
LINE_SIMULATOR_URL = env.str(
    "LINE_SIMULATOR_URL", default="http://127.0.0.1:8001/line-sim", pattern=r"https?://\S+"
).rstrip("/")
LINE_API_URL = LINE_SIMULATOR_URL if LINE_MODE == "simulator" else "https://api.line.me"
LINE_API_TIMEOUT_SECONDS = env.float("LINE_API_TIMEOUT_SECONDS", default=5.0, minimum=0.1)
# Where the simulator delivers webhook events (the web app's /line/webhook).
LINE_WEBHOOK_URL = env.str(
    "LINE_WEBHOOK_URL", default="http://127.0.0.1:8000/line/webhook", pattern=r"https?://\S+"
)
# Outbox delivery: retries of 5xx / timeouts / 429 before a chunk is given up.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8, minimum=1)
OUTBOX_BACKOFF_BASE_SECONDS = env.float("OUTBOX_BACKOFF_BASE_SECONDS", default=2.0, minimum=0.0)
# A request a worker claimed this long ago, still unanswered, belongs to a worker that
# died: the outbox sweep sends it again (its retry key makes LINE answer 409 if the first
# attempt got through). Longer than one request takes, LINE_API_TIMEOUT_SECONDS included.
OUTBOX_STALE_CLAIM_SECONDS = env.int("OUTBOX_STALE_CLAIM_SECONDS", default=120, minimum=10)
# LINE's limits per channel: 2,000 pushes and 200 multicasts a second, 60 broadcasts an
# hour. Every sender together stays below these rates (a token bucket shared through
# Redis, messaging/rate_limits.py), so more workers never means a storm of 429s.
LINE_RATE_PUSH_PER_SECOND = env.float(
    "LINE_RATE_PUSH_PER_SECOND", default=1500, minimum=1, maximum=2000
)
LINE_RATE_MULTICAST_PER_SECOND = env.float(
    "LINE_RATE_MULTICAST_PER_SECOND", default=150, minimum=1, maximum=200
)
LINE_RATE_BROADCAST_PER_HOUR = env.float(
    "LINE_RATE_BROADCAST_PER_HOUR", default=50, minimum=1, maximum=60
)

# --- API ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "lib.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lib.api_problems.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hakobou API",
    "DESCRIPTION": "Disaster-response portal: residents, shelters, supplies, messaging.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a "status": name each set of choices after its model.
    "ENUM_NAME_OVERRIDES": {
        "PickupStatusEnum": "evacuation.models.PickupRequest.Status",
        "DeliveryStatusEnum": "supplies.models.Delivery.Status",
    },
}

# --- Logging -----------------------------------------------------------------------

# Every record is written once, by the root's handler: Django's own handlers on the
# "django" logger (a second console copy when DEBUG is on, mail to ADMINS, which is not
# set) are removed. A client error (4xx: a 403, a 404, a CSRF failure) is one line
# with the method, the user id and the status, never a traceback (lib/request_log.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors_on_one_line": {"()": "lib.request_log.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": []},
        "django.request": {"filters": ["client_errors_on_one_line"]},
        "django.security.csrf": {"filters": ["client_errors_on_one_line"]},
        "django.db.backends": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
        # "Task … succeeded in 0.05 s" for every LINE message: noise in a console; a
        # failure is still logged (ERROR).
        "celery.app.trace": {"level": "WARNING"},
    },
}
