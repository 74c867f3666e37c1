"""The district's overview of the departure audits and the handovers (审计与移交总览).

One page for the office (its district), a street official (their own streets), discipline and
supervision (the district, read only): per street, the audits by state, the rectification items
open and overdue, the handovers done, open and overdue, the postings late or missing; the findings
by category with their amounts; the refusals to hand over not yet acknowledged.

Only the plans of running campaigns count. Everything is aggregated in SQL: nine queries whatever
the number of communities (`overview_take`). A day is counted as the rest of the product counts:
a rectification item is **overdue** when its deadline is before today and it is still open; a
handover is **open** when it is not done and its due day is today or later, **overdue** when its
due day is before today and it is not done; a posting is **late**
when its notice went up later than the rule set's lead time before election day allows (the
`audit-posting` step's check), and **missing** when election day has come and the audit has no
posting (the rule the audits register in the plan's engine).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from communities.permissions import OutOfScope, districts_for_user, streets_for_user
from election.models import Campaign, StepTemplate

from ..models import Engagement, Finding, Handover, HandoverRefusal, Posting, Rectification

OVERVIEW_PERM = "view_community"
STATES = [state.value for state in Engagement.State]


@dataclass(frozen=True)
class OverviewScope:
    """The streets a reader sees on the overview: the district's (a district grant) or their own."""

    is_district: bool
    streets: tuple[tuple[int, str], ...]

    @property
    def street_ids(self) -> tuple[int, ...]:
        return tuple(pk for pk, _name in self.streets)


def overview_scope(user: User) -> OverviewScope:
    """Who reads what (two queries): a grant on a district reads its streets; a grant on whole
    streets reads those; a community grant alone (a leader) or none is a 404."""
    streets = tuple(
        streets_for_user(user, perm=OVERVIEW_PERM).order_by("name", "pk").values_list("pk", "name")
    )
    if not streets:
        raise OutOfScope
    is_district = districts_for_user(user, perm=OVERVIEW_PERM).exists()
    return OverviewScope(is_district=is_district, streets=streets)


@dataclass
class StreetRow:
    """One street's figures (every count a number, zero when there is nothing)."""

    street_id: int
    name: str
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    engagements: int = 0
    rectifications_open: int = 0
    rectifications_overdue: int = 0
    handovers_done: int = 0
    handovers_open: int = 0
    handovers_overdue: int = 0
    postings_late: int = 0
    postings_missing: int = 0


@dataclass
class Overview:
    today: date
    scope: OverviewScope
    rows: list[StreetRow]
    total: StreetRow
    categories: list[dict[str, Any]]
    findings: int
    findings_amount: Decimal
    rectifications_closed: int
    refusals_unacknowledged: int


def _plans_filter(prefix: str, street_ids: tuple[int, ...]) -> Q:
    return Q(
        **{
            f"{prefix}campaign__status": Campaign.Status.RUNNING,
            f"{prefix}community__street_id__in": street_ids,
        }
    )


def engagements_in_scope(scope: OverviewScope) -> QuerySet[Engagement]:
    return Engagement.objects.filter(_plans_filter("plan__", scope.street_ids))


