from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.http import OutOfScope

from .events import denied_object
from .models import SecurityEvent
from .services import security_event_record


class DenialLogMiddleware:
    """Write a security-log entry when a signed-in user is refused an object or a page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, OutOfScope | PermissionDenied):
            security_event_record(
                kind=SecurityEvent.Kind.DENIED,
                request=request,
                detail=type(exception).__name__,
                **denied_object(request),
            )


class PasswordChangeRequiredMiddleware:
    """Keep a user who signed in with a temporary password on the password-change page until
    they choose their own; signing out and static files stay reachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (reverse("accounts:password-change"), reverse("accounts:logout"))
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("accounts:password-change")
        return self.get_response(request)
