"""Settings shared by every environment.

Everything that differs between deployments is read from the environment here,
in one place; README.md lists every variable with its default.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

import common

from .storage import storages_from

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """`HTTP_X_FORWARDED_PROTO,https` (or `X-Forwarded-Proto,https`) → Django's pair."""
    value = env(name).strip()
    if not value:
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ImproperlyConfigured(f"{name} must be 'HEADER,value', e.g. X-Forwarded-Proto,https.")
    header = parts[0].upper().replace("-", "_")
    if not header.startswith("HTTP_"):
        header = f"HTTP_{header}"
    return header, parts[1]


SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "website",
    # Before directory: its import_researchers command adds --invite to directory's.
    "accounts",
    "accounts.orcid",
    "directory",
    "editorial",
    "search",
    "newsletter",
    "newsletter.mailchimp",
    "newsletter.issues",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_countries",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Whole anonymous pages from the shared cache (docs/caching.md): above everything
    # that adds headers, so a stored page keeps them (its CSP nonce among them).
    "common.page_cache.PageCacheMiddleware",
    "website.middleware.ContentSecurityPolicyMiddleware",
    "website.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware: picks the language from the URL
    # prefix (English has none); Django's, plus the bare root `/` honouring the
    # language cookie and Accept-Language, and unknown prefixes (/fr/…) redirected.
    "website.language_middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it turns a lock-out anywhere below into the polite page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while the account or the address is locked out. The
    # full AxesBackend (not the standalone one) can also load users, for code that
    # assumes the first backend can (Wagtail's page test helpers).
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Public accounts sign in by e-mail address (docs/accounts.md).
    "allauth.account.auth_backends.AuthenticationBackend",
]

ROOT_URLCONF = "website.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "website.wsgi.application"

# SQLite by default; PostgreSQL (or anything dj-database-url knows) through DATABASE_URL.
# Connections are kept for a minute and checked before reuse: opening one per request
# cost a never-seen directory search a third of its throughput (bench/README.md). Each
# sync web worker and task worker then holds one connection.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait their turn instead of failing with "database is locked":
    # every transaction takes the write lock when it begins (IMMEDIATE, so none has to
    # upgrade a read lock mid-way, which SQLite refuses at once), waits up to `timeout`
    # seconds for it, and WAL lets readers go on while one writes. Each connection
    # sets the pragmas, so a fresh database file gets them too.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Interface languages (docs/i18n.md). English is the default and its URLs carry no
