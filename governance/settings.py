"""Settings for the grid-governance platform, read from the environment (django-environ).

With nothing set the platform runs as the demo: SQLite under var/, Celery on a filesystem
broker that needs no server. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
IDENTITY_KEY, ALLOWED_HOSTS and DEBUG=false; `manage.py check --deploy` then passes.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from governance.schedules import Periodic

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _secret(variable: str) -> str:
    """A key from the environment. Only the demo (DEBUG=true) may fall back to a random one kept
    under var/ (so a restart keeps sessions and encrypted data); production never invents a key
    nobody has backed up. A missing key does not stop the settings from loading (a management
    command without keys still runs): the web server, Celery and `check --deploy` refuse to start
    without it (governance/keys.py)."""
    value = env.str(variable, default="")
    if not value and DEBUG:
        path = VAR_DIR / variable.lower()
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        value = path.read_text().strip()
    return value


SECRET_KEY = _secret("SECRET_KEY")
# Key for the encrypted ID-card numbers and their keyed lookup hash; set it apart from
# SECRET_KEY in production so rotating one does not make the other's data unreadable.
IDENTITY_KEY = _secret("IDENTITY_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "treebeard",
    "django_celery_beat",
    "django_htmx",
    "pgtrigger",
    "governance",
    "grids",
    "incidents",
    "credit",
    "insurance",
    "care",
    "disputes",
    "interfaces",
    "oversight",
    "demo",  # on top of all others: the demo county and `seed_demo` (docs/architecture.md)
]

MIDDLEWARE = [
    "governance.error_pages.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "governance.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "governance.sessions.SessionLimitsMiddleware",
    "governance.config_changes.ConfigChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into its answer (governance/lockout.py)
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

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
                "governance.navigation.nav_items",
            ],
        },
    },
]

# Two PostgreSQL roles (docs/security.md): the application connects with DATABASE_URL as a role that
# owns nothing and may not change the audit tables; migrations, the demo load and
# `manage.py db_app_role` run with DATABASE_AS=owner, connecting with MIGRATION_DATABASE_URL (the
# owner). With only DATABASE_URL set (a local demo) that URL is the owner's, and `db_app_role`
# creates the application role DATABASE_APP_USER (default "<database>_app") and prints its URL
# for `make serve`.
APP_DATABASE_URL = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
OWNER_DATABASE_URL = env.str("MIGRATION_DATABASE_URL", default="")
DATABASE_APP_USER = env.str("DATABASE_APP_USER", default="")  # default: "<database name>_app"
AS_OWNER = env.str("DATABASE_AS", default="") == "owner"
DATABASES = {"default": env.db_url_config(OWNER_DATABASE_URL if AS_OWNER and OWNER_DATABASE_URL else APP_DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and Celery worker share the file: wait for locks, write-ahead log.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Read replicas (docs/scaling.md): with DATABASE_REPLICA_URL, the heavy reads of the views named in
# REPLICA_READ_VIEWS go to a streaming replica while it is within REPLICA_MAX_LAG seconds of the primary.
REPLICA_DATABASE_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_MAX_LAG = env.float("REPLICA_MAX_LAG", default=5.0)  # seconds behind the primary still usable
REPLICA_CHECK_EVERY = env.float("REPLICA_CHECK_EVERY", default=5.0)  # seconds a health answer is trusted
REPLICA_READ_YOUR_WRITES = env.int("REPLICA_READ_YOUR_WRITES", default=30)  # seconds a writer reads the primary
REPLICA_COOKIE = "gg_wrote"
REPLICA_READ_VIEWS = {
    "oversight:dashboard", "oversight:panel", "oversight-dashboard",
    "oversight:map", "oversight-map-areas", "oversight-map-cases",
    "insurance:figures", "insurance:figures-export", "insurance-figures", "insurance-figures-export",
    "disputes:figures", "disputes:statements-export", "dispute-figures", "statement-export",
    "credit-figures", "care-figures", "grids-export", "incidents:export",
    "reviews:weekly", "reviews:weekly-export",
    "weekly-evaluation-list", "weekly-evaluation-detail", "weekly-evaluation-scores", "weekly-evaluation-export",
}
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = {
        **env.db_url_config(REPLICA_DATABASE_URL),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["governance.replicas.ReplicaRouter"]
    after_user = MIDDLEWARE.index("governance.sessions.SessionLimitsMiddleware") + 1
    MIDDLEWARE.insert(after_user, "governance.replicas.ReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "governance.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username before the password is tried
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "governance.passwords.CharacterKindsValidator", "OPTIONS": {"minimum_kinds": 3}},
]
# Sign-in lock-out (django-axes, governance/lockout.py): this many wrong passwords for one username
# on the page, the admin or the token endpoint lock it for LOGIN_LOCKOUT_MINUTES; an admin unlocks.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
# By username only: offices share one address behind NAT on the intranet, so an address lock would
# shut a whole township out; the token endpoint is throttled per address too (TOKEN_LOGIN_RATE).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # "add ip_address": see the line above
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "governance.lockout.locked_out"
# Optional TOTP second factor for admins and command-centre leaders (governance/two_factor.py).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="网格治理指挥平台")
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; nobody anonymous gets a grant
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
# Working days (governance/workdays.py): from this month on, next year's holiday calendar is
# expected (the State Council publishes its notice in the autumn) and its absence is warned.
HOLIDAY_NOTICE_MONTH = env.int("HOLIDAY_NOTICE_MONTH", default=11)
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (photos, agreements, evidence): the local disk under MEDIA_ROOT by default; with
# several web hosts, shared storage — the same MEDIA_ROOT mounted on every host (NFS), or
# FILE_STORAGE=s3: an S3-compatible object store (an intranet MinIO or Ceph RGW) through
# django-storages. Files are never served by address: every download streams through the
# application's scope check (docs/scaling.md, "A stateless web tier").
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
if FILE_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured(f"FILE_STORAGE must be local or s3, not {FILE_STORAGE!r}")
FILE_STORAGE_BACKENDS = {
    "local": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET", default=""),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": "private",
            "file_overwrite": False,  # a second photo of the same name gets a name of its own, as on disk
            "querystring_auth": True,  # an address, if one is ever made, is signed and expires
        },
    },
}
STORAGES = {
    "default": FILE_STORAGE_BACKENDS[FILE_STORAGE],
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if FILE_STORAGE == "s3" and not STORAGES["default"]["OPTIONS"]["bucket_name"]:
    raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for an intranet object store)")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

REDIS_URL = env.str("REDIS_URL", default="")
# Redis down → the cache answers a miss (governance/cache.py); short time-outs so a Redis that
# does not answer costs a request at most a second once.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "governance.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (no server).
# CELERY_BROKER_URL=amqp://… (RabbitMQ) takes the broker away from Redis; the cache stays on Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("amqp"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
elif CELERY_BROKER_URL.startswith("redis"):
    # An unacknowledged task comes back after this; keep it above every task's time limit.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 2 * 60 * 60,
        "socket_connect_timeout": REDIS_TIMEOUT,
        "socket_timeout": 5 * REDIS_TIMEOUT,
    }
else:
    _broker_dir = VAR_DIR / "celery-broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),  # the broadcast exchanges, else ./control
    }
# Queues (docs/scaling.md, "Celery queues and hosts"): urgent work — 马上办 and 115 timers,
# notifications, webhooks, the outbox that sends them, the 12345 hotline's intake — never waits
# behind a long export or a review. Every task is named here (tests/governance/test_queues.py
# fails for one that is not). A worker started without -Q consumes every queue (the demo, a small
# county); a larger installation runs `-Q urgent` workers apart from `-Q periodic,bulk` ones.
TASK_QUEUES = {
    "urgent": [
        "incidents.handle_urgent",
        "incidents.watch_urgent_timers",
        "governance.drain_outbox",
        "governance.deliver_notification",
        "governance.send_due_deliveries",
        "interfaces.register_submission",
        "interfaces.send_webhooks",
        "interfaces.deliver_webhook",
        "interfaces.sweep_webhooks",
    ],
    "periodic": [  # 日清周评 and the other scheduled rounds
        "incidents.run_daily_review",
        "incidents.run_weekly_evaluation",
        "incidents.rate_grid_workers",
        "oversight.compute_stability_index",
        "credit.propose_from_closed_cases",
        "disputes.mark_backlog",
        "disputes.build_statements",
        "governance.sweep_orphan_files",
    ],
    "bulk": ["incidents.export_cases", "grids.import_spreadsheet"],  # long exports and imports
}
CELERY_TASK_QUEUES = [Queue(name) for name in (*TASK_QUEUES, "celery")]  # "celery": Celery's default
CELERY_TASK_ROUTES = {task: {"queue": queue} for queue, tasks in TASK_QUEUES.items() for task in tasks}
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# A spreadsheet import of more data rows than this runs as a background job (grids.transfer.background).
IMPORT_SYNC_ROWS = env.int("IMPORT_SYNC_ROWS", default=2000)
# Default periodic tasks: django-celery-beat rows ensured after migrate, then edited by admins
# (governance/schedules.py). Times are Asia/Shanghai.
PERIODIC_TASKS = [
    Periodic("发送待发任务（每分钟，governance/outbox.py）", "governance.drain_outbox", minute="*"),
    Periodic("日清（每日 17:30）", "incidents.run_daily_review", minute="30", hour="17"),
    Periodic("周评（每周一 08:00）", "incidents.run_weekly_evaluation", minute="0", hour="8", day_of_week="1"),
    Periodic("网格员月度评定（每月 1 日 06:00）", "incidents.rate_grid_workers", minute="0", hour="6",
             day_of_month="1"),
    Periodic("社会稳定指数（每周一 01:30，计算上一周）", "oversight.compute_stability_index", minute="30", hour="1",
             day_of_week="1"),
    Periodic("综治信用：从结案事件生成待审事实（每 15 分钟）", "credit.propose_from_closed_cases", minute="*/15"),
    Periodic("信访积案：超期未办结的列入积案（每日 01:00）", "disputes.mark_backlog", minute="0", hour="1"),
    Periodic("以案定补：生成上月结算单（每月 2 日 05:00）", "disputes.build_statements", minute="0", hour="5",
             day_of_month="2"),
    Periodic("清理无记录引用的上传文件（每日 03:15）", "governance.sweep_orphan_files", minute="15", hour="3"),
    Periodic("通知：发送安静时段过后到期的消息（每分钟）", "governance.send_due_deliveries", minute="*"),
    Periodic("115 快速响应：到时前提醒、超时标记（每 10 秒）", "incidents.watch_urgent_timers", every_seconds=10),
    Periodic("Webhook：重新排队丢失的重试（每 5 分钟）", "interfaces.sweep_webhooks", minute="*/5"),
]
# Uploaded files that no row refers to (a rolled-back transaction) are deleted once this old.
ORPHAN_FILE_GRACE_HOURS = env.int("ORPHAN_FILE_GRACE_HOURS", default=24)

# Notification channels beyond the in-app inbox (governance/channels/, docs/notifications.md).
# A channel whose settings are empty shows as 未开通 on the preferences page and is never used.
NOTIFICATION_CHANNELS = [
    "governance.channels.sms.SmsChannel",
    "governance.channels.robots.WecomRobot",
    "governance.channels.robots.DingtalkRobot",
    "governance.channels.email.EmailChannel",
]
# Kinds of notice that pass users' quiet hours (马上办 urgent cases).
URGENT_NOTIFICATION_KINDS = env.list("URGENT_NOTIFICATION_KINDS", default=["urgent"])
NOTIFICATION_HTTP_TIMEOUT = env.float("NOTIFICATION_HTTP_TIMEOUT", default=10)
# Webhooks (interfaces/webhooks.py): seconds to connect to a receiver and for each read.
WEBHOOK_HTTP_TIMEOUT = env.float("WEBHOOK_HTTP_TIMEOUT", default=5)
# … and how long delivered and failed deliveries stay in the log (days).
WEBHOOK_KEEP_DAYS = env.int("WEBHOOK_KEEP_DAYS", default=90)
# Where links in SMS, robot messages and e-mails point (the platform's address as users reach it).
SITE_URL = env.str("SITE_URL", default="")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_USER = env.str("SMS_GATEWAY_USER", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
SMS_TEMPLATE = env.str("SMS_TEMPLATE", default="【网格治理】{title}")
WECOM_ROBOT_URL = env.str("WECOM_ROBOT_URL", default="")
DINGTALK_ROBOT_URL = env.str("DINGTALK_ROBOT_URL", default="")
DINGTALK_ROBOT_SECRET = env.str("DINGTALK_ROBOT_SECRET", default="")
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")

REST_FRAMEWORK = {
    # orjson instead of the json module, with DRF's own encoder for what orjson does not know.
    "DEFAULT_RENDERER_CLASSES": ["governance.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "governance.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "governance.exceptions.exception_handler",
    # Exact-match lookups by ID number answer "in scope or not": bounded per user (docs/security.md).
    "DEFAULT_THROTTLE_RATES": {
        "id_number_lookup": env.str("ID_NUMBER_LOOKUP_RATE", default="120/hour"),
        "token_login": env.str("TOKEN_LOGIN_RATE", default="20/minute"),
    },
}
# Idempotency-Key (governance/idempotency.py): a key used again after this many days starts a new request.
IDEMPOTENCY_KEY_DAYS = env.int("IDEMPOTENCY_KEY_DAYS", default=7)
# API tokens (django-rest-knox): stored as SHA-512 digests, expire, revocable (governance/tokens.py).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=12)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "网格治理指挥平台 API",
    "DESCRIPTION": "县域网格化社会治理平台的 REST 接口。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation's error answers (their JSON bodies as components) and who may call it.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "governance.openapi.postprocess"],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "governance.roles.Role",
        "PartyRoleEnum": "incidents.constants.PartyRole",
        "CaseStatusEnum": "incidents.constants.CaseStatus",
        "UrgeGradeEnum": "incidents.constants.UrgeGrade",
        "JobStatusEnum": "governance.models.JobStatus",
        "CreditFactStatusEnum": "credit.constants.FactStatus",
        "CreditRoundStatusEnum": "credit.constants.RoundStatus",
        "CreditItemKindEnum": "credit.constants.ItemKind",
        "CreditSubjectKindEnum": "credit.constants.SubjectKind",
        "CreditMovementKindEnum": "credit.constants.MovementKind",
        "CreditCheckResultEnum": "credit.constants.CheckResult",
        "AreaLevelEnum": "grids.levels.AreaLevel",
        "HouseholdColourEnum": "grids.models.HouseholdColour",
        "AssessedLevelEnum": "oversight.models.ASSESSED_LEVELS",
        "RatingStatusEnum": "oversight.constants.RatingStatus",
        "RatingResultEnum": "oversight.constants.RatingResult",
        "ClaimStatusEnum": "insurance.constants.ClaimStatus",
        "EvidenceStatusEnum": "oversight.constants.EvidenceStatus",
        "WarningColourEnum": "oversight.constants.Colour",
        "CareCategoryEnum": "care.constants.Category",
        "CareRiskLevelEnum": "care.constants.RiskLevel",
        "CareKeeperRoleEnum": "care.constants.Keeper",
        "CareColourChangeStatusEnum": "care.constants.ColourChangeStatus",
        "CareMovementKindEnum": "care.constants.MovementKind",
        "CareNeedKindEnum": "care.constants.NeedKind",
        "CareHelpKindEnum": "care.constants.HelpKind",
        "CareUnitKindEnum": "care.constants.UnitKind",
        "MediationStatusEnum": "disputes.constants.MediationStatus",
        "PetitionStatusEnum": "disputes.constants.PetitionStatus",
        "StatementStatusEnum": "disputes.constants.StatementStatus",
        "BodyLevelEnum": "disputes.constants.BodyLevel",
        "BodyKindEnum": "disputes.constants.BodyKind",
        "DifficultyEnum": "disputes.constants.Difficulty",
        "PetitionChannelEnum": "disputes.constants.Channel",
    },
}

# Security: strict by default outside DEBUG (`manage.py check --deploy` passes).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60  # at most this long after sign-in (governance/sessions.py) …
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)  # … and this long without a request
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the monitoring asks gunicorn over plain HTTP on the machine
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Top navigation: (label, url name, roles allowed or None for all). Apps add their pages here.
# Everyone who works with cases (not the insurer, the credit cooperative or the credit committee).
CASE_ROLES = [
    "command_operator", "command_leader", "township_officer", "department_officer", "village_head", "grid_leader",
    "grid_police", "grid_worker", "admin",
]
OVERSIGHT_ROLES = ["command_operator", "command_leader", "township_officer", "village_head", "admin"]
REVIEW_ROLES = ["command_operator", "command_leader", "township_officer", "admin"]
INSURANCE_FIGURE_ROLES = ["command_operator", "command_leader", "township_officer", "insurer", "admin"]
CARE_ROLES = [
    "command_operator", "command_leader", "township_officer", "village_head", "grid_leader", "grid_police",
    "grid_worker", "admin",
]
CREDIT_ROLES = ["village_head", "credit_committee", "township_officer", "command_operator", "command_leader", "admin"]
MEDIATION_ROLES = ["village_head", "grid_leader", "grid_police", "township_officer", "command_operator",
                   "command_leader", "admin"]
PETITION_ROLES = ["command_operator", "command_leader", "township_officer", "village_head", "admin"]
NAV_ITEMS = [
    ("工作台", "incidents:desk", ["command_operator", "command_leader"]),
    ("收件箱", "incidents:inbox", ["township_officer", "village_head", "department_officer"]),
    ("上报事件", "incidents:report", CASE_ROLES),
    ("我的上报", "incidents:my-reports", ["grid_worker", "grid_leader", "grid_police", "village_head"]),
    ("巡查走访", "grids:fieldwork", ["grid_worker"]),
    (
        "关爱守护",
        [
            ("今日走访", "care:today", ["grid_worker", "grid_leader", "grid_police", "village_head"]),
            ("重点人员", "care:home", CARE_ROLES),
            ("三色管理", "care:colours", CARE_ROLES),
            ("平安志愿者", "care:volunteers", CARE_ROLES),
            ("家家帮 · 挨户防", "care:neighbours", CARE_ROLES),
        ],
    ),
    ("搜索", "incidents:search", CASE_ROLES),
    (
        "日清周评",
        [
            ("日清", "reviews:daily", REVIEW_ROLES),
            ("周评", "reviews:weekly", REVIEW_ROLES),
            ("抽查", "grids:spot-checks", ["township_officer", "village_head", "admin"]),
        ],
    ),
    (
        "平安家园保险",
        [
            ("平安家园理赔", "insurance:claims", ["village_head", "township_officer", "insurer", "grid_worker"]),
            ("保险统计", "insurance:figures", INSURANCE_FIGURE_ROLES),
        ],
    ),
    (
        "综治信用",
        [
            ("信用评定", "credit:overview", CREDIT_ROLES),
            ("农信社授信", "credit:cooperative", ["credit_cooperative"]),
        ],
    ),
    (
        "调解信访",
        [
            ("调解工作台", "disputes:home", MEDIATION_ROLES),
            ("调解台账", "disputes:mediations", MEDIATION_ROLES),
            ("信访事项", "disputes:petitions", PETITION_ROLES),
            ("登记信访", "disputes:petition-new", PETITION_ROLES + ["grid_worker", "grid_police"]),
            ("我包的案", "disputes:owned", ["command_leader", "township_officer"]),
            ("信访积案", "disputes:backlog", PETITION_ROLES),
            ("以案定补", "disputes:statements", ["township_officer", "command_operator", "command_leader", "admin"]),
            ("调解信访统计", "disputes:figures", REVIEW_ROLES),
        ],
    ),
    (
        "平安建设",
        [
            ("一屏观全域", "oversight:dashboard", OVERSIGHT_ROLES),
            ("一张图指挥", "oversight:map", OVERSIGHT_ROLES),
            ("平安创建", "oversight:ratings", OVERSIGHT_ROLES),
            ("稳定指数", "oversight:stability", OVERSIGHT_ROLES),
        ],
    ),
    (
        "系统",
        [
            ("管理控制台", "console:home", ["admin", "command_leader"]),
            ("接口文档", "api-docs", ["admin", "command_operator", "command_leader"]),
            ("后台管理", "admin:index", ["admin"]),
        ],
    ),
]

# The wall-screen dashboard's panels, in order (dotted paths to oversight.panels.Panel objects).
# A feature replaces its placeholder (same key) with its own panel when it lands.
DASHBOARD_PANELS = [
    "oversight.panels.TODAY",
    "oversight.panels.TREND",
    "oversight.panels.BY_AREA",
    "oversight.panels.BY_CATEGORY",
    "oversight.panels.URGENT_RESPONSE",
    "oversight.panels.WEEKLY_RANKING",
    "oversight.panels.INSURANCE",
    "oversight.panels.CREDIT",
    "oversight.panels.STABILITY",
    "oversight.panels.CARE",
    "oversight.panels.DISPUTES",
]

# The grid map: no base-map tiles unless an intranet tile server is named ({z}/{x}/{y} template),
# with the coordinate system its tiles are drawn in (WGS84, or GCJ02 for most Chinese servers).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
MAP_TILE_CRS = env.str("MAP_TILE_CRS", default="WGS84")

# Case lists up to this many rows export while the user waits; longer ones run as a task.
CASE_EXPORT_SYNC_LIMIT = env.int("CASE_EXPORT_SYNC_LIMIT", default=5000)
# The desk with no filter and no queue exports the cases reported in the last this-many days.
CASE_EXPORT_DEFAULT_DAYS = env.int("CASE_EXPORT_DEFAULT_DAYS", default=30)

# What waits for a decision, shown in the inbox (governance/approvals.py).
# Who receives the approved 平安村 of the safe-area assessment (oversight) and withdraws what a
# revoked approval fed: governance.safe_villages.SafeVillageSink objects.
SAFE_VILLAGE_SINKS = ["credit.rewards.SAFE_VILLAGE_SINK"]

# Roles: each app's list of (member name, value, label), gathered into governance.roles.Role.
ROLE_SETS = ["governance.roles.ROLES", "grids.roles.ROLES", "insurance.roles.ROLES", "credit.roles.ROLES"]
# Where an upper app's roles are held and what they may do there (grids.permissions).
AREA_ROLES = ["insurance.roles.AREA_ROLES", "credit.roles.AREA_ROLES"]

# The admin console's landing page: each app's list of (label, url name, description, icon).
CONSOLE_SECTIONS = [
    "grids.console.SECTIONS",
    "incidents.console.SECTIONS",
    "governance.console.SECTIONS",
    "interfaces.console.SECTIONS",
]

# Configuration: every add, change and delete of these models during a request (admin, console,
# API, pages) writes a ConfigChange row with the fields before and after (governance/config_changes.py).
CONFIGURATION_MODELS = [
    "auth.Group",
    "governance.User",
    "governance.CalendarDay",
    "grids.Area",
    "grids.PointsRules",
    "incidents.Category",
    "incidents.TimeLimit",
    "incidents.ResponseLimit",
    "incidents.RoutingRule",
    "incidents.Unit",
    "incidents.ReplyTemplate",
    "incidents.ReviewRules",
    "insurance.Insurer",
    "insurance.Peril",
    "insurance.PremiumSchedule",
    "credit.RuleVersion",
    "credit.RuleItem",
    "credit.GradeBand",
    "care.ColourRhythm",
    "care.VolunteerRules",
    "care.ShopItem",
    "disputes.MediationBody",
    "disputes.Mediator",
    "disputes.SubsidyRate",
    "disputes.BacklogTarget",
    "interfaces.PublicService",
    "interfaces.ServiceAttribute",
    "oversight.Indicator",
    "oversight.RatingRule",
    "oversight.StabilityIndicator",
    "oversight.ColourBand",
    # the periodic tasks' schedules (admin → 周期任务)
    "django_celery_beat.PeriodicTask",
    "django_celery_beat.IntervalSchedule",
    "django_celery_beat.CrontabSchedule",
    "django_celery_beat.SolarSchedule",
    "django_celery_beat.ClockedSchedule",
]

# Links an upper app adds to an area's console page (grids): functions area → [registry.Link].
AREA_LINKS = ["oversight.links.area_links"]

APPROVAL_SOURCES = [
    "insurance.approvals.waiting",
    "credit.approvals.waiting",
    "oversight.approvals.waiting",
    "care.approvals.waiting",
    "disputes.approvals.waiting",
]

# Where "/" lands each role (first match wins; a url name that does not resolve is skipped).
ROLE_HOME = [
    ("command_operator", "incidents:desk"),
    ("command_leader", "incidents:desk"),
    ("township_officer", "incidents:inbox"),
    ("department_officer", "incidents:inbox"),
    ("village_head", "incidents:inbox"),
    ("grid_worker", "care:today"),
    ("grid_leader", "incidents:report"),
    ("grid_police", "incidents:report"),
    ("insurer", "insurance:claims"),
    ("credit_cooperative", "credit:cooperative"),
    ("credit_committee", "credit:overview"),
]

# Work that falls due on a rhythm outside the case loop, read by 日清, 周评 and the grid workers'
# monthly points (dotted paths to governance.duework.DueWork objects; see docs/architecture.md).
REVIEW_DUE_WORK = ["care.duework.VISITS", "care.duework.CONTACTS", "disputes.duework.FOLLOW_UPS"]

# Records other apps contribute to governance credit (dotted paths to callables returning
# governance.contributions.Contribution rows; credit proposes them as facts).
CREDIT_CONTRIBUTIONS = ["care.volunteers.credit_contributions"]

# The demo county's parts after `seed_demo` built the county: modules of the demo app with
# seed_demo/reset_demo, in order (a test may name fewer).
DEMO_EXTENSIONS: list[str] = [
    "demo.incidents",
    "demo.reviews",
    "demo.insurance",
    "demo.care",
    "demo.disputes",
    "demo.credit",  # after care: its proposals take in the volunteers' records, as the beat task does
    "demo.oversight",
    "demo.interfaces",  # the categories offered to other systems (Open311)
]

# Sections other apps add to the case page (incidents/sections.py): dotted paths to callables
# (request, case) → a list of Section. incidents reads them and knows none of those apps …
CASE_PAGE_SECTIONS = ["disputes.sections.case_section", "interfaces.sections.case_section"]
# … and hear every new case event (incidents/events.py): callables given the list of new CaseEvent
# rows inside their transaction (interfaces' webhook deliveries).
CASE_EVENT_LISTENERS = ["interfaces.webhooks.hear"]
# … and to the weekly evaluation's page (周评): callables (request, evaluation) → a list of Section.
WEEKLY_REVIEW_SECTIONS = ["incidents.response_views.weekly_section", "disputes.sections.weekly_section"]

# Disputes and petitions (docs/disputes.md).
DISPUTE_CATEGORY_CODES = ["MD"]  # 矛盾纠纷 and its children take the mediation path
MEDIATION_FOLLOW_UP_DAYS = [7, 30, 90]  # 常回访: visits after an agreement, days from it
PETITION_REPLY_DAYS = env.int("PETITION_REPLY_DAYS", default=60)  # default reply due date
PETITION_REPEAT_WINDOW_DAYS = env.int("PETITION_REPEAT_WINDOW_DAYS", default=180)
PETITION_REPEAT_RADIUS_METRES = env.int("PETITION_REPEAT_RADIUS_METRES", default=1000)
PETITION_BACKLOG_DAYS = env.int("PETITION_BACKLOG_DAYS", default=90)  # unresolved this long → 积案

# Area hierarchy: the coordinate system the stored boundaries and centres use.
BOUNDARY_CRS = env.str("BOUNDARY_CRS", default="WGS84")

# Logs with the request id; LOG_FORMAT=json: one JSON object per line (governance/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "governance.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "governance.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# The worker keeps the same handlers (JSON too) instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
