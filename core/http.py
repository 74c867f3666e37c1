from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed `login_required`: `user` is a real `User`, never anonymous."""

    user: User
    htmx: HtmxDetails


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person making the request.

    Behind `PROXY_COUNT` reverse proxies that each append to X-Forwarded-For, the client is the
    entry that many places from the end; anything before it was sent by the client and is not
    trusted. Without proxies it is the connection's address. Axes uses this too.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    remote: str | None = request.META.get("REMOTE_ADDR")
    return remote or None