# prefix; Spanish and Brazilian Portuguese live under /es/ and /pt-br/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
]
# British English dates ("4 December 2026") for "en"; Django's own formats otherwise.
FORMAT_MODULE_PATH = ["website.formats"]
# The apps' catalogues are found by Django; `common` is a plain package, named here.
LOCALE_PATHS = [Path(common.__file__).resolve().parent / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Pages editors write are translatable (wagtail-localize); profiles are not: one page
# per person, rendered in the visitor's language.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = env("MEDIA_URL", "/media/")
# Uploaded files: an S3-compatible bucket (django-storages) when
# AWS_STORAGE_BUCKET_NAME is set, so that any number of web processes on any
# machines share them; MEDIA_ROOT on the local disk otherwise (website/settings/storage.py).
STORAGES = storages_from(os.environ)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Cache: per-process memory by default; Redis (shared by every worker, so rate
# limits hold across processes) when REDIS_URL is set. The Redis backend degrades
# to "no cache" instead of raising while Redis is unreachable (common/resilient_cache.py),
# and gives up on a connection after REDIS_TIMEOUT seconds.
REDIS_URL = env("REDIS_URL")
REDIS_TIMEOUT = float(env("REDIS_TIMEOUT", "1"))
CACHES = {
    "default": (
        {
            "BACKEND": "common.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions live in the database, read through the cache when there is Redis: a
# sign-in works on every web process, and still works while Redis is down.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Anonymous pages are served from that cache for PAGE_CACHE_SECONDS and forgotten on
# every content change (docs/caching.md). On by default only with Redis: a per-process
# memory cache would not hear of a change made by another process (the task worker,
# another web worker). 0 switches it off.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600" if REDIS_URL else "0"))

# A CDN or caching proxy in front of the site, purged on the same changes
# (wagtail.contrib.frontend_cache). FRONTEND_CACHE_URL: a proxy that takes HTTP PURGE
# requests (Varnish, nginx); CLOUDFLARE_API_TOKEN with CLOUDFLARE_ZONE_ID: Cloudflare.
# Neither: nothing is purged.
WAGTAILFRONTENDCACHE: dict[str, dict[str, str]] = {}
if env("FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env("FRONTEND_CACHE_URL"),
    }
if env("CLOUDFLARE_API_TOKEN") and env("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": env("CLOUDFLARE_API_TOKEN"),
        "ZONEID": env("CLOUDFLARE_ZONE_ID"),
    }

# E-mail: the usual Django settings, all from the environment.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "UK-LatAm Battery Network <news@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Wagtail
WAGTAIL_SITE_NAME = "UK–Latin America Battery Research Network"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "avif", "webp": "webp"}
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # ASCII profile URLs: /directory/jose-perez/
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "website_unaccent",
    }
}

# Background work goes through django-tasks, Wagtail's own task framework. The
# database backend keeps queued work durable; run `manage.py db_worker` beside
# the web process. TASKS_BACKEND=immediate runs tasks inline (development).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env("TASKS_BACKEND", "database")]}}

# Directory search: the database engine unless ELASTICSEARCH_URL is set: one node
# URL or several, comma-separated (credentials may be in them: https://user:pw@host).
# An API key, or a user name and password, and a CA bundle for a private CA, apply
# to every node (search/engines/elasticsearch.py builds the client).
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
ELASTICSEARCH_API_KEY = env("ELASTICSEARCH_API_KEY")
ELASTICSEARCH_USERNAME = env("ELASTICSEARCH_USERNAME")
ELASTICSEARCH_PASSWORD = env("ELASTICSEARCH_PASSWORD")
ELASTICSEARCH_CA_CERTS = env("ELASTICSEARCH_CA_CERTS")
ELASTICSEARCH_INDEX = env("ELASTICSEARCH_INDEX", "researchers")
ELASTICSEARCH_TIMEOUT = float(env("ELASTICSEARCH_TIMEOUT", "2"))

# ORCID's public API (v3.0), for "Import from ORCID" and `manage.py orcid_refresh`.
# (ORCID_API_URL, the public API's address, is set with ORCID_BASE_URL below.)
ORCID_TIMEOUT = float(env("ORCID_TIMEOUT", "10"))
#: Requests a second at most (ORCID's public API allows 24/s with bursts of 40).
ORCID_RATE = float(env("ORCID_RATE", "8"))

# Mailing list: Mailchimp when both are set, otherwise the site's own list.
MAILCHIMP_API_KEY = env("MAILCHIMP_API_KEY")
MAILCHIMP_AUDIENCE_ID = env("MAILCHIMP_AUDIENCE_ID")
MAILCHIMP_API_URL = env("MAILCHIMP_API_URL")
MAILCHIMP_WEBHOOK_SECRET = env("MAILCHIMP_WEBHOOK_SECRET")
MAILCHIMP_TIMEOUT = float(env("MAILCHIMP_TIMEOUT", "15"))

# The site's own list (double opt-in, preferences, one-click unsubscribe).
NEWSLETTER_FROM_EMAIL = env("NEWSLETTER_FROM_EMAIL")  # empty: DEFAULT_FROM_EMAIL
NEWSLETTER_UNSUBSCRIBE_MAILTO = env("NEWSLETTER_UNSUBSCRIBE_MAILTO")
# How many reverse proxies in front of the site append to X-Forwarded-For; every
# per-IP limit (sign-up, contact form, admin sign-in; common/ratelimit.py) reads the
# client address that many hops from the right. The name is kept from when only the
# newsletter sign-up was limited.
NEWSLETTER_TRUSTED_PROXY_COUNT = int(env("NEWSLETTER_TRUSTED_PROXY_COUNT", "0"))
NEWSLETTER_ISSUES_BATCH_SIZE = int(env("NEWSLETTER_ISSUES_BATCH_SIZE", "100"))

# Security headers (docs/security.md). Public pages run no inline script or style:
# everything comes from our static files; the one inline data block (a profile's
# JSON-LD) carries the per-request nonce. MEDIA_URL on another origin (a CDN) is
# allowed for images.
_MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "//" in MEDIA_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, *filter(None, [_MEDIA_ORIGIN])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Wagtail's and Django's admins use inline styles and scripts, blob: and data: images
# (upload previews, icons) and frame their own previews, so paths below these
# prefixes get this looser policy instead (website.middleware).
CONTENT_SECURITY_POLICY_ADMIN_PATHS = ("/admin/", "/django-admin/")
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *filter(None, [_MEDIA_ORIGIN])],
        "font-src": [SELF, "data:"],
        # Wagtail's dashboard asks whether a newer (security) release is out.
        "connect-src": [SELF, "https://releases.wagtail.org"],
        "frame-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Browser features the site never uses are switched off for every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
    )
}
# Editors' avatars would otherwise come from Gravatar, telling it (and the CSP
# would have to allow) a hash of every editor's e-mail address.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Public accounts (django-allauth; docs/accounts.md): sign in by e-mail address, which
# must be verified; every answer is the same whether an address has an account
# (ACCOUNT_PREVENT_ENUMERATION); failed sign-ins are limited per account and per
# address through the cache (Redis, when set, makes the limits hold across processes).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: per address (ip) and per account (key, the e-mail address).
    "login_failed": "20/10m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "change_email": "1/m/user",
    "confirm_email": "1/3m/key",
    # Claim-link requests (accounts.views.join): each sends an e-mail to a profile's
    # address, so per account and per address, like the sign-in limits.
    "claim_link": env("ACCOUNTS_CLAIM_LINK_RATE_LIMIT", "5/h/user,20/h/ip"),
}
LOGIN_REDIRECT_URL = "accounts:home"
# allauth's per-address limits find the client behind the same proxies as ours
# (common/ratelimit.py): the Nth address from the right in X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = NEWSLETTER_TRUSTED_PROXY_COUNT
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_QUERY_EMAIL = False
# "Sign in with ORCID": only when a client is configured (no button otherwise).
# ORCID_BASE_URL is https://orcid.org (production) or https://sandbox.orcid.org;
# the public API (the record) is at pub.<host> unless ORCID_API_URL says otherwise.
ORCID_CLIENT_ID = env("ORCID_CLIENT_ID")
ORCID_CLIENT_SECRET = env("ORCID_CLIENT_SECRET")
ORCID_BASE_URL = env("ORCID_BASE_URL", "https://orcid.org").rstrip("/")
_ORCID = urlsplit(ORCID_BASE_URL)
ORCID_API_URL = env("ORCID_API_URL", f"{_ORCID.scheme}://pub.{_ORCID.netloc}").rstrip("/")
SOCIALACCOUNT_PROVIDERS = {
    "orcid": {
        "APPS": (
            [{"client_id": ORCID_CLIENT_ID, "secret": ORCID_CLIENT_SECRET}]
            if ORCID_CLIENT_ID and ORCID_CLIENT_SECRET
            else []
        ),
    }
}
# Joining the directory: how long a claim link lasts, and how long before the same
# profile may be invited again.
ACCOUNTS_CLAIM_LINK_DAYS = int(env("ACCOUNTS_CLAIM_LINK_DAYS", "7"))
ACCOUNTS_INVITATION_INTERVAL_DAYS = int(env("ACCOUNTS_INVITATION_INTERVAL_DAYS", "30"))

