"""Writes for election results: one round's ballot account with the votes per formal candidate,
checked against the rule set's voting rule, and forming the new committee from those elected.

The law's checks are data (`VotingRule` of the plan's track and voting mode): the election is
valid when more than `valid_numerator/valid_denominator` of the registered voters returned a
ballot; in a first round or a new election a candidate wins with more than
`win_numerator/win_denominator` of the ballots returned; in a runoff (另行选举) the most votes win
with at least `runoff_numerator/runoff_denominator` of them. A runoff fills only the seats left
unfilled; a new election (重新选举) follows only an invalid one.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Committee
from core.exceptions import DomainError

from ..models import (
    Applies,
    Campaign,
    Candidate,
    CandidateVote,
    CommitteeMember,
    CommunityPlan,
    ElectionResult,
    Post,
    SeatPlan,
    SeatRule,
    VotingMode,
    VotingRule,
)
from ..selectors.competition import FORMAL

Round = ElectionResult.Round


class ResultError(DomainError):
    """One or more checks failed; `problems` lists each, in order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class BallotAccount:
    """The figures of one round, as the form gives them."""

    registered_voters: int
    ballots_issued: int
    ballots_returned: int
    valid_ballots: int
    invalid_ballots: int
    seats_to_fill: int


def voting_rule_for(plan: CommunityPlan) -> VotingRule:
    """The voting rule of the plan's track and voting mode (all voters when none is chosen); the
    track's own rule before one for every track. The law's defaults (½, ½, ⅓) if the rule set
    has none."""
    track = plan.community.election_track
    mode = plan.voting_mode or VotingMode.ALL_VOTERS
    rules = list(
        VotingRule.objects.filter(rule_set_id=plan.campaign.rule_set_id).filter(
            Q(applies_to=Applies.ALL) | Q(applies_to=track)
        )
    )
    rules.sort(key=lambda r: (r.mode != mode, r.applies_to != track))
    return rules[0] if rules else VotingRule(mode=mode)


def is_valid_election(rule: VotingRule, *, registered: int, returned: int) -> bool:
    """More than the rule's share of the registered voters returned a ballot."""
    return returned * rule.valid_denominator > registered * rule.valid_numerator


def wins_outright(rule: VotingRule, *, votes: int, returned: int) -> bool:
    """More than the rule's share of the ballots returned (the votes cast)."""
    return votes * rule.win_denominator > returned * rule.win_numerator


def wins_runoff(rule: VotingRule, *, votes: int, returned: int) -> bool:
    """At least the rule's runoff share of the ballots returned."""
    return votes * rule.runoff_denominator >= returned * rule.runoff_numerator


def winners(
    rule: VotingRule, *, round: str, votes: dict[int, int], returned: int, seats: int
) -> set[int]:
    """The candidates elected: those over the threshold, most votes first, at most `seats`; a tie
    at the last seat elects neither (the seat stays unfilled)."""
    passes = wins_runoff if round == Round.RUNOFF else wins_outright
    eligible = sorted(
        ((v, c) for c, v in votes.items() if passes(rule, votes=v, returned=returned)),
        reverse=True,
    )
    if len(eligible) > seats:
        cut = eligible[seats][0]
        eligible = [(v, c) for v, c in eligible[:seats] if v > cut]
    return {c for _v, c in eligible}


