import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