# Admin sign-in throttle (django-axes). Attempts are kept in the database, so the
# lock holds across every web process with or without Redis. An account is locked
# after AXES_FAILURE_LIMIT failures from anywhere, and an address after as many
# failures on any accounts; both lift AXES_COOLOFF_TIME after the last failure.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "website.signin.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Attempts refused during a lock do not extend it, so the page's "try again in N
# minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client address as every per-IP limit reads it (common/ratelimit.py): the trusted proxy
# count decides, never a client's own X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.client_ip"
# Successful sign-ins are not recorded (less personal data to keep); failures are,
# until they expire.
AXES_DISABLE_ACCESS_LOG = True
# Public sign-ins (/accounts/) are limited by allauth's own limits above; axes
# guards the admins' sign-in pages only.
AXES_WHITELIST_CALLABLE = "accounts.throttle.outside_admin"

# Uploaded images: Pillow decodes the whole bitmap to make a rendition, so a tiny
# file of enormous dimensions (a "decompression bomb") costs seconds and hundreds of
# megabytes. 40 megapixels is more than any photo a profile or a news item needs.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Trust a proxy's "this came over HTTPS" header only when the deployment says a
# proxy in front of the site sets it (and overwrites a client's own copy);
# otherwise any client could claim HTTPS and skip the redirect.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
