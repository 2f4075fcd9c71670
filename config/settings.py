"""Settings for the UMKM Bazaar Portal.

One file. Every knob a deployment turns is read from the environment (django-environ);
`.env.example` lists them. Development defaults are safe only with DEBUG on: with DEBUG off,
SECRET_KEY and the NIK keys must be set or the process refuses to start.
"""

import datetime
from pathlib import Path

import environ
from django.utils.csp import CSP

from config.database_settings import databases
from config.logging import logging_settings
from config.storage_settings import file_storages

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_ONLY = "dev-only-insecure-key-change-me"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_ONLY if DEBUG else None)
if SECRET_KEY is None:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

# The portal's own address (https://umkm.example.go.id): every absolute URL on a public page
# is built from it, never from a request's Host header (config/site.py says why).
SITE_URL = env.str("SITE_URL", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "config.views.csrf_failure"  # in the site's layout, not Django's English page

INSTALLED_APPS = [
    "config.apps.PortalAdminConfig",  # django.contrib.admin with the portal's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "umkm",
    "bazaars",
    "certifications",
    "reports",
    "jobs",
    "notifications",
    "owners",
    "mentors",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: an anonymous GET of a public page this process kept is answered here, with the
    # headers the whole stack below gave it (bazaars/middleware.py).
    "bazaars.middleware.PublicPageReplayMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.routers.PrimaryPinningMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.IndonesianFirstLocaleMiddleware",
    "config.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "config.middleware.SessionLimitsMiddleware",
    "config.access.StaffAccessMiddleware",
    "config.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.StorageUnavailableMiddleware",
    "reports.rebuild.RebuildKeptReportsMiddleware",
]

ROOT_URLCONF = "config.urls"
# Every form field named for screen readers, per row in formsets (config/forms.py).
FORM_RENDERER = "config.forms.PortalFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.context_processors.site",
            ],
            # The formatting module's filters (config/formats/templatetags.py).
            "libraries": {"portal_formats": "config.formats.templatetags"},
        },
    },
]

# --- Database: Postgres only -------------------------------------------------------------
# DATABASE_URL is set by the Makefile (the embedded server under .pgdata/) or by the deploy;
# the connections' options and the replica: config/database_settings.py.
DATABASES = databases(env)
# Off: every read goes to the primary even with a replica configured (e.g. while it is rebuilt).
REPLICA_READS = env.bool("REPLICA_READS", default=True)
# A replica further behind than this, not streaming, or not answering, is skipped: report reads
# go to the primary. Asked at most once per REPLICA_CHECK_SECONDS per process thread.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=1)
# After a write, that browser's reads stay on the primary this long (read your own writes):
# longer than the lag a replica may have before it is skipped, plus one check interval.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=15)
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------
# Several app servers share one cache: CACHE_URL=redis://127.0.0.1:6379/1 (django-redis;
# django-environ maps redis:// and rediss:// to it). Local memory is per process.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://umkm")}
# The cache is an optimisation, never a dependency: with Redis away every cache call is a miss
# (django-redis ignores the connection error) and pages are built from Postgres; sessions live
# in Postgres. Short socket timeouts: a hung Redis cannot hold a worker (docs/RELIABILITY.md).
REDIS_CACHE_BACKEND = "django_redis.cache.RedisCache"
REDIS_CACHE_OPTIONS = {
    "IGNORE_EXCEPTIONS": True,
    # Lazy translations in kept values read back without a new class each (config/cache_pickle).
    "SERIALIZER": "config.cache_pickle.LazyStringPickleSerializer",
    "SOCKET_CONNECT_TIMEOUT": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
    "SOCKET_TIMEOUT": env.float("CACHE_TIMEOUT", default=0.5),
}
if CACHES["default"]["BACKEND"] == REDIS_CACHE_BACKEND:
    CACHES["default"].setdefault("OPTIONS", {}).update(REDIS_CACHE_OPTIONS)