def _account_problems(account: BallotAccount, votes: dict[int, int]) -> list[str]:
    a = account
    problems = []
    if a.valid_ballots + a.invalid_ballots != a.ballots_returned:
        problems.append(
            _(
                "Valid ballots (%(valid)s) and invalid ballots (%(invalid)s) must add up to the "
                "ballots returned (%(returned)s)."
            )
            % {
                "valid": a.valid_ballots,
                "invalid": a.invalid_ballots,
                "returned": a.ballots_returned,
            }
        )
    if a.ballots_returned > a.ballots_issued:
        problems.append(
            _("More ballots returned (%(returned)s) than issued (%(issued)s).")
            % {"returned": a.ballots_returned, "issued": a.ballots_issued}
        )
    if a.seats_to_fill < 1:
        problems.append(_("At least one seat must be filled."))
    over = [v for v in votes.values() if v > a.valid_ballots]
    if over:
        problems.append(
            _(
                "A candidate cannot have more votes (%(votes)s) than there are valid ballots "
                "(%(valid)s)."
            )
            % {"votes": max(over), "valid": a.valid_ballots}
        )
    total = sum(votes.values())
    if total > a.seats_to_fill * a.valid_ballots:
        problems.append(
            _(
                "%(total)s votes in all is more than %(seats)s seats x %(valid)s valid ballots "
                "allow."
            )
            % {"total": total, "seats": a.seats_to_fill, "valid": a.valid_ballots}
        )
    return problems


@transaction.atomic
def result_record(
    *,
    plan: CommunityPlan,
    body: str,
    round: str,
    by: User,
    held_on: date,
    registered_voters: int,
    ballots_issued: int,
    ballots_returned: int,
    valid_ballots: int,
    invalid_ballots: int,
    seats_to_fill: int,
    votes: dict[int, int],
) -> ElectionResult:
    """Record one round of a committee's election with the votes per formal candidate
    (`votes`: candidate id → votes), and mark who won.

    Locks the plan. Raises ResultError (every problem, in Chinese) when the figures do not add up
    (valid + invalid = returned ≤ issued, a candidate's votes ≤ valid ballots, all votes ≤ seats x
    valid ballots), a vote names someone who is not a formal candidate of this committee, the day
    is still to come, the committee has no planned seats or more seats are to be filled than
    planned, the round was recorded already, a runoff comes without a valid earlier round with
    unfilled seats (or asks for more seats than are unfilled, or lists someone already elected),
    a new election without an invalid one before it, or the campaign is closed. The result's
    `is_valid` and `seats_filled` and each vote's `elected` follow the plan's `VotingRule`.
    History reason "result recorded". Not idempotent by design: a second recording of the same
    round is refused (the database allows one per round).
    """
    plan = (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("campaign__rule_set", "community")
        .get(pk=plan.pk)
    )
    account = BallotAccount(
        registered_voters,
        ballots_issued,
        ballots_returned,
        valid_ballots,
        invalid_ballots,
        seats_to_fill,
    )
    problems = []
    if plan.campaign.status == Campaign.Status.CLOSED:
        problems.append(_("“%(name)s” is closed.") % {"name": plan.campaign.name})
    if round not in Round.values:
        problems.append(_("Choose the round of the election."))
    if held_on > timezone.localdate():
        problems.append(_("An election cannot have been held on a day still to come."))
    seat_plan = SeatPlan.objects.filter(plan=plan, body=body).first()
    if seat_plan is None:
        raise ResultError([_("This community has no such committee in the plan.")])
    earlier = {r.round: r for r in ElectionResult.objects.filter(plan=plan, body=body)}
    if round in earlier:
        problems.append(
            _("The %(round)s of this committee is recorded already.")
            % {"round": Round(round).label}
        )
    already_elected: set[int] = set()
    unfilled = seat_plan.planned_seats
    if round == Round.RUNOFF:
        base = earlier.get(Round.NEW) or earlier.get(Round.FIRST)
        if base is None or not base.is_valid:
            problems.append(_("A runoff follows a valid election that left seats unfilled."))
        else:
            unfilled = base.seats_to_fill - base.seats_filled
            if unfilled <= 0:
                problems.append(_("Every seat was filled; there is nothing to elect in a runoff."))
            already_elected = set(
                CandidateVote.objects.filter(result=base, elected=True).values_list(
                    "candidate_id", flat=True
                )
            )
    elif round == Round.NEW:
        first = earlier.get(Round.FIRST)
        if first is None or first.is_valid:
            problems.append(_("A new election follows only an election that was invalid."))
    if 0 < unfilled < seats_to_fill:
        problems.append(
            _("%(seats)s seats to fill is more than the %(open)s seats open.")
            % {"seats": seats_to_fill, "open": unfilled}
        )
    formal = dict(
        Candidate.objects.filter(plan=plan, body=body, status__in=FORMAL).values_list("pk", "name")
    )
    strangers = [c for c in votes if c not in formal]
    if strangers:
        problems.append(_("Votes can only be recorded for formal candidates of this committee."))
    again = [formal[c] for c in votes if c in already_elected]
    if again:
        problems.append(
            _("%(names)s won a seat already and cannot stand in the runoff.")
            % {"names": _(", ").join(again)}
        )
    if any(v < 0 for v in votes.values()):
        problems.append(_("Votes cannot be negative."))
    problems += _account_problems(account, votes)
    if problems:
        raise ResultError(problems)

    rule = voting_rule_for(plan)
    valid = is_valid_election(rule, registered=registered_voters, returned=ballots_returned)
    elected = (
        winners(rule, round=round, votes=votes, returned=ballots_returned, seats=seats_to_fill)
        if valid
        else set()
    )
    result = ElectionResult(
        plan=plan,
        body=body,
        round=round,
        held_on=held_on,
        registered_voters=registered_voters,
        ballots_issued=ballots_issued,
        ballots_returned=ballots_returned,
        valid_ballots=valid_ballots,
        invalid_ballots=invalid_ballots,
        seats_to_fill=seats_to_fill,
        is_valid=valid,
        seats_filled=len(elected),
        created_by=by,
    )
    result._history_user = by  # type: ignore[attr-defined]
    result._change_reason = "result recorded"  # type: ignore[attr-defined]
    result.save()
    for candidate_id, count in sorted(votes.items()):
        vote = CandidateVote(
            result=result, candidate_id=candidate_id, votes=count, elected=candidate_id in elected
        )
        vote._history_user = by  # type: ignore[attr-defined]
        vote._change_reason = "result recorded"  # type: ignore[attr-defined]
        vote.save()
    return result


