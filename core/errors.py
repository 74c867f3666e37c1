"""Pages for a database that cannot be reached: a 503 in the user's language, not a server error;
and the errors of the cache, which pages survive.

A lost PostgreSQL connection (the server restarted, a network cut, the backend terminated) raises
OperationalError or InterfaceError wherever the next query runs. In a view, the middleware
`core.middleware.DatabaseUnavailableMiddleware` answers it; anywhere else in the request (the
session or the user is loaded in a middleware), the 500 handler `server_error` does. The page
needs neither the database nor the user: its template has no context processor.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults
from redis import RedisError

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# what the cache raises when its server is down (Redis) or its folder unusable (file cache)
CACHE_ERRORS = (RedisError, OSError)
RETRY_AFTER_SECONDS = 60


def database_unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 page, after logging `error` (it is answered, so Django does not log it)."""
    logger.error("database unavailable: %s %s", request.method, request.path, exc_info=error)
    # rendered without the request: context processors would read the user from the database
    response = HttpResponse(loader.render_to_string("core/database_unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the 503 page when the error is the database's, else Django's 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request, error)
    return defaults.server_error(request, template_name)
