"""Flood limits of the public pages (the reporting form and the receipt look-up), per client
address and clock hour, counted in the cache (Redis in production, the process's memory by
default).

The address is never kept as such: the counters and the reports' `sender_digest` hold a keyed
hash of it (HMAC with the project's secret key), so neither the cache nor the database lists who
sent what.
"""

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from core.http import client_ip

WINDOW_SECONDS = 60 * 60
# the scopes counted
REPORTS = "reports"  # reports accepted
ATTEMPTS = "attempts"  # submissions of the form, valid or not
LOOKUPS = "lookups"  # receipt codes looked up


def request_address(request: HttpRequest) -> str:
    """The client's address as the project finds it (behind the configured proxies)."""
    return client_ip(request) or ""


def address_digest(address: str, purpose: str = "discipline.public-sender") -> str:
    """A keyed hash of a client address, for `purpose`."""
    return salted_hmac(purpose, address, algorithm="sha256").hexdigest()


def _key(address: str, scope: str) -> str:
    window = int(time.time() // WINDOW_SECONDS)
    digest = address_digest(address, "discipline.throttle")
    return f"discipline:throttle:{scope}:{digest}:{window}"


def throttle_count(address: str, scope: str) -> int:
    """How many times `scope` was counted for `address` in the current hour."""
    return int(cache.get(_key(address, scope), 0))


def throttle_hit(address: str, scope: str) -> int:
    """Count one more `scope` for `address` in the current hour; the new count."""
    key = _key(address, scope)
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        return int(cache.incr(key))
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        return 1


def throttle_exceeded(address: str, scope: str, limit: int) -> bool:
    """Whether `address` has already used up `limit` of `scope` this hour."""
    return throttle_count(address, scope) >= limit


def throttle_reset(address: str, *scopes: str) -> None:
    """Forget `address`'s counts of `scopes` (all scopes by default) in the current hour."""
    cache.delete_many([_key(address, scope) for scope in scopes or (REPORTS, ATTEMPTS, LOOKUPS)])
