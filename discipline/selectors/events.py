"""Reading major events: who sees which, the list, one event, the office's banner.

- The district's readers (the office, the discipline officers, the supervision team, a
  superuser: `reading_districts`) see every event of their districts; a street official or a
  leader sees the events of the communities they may file for (`event_communities`). Anyone else
  sees none, and another scope's event is a 404.
- Only the office of the event's district (`office_districts`) acknowledges it.
- The banner (`events_unacknowledged`) is one query, and none for a user who is not the office.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Window
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community
from communities.permissions import OutOfScope

from ..models import MajorEvent
from ..permissions import event_communities, office_districts, reading_districts

STATE_OPEN = "open"
STATE_ACKNOWLEDGED = "acknowledged"
BANNER_SIZE = 3


def events_for_user(user: User) -> QuerySet[MajorEvent]:
    """The events `user` may read (one query, subqueries for the scope)."""
    if not user.is_authenticated or not user.is_active:
        return MajorEvent.objects.none()
    return MajorEvent.objects.filter(
        Q(district__in=reading_districts(user).values("pk"))
        | Q(community__in=event_communities(user).values("pk"))
    ).select_related("community__street", "district", "created_by", "acknowledged_by")


def event_reach(user: User) -> bool:
    """Whether `user` has any events to read or may file one (else the pages are a 404)."""
    if not user.is_active:
        return False
    return reading_districts(user).exists() or event_communities(user).exists()


def access_event(user: User, pk: int) -> MajorEvent:
    event = events_for_user(user).filter(pk=pk).first()
    if event is None:
        raise OutOfScope
    return event


def access_event_to_acknowledge(user: User, pk: int) -> MajorEvent:
    """An event of a district whose office `user` is; anyone else: 404."""
    event = (
        MajorEvent.objects.filter(pk=pk, district__in=office_districts(user).values("pk"))
        .select_related("community__street", "district")
        .first()
    )
    if event is None:
        raise OutOfScope
    return event


def event_can_acknowledge(user: User, event: MajorEvent) -> bool:
    return office_districts(user).filter(pk=event.district_id).exists()


def event_list(user: User, *, state: str = "") -> QuerySet[MajorEvent]:
    """The events `user` reads, the unacknowledged first (newest first within each), filtered by
    `state` ("open" or "acknowledged")."""
    events = events_for_user(user)
    if state == STATE_OPEN:
        events = events.filter(acknowledged_at__isnull=True)
    elif state == STATE_ACKNOWLEDGED:
        events = events.filter(acknowledged_at__isnull=False)
    return events.annotate(
        is_open=ExpressionWrapper(Q(acknowledged_at__isnull=True), output_field=BooleanField())
    ).order_by("-is_open", "-created_at", "-pk")


def acknowledge_districts(user: User) -> set[int]:
    """The ids of the districts whose events `user` acknowledges (one query; for lists)."""
    return set(office_districts(user).values_list("pk", flat=True))


def filing_communities(user: User) -> QuerySet[Community]:
    """The communities `user` may file an event for."""
    return event_communities(user).order_by("street__name", "name")


def duration_text(start: datetime, end: datetime | None) -> str:
    """`end - start` as "N 小时 M 分钟" (hours may exceed 24), or "" without an end."""
    if end is None:
        return ""
    minutes = max(int((end - start) / timedelta(minutes=1)), 0)
    return _("%(hours)s h %(minutes)s min") % {"hours": minutes // 60, "minutes": minutes % 60}


def time_to_acknowledge(event: MajorEvent) -> str:
    return duration_text(event.created_at, event.acknowledged_at)


@dataclass(frozen=True)
class Banner:
    count: int = 0
    newest: Sequence[MajorEvent] = field(default_factory=list)


def events_unacknowledged(user: User) -> Banner:
    """The unacknowledged events of the districts whose office `user` is: their number and the
    newest few. One query for the office and a superuser, none for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Banner()
    if not user.is_superuser and user.role != User.Role.OFFICE:
        return Banner()
    rows = list(
        MajorEvent.objects.filter(
            acknowledged_at__isnull=True, district__in=office_districts(user).values("pk")
        )
        .select_related("community")
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:BANNER_SIZE]
    )
    return Banner(count=rows[0].total if rows else 0, newest=rows)
