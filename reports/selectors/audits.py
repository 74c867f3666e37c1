"""The departure audits and handovers of the weekly report, read inside the report's one snapshot.

Counted as of the report's day `as_of`: a rectification item is **open** when it was not closed
by then and **overdue** when, besides, its deadline was before then; a handover is **done** when
it was completed by then and **overdue** when its due day was before then and it was not done.
A posting is **late** when its notice went up later than the rule set's lead time before
election day allows (`audits.selectors.overview.posting_late`) and **missing** when election
day came by `as_of` and the audit had no posting by then. The audits' states are as recorded
now (the audit keeps no history of them that the report reads). Six queries whatever the size
of the district.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from audits.models import Engagement, Finding, Handover, HandoverRefusal, Posting, Rectification
from audits.selectors.overview import posting_late
from communities.models import Street
from election.models import Campaign


@dataclass(frozen=True)
class AuditFigures:
    states: dict[str, int] = field(default_factory=dict)
    engagements: int = 0
    postings_late: int = 0
    postings_missing: int = 0
    findings: int = 0
    findings_amount: Decimal = Decimal("0")
    rectifications_open: int = 0
    rectifications_overdue: int = 0
    rectifications_closed: int = 0
    handovers: int = 0
    handovers_done: int = 0
    handovers_overdue: int = 0
    refusals: int = 0
    refusals_unacknowledged: int = 0


def _scoped(qs: QuerySet, plan: str, campaign: Campaign, street: Street | None) -> QuerySet:  # type: ignore[type-arg]
    qs = qs.filter(**{f"{plan}campaign": campaign})
    if street is not None:
        qs = qs.filter(**{f"{plan}community__street": street})
    return qs


def audit_figures(campaign: Campaign, street: Street | None, *, as_of: date) -> AuditFigures:
    """The section's figures for `campaign` (district, or one street), as of `as_of`."""
    engagements = _scoped(Engagement.objects.all(), "plan__", campaign, street)
    states = {
        r["state"]: r["n"]
        for r in engagements.values("state").annotate(n=Count("pk")).order_by("state")
    }
    postings = _scoped(Posting.objects.all(), "engagement__plan__", campaign, street)
    posting_counts = engagements.aggregate(
        missing=Count(
            "pk",
            filter=Q(
                ~Exists(
                    Posting.objects.filter(
                        engagement_id=OuterRef("pk"), notice__posted_on__lte=as_of
                    )
                ),
                Q(plan__election_on__lte=as_of),
            ),
        ),
    )
    late = (
        postings.filter(posting_late(), notice__posted_on__lte=as_of)
        .values("engagement_id")
        .distinct()
        .count()
    )
    findings = _scoped(Finding.objects.all(), "engagement__plan__", campaign, street).aggregate(
        n=Count("pk"), amount=Coalesce(Sum("amount"), Decimal("0"))
    )
    closed = Q(closed_on__lte=as_of)
    items = _scoped(
        Rectification.objects.all(), "finding__engagement__plan__", campaign, street
    ).aggregate(
        open=Count("pk", filter=~closed),
        overdue=Count("pk", filter=~closed & Q(deadline__lt=as_of)),
        closed=Count("pk", filter=closed),
    )
    done = Q(completed_on__lte=as_of)
    handovers = _scoped(Handover.objects.all(), "plan__", campaign, street).aggregate(
        n=Count("pk"),
        done=Count("pk", filter=done),
        overdue=Count("pk", filter=~done & Q(due_on__lt=as_of)),
    )
    refusals = _scoped(
        HandoverRefusal.objects.filter(occurred_on__lte=as_of), "handover__plan__", campaign, street
    ).aggregate(n=Count("pk"), unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True)))
    return AuditFigures(
        states=states,
        engagements=sum(states.values()),
        postings_late=late,
        postings_missing=posting_counts["missing"],
        findings=findings["n"],
        findings_amount=Decimal(findings["amount"]),
        rectifications_open=items["open"],
        rectifications_overdue=items["overdue"],
        rectifications_closed=items["closed"],
        handovers=handovers["n"],
        handovers_done=handovers["done"],
        handovers_overdue=handovers["overdue"],
        refusals=refusals["n"],
        refusals_unacknowledged=refusals["unacknowledged"],
    )
