"""Competition (差额): formal candidates against planned seats, red on the plan's candidate-list
steps once they count; the candidate list notice and its printable page."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from election.models import Campaign, Candidate, CommunityPlan, PlanStep, PublicNotice, RuleSet
from election.models import SeatRule as SeatRuleModel
from election.selectors.competition import (
    campaign_shortfall_count,
    competition_shortfalls,
    party_needed,
)
from election.services.competition import candidate_list_notice_post
from election.services.plans import PlanError, campaign_start, plan_refresh
from tests.election.matrix_results import add_candidate_steps, make_candidates
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def start(district: Any, admin_user: Any, *, election_in: int, **rules: Any) -> Campaign:
    """A running campaign whose election day is `election_in` days from today."""
    rule_set = RuleSet.objects.create(
        code="competition", version=1, name="Competition rules", **rules
    )
    add_candidate_steps(rule_set)
    SeatRuleModel.objects.create(rule_set=rule_set, body="party", min_seats=3, max_seats=9)
    SeatRuleModel.objects.create(
        rule_set=rule_set, body="residents", min_seats=5, max_seats=9, requires_woman=True
    )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=rule_set,
        name="Competition campaign",
        starts_on=today - timedelta(days=60),
        election_on=today + timedelta(days=election_in),
        party_election_on=today + timedelta(days=election_in - 14),
    )
    campaign_start(campaign=campaign, by=admin_user)
    return campaign


def plan_of(campaign: Campaign, community: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=campaign, community=community)


def step(plan: CommunityPlan, code: str) -> PlanStep:
    plan_refresh(plan=plan)
    return PlanStep.objects.get(plan=plan, template__code=code)


# --- the rules ------------------------------------------------------------------------------------


def test_party_needs_twenty_percent_more_rounded_up() -> None:
    assert [party_needed(s, 20) for s in (3, 5, 6, 10)] == [4, 6, 8, 12]


def test_residents_one_short_is_red_past_the_due_date_naming_the_rule_and_figures(
    district: Any, community: Any, admin_user: Any
) -> None:
    # election in 2 days: the list's step (E - 5) is past its due date
    plan = plan_of(start(district, admin_user, election_in=2), community)
    make_candidates(plan, "residents", 7, women=1)  # 7 seats need 8

    final = step(plan, "candidates-final")

    assert final.is_red
    assert "差额不足" in final.red_reason
    assert "正式候选人 7 人" in final.red_reason
    assert "应至少 8 人" in final.red_reason
    plan.refresh_from_db()
    assert plan.steps_red >= 1


def test_residents_with_one_more_than_the_seats_is_not_red(
    district: Any, community: Any, admin_user: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=2), community)
    make_candidates(plan, "residents", 8, women=1)

    final = step(plan, "candidates-final")

    assert not [s for s in competition_shortfalls(plan) if "居民委员会" in s]
    assert "差额" not in final.red_reason


def test_residents_surplus_is_data_on_the_rule_set(
    district: Any, community: Any, admin_user: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=2, residents_surplus_min=2), community)
    make_candidates(plan, "residents", 8, women=1)  # 7 seats now need 9

    assert "应至少 9 人" in step(plan, "candidates-final").red_reason


def test_party_short_of_twenty_percent_is_red_on_the_approval_step(
    district: Any, community: Any, admin_user: Any
) -> None:
    # the Party's election is 12 days before E: E in 20 days puts its approval step in the past
    plan = plan_of(start(district, admin_user, election_in=20), community)
    make_candidates(plan, "party", 5)  # 5 seats need 6

    approval = step(plan, "party-candidates-approval")

    assert approval.is_red
    assert "正式候选人 5 人" in approval.red_reason
    assert "20%" in approval.red_reason
    # the residents' shortfall is not the Party's step's business
    assert "居民委员会" not in approval.red_reason


def test_party_with_enough_candidates_is_not_red(
    district: Any, community: Any, admin_user: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=20), community)
    make_candidates(plan, "party", 6)

    assert not step(plan, "party-candidates-approval").is_red


def test_a_shortfall_waits_until_the_step_counts(
    district: Any, community: Any, admin_user: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=60), community)
    make_candidates(plan, "residents", 3, women=1)
    final = step(plan, "candidates-final")
    assert not final.is_red  # due in 55 days, not done, no notice

    final.status, final.done_on = PlanStep.Status.DONE, timezone.localdate()
    final.save(update_fields=["status", "done_on"])

    assert "差额不足" in step(plan, "candidates-final").red_reason


def test_no_woman_among_the_candidates_is_red_where_the_committee_needs_one(
    district: Any, community: Any, admin_user: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=2), community)
    make_candidates(plan, "residents", 8, women=0)

    reason = step(plan, "candidates-final").red_reason

    assert "正式候选人中没有女性" in reason


def test_a_woman_among_the_candidates_clears_it(
    district: Any, community: Any, admin_user: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=2), community)
    make_candidates(plan, "residents", 8, women=1)

    assert "女性" not in step(plan, "candidates-final").red_reason


def test_planned_women_require_a_woman_candidate_too(
    district: Any, community: Any, admin_user: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=20), community)
    plan.seat_plans.filter(body="party").update(planned_women=1)
    make_candidates(plan, "party", 6)

    assert any("女性" in s for s in competition_shortfalls(plan))


def test_withdrawn_and_disqualified_do_not_count(
    district: Any, community: Any, admin_user: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=2), community)
    make_candidates(plan, "residents", 7, women=1)
    make_candidates(plan, "residents", 1, status=Candidate.Status.WITHDRAWN, prefix="Gone")
    make_candidates(plan, "residents", 1, status=Candidate.Status.NOMINEE, prefix="Nominee")

    assert step(plan, "candidates-final").is_red


# --- the campaign's count -------------------------------------------------------------------------


def test_shortfall_count_counts_red_committees_by_street_in_one_query(
    district: Any,
    street: Any,
    other_street: Any,
    community: Any,
    other_community: Any,
    admin_user: Any,
    django_assert_num_queries: Any,
) -> None:
    campaign = start(district, admin_user, election_in=2)
    make_candidates(plan_of(campaign, community), "residents", 7, women=1)  # short
    make_candidates(plan_of(campaign, other_community), "residents", 8, women=1)  # enough
    make_candidates(plan_of(campaign, other_community), "party", 6)  # enough
    # no one registered for community's Party committee: the register is not in use there
    assert campaign_shortfall_count(campaign=campaign) == 1
    make_candidates(plan_of(campaign, community), "party", 1, status=Candidate.Status.NOMINEE)

    with django_assert_num_queries(1):
        everywhere = campaign_shortfall_count(campaign=campaign)
    # community: residents short; its Party's approval step is past due with a nominee but no
    # formal candidate (election in 2 days); other_community: nothing short
    assert everywhere == 2
    assert campaign_shortfall_count(campaign=campaign, street=other_street.pk) == 0
    assert campaign_shortfall_count(campaign=campaign, street=street.pk) == 2


def test_shortfall_count_does_not_grow_in_queries_with_plans(
    district: Any, street: Any, admin_user: Any, django_assert_num_queries: Any
) -> None:
    CommunityFactory.create_batch(5, street=street)
    campaign = start(district, admin_user, election_in=2)
    assert campaign_shortfall_count(campaign=campaign) == 0  # no one registered anywhere
    for plan in CommunityPlan.objects.filter(campaign=campaign):
        for body in ("party", "residents"):
            make_candidates(plan, body, 1, status=Candidate.Status.NOMINEE, prefix=f"P{plan.pk}")

    with django_assert_num_queries(1):
        count = campaign_shortfall_count(campaign=campaign)

    assert count == 10  # five communities, two committees each, nominees but no formal candidate


def test_shortfall_count_waits_for_the_step_like_the_plan(
    district: Any, community: Any, admin_user: Any
) -> None:
    campaign = start(district, admin_user, election_in=60)
    make_candidates(plan_of(campaign, community), "residents", 3, women=1)

    assert campaign_shortfall_count(campaign=campaign) == 0


# --- the candidate list notice --------------------------------------------------------------------


def notice_data() -> dict[str, Any]:
    return {"title": "正式候选人名单", "place": "居务公开栏", "posted_on": timezone.localdate()}


def test_notice_is_refused_while_the_list_is_empty(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=10), community)

    with pytest.raises(PlanError, match="尚无可公布的正式候选人"):
        candidate_list_notice_post(
            plan=plan, body="residents", data=notice_data(), photo=None, by=street_official
        )

    assert not PublicNotice.objects.exists()


def test_notice_is_refused_while_the_list_is_short(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=10), community)
    make_candidates(plan, "residents", 7, women=1)

    with pytest.raises(PlanError, match="差额不足"):
        candidate_list_notice_post(
            plan=plan, body="residents", data=notice_data(), photo=None, by=street_official
        )

    assert not PublicNotice.objects.exists()


def test_notice_posted_in_time_is_not_red_and_is_in_the_history(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=10), community)
    make_candidates(plan, "residents", 8, women=1)

    notice = candidate_list_notice_post(
        plan=plan, body="residents", data=notice_data(), photo=None, by=street_official
    )

    assert notice.step.template.code == "candidates-final"
    assert notice.history.latest().history_user == street_official
    assert not step(plan, "candidates-final").is_red
    # the same post again adds no copy
    candidate_list_notice_post(
        plan=plan, body="residents", data=notice_data(), photo=None, by=street_official
    )
    assert PublicNotice.objects.count() == 1


def test_notice_posted_too_late_is_red_by_the_lead_time(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    # posted 3 days before E; the rule wants 5
    plan = plan_of(start(district, admin_user, election_in=3), community)
    make_candidates(plan, "residents", 8, women=1)

    candidate_list_notice_post(
        plan=plan, body="residents", data=notice_data(), photo=None, by=street_official
    )

    final = step(plan, "candidates-final")
    assert final.is_red
    assert "5 days before E" in final.red_reason


def test_party_list_is_posted_on_the_party_notice_step(
    district: Any, community: Any, admin_user: Any, office: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=30), community)
    make_candidates(plan, "party", 6)

    notice = candidate_list_notice_post(
        plan=plan, body="party", data=notice_data(), photo=None, by=office
    )

    assert notice.step.template.code == "party-publicity"


def test_notice_page_posts_the_list_for_the_street_official(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=10), community)
    make_candidates(plan, "residents", 8, women=1)
    client = Client()
    client.force_login(street_official)
    url = reverse("election:candidate-notice", args=[plan.pk]) + "?body=residents"

    page = client.get(url)
    response = client.post(url, {**notice_data(), "posted_on": timezone.localdate().isoformat()})

    assert page.status_code == 200
    assert "公布候选人名单" in page.content.decode()
    assert response.status_code == 302
    assert PublicNotice.objects.filter(step__plan=plan).count() == 1


def test_notice_page_shows_the_shortfall_and_saves_nothing(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=10), community)
    make_candidates(plan, "residents", 2, women=1)
    client = Client()
    client.force_login(street_official)
    url = reverse("election:candidate-notice", args=[plan.pk]) + "?body=residents"

    response = client.post(url, {**notice_data(), "posted_on": timezone.localdate().isoformat()})

    assert response.status_code == 200
    assert "差额不足" in response.content.decode()
    assert not PublicNotice.objects.exists()


def test_notice_page_is_404_for_the_outsider_and_for_an_unknown_body(
    district: Any, community: Any, admin_user: Any, street_official: Any, outsider: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=10), community)
    url = reverse("election:candidate-notice", args=[plan.pk])
    outside, inside = Client(), Client()
    outside.force_login(outsider)
    inside.force_login(street_official)

    assert outside.get(url + "?body=residents").status_code == 404
    assert inside.get(url + "?body=nonsense").status_code == 404


def test_printable_list_shows_the_people_but_no_id_number(
    district: Any, community: Any, admin_user: Any, leader: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=10), community)
    candidates = make_candidates(plan, "residents", 2, women=1)
    client = Client()
    client.force_login(leader)

    html = client.get(
        reverse("election:candidate-list-print", args=[plan.pk]) + "?body=residents"
    ).content.decode()

    assert candidates[0].name in html
    assert "女" in html
    assert "大专" in html
    assert candidates[0].id_number not in html
    assert candidates[0].id_number[-4:] not in html


def test_the_plan_page_and_the_worklist_show_the_shortfall(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    plan = plan_of(start(district, admin_user, election_in=2), community)
    make_candidates(plan, "residents", 7, women=1)
    step(plan, "candidates-final")
    client = Client()
    client.force_login(street_official)

    page = client.get(reverse("election:plan-detail", args=[plan.pk])).content.decode()
    worklist = client.get(reverse("election:worklist") + "?flag=red").content.decode()

    assert "差额不足" in page
    assert "差额不足" in worklist