def overview_take(scope: OverviewScope, *, today: date) -> Overview:
    """Every figure of the overview (seven queries, whatever the number of communities)."""
    ids = scope.street_ids
    rows = {pk: StreetRow(pk, name) for pk, name in scope.streets}
    street_of = "plan__community__street_id"

    # 1. audits by street and state
    engagements = engagements_in_scope(scope)
    for r in engagements.values(street=F(street_of), st=F("state")).annotate(n=Count("pk")):
        row = rows[r["street"]]
        row.states[r["st"]] = row.states.get(r["st"], 0) + r["n"]
        row.engagements += r["n"]

    # 2. rectification items open and overdue by street, and those closed
    open_q = Q(closed_on__isnull=True)
    items = Rectification.objects.filter(_plans_filter("finding__engagement__plan__", ids))
    closed = 0
    for r in items.values(street=F(f"finding__engagement__{street_of}")).annotate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(deadline__lt=today)),
        closed=Count("pk", filter=~open_q),
    ):
        row = rows[r["street"]]
        row.rectifications_open = r["open"]
        row.rectifications_overdue = r["overdue"]
        closed += r["closed"]

    # 3. handovers by street
    done_q = Q(completed_on__isnull=False)
    handovers = Handover.objects.filter(_plans_filter("plan__", ids))
    for r in handovers.values(street=F(street_of)).annotate(
        done=Count("pk", filter=done_q),
        open=Count("pk", filter=~done_q & Q(due_on__gte=today)),
        overdue=Count("pk", filter=~done_q & Q(due_on__lt=today)),
    ):
        row = rows[r["street"]]
        row.handovers_done = r["done"]
        row.handovers_open = r["open"]
        row.handovers_overdue = r["overdue"]

    # 4. postings late, 5. audits whose posting is missing
    postings = Posting.objects.filter(_plans_filter("engagement__plan__", ids))
    for r in (
        postings.filter(posting_late())
        .values(street=F(f"engagement__{street_of}"))
        .annotate(n=Count("engagement_id", distinct=True))
    ):
        rows[r["street"]].postings_late = r["n"]
    for r in (
        _missing_postings(engagements, today=today)
        .values(street=F(street_of))
        .annotate(n=Count("pk"))
    ):
        rows[r["street"]].postings_missing = r["n"]

    # 6. findings by category, with their amounts
    findings = Finding.objects.filter(_plans_filter("engagement__plan__", ids))
    categories = list(
        findings.values("category_id", name=F("category__name"), order=F("category__order"))
        .annotate(count=Count("pk"), amount=Coalesce(Sum("amount"), Decimal("0")))
        .order_by("order", "name")
    )

    # 7. refusals to hand over the office has not acknowledged
    refusals = HandoverRefusal.objects.filter(
        _plans_filter("handover__plan__", ids), acknowledged_at__isnull=True
    ).count()

    total = StreetRow(0, "")
    for row in rows.values():
        for state in STATES:
            total.states[state] += row.states[state]
        for name in (
            "engagements",
            "rectifications_open",
            "rectifications_overdue",
            "handovers_done",
            "handovers_open",
            "handovers_overdue",
            "postings_late",
            "postings_missing",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return Overview(
        today=today,
        scope=scope,
        rows=list(rows.values()),
        total=total,
        categories=categories,
        findings=sum(c["count"] for c in categories),
        findings_amount=sum((c["amount"] for c in categories), Decimal("0")),
        rectifications_closed=closed,
        refusals_unacknowledged=refusals,
    )


def posting_late(prefix: str = "") -> Q:
    """A posting (`prefix` leads from the query's model to the posting) whose notice went up
    later than the rule set's lead time before election day allows: with a lead of N days,
    posted after E - N (the step's `min_lead` check, as the plan's engine counts it)."""
    days = F(f"{prefix}notice__step__template__check_days")
    if connection.vendor == "postgresql":
        lead = ExpressionWrapper(days * timedelta(days=1), output_field=DurationField())
    else:
        # SQLite keeps a duration as microseconds
        lead = ExpressionWrapper(days * Value(86_400_000_000), output_field=DurationField())
    return Q(
        **{
            f"{prefix}notice__step__template__check_kind": StepTemplate.Check.MIN_LEAD,
            f"{prefix}notice__posted_on__gt": F(f"{prefix}engagement__plan__election_on") - lead,
        }
    )


def _missing_postings(engagements: QuerySet[Engagement], *, today: date) -> QuerySet[Engagement]:
    """Audits without a posting whose plan's election day has come."""
    return engagements.filter(
        ~Exists(Posting.objects.filter(engagement_id=OuterRef("pk"))),
        plan__election_on__lte=today,
    )
