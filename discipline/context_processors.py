"""What every page needs from discipline: the office's banner of unacknowledged major events."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors.events import events_unacknowledged


def major_events(request: HttpRequest) -> dict[str, Any]:
    """`major_events`: the number of unacknowledged events of the office's districts and the
    newest few (`Banner`). Lazy: one query when a page shows the banner, for the office and a
    superuser only; none for anyone else or for a page that does not show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not user.is_superuser and getattr(user, "role", "") != "office":
        return {}
    return {"major_events": SimpleLazyObject(lambda: events_unacknowledged(user))}
