"""Reads of the inspections, their findings, the rectification orders and the joint meetings, in a
fixed number of queries whatever the number of rows. "Overdue" is `deadline_overdue_q`."""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from communities.models import Community, Street

from ..models import (
    Inspection,
    InspectionFinding,
    JointMeeting,
    MeetingDecision,
    RectificationOrder,
)
from ..permissions import (
    community_scope,
    inspections_for_user,
    meetings_for_user,
    orders_for_user,
)
from .overdue import deadline_overdue_q

ORDER_FILTERS = ("", "open", "overdue", "closed")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def overdue_days(due_on: date, done_on: date | None, today: date) -> int:
    """How many days a deadline not met is past (0: done, or not late). The same rule as
    `deadline_overdue_q`: a deadline is met on its own day."""
    if done_on is not None or due_on >= today:
        return 0
    return (today - due_on).days


def month_parse(value: str) -> tuple[int, int] | None:
    """A month typed as YYYY-MM (the browser's month picker), or None."""
    match = MONTH.match(value or "")
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def inspection_list(user: User, *, kind: str = "", month: str = "") -> QuerySet[Inspection]:
    """The inspections the user reads, newest first, with the member units and the communities
    visited in the user's scope prefetched and the number of the user's findings; `kind` a
    Kind value, `month` YYYY-MM."""
    scope = community_scope(user).values("pk")
    inspections = inspections_for_user(user)
    if kind in Inspection.Kind.values:
        inspections = inspections.filter(kind=kind)
    parsed = month_parse(month)
    if parsed is not None:
        inspections = inspections.filter(held_on__year=parsed[0], held_on__month=parsed[1])
    return (
        inspections.annotate(
            finding_count=Count("findings", filter=Q(findings__community__in=scope))
        )
        .prefetch_related(
            "units",
            Prefetch(
                "communities",
                queryset=Community.objects.filter(pk__in=scope)
                .select_related("street")
                .order_by("street__name", "name"),
            ),
        )
        .order_by("-held_on", "-pk")
    )


@dataclass
class OrderRow:
    order: RectificationOrder
    overdue: int  # days past the deadline, 0 if not overdue


@dataclass
class FindingRow:
    finding: InspectionFinding
    orders: list[OrderRow]


def inspection_findings(user: User, inspection: Inspection, *, today: date) -> list[FindingRow]:
    """The findings of the inspection in the user's communities, with their orders (2 queries)."""
    findings = (
        InspectionFinding.objects.filter(
            inspection=inspection, community__in=community_scope(user).values("pk")
        )
        .select_related("community__street")
        .prefetch_related(
            Prefetch("orders", queryset=RectificationOrder.objects.order_by("due_on", "pk"))
        )
        .order_by("community__name", "pk")
    )
    return [
        FindingRow(
            f, [OrderRow(o, overdue_days(o.due_on, o.closed_on, today)) for o in f.orders.all()]
        )
        for f in findings
    ]


def inspection_communities(user: User, inspection: Inspection) -> list[Community]:
    """The communities the inspection visited that the user sees."""
    return list(
        inspection.communities.filter(pk__in=community_scope(user).values("pk"))
        .select_related("street")
        .order_by("street__name", "name")
    )


def order_list(
    user: User, *, state: str = "", street: int | None = None, today: date
) -> QuerySet[RectificationOrder]:
    """The rectification orders of the user's communities; `state` "open", "overdue" (open past
    the deadline) or "closed"; `street` a street's id. Overdue and open first, by deadline."""
    overdue = deadline_overdue_q(today, done_field="closed_on")
    orders = orders_for_user(user).select_related(
        "finding__inspection", "finding__community__street"
    )
    if state == "open":
        orders = orders.filter(closed_on__isnull=True)
    elif state == "overdue":
        orders = orders.filter(overdue)
    elif state == "closed":
        orders = orders.filter(closed_on__isnull=False)
    if street is not None:
        orders = orders.filter(finding__community__street_id=street)
    return orders.order_by("closed_on", "due_on", "pk")


def order_counts(user: User, *, today: date, street: int | None = None) -> dict[str, int]:
    """How many orders the user sees: all, open, overdue, closed (one query)."""
    orders = orders_for_user(user)
    if street is not None:
        orders = orders.filter(finding__community__street_id=street)
    return orders.aggregate(
        all=Count("pk"),
        open=Count("pk", filter=Q(closed_on__isnull=True)),
        overdue=Count("pk", filter=deadline_overdue_q(today, done_field="closed_on")),
        closed=Count("pk", filter=Q(closed_on__isnull=False)),
    )


def order_streets(user: User) -> list[Street]:
    """The streets of the user's communities (for the orders list's filter)."""
    return list(
        Street.objects.filter(communities__in=community_scope(user).values("pk"))
        .distinct()
        .order_by("name")
    )


def meeting_list(user: User, *, today: date) -> QuerySet[JointMeeting]:
    """The joint meetings the user reads, newest first, with their units and the number of
    decisions, open ones and overdue ones."""
    overdue = deadline_overdue_q(
        today, done_field="decisions__done_on", due_field="decisions__due_on"
    )
    return (
        meetings_for_user(user)
        .annotate(
            decision_count=Count("decisions"),
            open_count=Count("decisions", filter=Q(decisions__done_on__isnull=True)),
            overdue_count=Count("decisions", filter=overdue),
        )
        .prefetch_related("units")
        .order_by("-held_on", "-pk")
    )


@dataclass
class DecisionRow:
    decision: MeetingDecision
    overdue: int


def meeting_decisions(meeting: JointMeeting, *, today: date) -> list[DecisionRow]:
    return [
        DecisionRow(d, overdue_days(d.due_on, d.done_on, today))
        for d in MeetingDecision.objects.filter(meeting=meeting).order_by("due_on", "pk")
    ]
