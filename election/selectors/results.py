"""Reads about election results: a plan's rounds with their votes and outcome, its committees'
members, and the campaign's totals for the dashboard and the weekly report. Counted in SQL; no
page's query count grows with the data."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce

from communities.models import Committee

from ..models import (
    Campaign,
    Candidate,
    CandidateVote,
    CommitteeMember,
    CommunityPlan,
    ElectionResult,
    SeatPlan,
)
from ..selectors.competition import FORMAL, Competition, plan_competition
from ..services.results import result_outcome

Round = ElectionResult.Round


@dataclass
class BodyResults:
    """One committee of a plan: its competition, its rounds and what comes next."""

    competition: Competition
    results: list[ElectionResult] = field(default_factory=list)
    formed: bool = False

    @property
    def body(self) -> str:
        return self.competition.body

    @property
    def next_round(self) -> str:
        """The round to record next ("" when the committee is complete or may be formed)."""
        done = {r.round: r for r in self.results}
        if not done:
            return str(Round.FIRST)
        last = self.results[-1]
        outcome = result_outcome(last)
        if outcome == "invalid" and Round.NEW not in done:
            return str(Round.NEW)
        if outcome == "unfilled" and Round.RUNOFF not in done:
            return str(Round.RUNOFF)
        return ""

    @property
    def can_form(self) -> bool:
        return not self.formed and any(r.is_valid and r.seats_filled for r in self.results)


def plan_results(plan: CommunityPlan) -> list[BodyResults]:
    """Each committee of the plan with its competition and its rounds (votes prefetched, with
    their candidates), oldest round first, and whether the committee was formed (constant
    queries)."""
    rows = {c.body: BodyResults(c) for c in plan_competition(plan)}
    results = (
        ElectionResult.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch(
                "votes",
                queryset=CandidateVote.objects.select_related("candidate").order_by("-votes"),
            )
        )
        .order_by("held_on", "pk")
    )
    for result in results:
        if result.body in rows:
            rows[result.body].results.append(result)
    formed_kinds = set(
        CommitteeMember.objects.filter(
            committee__community_id=plan.community_id, elected_in_id=plan.campaign_id
        )
        .order_by()
        .values_list("committee__kind", flat=True)
        .distinct()
    )
    for row in rows.values():
        kind = Committee.Kind.PARTY if row.body == "party" else Committee.Kind.RESIDENTS
        row.formed = kind in formed_kinds
    return list(rows.values())


def formal_candidates(plan: CommunityPlan, body: str) -> list[Candidate]:
    """The formal candidates of one committee, by name (one query)."""
    return list(
        Candidate.objects.filter(plan=plan, body=body, status__in=FORMAL).order_by("name", "pk")
    )


@dataclass
class MemberGroup:
    committee: Committee
    current: list[CommitteeMember]
    previous: list[CommitteeMember]


def plan_members(plan: CommunityPlan) -> list[MemberGroup]:
    """The community's committees with their current members (no end date) and the members of
    the term closed in this campaign (2 queries)."""
    committees = list(Committee.objects.filter(community_id=plan.community_id).order_by("kind"))
    members: dict[int, list[CommitteeMember]] = defaultdict(list)
    for member in (
        CommitteeMember.objects.filter(committee__community_id=plan.community_id)
        .filter(Q(ended_on__isnull=True) | Q(ended_in_id=plan.campaign_id))
        .order_by("committee", "post", "pk")
    ):
        members[member.committee_id].append(member)
    return [
        MemberGroup(
            c,
            [m for m in members[c.pk] if m.ended_on is None],
            [m for m in members[c.pk] if m.ended_on is not None],
        )
        for c in committees
    ]


def results_summary(*, campaign: Campaign, street: int | None = None) -> dict[str, int | float]:
    """The campaign's election results (of `street`, a street id, else all), in 2 queries:
    elections_held (rounds recorded), valid, first_round (first rounds that were valid and filled
    every seat), runoff and new_election (rounds of each kind), seats_planned (all committees of
    the campaign's plans), seats_filled (in valid rounds), turnout_percent (ballots returned over
    registered voters, summed over first rounds and new elections; a runoff asks the same voters
    again; 0.0 when none)."""
    results = ElectionResult.objects.filter(plan__campaign=campaign)
    seats = SeatPlan.objects.filter(plan__campaign=campaign)
    if street is not None:
        results = results.filter(plan__community__street_id=street)
        seats = seats.filter(plan__community__street_id=street)
    not_runoff = ~Q(round=Round.RUNOFF)
    figures = results.aggregate(
        elections_held=Count("pk"),
        valid=Count("pk", filter=Q(is_valid=True)),
        first_round=Count(
            "pk",
            filter=Q(round=Round.FIRST, is_valid=True, seats_filled__gte=F("seats_to_fill")),
        ),
        runoff=Count("pk", filter=Q(round=Round.RUNOFF)),
        new_election=Count("pk", filter=Q(round=Round.NEW)),
        seats_filled=Coalesce(Sum("seats_filled", filter=Q(is_valid=True)), 0),
        registered=Coalesce(Sum("registered_voters", filter=not_runoff), 0),
        returned=Coalesce(Sum("ballots_returned", filter=not_runoff), 0),
    )
    registered, returned = figures.pop("registered"), figures.pop("returned")
    figures["seats_planned"] = seats.aggregate(n=Coalesce(Sum("planned_seats"), 0))["n"]
    figures["turnout_percent"] = round(100.0 * returned / registered, 1) if registered else 0.0
    return figures
