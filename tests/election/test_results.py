"""Election results: the ballot account's consistency, the voting rule's checks (turnout, winning
share, runoff share), runoff and new election, forming the committee, and the summary."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from communities.models import Committee
from election.models import (
    Campaign,
    Candidate,
    CommitteeMember,
    CommunityPlan,
    ElectionResult,
    RuleSet,
    VotingRule,
)
from election.selectors.results import plan_results, results_summary
from election.services.plans import campaign_start
from election.services.results import ResultError, committee_form, result_record
from tests.election.matrix_results import make_candidates
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def campaign(district: Any, community: Any, other_community: Any, admin_user: Any) -> Campaign:
    rule_set = RuleSet.objects.create(code="results", version=1, name="Results rules")
    VotingRule.objects.create(rule_set=rule_set, mode="all_voters")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=rule_set,
        name="Results campaign",
        starts_on=today - timedelta(days=60),
        election_on=today,
        party_election_on=today - timedelta(days=14),
    )
    campaign_start(campaign=campaign, by=admin_user)
    return campaign


@pytest.fixture
def plan(campaign: Campaign, community: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=campaign, community=community)


@pytest.fixture
def people(plan: CommunityPlan) -> list[Candidate]:
    return make_candidates(plan, "residents", 4, women=1)


def record(plan: CommunityPlan, by: Any, votes: dict[int, int], **figures: Any) -> ElectionResult:
    values: dict[str, Any] = {
        "round": "first",
        "held_on": TODAY(),
        "registered_voters": 100,
        "ballots_issued": 70,
        "ballots_returned": 60,
        "valid_ballots": 58,
        "invalid_ballots": 2,
        "seats_to_fill": 2,
        **figures,
    }
    return result_record(plan=plan, body="residents", by=by, votes=votes, **values)


def elected(result: ElectionResult) -> set[int]:
    return set(result.votes.filter(elected=True).values_list("candidate_id", flat=True))


# --- the law's checks -----------------------------------------------------------------------------


def test_first_round_elects_those_over_half_of_the_ballots_returned(
    plan: CommunityPlan, people: list[Candidate], street_official: Any
) -> None:
    a, b, c, d = people

    result = record(plan, street_official, {a.pk: 40, b.pk: 31, c.pk: 30, d.pk: 10})

    # 60 returned: 31 is more than half, 30 is not
    assert result.is_valid
    assert elected(result) == {a.pk, b.pk}
    assert result.seats_filled == 2
    assert result.history.latest().history_user == street_official
    assert result.history.latest().history_change_reason == "result recorded"


def test_half_of_the_ballots_exactly_does_not_win(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, b, *_ = people

    result = record(plan, office, {a.pk: 30, b.pk: 28})

    assert elected(result) == set()
    assert result.seats_filled == 0


def test_turnout_of_exactly_half_is_invalid(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, *_ = people

    result = record(
        plan, office, {a.pk: 45}, ballots_returned=50, valid_ballots=50, invalid_ballots=0
    )

    assert not result.is_valid
    assert elected(result) == set()
    assert "重新选举" in plan_results_outcome(plan)


def test_turnout_over_half_is_valid(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, *_ = people

    result = record(
        plan, office, {a.pk: 45}, ballots_returned=51, valid_ballots=51, invalid_ballots=0
    )

    assert result.is_valid
    assert elected(result) == {a.pk}


def plan_results_outcome(plan: CommunityPlan) -> str:
    """The next round the results page offers for the residents' committee, in words."""
    row = next(r for r in plan_results(plan) if r.body == "residents")
    return str(ElectionResult.Round(row.next_round).label) if row.next_round else ""


