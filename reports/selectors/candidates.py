"""The weekly report's reads of the candidate register, the joint review and the elections held:
part of the report's one snapshot (snapshot.py), so they run in its read transaction and agree
with the other sections.

Counts only, never a person: no name and no ID number enters the report from here.

- Candidates by street and state. A candidate's state has no history, so the states are those of
  the moment the report is made (as the red flags are); the joint review's answers do have dates,
  so the feedback awaited and overdue are counted as of the report's day: **awaited** when the
  review was sent by then and not answered by then, **overdue** when it was also due before then.
- Competition shortfalls: the competition selectors' `campaign_shortfall_count` (the committees
  whose shortfall is red as of the report's day). Without them, a plain count: committees whose
  formal candidates (counting those already elected or not) do not exceed the planned seats by
  what the rule set asks — the Party's at least `party_surplus_percent` % more, the residents'
  (villagers') `residents_surplus_min` more — among those with a formal candidate at all.
- The elections recorded, per committee: rounds, first-round success, 另行选举 and 重新选举,
  seats filled against planned, turnout. The results selectors' `results_summary` gives the
  totals instead when it exists (the rows use its definitions, so they add up to it).
- The statistics table of the statistics selectors, when they exist.

A fixed number of queries whatever the size of the district.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, Sum

from communities.models import Street
from election.models import Campaign, Candidate, ElectionResult, SeatPlan, SeatRule, UnitReview

# the states in which a candidate stood or stands as a formal candidate
FORMAL_STATES = (
    Candidate.Status.FORMAL,
    Candidate.Status.ELECTED,
    Candidate.Status.NOT_ELECTED,
)


@dataclass(frozen=True)
class CandidateFigures:
    """The candidates' part of the report's snapshot (plain data)."""

    # (street id, street name, status) -> candidates; plus the 不宜 hits the office decided
    by_street_status: list[tuple[int, str, str, int]]
    office_decisions: int
    # per member unit: name, sent, answered, awaited, overdue (as of the report's day)
    by_unit: list[dict[str, Any]]
    # per street: joint-review feedback overdue
    overdue_by_street: dict[int, int]
    shortfalls: int
    # per committee (body): the elections held by the report's day; `results_total` may come
    # from the results selectors
    results_by_body: list[dict[str, Any]]
    results_total: dict[str, Any] | None
    statistics: Any = None
    sources: dict[str, str] = field(default_factory=dict)


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """A selector of another part of the election app, when it exists."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def candidate_figures(
    campaign: Campaign, street: Street | None, *, as_of: date
) -> CandidateFigures:
    """Everything the report shows of candidates and results (see the module's docstring)."""
    candidates = Candidate.objects.filter(plan__campaign=campaign)
    reviews = UnitReview.objects.filter(candidate__plan__campaign=campaign, sent_on__lte=as_of)
    results = ElectionResult.objects.filter(plan__campaign=campaign)
    seat_plans = SeatPlan.objects.filter(plan__campaign=campaign)
    if street is not None:
        candidates = candidates.filter(plan__community__street=street)
        reviews = reviews.filter(candidate__plan__community__street=street)
        results = results.filter(plan__community__street=street)
        seat_plans = seat_plans.filter(plan__community__street=street)
    rows = (
        candidates.values(
            "status",
            street_id=F("plan__community__street_id"),
            street=F("plan__community__street__name"),
        )
        .annotate(n=Count("pk"), decided=Count("pk", filter=~Q(decision="")))
        .order_by("street", "street_id", "status")
    )
    by_street_status = []
    office_decisions = 0
    for r in rows:
        by_street_status.append((r["street_id"], r["street"], r["status"], r["n"]))
        office_decisions += r["decided"]
    awaited = Q(answered_on__isnull=True) | Q(answered_on__gt=as_of)
    overdue = awaited & Q(due_on__lt=as_of)
    unit_rows = list(
        reviews.values(
            "unit_id",
            unit_name=F("unit__name"),
            street_id=F("candidate__plan__community__street_id"),
        )
        .annotate(
            sent=Count("pk"),
            awaited=Count("pk", filter=awaited),
            overdue=Count("pk", filter=overdue),
        )
        .order_by("unit_name", "unit_id", "street_id")
    )
    by_unit: dict[int, dict[str, Any]] = {}
    overdue_by_street: dict[int, int] = {}
    for r in unit_rows:
        unit = by_unit.setdefault(
            r["unit_id"], {"unit": r["unit_name"], "sent": 0, "awaited": 0, "overdue": 0}
        )
        for key in ("sent", "awaited", "overdue"):
            unit[key] += r[key]
        overdue_by_street[r["street_id"]] = overdue_by_street.get(r["street_id"], 0) + r["overdue"]
    for unit in by_unit.values():
        unit["answered"] = unit["sent"] - unit["awaited"]
    sources: dict[str, str] = {}
    street_id = street.pk if street is not None else None
    count_shortfalls = _optional("election.selectors.competition", "campaign_shortfall_count")
    if count_shortfalls is not None:
        shortfalls = count_shortfalls(campaign=campaign, street=street_id, today=as_of)
        sources["shortfalls"] = "competition"
    else:
        shortfalls = _shortfalls(campaign, seat_plans)
    results_by_body = _results_by_body(results, seat_plans)
    results_total = _results_total(results_by_body) if results_by_body else None
    summary = _optional("election.selectors.results", "results_summary")
    if summary is not None and results_by_body:
        results_total = summary(campaign=campaign, street=street_id)
        sources["results"] = "results"
    statistics = None
    table = _optional("election.selectors.statistics", "statistics_table")
    if table is not None:
        statistics = table(campaign=campaign, street=street)
        sources["statistics"] = "statistics"
    return CandidateFigures(
        by_street_status=by_street_status,
        office_decisions=office_decisions,
        by_unit=list(by_unit.values()),
        overdue_by_street=overdue_by_street,
        shortfalls=shortfalls,
        results_by_body=results_by_body,
        results_total=results_total,
        statistics=statistics,
        sources=sources,
    )