def runoff_seats(plan: CommunityPlan, body: str) -> int:
    """The seats a runoff of the committee fills: those its valid first round (or new election)
    left unfilled (0 when there is none; one query)."""
    base = (
        ElectionResult.objects.filter(
            plan=plan, body=body, is_valid=True, round__in=[Round.FIRST, Round.NEW]
        )
        .order_by("-held_on", "-pk")
        .first()
    )
    return max(base.seats_to_fill - base.seats_filled, 0) if base is not None else 0


def result_outcome(result: ElectionResult) -> str:
    """What a round leads to: "invalid" (a new election is needed), "unfilled" (a runoff for the
    seats left), or "complete"."""
    if not result.is_valid:
        return "invalid"
    if result.seats_filled < result.seats_to_fill:
        return "unfilled"
    return "complete"


def posts_for(body: str) -> tuple[str, ...]:
    """The posts of a committee: 书记/副书记/委员 for the Party, 主任/副主任/委员 otherwise."""
    if body == SeatRule.Body.PARTY:
        return (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.MEMBER)
    return (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER)


def head_post(body: str) -> str:
    return Post.SECRETARY if body == SeatRule.Body.PARTY else Post.DIRECTOR


def elected_candidates(plan: CommunityPlan, body: str) -> list[Candidate]:
    """The candidates who won a seat in a valid round of the committee's election, in the order
    they were elected (one query)."""
    return list(
        Candidate.objects.filter(
            plan=plan,
            body=body,
            votes__elected=True,
            votes__result__is_valid=True,
            votes__result__body=body,
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def committee_form(
    *,
    plan: CommunityPlan,
    body: str,
    by: User,
    posts: dict[int, str],
    formed_on: date,
) -> list[CommitteeMember]:
    """Form the committee's new term from those elected, each with a post (`posts`: candidate id
    → Post value).

    Locks the plan and the committee. Raises ResultError when no one was elected, a post is
    missing or not one of the committee's (书记/副书记/委员 for the Party, 主任/副主任/委员
    otherwise), more than one head (书记 or 主任) is named, someone not elected is named, the day
    is still to come, or the committee was already formed in this campaign (a second call writes
    nothing). Closes the old term (its members get `ended_on` = `formed_on` and `ended_in`),
    creates the members (`elected_in`, `started_on`, first term unless re-standing), marks the
    candidates elected and the other formal candidates not elected, and sets the committee's
    term start and seats. History reason "committee formed" / "term closed".
    """
    plan = (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("campaign", "community")
        .get(pk=plan.pk)
    )
    kind = Committee.Kind.PARTY if body == SeatRule.Body.PARTY else Committee.Kind.RESIDENTS
    committee = (
        Committee.objects.select_for_update().filter(community=plan.community, kind=kind).first()
    )
    if committee is None:
        raise ResultError([_("This community has no such committee.")])
    if CommitteeMember.objects.filter(committee=committee, elected_in=plan.campaign).exists():
        raise ResultError([_("This committee was formed already in this campaign.")])
    elected = elected_candidates(plan, body)
    problems = []
    if not elected:
        problems.append(_("No one was elected; record a valid result first."))
    if formed_on > timezone.localdate():
        problems.append(_("A committee cannot have been formed on a day still to come."))
    elected_ids = {c.pk for c in elected}
    if set(posts) - elected_ids:
        problems.append(_("Only those elected can take a post on the committee."))
    allowed = posts_for(body)
    if any(posts.get(c.pk) not in allowed for c in elected):
        problems.append(_("Give each member elected one of the committee's posts."))
    head = head_post(body)
    if sum(1 for p in posts.values() if p == head) > 1:
        problems.append(_("A committee has at most one %(post)s.") % {"post": Post(head).label})
    if problems:
        raise ResultError(problems)

    old = list(
        CommitteeMember.objects.select_for_update().filter(
            committee=committee, ended_on__isnull=True
        )
    )
    for member in old:
        member.ended_on, member.ended_in = formed_on, plan.campaign
        member._history_user = by  # type: ignore[attr-defined]
        member._change_reason = "term closed"  # type: ignore[attr-defined]
        member.save(update_fields=["ended_on", "ended_in", "updated_at"])
    members = []
    for candidate in elected:
        member = CommitteeMember(
            committee=committee,
            post=posts[candidate.pk],
            started_on=formed_on,
            elected_in=plan.campaign,
            candidate=candidate,
            is_first_time=not candidate.is_incumbent,
            name=candidate.name,
            gender=candidate.gender,
            birth_date=candidate.birth_date,
            education=candidate.education,
            party_member=candidate.party_member,
            ethnicity=candidate.ethnicity,
            id_number=candidate.id_number,
        )
        member._history_user = by  # type: ignore[attr-defined]
        member._change_reason = "committee formed"  # type: ignore[attr-defined]
        member.save()
        members.append(member)
    for candidate in Candidate.objects.select_for_update().filter(
        plan=plan, body=body, status__in=FORMAL
    ):
        status = (
            Candidate.Status.ELECTED
            if candidate.pk in elected_ids
            else Candidate.Status.NOT_ELECTED
        )
        if candidate.status == status:
            continue
        candidate.status = status
        candidate.version += 1
        candidate._history_user = by  # type: ignore[attr-defined]
        candidate._change_reason = "committee formed"  # type: ignore[attr-defined]
        candidate.save(update_fields=["status", "version", "updated_at"])
    committee.term_started_on, committee.seats = formed_on, len(members)
    committee.version += 1
    committee._history_user = by  # type: ignore[attr-defined]
    committee._change_reason = "committee formed"  # type: ignore[attr-defined]
    committee.save(update_fields=["term_started_on", "seats", "version", "updated_at"])
    return members
