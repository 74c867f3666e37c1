"""Reads about terms, votes and size norms: the committees whose term ends in a campaign, a
plan's voting rule and Party quorum verdict, and a community outside the household norm.

Every bound is data on the rule set (`term_years`, `households_min`/`households_max`, the
`VotingRule` rows, `party_quorum_numerator`/`party_quorum_denominator`).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communities.models import Committee, Community

from ..models import Campaign, CommunityPlan, RuleSet, VotingRule
from ..services.terms import add_months


def term_ends_on(term_started_on: date | None, rule_set: RuleSet) -> date | None:
    """The day a committee's term ends: its start plus the rule set's term (5 years)."""
    if term_started_on is None:
        return None
    return add_months(term_started_on, 12 * rule_set.term_years)


def committees_due(campaign: Campaign) -> QuerySet[Committee]:
    """The committees of the campaign's district whose term ends between the campaign's start and
    its (default) election day, in one query, by street and community."""
    months = 12 * campaign.rule_set.term_years
    return (
        Committee.objects.filter(
            community__street__district_id=campaign.district_id,
            term_started_on__gte=add_months(campaign.starts_on, -months),
            term_started_on__lte=add_months(campaign.election_on, -months),
        )
        .select_related("community__street")
        .order_by("community__street__name", "community__name", "kind")
    )


# the campaign page lists at most this many committees due (the count is always complete)
COMMITTEES_DUE_SHOWN = 200


@dataclass(frozen=True)
class CommitteeDue:
    committee: Committee
    ends_on: date | None


def committees_due_page(campaign: Campaign) -> dict[str, object]:
    """The committees whose term ends in the campaign's period, the first COMMITTEES_DUE_SHOWN
    with their end date, and their number (2 queries)."""
    due = committees_due(campaign)
    rows = [
        CommitteeDue(c, term_ends_on(c.term_started_on, campaign.rule_set))
        for c in due[:COMMITTEES_DUE_SHOWN]
    ]
    return {"rows": rows, "count": due.count(), "term_years": campaign.rule_set.term_years}


def household_norm_problem(community: Community, rule_set: RuleSet) -> str:
    """The household-norm warning of a community (see `households_norm_problem`)."""
    return households_norm_problem(community.households, community.election_track, rule_set)


def households_norm_problem(households: int | None, track: str, rule_set: RuleSet) -> str:
    """The warning for a community on the residents' track whose households lie outside the rule
    set's norm for a residents' committee (1,000 to 3,000 under the 2025 law); "" otherwise, and
    for a village-track community, a community of unknown size or rules without a norm."""
    if households is None or track != Community.Track.RESIDENTS:
        return ""
    low, high = rule_set.households_min, rule_set.households_max
    if (low is None or households >= low) and (high is None or households <= high):
        return ""
    names = {
        "households": households,
        "min": low if low is not None else 0,
        "max": high if high is not None else "",
        "basis": rule_set.households_basis or str(rule_set),
    }
    if low is not None and households < low:
        return (
            _(
                "%(households)s households is below the norm of at least %(min)s households for "
                "a residents' committee (%(basis)s)."
            )
            % names
        )
    return (
        _(
            "%(households)s households is above the norm of at most %(max)s households for a "
            "residents' committee (%(basis)s)."
        )
        % names
    )


def party_quorum_met(
    *, present: int | None, entitled: int | None, numerator: int, denominator: int
) -> bool | None:
    """Whether more than numerator/denominator of the members entitled to vote attended (more
    than four-fifths by default); None while either figure is missing."""
    if present is None or entitled is None:
        return None
    return present * denominator > entitled * numerator


@dataclass(frozen=True)
class VotingSummary:
    rule: VotingRule | None
    quorum_met: bool | None
    quorum_problem: str
    voters_total: int | None
    household_problem: str


def plan_voting_summary(plan: CommunityPlan) -> VotingSummary:
    """What the plan page shows about the vote: the rule of the plan's voting mode, the Party
    meeting's quorum verdict (with the rule it breaks), the voters registered on every ground,
    and the household-norm warning (2 queries)."""
    rule_set = plan.campaign.rule_set
    track = plan.community.election_track
    rule = None
    if plan.voting_mode:
        rules = VotingRule.objects.filter(rule_set=rule_set, mode=plan.voting_mode)
        rule = next(
            (r for r in rules if r.applies_to in (track, "all")),
            None,
        )
    met = party_quorum_met(
        present=plan.party_members_present,
        entitled=plan.party_members_entitled,
        numerator=rule_set.party_quorum_numerator,
        denominator=rule_set.party_quorum_denominator,
    )
    quorum_problem = ""
    if met is False:
        quorum_problem = _(
            "%(present)s of %(entitled)s members entitled to vote attended; the meeting needs "
            "more than %(num)s/%(den)s (%(basis)s)."
        ) % {
            "present": plan.party_members_present,
            "entitled": plan.party_members_entitled,
            "num": rule_set.party_quorum_numerator,
            "den": rule_set.party_quorum_denominator,
            "basis": rule_set.party_quorum_basis or str(rule_set),
        }
    figures = [
        plan.voters_by_register,
        plan.voters_by_residence,
        plan.voters_community_workers,
        plan.voters_village_admitted,
    ]
    known = [f for f in figures if f is not None]
    return VotingSummary(
        rule=rule,
        quorum_met=met,
        quorum_problem=quorum_problem,
        voters_total=sum(known) if known else None,
        household_problem=household_norm_problem(plan.community, rule_set),
    )
