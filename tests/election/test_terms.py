"""Rules about when and how a community elects: the rule set's effective period, Party seats by
organisation type, voter figures and voting modes per track, the Party meeting's quorum,
postponement, the committees whose term ends, and the household norm. Boundary tests: the last
compliant value passes, the next one fails."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from communities.models import Committee, Community
from core.exceptions import ConflictError
from election.models import Campaign, CommunityPlan, Postponement, RuleSet, SeatRule
from election.selectors.terms import (
    committees_due,
    household_norm_problem,
    party_quorum_met,
    term_ends_on,
)
from election.services.campaigns import campaign_create
from election.services.periods import RuleSetPeriodError
from election.services.plans import campaign_start, plan_dates_update
from election.services.seats import SeatError, SeatInput, seat_problems, seat_rule_for, seats_update
from election.services.terms import PostponementError, add_months, plan_postpone
from election.services.voting import VotingError, plan_voting_update
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

E = date(2026, 12, 20)
PARTY_E = date(2026, 12, 6)
START = date(2026, 11, 1)


def national(code: str = "national-2026") -> RuleSet:
    return RuleSet.objects.get(code=code, version=1)


@pytest.fixture
def campaign_2026(district: Any, community: Any, admin_user: Any) -> Campaign:
    campaign = Campaign.objects.create(
        district=district,
        rule_set=national(),
        name="2026",
        starts_on=START,
        election_on=E,
        party_election_on=PARTY_E,
    )
    campaign_start(campaign=campaign, by=admin_user)
    campaign.refresh_from_db()
    return campaign


def plan_of(campaign: Campaign, community: Community) -> CommunityPlan:
    return CommunityPlan.objects.select_related("campaign__rule_set", "community").get(
        campaign=campaign, community=community
    )


def village(street: Any) -> Community:
    return CommunityFactory(street=street, kind="village_converted", is_reform_finished=False)


# --- effective period -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "day", "allowed"),
    [
        ("national-2018", date(2025, 12, 31), True),  # the last day under the 2018 texts
        ("national-2018", date(2026, 1, 1), False),
        ("national-2026", date(2025, 12, 31), False),
        ("national-2026", date(2026, 1, 1), True),  # the first day under the 2025 amendments
    ],
)
def test_campaign_create_refuses_an_election_day_outside_the_rules_period(
    code: str, day: date, allowed: bool, district: Any, office: Any
) -> None:
    def create() -> Campaign:
        return campaign_create(
            district=district,
            rule_set=national(code),
            name="换届",
            starts_on=date(2025, 10, 1),
            party_election_on=date(2025, 12, 1),
            election_on=day,
            by=office,
        )

    if allowed:
        assert create().election_on == day
        return
    with pytest.raises(RuleSetPeriodError) as e:
        create()
    assert "施行" in str(e.value) and day.isoformat() in str(e.value)
    assert not Campaign.objects.exists()


def test_campaign_form_shows_the_period_refusal_in_chinese(
    district: Any, office: Any, as_user: Any
) -> None:
    client = as_user(office)
    response = client.post(
        reverse("election:campaign-create"),
        {
            "district": district.pk,
            "rule_set": national("national-2018").pk,
            "name": "2026年换届",
            "starts_on": "2026-01-05",
            "party_election_on": "2026-02-01",
            "election_on": "2026-03-01",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "适用于选举日在2018-12-29至2025-12-31之间的换届" in page
    assert not Campaign.objects.exists()


def test_moving_a_plan_outside_the_period_is_refused(
    campaign_2026: Campaign, community: Any, office: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    with pytest.raises(RuleSetPeriodError):
        plan_dates_update(
            plan=plan,
            version=plan.version,
            election_on=date(2025, 12, 31),
            party_election_on=date(2025, 12, 1),
            by=office,
        )
    plan_dates_update(
        plan=plan,
        version=plan.version,
        election_on=date(2026, 1, 1),
        party_election_on=date(2025, 12, 1),
        by=office,
    )
    plan.refresh_from_db()
    assert plan.election_on == date(2026, 1, 1)


# --- Party seats by organisation type -------------------------------------------------------------


@pytest.mark.parametrize(
    ("party_type", "fewest", "most"),
    [("branch", 3, 7), ("general_branch", 5, 9), ("committee", 5, 9)],
)
def test_party_seat_range_by_organisation_type(party_type: str, fewest: int, most: int) -> None:
    rules = list(SeatRule.objects.filter(rule_set=national()))
    rule = seat_rule_for(rules, body="party", party_type=party_type)
    assert rule is not None and rule.party_type == party_type

    def problems(seats: int) -> list[str]:
        return seat_problems(body_label="党组织", seats=seats, women=0, rule=rule, full_members=50)

    assert problems(fewest) == []
    assert problems(most) == []
    assert problems(fewest - 1)
    assert problems(most + 1)


def test_a_branch_under_seven_full_members_elects_a_secretary_only() -> None:
    rule = seat_rule_for(
        list(SeatRule.objects.filter(rule_set=national())), body="party", party_type="branch"
    )

    def problems(seats: int, members: int) -> list[str]:
        return seat_problems(
            body_label="党支部", seats=seats, women=0, rule=rule, full_members=members
        )

    # 6 full members: one secretary, no committee
    assert problems(1, 6) == []
    assert "只选举书记" in problems(3, 6)[0]
    # 7 full members: the committee range 3 to 7 applies
    assert problems(3, 7) == []
    assert problems(1, 7)


def test_seats_update_uses_the_committee_type(
    campaign_2026: Campaign, community: Any, street_official: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    party = Committee.objects.get(community=community, kind="party")

    def save(seats: int) -> None:
        plan.refresh_from_db()
        versions = {"plan": plan.version, **{s.body: s.version for s in plan.seat_plans.all()}}
        seats_update(
            plan=plan,
            versions=versions,
            seats={"party": SeatInput(seats, 1), "residents": SeatInput(7, 2)},
            one_shoulder=False,
            cross_appointments=0,
            by=street_official,
        )

    save(4)  # a 党支部 of 4 is within 3 to 7
    party.party_type = "committee"
    party.save(update_fields=["party_type"])
    with pytest.raises(SeatError) as e:
        save(4)  # a 党委 needs 5 to 9
    assert "5" in str(e.value) and "9" in str(e.value)
    save(5)
    party.party_type, party.full_members = "branch", 6
    party.save(update_fields=["party_type", "full_members"])
    with pytest.raises(SeatError):
        save(5)
    save(1)
    assert plan.seat_plans.get(body="party").planned_seats == 1


# --- voter figures and voting per track -----------------------------------------------------------


def _vote(plan: CommunityPlan, by: Any, **data: Any) -> CommunityPlan:
    plan.refresh_from_db()
    return plan_voting_update(plan=plan, version=plan.version, data=data, by=by)


def test_city_track_records_residence_and_workers_not_village_admissions(
    campaign_2026: Campaign, community: Any, street_official: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    _vote(
        plan,
        street_official,
        voters_by_register=4000,
        voters_by_residence=600,
        voters_community_workers=12,
        voting_mode="households",
    )
    plan.refresh_from_db()
    assert (plan.voters_by_residence, plan.voters_community_workers) == (600, 12)
    assert plan.history.first().history_change_reason == "voting recorded"
    with pytest.raises(VotingError) as e:
        _vote(plan, street_official, voters_village_admitted=3)
    assert "村民委员会选举" in str(e.value)


def test_village_track_admits_non_register_residents_and_votes_by_all_voters(
    campaign_2026: Campaign, street: Any, admin_user: Any, street_official: Any
) -> None:
    community = village(street)
    campaign_start(campaign=campaign_2026, by=admin_user)
    plan = plan_of(campaign_2026, community)
    _vote(plan, street_official, voters_village_admitted=25, voting_mode="all_voters")
    with pytest.raises(VotingError):
        _vote(plan, street_official, voters_by_residence=10)
    # household representatives elect a residents' committee, not a villagers' committee
    with pytest.raises(VotingError) as e:
        _vote(plan, street_official, voting_mode="households")
    assert "户代表" in str(e.value)
    # the village track's registration rule is data on its own step
    steps = set(plan.steps.values_list("template__code", flat=True))
    assert "voter-nonlocal-village" in steps and "voter-nonlocal" not in steps


def test_runoff_and_new_election_dates(
    campaign_2026: Campaign, community: Any, street_official: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    with pytest.raises(VotingError):
        _vote(plan, street_official, runoff_on=date(2026, 12, 19))
    _vote(plan, street_official, runoff_on=E)
    with pytest.raises(VotingError):
        _vote(plan, street_official, reelection_ground="turnout")
    with pytest.raises(VotingError):
        _vote(plan, street_official, reelection_ground="turnout", reelection_on=E)
    _vote(plan, street_official, reelection_ground="turnout", reelection_on=date(2026, 12, 27))
    plan.refresh_from_db()
    assert plan.get_reelection_ground_display()


def test_stale_voting_form_is_refused(
    campaign_2026: Campaign, community: Any, street_official: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    with pytest.raises(ConflictError):
        plan_voting_update(
            plan=plan,
            version=plan.version + 1,
            data={"voting_mode": "households"},
            by=street_official,
        )


def test_party_quorum_is_more_than_four_fifths() -> None:
    assert party_quorum_met(present=81, entitled=100, numerator=4, denominator=5)
    # exactly four-fifths is not more than four-fifths
    assert party_quorum_met(present=80, entitled=100, numerator=4, denominator=5) is False
    assert party_quorum_met(present=None, entitled=100, numerator=4, denominator=5) is None


def test_plan_page_shows_a_meeting_short_of_its_quorum(
    campaign_2026: Campaign, community: Any, street_official: Any, as_user: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    _vote(plan, street_official, party_members_entitled=40, party_members_present=32)
    page = as_user(street_official).get(plan.get_absolute_url()).content.decode()
    assert "实到32名" in page and "5分之4" in page
    _vote(plan, street_official, party_members_present=33)
    page = as_user(street_official).get(plan.get_absolute_url()).content.decode()
    assert "实到33名" not in page


def test_voting_form_saves_for_the_street(
    campaign_2026: Campaign, community: Any, street_official: Any, as_user: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    url = reverse("election:plan-voting", args=[plan.pk])
    client = as_user(street_official)
    assert client.get(url).status_code == 200
    data = {
        "version": plan.version,
        "voters_by_register": "3000",
        "voters_by_residence": "200",
        "voters_community_workers": "5",
        "voting_mode": "representatives",
        "party_members_entitled": "",
        "party_members_present": "",
        "runoff_on": "",
        "reelection_ground": "",
        "reelection_on": "",
        "reason": "",
    }
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.voting_mode, plan.voters_by_residence) == ("representatives", 200)


# --- postponement ---------------------------------------------------------------------------------


def _postpone(plan: CommunityPlan, by: Any, new_on: date, **kwargs: Any) -> Postponement:
    plan.refresh_from_db()
    values = {
        "approved_by_body": "区委组织部",
        "approved_on": date(2026, 11, 20),
        "reason": "拆迁安置未完成",
        **kwargs,
    }
    return plan_postpone(plan=plan, version=plan.version, new_on=new_on, by=by, **values)


def test_postponement_is_at_most_one_year(
    campaign_2026: Campaign, community: Any, office: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    with pytest.raises(PostponementError) as e:
        _postpone(plan, office, date(2027, 12, 21))
    assert "2027-12-20" in str(e.value)
    _postpone(plan, office, date(2027, 12, 20))
    plan.refresh_from_db()
    assert plan.election_on == date(2027, 12, 20)
    postponement = plan.postponements.get()
    assert (postponement.previous_on, postponement.approved_by_body) == (E, "区委组织部")
    assert postponement.history.first().history_change_reason == "election postponed"
    assert plan.history.first().history_change_reason == "election postponed"


def test_a_second_postponement_counts_from_the_first_day(
    campaign_2026: Campaign, community: Any, office: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    _postpone(plan, office, date(2027, 3, 1))
    with pytest.raises(PostponementError):
        _postpone(plan, office, date(2028, 2, 1))
    _postpone(plan, office, date(2027, 12, 20))
    assert plan.postponements.count() == 2


def test_postponement_needs_its_body_and_reason_and_a_later_day(
    campaign_2026: Campaign, community: Any, office: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    with pytest.raises(PostponementError):
        _postpone(plan, office, date(2027, 1, 10), approved_by_body=" ")
    with pytest.raises(PostponementError):
        _postpone(plan, office, date(2027, 1, 10), reason="")
    with pytest.raises(PostponementError):
        _postpone(plan, office, E)
    assert not Postponement.objects.exists()


def test_office_postpones_through_the_form(
    campaign_2026: Campaign, community: Any, office: Any, as_user: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    url = reverse("election:plan-postpone", args=[plan.pk])
    client = as_user(office)
    assert client.get(url).status_code == 200
    data = {
        "version": plan.version,
        "new_on": "2028-01-05",
        "approved_by_body": "区委",
        "approved_on": "2026-11-20",
        "reason": "拆迁",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "最长不超过12个月" in response.content.decode()
    data["new_on"] = "2027-01-05"
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert plan.election_on == date(2027, 1, 5)


def test_street_cannot_postpone(
    campaign_2026: Campaign, community: Any, street_official: Any, as_user: Any
) -> None:
    plan = plan_of(campaign_2026, community)
    url = reverse("election:plan-postpone", args=[plan.pk])
    assert as_user(street_official).get(url).status_code == 404


# --- term and household norm ----------------------------------------------------------------------


def test_add_months_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 20), 12) == date(2027, 12, 20)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_campaign_lists_the_committees_whose_term_ends_in_its_period(
    campaign_2026: Campaign, community: Any, other_community: Any, office: Any, as_user: Any
) -> None:
    due = Committee.objects.get(community=community, kind="party")
    due.term_started_on = date(2021, 12, 20)  # ends 2026-12-20, the campaign's election day
    due.save(update_fields=["term_started_on"])
    late = Committee.objects.get(community=other_community, kind="party")
    late.term_started_on = date(2021, 12, 21)  # ends a day after the campaign's election day
    late.save(update_fields=["term_started_on"])
    assert list(committees_due(campaign_2026)) == [due]
    assert term_ends_on(due.term_started_on, campaign_2026.rule_set) == E
    page = as_user(office).get(reverse("election:campaign-detail", args=[campaign_2026.pk]))
    assert page.context["due"]["count"] == 1
    assert "2026-12-20" in page.content.decode()


@pytest.mark.parametrize(
    ("households", "warned"),
    [(999, True), (1000, False), (3000, False), (3001, True), (None, False)],
)
def test_household_norm_of_a_residents_committee(households: int | None, warned: bool) -> None:
    community = CommunityFactory(households=households)
    assert bool(household_norm_problem(community, national())) is warned


def test_household_norm_does_not_apply_to_the_village_track(street: Any) -> None:
    community = village(street)
    community.households = 300
    assert household_norm_problem(community, national()) == ""


def test_seat_summary_and_community_page_warn_of_a_small_community(
    campaign_2026: Campaign, community: Any, office: Any, as_user: Any
) -> None:
    community.households = 800
    community.save(update_fields=["households"])
    client = as_user(office)
    summary = client.get(reverse("election:seats-summary", args=[campaign_2026.pk]))
    assert summary.context["outside_norm"] == 1
    assert "低于居民委员会设置规模下限1000户" in summary.content.decode()
    page = client.get(community.get_absolute_url()).content.decode()
    assert "低于居民委员会设置规模下限1000户" in page


def test_weekly_report_judges_party_seats_by_the_organisation_type(
    campaign_2026: Campaign, community: Any
) -> None:
    from reports.selectors.snapshot import seats_out_of_range

    plan = plan_of(campaign_2026, community)
    seat_plan = plan.seat_plans.get(body="party")
    seat_plan.planned_seats, seat_plan.planned_women = 4, 1
    seat_plan.save(update_fields=["planned_seats", "planned_women"])
    residents = plan.seat_plans.get(body="residents")
    residents.planned_women = 1
    residents.save(update_fields=["planned_women"])

    def flagged() -> list[tuple[str, int, int]]:
        rows = seats_out_of_range(campaign_2026, None)
        return [(r["body"], r["min_seats"], r["max_seats"]) for r in rows]

    assert flagged() == []  # a 党支部 of 4: within 3 to 7
    party = Committee.objects.get(community=community, kind="party")
    party.party_type = "committee"
    party.save(update_fields=["party_type"])
    # a 党委 of 4: below its 5 to 9
    assert [(min_seats, max_seats) for _body, min_seats, max_seats in flagged()] == [(5, 9)]


def test_committee_records_its_full_members_for_the_party_only(
    community: Any, street_official: Any
) -> None:
    from communities.services import committee_update

    party = Committee.objects.get(community=community, kind="party")
    committee_update(
        committee=party, version=party.version, data={"full_members": 6}, by=street_official
    )
    party.refresh_from_db()
    assert party.full_members == 6
    residents = Committee.objects.get(community=community, kind="residents")
    committee_update(
        committee=residents, version=residents.version, data={"full_members": 6}, by=street_official
    )
    residents.refresh_from_db()
    assert residents.full_members is None
