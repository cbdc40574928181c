"""Settings shared by every environment. The environment is read here and only here."""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address for e-mail links and certificate QR codes; empty = the address of the request.
SITE_URL = env("SITE_URL", default="")
# Reverse proxies in front of the portal that append to X-Forwarded-For (0 = clients connect directly).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Master key for HMAC-SM3 of the transition-log chain and SM4 of personal data (core.crypto). Set it apart from
# SECRET_KEY in production and never change it: older rows would no longer verify or decrypt.
PORTAL_CRYPTO_KEY = env("PORTAL_CRYPTO_KEY", default=SECRET_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "guardian",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "clusters",
    "reviews",
    "monitoring",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.request_context.RequestContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.middleware.SessionPolicyMiddleware",
]

# Content-Security-Policy: every script comes from the portal's own /static/ (no inline script, no eval, no
# CDN). Inline style attributes stay allowed (progress bars, column widths); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "core.context_processors.portal",
            ],
        },
    },
]

# SQLite by default so the portal runs with no server; DATABASE_URL selects PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# 等保: ≥ 8 characters from 3 of 4 classes, not the username, not common, not one of the last five.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.HistoryValidator"},
]
# No guardian anonymous user: the public never gets object permissions.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions (等保): staff sessions end after STAFF_IDLE_TIMEOUT_MINUTES without activity (a warning shows
# two minutes before); every session ends when the browser closes or SESSION_MAX_HOURS after login.
STAFF_IDLE_TIMEOUT_MINUTES = env.int("STAFF_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Security audit records are kept at least this long (≥ 6 months), then removed by the daily sweep.
AUDIT_RETENTION_DAYS = max(env.int("AUDIT_RETENTION_DAYS", default=365), 183)
# Objectors' names and contact details are anonymised this many days after the objection was handled.
PERSONAL_DATA_RETENTION_DAYS = max(env.int("PERSONAL_DATA_RETENTION_DAYS", default=365), 30)

# Five wrong passwords lock the username + client address pair for 30 minutes. The address is the real client's
# behind NUM_PROXIES trusted proxies (core.clientip), so nobody can lock a user out from another address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.clientip.axes_client_ip"
# Axes' own admin pages allow deleting its records; core.admin registers read-only ones instead.
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
# Chinese is the portal's only language: its users, the regulation and every document it produces are Chinese,
# and a half-translated page is worse than none. Strings still go through gettext.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded files are never served as static media: a permission-checked view streams them.
PRIVATE_STORAGE_ROOT = env("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private"))
# STORAGES["private"] holds uploads and generated PDFs. Local directory by default; several web hosts share an
# S3-compatible store instead (MinIO, OSS): PRIVATE_STORAGE_BACKEND=storages.backends.s3.S3Storage plus the
# PRIVATE_S3_* variables (README, "Private files").
PRIVATE_STORAGE_BACKEND = env("PRIVATE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")
if PRIVATE_STORAGE_BACKEND.endswith("FileSystemStorage"):
    _private_options = {"location": PRIVATE_STORAGE_ROOT, "base_url": "/private-files-are-never-served/"}