# One log line per ignored error would be one per request while Redis is away: /healthz
# reports the cache as "down" instead.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False

# --- Background jobs (django.tasks) ---------------------------------------------------------
# "database": tasks wait in Postgres (django-tasks-db) and `manage.py db_worker` runs them, on
# any machine, as many workers as wanted. "immediate": run inside the request (development
# and tests, no worker needed).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise environ.ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'immediate'")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
# After a write, the worker rebuilds the reports asked for lately (reports.rebuild), so that
# the next request finds them kept. Off with the "immediate" backend: the request would wait.
REPORTS_REBUILD_IN_BACKGROUND = env.bool(
    "REPORTS_REBUILD_IN_BACKGROUND", default=TASKS_BACKEND == "database"
)
# A trainee import with more rows than this runs as a background job after its preview.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=1000)

# --- Auth ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# After signing in without a (safe) `next`: each role's home (Pejabat: reports; staff: admin).
LOGIN_REDIRECT_URL = "staff_home"
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out sign-ins before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Business owners' sessions (owners/): signed in by a one-time code, never staff.
    "owners.backends.OwnerBackend",
]

# Lockout after repeated failures, keyed on username AND address together, so one office
# behind one NAT address does not lock everyone out, and one user is not locked out from
# everywhere by someone else guessing. Behind the reverse proxy the client address is the
# right-most untrusted X-Forwarded-For entry (AXES_PROXY_COUNT proxies in front of Django).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# ipware counts only the proxies whose addresses are IN X-Forwarded-For; the one talking to
# Django is REMOTE_ADDR, not in the header. So one nginx in front (AXES_PROXY_COUNT=1) that
# sets X-Forwarded-For to the client's address (deploy/nginx/umkm.conf) is ipware's 0.
_PROXIES_IN_FRONT = env.int("AXES_PROXY_COUNT", default=0 if DEBUG else 1)
AXES_IPWARE_PROXY_COUNT = _PROXIES_IN_FRONT - 1 if _PROXIES_IN_FRONT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if _PROXIES_IN_FRONT else ["REMOTE_ADDR"]
)
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

# Two-factor sign-in (TOTP) for staff: required when OTP_REQUIRED (on in production).
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Portal UMKM Binaan")

# Sessions end after 30 minutes without a request and 12 hours after sign-in at the most.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_MAX_SECONDS = env.int("SESSION_MAX_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True  # slides the idle window; anonymous visitors get no session
# Sessions live in Postgres, so every app server sees every session. "cached_db" also keeps
# them in the shared cache (Redis) and reads the database only on a cache miss: fewer
# queries, same durability. Never "cache" alone: a Redis restart would sign everybody out.
SESSION_ENGINE = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}[env.str("SESSION_STORE", default="db")]

# History is read-only in the admin: simple_history's "revert" saves a model directly, past
# the services and their rules (umkm.admin.base.ScopedAdmin also refuses it).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Language and time ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
# Each language named in its own tongue, never translated: a reader of English looks for
# "English", not "Bahasa Inggris".
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Dates, times and numbers as the office writes them (config/formats/__init__.py says which).
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Private uploads (certificate documents) live outside MEDIA_ROOT and are served by a view.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
# STORAGE_BACKEND=s3 puts both on an S3-compatible object store (django-storages), so every
# app server and the worker see the same files; "filesystem" keeps them on this machine
# (one server, or a shared mount).
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem")
STORAGES, _media_origin = file_storages(
    env,
    backend=STORAGE_BACKEND,
    media_url=MEDIA_URL,
    private_root=PRIVATE_MEDIA_ROOT,
    debug=DEBUG,
)
# MEDIA_ORIGIN: where public uploads are fetched from, if not this site (the CSP allows it).
MEDIA_ORIGIN = env.str("MEDIA_ORIGIN", default=_media_origin or "") or None
# Public uploads readable by the service's group (nginx joins it, docs/DEPLOY.md) and nobody
# else, whatever the unit's UMask=0027 would give the folders.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Personal data keys --------------------------------------------------------------------
# NIK is encrypted at rest (Fernet key) and indexed by a keyed HMAC (blind index).
# Changing NIK_HMAC_KEY invalidates every blind index: rotate only with a re-index.
_DEV_FERNET = "ZGV2LW9ubHktbmlrLWtleS1jaGFuZ2UtbWUtMDAwMCE="  # dev only
NIK_ENCRYPTION_KEYS = env.list("NIK_ENCRYPTION_KEYS", default=[_DEV_FERNET] if DEBUG else [])
NIK_HMAC_KEY = env.str("NIK_HMAC_KEY", default="dev-only-nik-hmac-key" if DEBUG else "")
if not NIK_ENCRYPTION_KEYS or not NIK_HMAC_KEY:
    raise environ.ImproperlyConfigured("NIK_ENCRYPTION_KEYS and NIK_HMAC_KEY must be set")

