import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation

from .errors import DATABASE_ERRORS, database_unavailable


class DefaultLanguageMiddleware:
    """Activate the language the user chose (cookie), else the site's default: Simplified Chinese.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language, so an office PC
    with an English browser still gets the Chinese interface unless someone switches it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class IdleSessionTimeoutMiddleware:
    """Sign out a user who has not made a request for `SESSION_IDLE_TIMEOUT` seconds.

    The time of the last request is written to the session at most once a minute, so ordinary
    page views do not save the session (three queries) every time.
    """

    key = "last_seen"
    resolution = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.key, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
            elif self.key not in request.session or now - last_seen >= self.resolution:
                request.session[self.key] = now
        return self.get_response(request)


class UnreadableUploadMiddleware:
    """Answer an upload whose multipart body Django cannot read with a page in the user's language.

    Django refuses such a body (a part header past its size limit, for instance a file name of
    thousands of characters, or a truncated body) with a bare English "Bad Request (400)" when
    the first code reads `request.POST`. This reads it first, before the CSRF check and the view,
    and answers the same 400 with a page that says what to do. Nothing else is read or written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 (parses the body, or raises)
            except (MultiPartParserError, TooManyFilesSent):
                return render(request, "core/upload_unreadable.html", status=400)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that loses its database connection (OperationalError, InterfaceError) answers with
    the Chinese 503 page of `core.errors` instead of a server error. The view's writes were in
    its service's transaction, which the lost connection rolled back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None
