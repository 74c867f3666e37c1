"""Reads for accounts: the security log, and the names of the grant levels.

Every function runs a fixed number of queries, whatever the number of rows. The grants of a
district, their history and its accounts are read by the hierarchy (`communities/selectors.py`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from .models import SecurityEvent

# --- security log --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecurityLogFilters:
    kind: str = ""
    user: str = ""
    since: date | None = None
    until: date | None = None


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def security_event_list(filters: SecurityLogFilters | None = None) -> QuerySet[SecurityEvent]:
    """Security events, newest first, with their user; `since`/`until` are local calendar days,
    both included. Filters on ranges of `at`, so the index on it is used."""
    f = filters or SecurityLogFilters()
    qs = SecurityEvent.objects.select_related("user")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.user:
        qs = qs.filter(Q(username__icontains=f.user) | Q(user__display_name__icontains=f.user))
    if f.since:
        qs = qs.filter(at__gte=_local_midnight(f.since))
    if f.until:
        qs = qs.filter(at__lt=_local_midnight(f.until + timedelta(days=1)))
    return qs.order_by("-at", "-pk")


# --- grants --------------------------------------------------------------------------------------

LEVEL_LABELS: dict[str, Promise] = {
    "view": pgettext_lazy("grant level", "view"),
    "edit": pgettext_lazy("grant level", "edit"),
    "manage": pgettext_lazy("grant level", "manage"),
}
