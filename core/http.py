from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # for the type checker only: core sits below accounts and never imports it when running
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed `login_required`: `user` is a real `User`, never anonymous."""

    user: "User"
    htmx: HtmxDetails


class OutOfScope(Http404):
    """The object exists but not for this user; logged as a denial, answered as a plain 404.

    Raised by the access helpers of every app (`communities.permissions` and those built on it);
    the security log's middleware (`accounts.middleware`) writes the denial."""


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


# the largest primary key the databases store (a signed 64-bit integer)
MAX_ID = 2**63 - 1
_ASCII_DIGITS = frozenset("0123456789")


def id_parse(value: object) -> int | None:
    """`value` as a database id, or None: only ASCII digits, from 1 to MAX_ID.

    Every id that arrives in a query string or a form goes through here. `str.isdigit()` is not
    enough: it accepts "²" and "٣", which `int()` then refuses or reads, and a number past 2**63
    overflows the database driver.
    """
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value)
    if not text or len(text) > 19 or not _ASCII_DIGITS.issuperset(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def id_or_404(value: object) -> int:
    """`id_parse(value)`, or Http404 when it is not an id."""
    number = id_parse(value)
    if number is None:
        raise Http404
    return number
