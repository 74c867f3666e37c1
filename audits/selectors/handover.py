"""Reads of the handovers and the refusals to hand over, aggregated in SQL: a page's query count
does not grow with its rows."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import Street
from communities.permissions import streets_for_user

from ..models import Handover, HandoverItem, HandoverRefusal
from ..permissions import audit_districts, handovers_for_user

# the list's states (the filter's values)
STATE_OVERDUE = "overdue"
STATE_DUE = "due"
STATE_DONE = "done"


@dataclass(frozen=True)
class HandoverRow:
    handover: Handover
    items_total: int
    items_done: int
    refusals_open: int
    overdue_days: int


def handover_list(
    user: User, *, today: date, street: int | None = None, state: str = ""
) -> QuerySet[Handover]:
    """The handovers in the user's scope with their checklist's counts and open refusals, the
    open ones first by due day; `state` filters due (open, not past due), overdue (open, past
    due) or done."""
    qs = handovers_for_user(user).annotate(
        items_total=Count("items", distinct=True),
        items_done=Count("items", filter=Q(items__is_handed_over=True), distinct=True),
        refusals_open=Count(
            "refusals", filter=Q(refusals__resolved_on__isnull=True), distinct=True
        ),
    )
    if street:
        qs = qs.filter(plan__community__street_id=street)
    if state == STATE_DONE:
        qs = qs.filter(completed_on__isnull=False)
    elif state == STATE_OVERDUE:
        qs = qs.filter(completed_on__isnull=True, due_on__lt=today)
    elif state == STATE_DUE:
        qs = qs.filter(completed_on__isnull=True, due_on__gte=today)
    return qs.order_by(
        F("completed_on").desc(nulls_first=True),
        "due_on",
        "plan__community__street__name",
        "plan__community__name",
        "pk",
    )


def handover_rows(handovers: list[Handover], *, today: date) -> list[HandoverRow]:
    """Rows of a page of `handover_list` (no query)."""
    return [
        HandoverRow(
            handover=h,
            items_total=h.items_total,  # type: ignore[attr-defined]
            items_done=h.items_done,  # type: ignore[attr-defined]
            refusals_open=h.refusals_open,  # type: ignore[attr-defined]
            overdue_days=(
                (today - h.due_on).days if h.completed_on is None and today > h.due_on else 0
            ),
        )
        for h in handovers
    ]


def handover_streets(user: User) -> QuerySet[Street]:
    """The streets the user may filter the lists by."""
    return streets_for_user(user).order_by("name")


def handover_items(handover: Handover) -> list[HandoverItem]:
    return list(HandoverItem.objects.filter(handover=handover).order_by("kind", "pk"))


def handover_refusals(handover: Handover) -> list[HandoverRefusal]:
    return list(HandoverRefusal.objects.filter(handover=handover).select_related("acknowledged_by"))


def plan_handovers(plan_id: int) -> dict[str, Handover]:
    """The plan's handovers by committee."""
    return {h.body: h for h in Handover.objects.filter(plan_id=plan_id)}


# --- refusals -------------------------------------------------------------------------------------


def refusals_for_user(user: User, *, perm: str = "view_community") -> QuerySet[HandoverRefusal]:
    """Refusals of the handovers the user may `perm` (the office's district, a street's own)."""
    return HandoverRefusal.objects.filter(
        handover__in=handovers_for_user(user, perm=perm).values("pk")
    ).select_related("handover__plan__community__street", "acknowledged_by")


def refusal_list(
    user: User, *, street: int | None = None, state: str = ""
) -> QuerySet[HandoverRefusal]:
    """The refusals in scope, unacknowledged first, then open, then the newest; `state` is
    "unacknowledged", "open" (unresolved) or "resolved"."""
    qs = refusals_for_user(user)
    if street:
        qs = qs.filter(handover__plan__community__street_id=street)
    if state == "unacknowledged":
        qs = qs.filter(acknowledged_at__isnull=True)
    elif state == "open":
        qs = qs.filter(resolved_on__isnull=True)
    elif state == "resolved":
        qs = qs.filter(resolved_on__isnull=False)
    return qs.annotate(
        acknowledged=Case(When(acknowledged_at__isnull=True, then=0), default=1),
        resolved=Case(When(resolved_on__isnull=True, then=0), default=1),
    ).order_by("acknowledged", "resolved", "-occurred_on", "pk")


def refusal_can_acknowledge(user: User) -> bool:
    """Whether the user is the office (manages a district's campaigns; one query)."""
    return audit_districts(user).exists()


def refusals_unacknowledged(user: User) -> int:
    """How many refusals of the office's districts wait for the office's acknowledgement (0 for
    anyone who is not the office; one query), for the office's home page."""
    districts = audit_districts(user).values("pk")
    return HandoverRefusal.objects.filter(
        acknowledged_at__isnull=True,
        handover__plan__community__street__district__in=districts,
    ).count()


# the handover's history reasons, for people
REASONS = {
    "handover opened": _("handover opened"),
    "handover dates moved": _("handover dates moved"),
    "handover updated": _("handover updated"),
    "checklist row added": _("checklist row added"),
    "inventory uploaded": _("inventory uploaded"),
    "handover completed": _("handover completed"),
}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: str
    reason: str


def _reason(reason: str | None) -> str:
    return str(REASONS.get(reason or "", reason or ""))


def handover_history(handover: Handover, *, limit: int = 30) -> list[HistoryEntry]:
    """The handover's changes, newest first (one query)."""
    rows = handover.history.select_related("history_user").order_by("-history_date")[:limit]
    return [
        HistoryEntry(
            at=row.history_date,
            user=str(row.history_user or ""),
            reason=_reason(row.history_change_reason),
        )
        for row in rows
    ]


def plan_handover_part(plan: Any, user: User) -> Any:
    """The plan page's card of the community's handovers, with their state (one query)."""
    from django.utils.translation import gettext

    from election.selectors.plan_parts import PlanPagePart

    today = timezone.localdate()
    handovers = list(Handover.objects.filter(plan_id=plan.pk).order_by("body"))
    rows = [
        (
            h,
            (today - h.due_on).days if h.completed_on is None and today > h.due_on else 0,
        )
        for h in handovers
    ]
    return PlanPagePart(
        title=gettext("Handover"),
        template="audits/handover/_plan_part.html",
        context={"plan": plan, "rows": rows},
    )