else:
    _private_options = {
        "bucket_name": env("PRIVATE_S3_BUCKET", default=""),
        "endpoint_url": env("PRIVATE_S3_ENDPOINT_URL", default=None),
        "access_key": env("PRIVATE_S3_ACCESS_KEY", default=None),
        "secret_key": env("PRIVATE_S3_SECRET_KEY", default=None),
        "region_name": env("PRIVATE_S3_REGION", default=None),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": PRIVATE_STORAGE_BACKEND, "OPTIONS": _private_options},
}
ATTACHMENT_MAX_MB = env.int("ATTACHMENT_MAX_MB", default=20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Larger uploads spool here; a killed request can leave its temporary file behind, so core removes files older
# than an hour from this folder at start-up and in the daily sweep.
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=str(VAR_DIR / "upload-tmp"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://portal")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis outage degrades the public pages to uncached rendering instead of 500 (core.cache).
    CACHES["default"]["BACKEND"] = "core.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 1, "socket_timeout": 1})
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

# Celery: the filesystem broker needs no server; CELERY_BROKER_URL=redis://... selects Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery" / "queue"
    # The filesystem transport fails on a missing folder; create it for the web process and the worker alike.
    for _folder in (_queue, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every periodic job lives here. The sweeps read their deadlines from the database.
CELERY_BEAT_SCHEDULE = {
    "daily-deadline-sweep": {
        "task": "core.tasks.daily_sweep",
        "schedule": crontab(hour=0, minute=10),
    },
    # Notices close at 23:59:59 of their 5th working day: check shortly after every midnight and hourly.
    # The outbox: e-mails not yet delivered (broker or mail server down) are retried every five minutes.
    "deliver-pending-emails": {
        "task": "core.tasks.deliver_pending_emails",
        "schedule": crontab(minute="*/5"),
    },
    # Proves to /healthz that a worker runs.
    "worker-heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": crontab(minute="*"),
    },
    "close-notices": {
        "task": "reviews.tasks.close_notices",
        "schedule": crontab(minute=1),
    },
}

# The JSON API (/api/, the `api` app): integrations authenticate with tokens issued by province staff, the
# portal's own pages with the session (and CSRF). JSON only: the browsable API would need inline scripts.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AccountRateThrottle", "api.throttling.AnonymousRateThrottle"],
}
# The API's rate limits (api.throttling): per account, and per client address for anonymous callers of the public
# endpoints. "" switches one off. A nightly sync of every application at page_size 500 is a few dozen requests.
API_RATE_USER = env.str("API_RATE_USER", default="1200/hour")
API_RATE_ANON = env.str("API_RATE_ANON", default="600/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "江苏省中小企业特色产业集群管理平台 数据接口",
    "DESCRIPTION": (
        "供设区市、县级主管部门业务系统和统计部门使用的接口。认证：请求头 `Authorization: Bearer <令牌>`"
        "（令牌由省工业和信息化厅签发，代表一个账号，权限与该账号在网页上的权限相同）。"
        '错误统一为 `{"detail": "…", "errors": {…}}`；不在调用方范围内的对象一律返回 404。'
        "列表分页（page、page_size，默认 50，最大 500）；申报、集群、年度报告和复核申请支持 updated_since 增量同步"
        "（撤销案件支持 state_changed_since）；"
        "详情支持 ETag / If-None-Match。时间为 ISO 8601（北京时间 +08:00），金额单位为万元，以字符串表示的精确小数。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several resources have a `state`, `status` or `source` with different choices: each enum keeps one name
    # (the applications' stays StateEnum, as clients generated from earlier schemas know it).
    "ENUM_NAME_OVERRIDES": {
        "StateEnum": "clusters.constants.ApplicationState",
        "ReportStateEnum": "monitoring.constants.ReportState",
        "ReReviewStateEnum": "monitoring.constants.ReReviewState",
        "RevocationStatusEnum": "monitoring.constants.RevocationStatus",
        "RevocationSourceEnum": "monitoring.constants.RevocationSource",
        "CertificationSourceEnum": "clusters.models.CertificationSource",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.strict_request_bodies",
    ],
    # Swagger UI assets from drf-spectacular-sidecar, served from /static/ (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it would load an image from swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="江苏省中小企业特色产业集群管理平台 <noreply@localhost>")

# 《江苏省促进中小企业特色产业集群发展管理办法》 is in force from 2023-05-01 for five years (Art. 16). Decisions
# after this date need the successor regulation's reference.
REGULATION_END_DATE = datetime.date.fromisoformat(env("REGULATION_END_DATE", default="2028-04-30"))

PORTAL_NAME = _("江苏省中小企业特色产业集群管理平台")
PROVINCE_AUTHORITY_NAME = "江苏省工业和信息化厅"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
