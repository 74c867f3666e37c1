from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from communities.permissions import OutOfScope

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
                kind=SecurityEvent.Kind.DENIED, request=request, detail=type(exception).__name__
            )