def _shortfalls(campaign: Campaign, seat_plans: Any) -> int:
    """Committees with a formal candidate whose formal candidates do not exceed the planned seats
    by the rule set's margin (one query)."""
    rules = campaign.rule_set
    formal = Count(
        "plan__candidates",
        filter=Q(plan__candidates__body=F("body"), plan__candidates__status__in=FORMAL_STATES),
    )
    party = Q(body=SeatRule.Body.PARTY)
    # the Party's: (formal - seats) * 100 >= seats * percent, and at least one more than seats
    party_short = Q(formal__lte=F("planned_seats")) | Q(
        surplus_pct__lt=F("planned_seats") * rules.party_surplus_percent
    )
    others_short = Q(formal__lt=F("planned_seats") + max(rules.residents_surplus_min, 1))
    count: int = (
        seat_plans.annotate(formal=formal)
        .annotate(surplus_pct=(F("formal") - F("planned_seats")) * 100)
        .filter(formal__gt=0)
        .filter((party & party_short) | (~party & others_short))
        .count()
    )
    return count


def _results_by_body(results: Any, seat_plans: Any) -> list[dict[str, Any]]:
    """Per committee: the rounds recorded and how they ended, seats filled against the seats
    planned for all its committees of the campaign, and turnout (first rounds and new
    elections: a runoff asks the same voters again). Two queries; the same definitions as the
    results selectors' summary, so the rows add up to it."""
    asked = ~Q(round=ElectionResult.Round.RUNOFF)
    rows = list(
        results.values("body")
        .annotate(
            held=Count("pk"),
            valid=Count("pk", filter=Q(is_valid=True)),
            first_round=Count(
                "pk",
                filter=Q(
                    round=ElectionResult.Round.FIRST,
                    is_valid=True,
                    seats_filled__gte=F("seats_to_fill"),
                ),
            ),
            runoff=Count("pk", filter=Q(round=ElectionResult.Round.RUNOFF)),
            new_election=Count("pk", filter=Q(round=ElectionResult.Round.NEW)),
            seats_filled=Sum("seats_filled", filter=Q(is_valid=True)),
            registered=Sum("registered_voters", filter=asked),
            returned=Sum("ballots_returned", filter=asked),
        )
        .order_by("body")
    )
    if not rows:
        return []
    planned = dict(
        seat_plans.values("body").annotate(seats=Sum("planned_seats")).values_list("body", "seats")
    )
    bodies = dict(SeatRule.Body.choices)
    order = list(bodies)
    rows.sort(key=lambda r: order.index(r["body"]) if r["body"] in order else len(order))
    for r in rows:
        r["label"] = str(bodies.get(r["body"], r["body"]))
        r["seats_planned"] = planned.get(r["body"], 0) or 0
        r["seats_filled"] = r["seats_filled"] or 0
        r["registered"] = r["registered"] or 0
        r["returned"] = r["returned"] or 0
    return rows


def _results_total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The per-committee rows summed, with the keys of the results selectors' summary."""
    registered = sum(r["registered"] for r in rows)
    returned = sum(r["returned"] for r in rows)
    return {
        "elections_held": sum(r["held"] for r in rows),
        "valid": sum(r["valid"] for r in rows),
        "first_round": sum(r["first_round"] for r in rows),
        "runoff": sum(r["runoff"] for r in rows),
        "new_election": sum(r["new_election"] for r in rows),
        "seats_planned": sum(r["seats_planned"] for r in rows),
        "seats_filled": sum(r["seats_filled"] for r in rows),
        "turnout_percent": round(100.0 * returned / registered, 1) if registered else 0.0,
    }
