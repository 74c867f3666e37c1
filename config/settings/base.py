"""Settings shared by every environment, read from the environment (django-environ).

With no environment at all the app runs embedded: SQLite, Celery in eager mode, files on disk.
`DATABASE_URL` and `REDIS_URL` switch the same code to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin, with the project's input rules on every model admin
    "core.admin_apps.ProjectAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "axes",
    "django_htmx",
    "django_celery_beat",
    "core",
    "accounts",
    "communities",
    "election",
    "audits",
    "discipline",
    "reports",
    "home",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # a temporary password is good for choosing one's own, nothing else
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # before any view or the CSRF check reads request.POST: an unreadable upload gets a page
    "core.middleware.UnreadableUploadMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.IdleSessionTimeoutMiddleware",
    # a view that loses the database answers 503 in Chinese (core.errors)
    "core.middleware.DatabaseUnavailableMiddleware",
    "accounts.middleware.DenialLogMiddleware",
    # axes must come last: it answers locked-out logins before the view runs
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "home.context_processors.navigation",
                "discipline.context_processors.major_events",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# guardian: no anonymous user row, object permissions only through our direct FK tables
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# axes: lock a username on one address after repeated failures
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# reverse proxies in front that append to X-Forwarded-For (see core.http.client_ip)
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"

# sessions: signed-in users are logged out after this many idle seconds
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# --- i18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# never routed (config/urls.py): each file is streamed by its view after the access check
MEDIA_URL = "/media/"

# uploads: requests and single files above these sizes are refused before they reach a view
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=25_000)
# the text the import check reads, in all and per cell: 25,000 rows with every column filled to
# its model's length stay under the total, and no column is longer than 300 characters
IMPORT_MAX_TEXT_CHARS = env.int("IMPORT_MAX_TEXT_CHARS", default=15_000_000)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=1_000)
# imports waiting this long for their check or import task are enqueued again (a lost message)
IMPORT_REQUEUE_AFTER_SECONDS = env.int("IMPORT_REQUEUE_AFTER_SECONDS", default=5 * 60)
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# the public reporting form (绿色通道), per client address and hour: reports accepted, attempts
# (valid or not) and receipt-code look-ups
PUBLIC_REPORT_LIMIT = env.int("PUBLIC_REPORT_LIMIT", default=5)
PUBLIC_REPORT_ATTEMPT_LIMIT = env.int("PUBLIC_REPORT_ATTEMPT_LIMIT", default=30)
RECEIPT_LOOKUP_LIMIT = env.int("RECEIPT_LOOKUP_LIMIT", default=20)

# --- cache, Celery ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    # seconds; a blocking read of the worker (1 s) stays well under the socket timeout
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
elif env("CELERY_BROKER_URL", default=""):
    # `make run`: a real worker beside the dev server without Redis, on kombu's filesystem
    # transport (each message a file under var/celery/); the cache, which carries an import's
    # progress from the worker to the pages, is a folder both processes share
    CELERY_BROKER_URL = env("CELERY_BROKER_URL")
    CELERY_BROKER_FOLDER = Path(env("CELERY_BROKER_FOLDER", default=str(BASE_DIR / "var/celery")))
    if CELERY_BROKER_URL.startswith("filesystem://"):
        for _folder in ("queue", "processed", "control"):
            (CELERY_BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
        CELERY_BROKER_TRANSPORT_OPTIONS = {
            "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
            "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
            "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
            "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        }
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(CELERY_BROKER_FOLDER / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    # SQLite has one writer: while the worker writes a 25,000-row import in one transaction, a
    # page that saved its session (the time of the user's last request) would wait for it and
    # fail; sessions in the shared cache need no database write
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # embedded default: tasks run in-process, no broker needed
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks write their outcome to the database; nobody reads a task's result, and sending a task
# then needs the broker only (the result store is Redis too, and would stall a send for 20 s when
# Redis is down).
CELERY_TASK_IGNORE_RESULT = True
# A broker that is down or hangs fails a send within seconds, never holding a request for long: the
# send is retried twice, quickly, then core.tasks.enqueue_on_commit logs it and the record stays
# queued for its periodic re-enqueue.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=10 * 60)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# django-celery-beat's DatabaseScheduler copies these entries into its tables at start, where the
# admin can edit them ("Periodic tasks")
CELERY_BEAT_SCHEDULE = {
    "election-rollups-daily": {
        # every running campaign: the dashboard's counts per street and stage, and the day's
        # snapshot; shortly after midnight, when yesterday's due steps become overdue
        "task": "election.tasks.rollups_dispatch",
        "schedule": crontab(hour=0, minute=10),
    },
    # plans computed by an older rule engine (after an upgrade, or a change of a campaign's
    # start): recomputed a few thousand at a time; a run with none to do is one query
    "election-plans-refresh-stale": {
        "task": "election.tasks.plans_refresh_stale_task",
        "schedule": crontab(minute="*/15"),
    },
    # the weekly report of every district with a running campaign, and any missed week's
    "reports-weekly": {
        "task": "reports.tasks.reports_dispatch_task",
        "schedule": crontab(hour=16, minute=0, day_of_week="fri"),
    },
    # report runs whose render message was lost (Redis was down when they were requested)
    "reports-requeue": {
        "task": "reports.tasks.report_runs_requeue_task",
        "schedule": crontab(minute="*/5"),
    },
    # uploaded import workbooks, a day after their import is done, failed or abandoned
    "communities-import-files-purge": {
        "task": "communities.tasks.community_import_files_purge_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # imports whose check or import message was lost (a broker restarted without persistence)
    "communities-imports-requeue": {
        "task": "communities.tasks.community_imports_requeue_task",
        "schedule": crontab(minute="*/5"),
    },
    # the election imports (nominees, results, previous term): lost messages sent again, and
    # uploaded workbooks removed a day after their import ended
    "election-imports-housekeeping": {
        "task": "election.tasks.election_imports_housekeeping_task",
        "schedule": crontab(minute="*/5"),
    },
    # the audit imports (engagements, findings): the same housekeeping
    "audit-imports-housekeeping": {
        "task": "audits.tasks.audit_imports_housekeeping_task",
        "schedule": crontab(minute="*/5"),
    },
}
# a report run still rendering after this many seconds lost its worker and may be claimed again
# (at least the task's time limit, below the broker's visibility timeout of one hour)
REPORT_RENDER_TIMEOUT = CELERY_TASK_TIME_LIMIT
# a report run still queued after this many seconds lost its message (the broker was down when it
# was requested) and is enqueued again by the schedule's "reports-requeue"
REPORT_REQUEUE_AFTER_SECONDS = env.int("REPORT_REQUEUE_AFTER_SECONDS", default=5 * 60)

# --- logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every rendering step at INFO
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