# --- HTTPS, proxy and cookies --------------------------------------------------------------
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
if env.bool("BEHIND_PROXY", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Cookies: Secure + __Host- prefix over HTTPS (the prefix needs Secure, Path=/ and no Domain,
# so plain-HTTP development uses the ordinary names).
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (Django's built-in support): scripts only from our own static files,
# never inline; no plugins, no <base>, never framed. Inline style attributes stay allowed
# (the admin uses them; they cannot run code).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Email ---------------------------------------------------------------------------------
# Console in development (reminders are printed); a local MTA by default in production.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": 10,
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal-umkm@localhost")

# --- Notifications (notifications/: one layer for every message to a person) ---------------
# Per channel a backend: "email" goes through Django's mail above; SMS and WhatsApp through a
# generic HTTP gateway of the office's provider (NOTIFY_GATEWAY_*), or the console (the demo:
# sign-in codes are printed where `make run` runs).
_gateway = {
    "url": env.str("NOTIFY_GATEWAY_URL", default=""),
    "token": env.str("NOTIFY_GATEWAY_TOKEN", default=""),
    "template": env.str("NOTIFY_GATEWAY_TEMPLATE", default=""),
    "timeout": env.float("NOTIFY_GATEWAY_TIMEOUT", default=5.0),
}
_NOTIFY_BACKENDS = {
    "console": "notifications.backends.ConsoleBackend",
    "email": "notifications.backends.EmailBackend",
    "http": "notifications.backends.HttpGatewayBackend",
    "memory": "notifications.backends.MemoryBackend",
}


def _notify_backend(name: str) -> dict:
    kind = env.str(name, default="console" if DEBUG else "http")
    if kind not in _NOTIFY_BACKENDS:
        raise environ.ImproperlyConfigured(f"{name} must be one of {', '.join(_NOTIFY_BACKENDS)}")
    return {"BACKEND": _NOTIFY_BACKENDS[kind], "OPTIONS": _gateway if kind == "http" else {}}


NOTIFICATIONS = {
    "email": {"BACKEND": _NOTIFY_BACKENDS["email"]},
    "sms": _notify_backend("NOTIFY_SMS_BACKEND"),
    "whatsapp": _notify_backend("NOTIFY_WHATSAPP_BACKEND"),
}

# --- The office ----------------------------------------------------------------------------
OFFICE_NAME = env.str("OFFICE_NAME", default="Suku Dinas PPAPP Kota Administrasi Jakarta Barat")
OFFICE_CITY_CODE = env.str("OFFICE_CITY_CODE", default="31.73")
# The letterhead of printed (PDF) reports: the office's postal address (one line) and,
# optionally, its logo (a PNG or JPEG file on this server).
OFFICE_ADDRESS = env.str("OFFICE_ADDRESS", default="")
OFFICE_LOGO = env.str("OFFICE_LOGO", default="")
# The PDF reports' font, DejaVu Sans (Debian's fonts-dejavu-core); reports.checks errs when
# a file is missing.
PDF_FONT_DIR = env.str("PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
# The head of the office signs printed reports (PDF signature block). A blank name or NIP
# prints as "belum diisi" and `manage.py check` warns (reports.checks).
OFFICE_HEAD_TITLE = env.str(
    "OFFICE_HEAD_TITLE",
    default="Kepala Suku Dinas PPAPP Kota Administrasi Jakarta Barat",
)
OFFICE_HEAD_NAME = env.str("OFFICE_HEAD_NAME", default="")
OFFICE_HEAD_NIP = env.str("OFFICE_HEAD_NIP", default="")

# --- Demo data (make run): each app adds its seeder, called in this order by seed_demo ---
# (keyword-only businesses, seed, stdout, if_empty: with if_empty, fill only what is missing)
DEMO_SEEDERS = [
    "umkm.demo.seed_register",
    "certifications.demo.seed",
    "bazaars.demo.seed",  # after certificates: food sellers need PIRT or halal
    "mentors.demo.seed",  # mentor accounts, assignments and the workers/assets of reports
    "owners.demo.seed",  # photos, a bazaar open for online applications, owners who sign in
]

# Demo sign-ins of the roles of apps above umkm, printed by `manage.py demo_accounts`.
DEMO_ACCOUNTS = ["mentors.demo.ensure_accounts"]

# --- Mentors: a mentor's caseload above this warns on assignment (issue 15) ----------------
MENTOR_CASELOAD_CEILING = env.int("MENTOR_CASELOAD_CEILING", default=60)
# A bulk assignment of more businesses than this at once is refused (a filtered list, not a city).
MENTOR_BULK_ASSIGN_MAX = env.int("MENTOR_BULK_ASSIGN_MAX", default=500)

# --- Personal data (UU PDP): sections of a subject access export, one per app -------------
PDP_SECTIONS = [
    "umkm.pdp.register_section",
    "bazaars.pdp.section",
    "certifications.pdp.section",
    "mentors.pdp.section",
    "owners.pdp.section",
    "umkm.pdp.processing_log_section",
]
# ... and what each app removes when a person's data is anonymised (pdp_anonymise); the
# walk of every model leading to an owner (tests/umkm/test_pdp_coverage.py) holds them whole.
PDP_ANONYMISERS = [
    "bazaars.pdp.anonymise",
    "certifications.pdp.anonymise",
    "mentors.pdp.anonymise",
    "owners.pdp.anonymise",
]

# --- Business owners' desk (owners/) ---------------------------------------------------
# An owner's change of their public profile waits for staff review; off: written at once.
OWNER_EDITS_NEED_APPROVAL = env.bool("OWNER_EDITS_NEED_APPROVAL", default=True)
# Sign-in codes asked for: per number in 15 minutes, per client address in an hour.
OWNER_CODES_PER_NUMBER = env.int("OWNER_CODES_PER_NUMBER", default=3)
OWNER_CODES_PER_CLIENT = env.int("OWNER_CODES_PER_CLIENT", default=20)

# --- Bazaars: only food sellers holding PIRT or halal (issued or in process) may apply -----
# On by default since the certificates app (issue 5) provides the rule's data.
BAZAAR_REQUIRE_FOOD_CERTIFICATE = env.bool("BAZAAR_REQUIRE_FOOD_CERTIFICATE", default=True)
# --- The staff desk (config.worklist): a case referred to Sudin PPKUKM counts as waiting too
# long after this many days without an answer.
CERTIFICATE_WAITING_DAYS = env.int("CERTIFICATE_WAITING_DAYS", default=14)
# The public schedule pages are cached whole and invalidated on every staff change (off: bench).
BAZAAR_PUBLIC_CACHE = env.bool("BAZAAR_PUBLIC_CACHE", default=True)

# --- Logging: never personal data (config/logging.py: the filters and the whole tree) -----
LOGGING = logging_settings(env.str("LOG_LEVEL", default="INFO"))
