"""Test run: same services as configured (SQLite and eager Celery by default), fast hashing."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 3
# Tasks run in-process in tests, with or without Redis: a test asserts what a task does, not that a
# broker delivered it. The tests that need a real worker start one and talk to it through Redis.
CELERY_TASK_ALWAYS_EAGER = True
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)
# static files straight from the finders; no collectstatic before tests
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
