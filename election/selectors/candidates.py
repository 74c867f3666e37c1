"""Reads for the candidate register and the joint review: a plan's register by committee, the
campaign-wide list with filters, one candidate with its reviews and history, a member unit's
queue, and the vetting counts the dashboard and the weekly report show.

Each read counts in SQL (annotations, one aggregate): a page's query count does not grow with
the number of candidates. The ID number is only ever shown masked.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from communities.models import Street
from core.http import id_parse

from ..models import (
    Campaign,
    Candidate,
    CommunityPlan,
    CriterionAnswer,
    NegativeCriterion,
    SeatRule,
    UnitReview,
)

Status = Candidate.Status
Tier = NegativeCriterion.Tier

CANDIDATE_PAGE_SIZE = 50


def candidates_annotated(qs: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Candidates with their review counts: `reviews_total`, `reviews_answered`, `cannot_hits`,
    `unsuitable_hits` (one query with the list)."""
    return qs.annotate(
        reviews_total=Count("reviews", distinct=True),
        reviews_answered=Count(
            "reviews", filter=Q(reviews__answered_on__isnull=False), distinct=True
        ),
        cannot_hits=Count(
            "reviews__answers",
            filter=Q(reviews__answers__hit=True, reviews__answers__criterion__tier=Tier.CANNOT),
            distinct=True,
        ),
        unsuitable_hits=Count(
            "reviews__answers",
            filter=Q(reviews__answers__hit=True, reviews__answers__criterion__tier=Tier.UNSUITABLE),
            distinct=True,
        ),
    )


def _with_age(candidates: list[Candidate], day: date | None = None) -> list[Candidate]:
    for c in candidates:
        c.age = c.age_on(day or c.plan.election_on)  # type: ignore[attr-defined]
    return candidates


@dataclass
class CommitteeRegister:
    body: str
    label: str
    candidates: list[Candidate]
    nominees: int  # waiting to be sent to review


def candidate_rows(plan: CommunityPlan) -> list[CommitteeRegister]:
    """The plan's register grouped by committee (the Party's first), each candidate with its
    review counts and `age` on election day (one query)."""
    from ..services.candidates import bodies_of

    rows = list(candidates_annotated(Candidate.objects.filter(plan=plan)).order_by("body", "pk"))
    for c in rows:
        c.plan = plan
    _with_age(rows)
    labels = dict(SeatRule.Body.choices)
    return [
        CommitteeRegister(
            body=body,
            label=str(labels[body]),
            candidates=[c for c in rows if c.body == body],
            nominees=sum(1 for c in rows if c.body == body and c.status == Status.NOMINEE),
        )
        for body in bodies_of(plan)
    ]


# --- the campaign's list -----------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateFilters:
    status: str = ""
    street: int | None = None
    body: str = ""
    q: str = ""

    def as_query(self, **extra: Any) -> str:
        from urllib.parse import urlencode

        params = {
            "status": self.status,
            "street": self.street or "",
            "body": self.body,
            "q": self.q,
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v})


def candidate_filters(params: Mapping[str, str]) -> CandidateFilters:
    """The list's filters from a query string; unknown values are ignored."""
    status = params.get("status", "")
    body = params.get("body", "")
    return CandidateFilters(
        status=status if status in Status.values else "",
        street=id_parse(params.get("street")),
        body=body if body in SeatRule.Body.values else "",
        q=(params.get("q") or "").replace("\x00", "").strip()[:60],
    )


def campaign_candidates(
    campaign: Campaign, filters: CandidateFilters, *, street_ids: tuple[int, ...] | None
) -> QuerySet[Candidate]:
    """The campaign's candidates in the reader's streets (`street_ids` None: the district),
    filtered, with their community, street and review counts, in street / community order."""
    qs = Candidate.objects.filter(plan__campaign=campaign)
    if street_ids is not None:
        qs = qs.filter(plan__community__street__in=street_ids)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.street:
        qs = qs.filter(plan__community__street=filters.street)
    if filters.body:
        qs = qs.filter(body=filters.body)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return candidates_annotated(
        qs.select_related("plan__community__street").order_by(
            "plan__community__street__name", "plan__community__name", "body", "pk"
        )
    )


def campaign_streets(campaign: Campaign, street_ids: tuple[int, ...] | None) -> QuerySet[Street]:
    streets = Street.objects.filter(district=campaign.district_id).order_by("name")
    return streets if street_ids is None else streets.filter(pk__in=street_ids)


# --- one candidate -----------------------------------------------------------------------------