def test_the_rule_sets_fractions_are_data(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    VotingRule.objects.filter(rule_set=plan.campaign.rule_set).update(
        valid_numerator=2, valid_denominator=3
    )
    a, *_ = people

    result = record(plan, office, {a.pk: 40})  # 60 of 100 is not more than two thirds

    assert not result.is_valid


def test_a_tie_for_the_last_seat_leaves_it_unfilled(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, b, c, _ = people

    result = record(plan, office, {a.pk: 45, b.pk: 35, c.pk: 35})

    assert elected(result) == {a.pk}
    assert plan_results_outcome(plan) == str(ElectionResult.Round.RUNOFF.label)


def test_runoff_elects_the_most_votes_with_at_least_a_third(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, b, c, d = people
    record(plan, office, {a.pk: 50, b.pk: 20, c.pk: 10})

    runoff = record(plan, office, {b.pk: 20, c.pk: 19, d.pk: 5}, round="runoff", seats_to_fill=1)

    # 20 of 60 is a third: enough in a runoff
    assert elected(runoff) == {b.pk}
    assert plan_results_outcome(plan) == ""


def test_runoff_below_a_third_fills_nothing(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, b, c, _ = people
    record(plan, office, {a.pk: 50, b.pk: 20})

    runoff = record(plan, office, {b.pk: 19, c.pk: 18}, round="runoff", seats_to_fill=1)

    assert elected(runoff) == set()


def test_runoff_only_for_the_seats_left_and_not_for_the_elected(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, b, c, _ = people
    record(plan, office, {a.pk: 50, b.pk: 20})

    with pytest.raises(ResultError) as error:
        record(plan, office, {a.pk: 30, c.pk: 20}, round="runoff", seats_to_fill=2)

    assert "超过了尚缺的 1 个职数" in str(error.value)
    assert "已当选" in str(error.value)
    assert ElectionResult.objects.filter(round="runoff").count() == 0


def test_runoff_is_refused_when_every_seat_was_filled(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, b, c, _ = people
    record(plan, office, {a.pk: 50, b.pk: 40})

    with pytest.raises(ResultError, match="无需另行选举"):
        record(plan, office, {c.pk: 30}, round="runoff", seats_to_fill=1)


def test_new_election_only_after_an_invalid_one(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, *_ = people
    with pytest.raises(ResultError, match="只有选举无效时"):
        record(plan, office, {a.pk: 40}, round="new")

    record(plan, office, {a.pk: 40}, ballots_returned=40, valid_ballots=40, invalid_ballots=0)
    again = record(plan, office, {a.pk: 40}, round="new")

    assert again.is_valid
    assert elected(again) == {a.pk}


def test_the_same_round_is_recorded_once(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, *_ = people
    record(plan, office, {a.pk: 40})

    with pytest.raises(ResultError, match="已经录入"):
        record(plan, office, {a.pk: 40})

    assert ElectionResult.objects.count() == 1


# --- consistency ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"valid_ballots": 50}, "之和应等于收回选票数"),
        ({"ballots_returned": 80, "valid_ballots": 78}, "多于发出选票"),
        ({"votes": 59}, "不能多于有效票数"),
        ({"seats_to_fill": 1, "both": 40}, "超过应选名额"),
        ({"seats_to_fill": 8}, "超过了尚缺的 7 个职数"),
        ({"held_on": date(2999, 1, 1)}, "选举日期不能晚于今天"),
    ],
)
def test_figures_that_do_not_add_up_are_refused_in_chinese(
    plan: CommunityPlan,
    people: list[Candidate],
    office: Any,
    figures: dict[str, Any],
    message: str,
) -> None:
    a, b, *_ = people
    votes = {a.pk: figures.pop("votes", 30)}
    if "both" in figures:
        votes[b.pk] = figures.pop("both")

    with pytest.raises(ResultError) as error:
        record(plan, office, votes, **figures)

    assert message in str(error.value)
    assert not ElectionResult.objects.exists()


def test_votes_for_someone_not_a_formal_candidate_are_refused(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    (nominee,) = make_candidates(plan, "residents", 1, status="nominee", prefix="Nominee")
    (party,) = make_candidates(plan, "party", 1, prefix="Party")

    for stranger in (nominee, party):
        with pytest.raises(ResultError, match="只能为该委员会的正式候选人"):
            record(plan, office, {stranger.pk: 40})


# --- forming the committee ------------------------------------------------------------------------


@pytest.fixture
def old_term(community: Any) -> list[CommitteeMember]:
    committee = Committee.objects.get(community=community, kind="residents")
    return [
        CommitteeMember.objects.create(
            committee=committee,
            name=f"Old member {i}",
            gender="m",
            birth_date=date(1960, 1, 1),
            education=3,
            post="member",
            started_on=date(2021, 6, 1),
        )
        for i in range(2)
    ]


def test_forming_the_committee_closes_the_old_term_and_seats_the_elected(
    plan: CommunityPlan, people: list[Candidate], old_term: list[CommitteeMember], office: Any
) -> None:
    a, b, c, d = people
    Candidate.objects.filter(pk=a.pk).update(is_incumbent=True)
    record(plan, office, {a.pk: 40, b.pk: 35, c.pk: 10})
    formed_on = TODAY()

    members = committee_form(
        plan=plan,
        body="residents",
        by=office,
        posts={a.pk: "director", b.pk: "deputy_director"},
        formed_on=formed_on,
    )

    assert [(m.name, m.post, m.is_first_time) for m in members] == [
        (a.name, "director", False),
        (b.name, "deputy_director", True),
    ]
    assert all(m.elected_in == plan.campaign and m.started_on == formed_on for m in members)
    for old in old_term:
        old.refresh_from_db()
        assert (old.ended_on, old.ended_in) == (formed_on, plan.campaign)
        assert old.history.latest().history_change_reason == "term closed"
    statuses = dict(Candidate.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "elected", b.pk: "elected", c.pk: "not_elected", d.pk: "not_elected"}
    committee = Committee.objects.get(pk=members[0].committee_id)
    assert (committee.term_started_on, committee.seats) == (formed_on, 2)
    assert members[0].history.latest().history_user == office


def test_forming_twice_is_refused_and_writes_nothing(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    a, b, *_ = people
    record(plan, office, {a.pk: 40, b.pk: 35})
    committee_form(
        plan=plan,
        body="residents",
        by=office,
        posts={a.pk: "director", b.pk: "member"},
        formed_on=TODAY(),
    )
    before = CommitteeMember.history.count()

    with pytest.raises(ResultError, match="已经组成"):
        committee_form(
            plan=plan,
            body="residents",
            by=office,
            posts={a.pk: "director", b.pk: "member"},
            formed_on=TODAY(),
        )

    assert CommitteeMember.history.count() == before


@pytest.mark.parametrize(
    ("posts", "message"),
    [
        ({"a": "director", "b": "director"}, "最多只能有一名主任"),
        ({"a": "secretary", "b": "member"}, "本委员会的一个职务"),
        ({"a": "director"}, "本委员会的一个职务"),
        ({"a": "director", "b": "member", "c": "member"}, "只有当选人"),
    ],
)
def test_posts_are_checked(
    plan: CommunityPlan,
    people: list[Candidate],
    office: Any,
    posts: dict[str, str],
    message: str,
) -> None:
    a, b, c, _ = people
    record(plan, office, {a.pk: 40, b.pk: 35, c.pk: 10})
    ids = {"a": a.pk, "b": b.pk, "c": c.pk}

    with pytest.raises(ResultError, match=message):
        committee_form(
            plan=plan,
            body="residents",
            by=office,
            posts={ids[k]: v for k, v in posts.items()},
            formed_on=TODAY(),
        )

    assert not CommitteeMember.objects.exists()


def test_forming_without_anyone_elected_is_refused(
    plan: CommunityPlan, people: list[Candidate], office: Any
) -> None:
    with pytest.raises(ResultError, match="尚无人当选"):
        committee_form(plan=plan, body="residents", by=office, posts={}, formed_on=TODAY())


def test_the_party_committee_takes_a_secretary(plan: CommunityPlan, office: Any) -> None:
    a, b = make_candidates(plan, "party", 2, prefix="Party")
    result_record(
        plan=plan,
        body="party",
        round="first",
        by=office,
        held_on=TODAY(),
        registered_voters=40,
        ballots_issued=38,
        ballots_returned=38,
        valid_ballots=38,
        invalid_ballots=0,
        seats_to_fill=2,
        votes={a.pk: 30, b.pk: 25},
    )

    members = committee_form(
        plan=plan,
        body="party",
        by=office,
        posts={a.pk: "secretary", b.pk: "deputy_secretary"},
        formed_on=TODAY(),
    )

    assert members[0].committee.kind == "party"
    assert [m.post for m in members] == ["secretary", "deputy_secretary"]


# --- the summary ----------------------------------------------------------------------------------


def test_results_summary_counts_rounds_seats_and_turnout(
    campaign: Campaign,
    plan: CommunityPlan,
    people: list[Candidate],
    other_community: Any,
    other_street: Any,
    office: Any,
    django_assert_num_queries: Any,
) -> None:
    a, b, *_ = people
    record(plan, office, {a.pk: 50, b.pk: 20})  # one seat filled of two
    record(plan, office, {b.pk: 30}, round="runoff", seats_to_fill=1)
    other = CommunityPlan.objects.get(campaign=campaign, community=other_community)
    (x,) = make_candidates(other, "residents", 1)
    record(
        other,
        office,
        {x.pk: 30},
        ballots_returned=40,
        valid_ballots=40,
        invalid_ballots=0,
        seats_to_fill=1,
    )

    with django_assert_num_queries(2):
        summary = results_summary(campaign=campaign)

    assert summary == {
        "elections_held": 3,
        "valid": 2,
        "first_round": 0,
        "runoff": 1,
        "new_election": 0,
        "seats_filled": 2,
        "seats_planned": 24,  # two communities, 5 + 7 seats each
        # the runoff asks the same voters again: 60 + 40 of 100 + 100
        "turnout_percent": 50.0,
    }
    mine = results_summary(campaign=campaign, street=other_street.pk)
    assert (mine["elections_held"], mine["valid"], mine["seats_planned"]) == (1, 0, 12)


def test_results_summary_queries_do_not_grow_with_plans(
    district: Any, street: Any, campaign: Campaign, django_assert_num_queries: Any
) -> None:
    CommunityFactory.create_batch(4, street=street)

    with django_assert_num_queries(2):
        summary = results_summary(campaign=campaign)

    assert summary["elections_held"] == 0
    assert summary["turnout_percent"] == 0.0
