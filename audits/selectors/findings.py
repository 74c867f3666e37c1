"""Reads of the findings, their rectification items, the categories and the postings, in a fixed
number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from communities.models import District
from communities.permissions import communities_for_user

from ..models import Engagement, Finding, FindingCategory, Posting, Rectification
from ..permissions import engagements_for_user


def overdue_days(item: Rectification, today: date) -> int:
    """How many days an open item is past its deadline (0: closed or not late)."""
    if item.closed_on is not None or item.deadline >= today:
        return 0
    return (today - item.deadline).days


@dataclass
class RectificationRow:
    item: Rectification
    overdue: int  # days past the deadline, 0 if not overdue


@dataclass
class FindingRow:
    finding: Finding
    rectifications: list[RectificationRow]


@dataclass
class FindingsSummary:
    count: int
    amount: object  # Decimal | None
    open_items: int
    overdue_items: int


def engagement_findings(
    engagement: Engagement, *, today: date
) -> tuple[list[FindingRow], FindingsSummary]:
    """The engagement's findings with their category and rectification items (two queries)."""
    findings = list(
        Finding.objects.filter(engagement=engagement)
        .select_related("category")
        .prefetch_related(
            Prefetch("rectifications", queryset=Rectification.objects.order_by("deadline", "pk"))
        )
        .order_by("pk")
    )
    rows = [
        FindingRow(f, [RectificationRow(r, overdue_days(r, today)) for r in f.rectifications.all()])
        for f in findings
    ]
    items = [r for row in rows for r in row.rectifications]
    amounts = [f.amount for f in findings if f.amount is not None]
    summary = FindingsSummary(
        count=len(findings),
        amount=sum(amounts) if amounts else None,
        open_items=sum(1 for r in items if r.item.closed_on is None),
        overdue_items=sum(1 for r in items if r.overdue),
    )
    return rows, summary


RECTIFICATION_FILTERS = ("", "open", "overdue", "closed")


def rectifications_for_user(
    user: User,
    *,
    state: str = "",
    street: int | None = None,
    today: date,
    perm: str = "view_community",
) -> QuerySet[Rectification]:
    """The rectification items of the audits the user may see; `state` "open", "overdue"
    (open past the deadline) or "closed"; `street` one street's; overdue first, then by
    deadline."""
    items = Rectification.objects.filter(
        finding__engagement__in=engagements_for_user(user, perm=perm).values("pk")
    ).select_related("finding__category", "finding__engagement__plan__community__street")
    if street:
        items = items.filter(finding__engagement__plan__community__street_id=street)
    if state == "open":
        items = items.filter(closed_on__isnull=True)
    elif state == "overdue":
        items = items.filter(closed_on__isnull=True, deadline__lt=today)
    elif state == "closed":
        items = items.filter(closed_on__isnull=False)
    return items.order_by("closed_on", "deadline", "pk")


def rectification_counts(user: User, *, today: date, street: int | None = None) -> dict[str, int]:
    """How many items the user sees (of one street if `street`), open and overdue (one query)."""
    items = Rectification.objects.filter(
        finding__engagement__in=engagements_for_user(user).values("pk")
    )
    if street:
        items = items.filter(finding__engagement__plan__community__street_id=street)
    return items.aggregate(
        all=Count("pk"),
        open=Count("pk", filter=Q(closed_on__isnull=True)),
        overdue=Count("pk", filter=Q(closed_on__isnull=True, deadline__lt=today)),
        closed=Count("pk", filter=Q(closed_on__isnull=False)),
    )


def district_categories(district: District) -> list[FindingCategory]:
    """A district's categories in order, each with `finding_count` (one query)."""
    return list(
        FindingCategory.objects.filter(district=district)
        .annotate(finding_count=Count("findings"))
        .order_by("order", "name")
    )


def finding_categories_for(engagement: Engagement) -> QuerySet[FindingCategory]:
    """The active categories a finding of the engagement may take (its community's district)."""
    return FindingCategory.objects.filter(
        district_id=engagement.plan.community.street.district_id, is_active=True
    ).order_by("order", "name")


def engagement_postings(engagement: Engagement) -> list[Posting]:
    return list(
        Posting.objects.filter(engagement=engagement)
        .select_related("notice__step")
        .order_by("notice__posted_on", "pk")
    )


@dataclass
class FindingFilters:
    """The district-wide findings list's filters (ids; none: every street, every category)."""

    street: int | None = None
    category: int | None = None

    def as_query(self) -> str:
        return urlencode({k: v for k, v in vars(self).items() if v})


def findings_for_user(user: User, filters: FindingFilters, *, today: date) -> QuerySet[Finding]:
    """The findings of the audits the user may see, filtered, each with its rectification items
    open (`open_items`) and overdue (`overdue_items`); by street, community, category (one
    query whatever the number of rows)."""
    rows = Finding.objects.filter(
        engagement__in=engagements_for_user(user).values("pk")
    ).select_related("category", "engagement__plan__community__street")
    if filters.street:
        rows = rows.filter(engagement__plan__community__street_id=filters.street)
    if filters.category:
        rows = rows.filter(category_id=filters.category)
    open_q = Q(rectifications__closed_on__isnull=True, rectifications__isnull=False)
    return rows.annotate(
        open_items=Count("rectifications", filter=open_q),
        overdue_items=Count(
            "rectifications", filter=open_q & Q(rectifications__deadline__lt=today)
        ),
    ).order_by(
        "engagement__plan__community__street__name",
        "engagement__plan__community__name",
        "category__order",
        "pk",
    )


def finding_list_categories(user: User) -> QuerySet[FindingCategory]:
    """The categories of the districts whose communities the user sees (the filter's choices),
    retired ones included (old findings keep them)."""
    return FindingCategory.objects.filter(
        district_id__in=communities_for_user(user).values("street__district_id")
    ).order_by("district_id", "order", "name")