def candidate_reviews(candidate: Candidate, *, unit_id: int | None = None) -> list[UnitReview]:
    """The candidate's reviews with their answers (criterion loaded), each unit's in order; only
    `unit_id`'s when given (a member unit sees its own answers only). Two queries."""
    reviews = UnitReview.objects.filter(candidate=candidate).select_related("unit", "answered_by")
    if unit_id is not None:
        reviews = reviews.filter(unit_id=unit_id)
    answers = CriterionAnswer.objects.select_related("criterion").order_by("criterion__order")
    return list(reviews.order_by("unit__name").prefetch_related(Prefetch("answers", answers)))


HISTORY_FIELDS = [
    "status",
    "name",
    "gender",
    "birth_date",
    "education",
    "party_member",
    "ethnicity",
    "body",
    "post_sought",
    "current_post",
    "is_incumbent",
    "street_approved_on",
    "decision",
    "decision_reason",
]


def candidate_history(candidate: Candidate, *, limit: int = 50) -> list[dict[str, Any]]:
    """The candidate's changes, newest first: who, when, why and which fields (one query). The
    history never stores the ID number, so it cannot show it."""
    history = candidate.history.select_related("history_user")
    rows = list(history.order_by("-history_date", "-pk")[:limit])
    entries = []
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        changes = []
        for f in HISTORY_FIELDS:
            field = Candidate._meta.get_field(f)
            new = getattr(newer, f)
            if older is not None and getattr(older, f) == new:
                continue
            if older is None and f not in ("status",):
                continue
            display = getattr(newer, f"get_{f}_display", None)
            changes.append((str(field.verbose_name), display() if display else new))  # type: ignore[union-attr]
        entries.append(
            {
                "at": newer.history_date,
                "user": newer.history_user,
                "reason": newer.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries


# --- a member unit's queue ---------------------------------------------------------------------


def review_queue(reviews: QuerySet[UnitReview], *, today: date) -> QuerySet[UnitReview]:
    """A unit's reviews, pending first (the earliest due first), then the answered ones, newest
    first; each with its candidate, community and street (one query)."""
    return reviews.select_related("candidate__plan__community__street", "unit").order_by(
        F("answered_on").desc(nulls_first=True), "due_on", "pk"
    )


def review_rows(reviews: list[UnitReview], *, today: date) -> list[UnitReview]:
    """Each review with `overdue_days` (0 unless pending past its due day)."""
    for r in reviews:
        late = (today - r.due_on).days if r.answered_on is None else 0
        r.overdue_days = max(late, 0)  # type: ignore[attr-defined]
    return reviews


# --- counts for the dashboard and the weekly report --------------------------------------------


def _campaign_candidates(campaign: Campaign, street: Street | int | None) -> QuerySet[Candidate]:
    qs = Candidate.objects.filter(plan__campaign=campaign)
    return qs if street is None else qs.filter(plan__community__street=street)


def vetting_summary(*, campaign: Campaign, street: Street | int | None = None) -> dict[str, int]:
    """The campaign's vetting in numbers (two queries): nominees (every candidate registered),
    under_review, formal, disqualified, withdrawn, elected, reviews_pending (unanswered) and
    reviews_overdue (unanswered past their due day)."""
    today = timezone.localdate()
    counts = _campaign_candidates(campaign, street).aggregate(
        nominees=Count("pk"),
        under_review=Count("pk", filter=Q(status=Status.UNDER_REVIEW)),
        formal=Count("pk", filter=Q(status=Status.FORMAL)),
        disqualified=Count("pk", filter=Q(status=Status.DISQUALIFIED)),
        withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
        elected=Count("pk", filter=Q(status=Status.ELECTED)),
    )
    reviews = UnitReview.objects.filter(candidate__plan__campaign=campaign)
    if street is not None:
        reviews = reviews.filter(candidate__plan__community__street=street)
    counts |= reviews.aggregate(
        reviews_pending=Count("pk", filter=Q(answered_on__isnull=True)),
        reviews_overdue=Count("pk", filter=Q(answered_on__isnull=True, due_on__lt=today)),
    )
    return {k: v or 0 for k, v in counts.items()}


def pending_by_unit(
    *, campaign: Campaign, street: Street | int | None = None
) -> list[tuple[str, int, int]]:
    """(unit name, pending, overdue) for each member unit with unanswered reviews in the
    campaign, by name (one query)."""
    today = timezone.localdate()
    reviews = UnitReview.objects.filter(
        candidate__plan__campaign=campaign, answered_on__isnull=True
    )
    if street is not None:
        reviews = reviews.filter(candidate__plan__community__street=street)
    rows = (
        reviews.values("unit__name")
        .annotate(pending=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("unit__name")
    )
    return [(r["unit__name"], r["pending"], r["overdue"]) for r in rows]
