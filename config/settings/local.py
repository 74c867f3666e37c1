"""`make run`: the demo as users see it, embedded services unless the environment says so.

`DEBUG` is off unless a developer asks for it (`DEBUG=1 make run`): a missing page is the product's
Chinese 404, never Django's list of URL patterns. Static files are still served by the app itself
(WhiteNoise, straight from the finders, so no `collectstatic` is needed on a developer machine).
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
