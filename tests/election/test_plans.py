"""The plan page, moving election day, closing and reopening stages, the community page's link."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.exceptions import ConflictError
from election.models import Campaign, CommunityPlan, PlanStage, PlanStep
from election.services.notices import notice_add
from election.services.plans import (
    PlanError,
    plan_dates_update,
    stage_close,
    stage_reopen,
    step_update,
)
from tests.election.conftest import PARTY_E, E

TODAY = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def plan_of(community: Any) -> CommunityPlan:
    return CommunityPlan.objects.select_related("campaign", "community").get(community=community)


def step_of(plan: CommunityPlan, code: str) -> PlanStep:
    return PlanStep.objects.select_related("stage", "template").get(plan=plan, template__code=code)


def stage_of(plan: CommunityPlan, code: str) -> PlanStage:
    return PlanStage.objects.select_related("template").get(plan=plan, template__code=code)


def voter_list_posted(plan: CommunityPlan, on: date, by: User) -> None:
    notice_add(
        step=step_of(plan, "voter-list"),
        data={"title": "Voter list", "place": "Notice board", "posted_on": on},
        photo=None,
        by=by,
    )


def test_plan_page_shows_steps_with_their_red_and_overdue_flags(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    voter_list_posted(plan, E - timedelta(days=18), street_official)
    response = as_user(street_official).get(plan.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    # the red message names the broken rule and by how much (in the site's language)
    red = step_of(plan, "voter-list").red_reason
    assert red.startswith("Voter list posted at least 20 days before E")
    assert "18" in red
    assert red in body
    # the forums were due on 15 November and are not done
    forums = next(s for sec in response.context["sections"] for s in sec.steps if s.order == 101)
    assert forums.is_overdue
    assert [sec.stage.template.code for sec in response.context["sections"]] == [
        "survey",
        "voters",
        "vote",
        "handover",
    ]
    assert response.context["can_edit"]
    assert reverse("election:step-edit", args=[forums.pk]) in body


def test_leader_reads_the_plan_without_edit_buttons(
    running_campaign: Campaign, community: Any, leader: User, as_user: Any
) -> None:
    plan = plan_of(community)
    client = as_user(leader)
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert not response.context["can_edit"]
    assert reverse("election:plan-dates", args=[plan.pk]) not in response.content.decode()
    step = step_of(plan, "forums")
    assert client.get(reverse("election:step-edit", args=[step.pk])).status_code == 404


def test_another_streets_plan_does_not_exist_for_the_outsider(
    running_campaign: Campaign, community: Any, outsider: User, as_user: Any
) -> None:
    plan = plan_of(community)
    client = as_user(outsider)
    assert client.get(plan.get_absolute_url()).status_code == 404
    url = reverse("election:plan-dates", args=[plan.pk])
    data = {"version": plan.version, "election_on": E, "party_election_on": PARTY_E}
    assert client.post(url, data).status_code == 404


def test_moving_election_day_recomputes_due_dates_and_clears_the_red_flag(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    voter_list_posted(plan, E - timedelta(days=18), street_official)
    assert step_of(plan, "voter-list").is_red
    plan.refresh_from_db()
    assert plan.steps_red == 1
    later = E + timedelta(days=2)
    response = as_user(street_official).post(
        reverse("election:plan-dates", args=[plan.pk]),
        {
            "version": plan.version,
            "election_on": later.isoformat(),
            "party_election_on": PARTY_E.isoformat(),
            "reason": "venue booked",
        },
    )
    assert response.status_code == 302
    step = step_of(plan, "voter-list")
    assert step.due_on == later - timedelta(days=20)
    assert not step.is_red
    assert step.red_reason == ""
    plan.refresh_from_db()
    assert plan.election_on == later
    assert plan.steps_red == 0
    assert plan.history.first().history_change_reason == "venue booked"


def test_moving_election_day_from_a_stale_form_is_refused(
    running_campaign: Campaign, community: Any, street_official: User, office: User
) -> None:
    plan = plan_of(community)
    loaded_at = plan.version
    plan_dates_update(
        plan=plan,
        version=loaded_at,
        election_on=E,
        party_election_on=PARTY_E - timedelta(1),
        by=office,
    )
    with pytest.raises(ConflictError):
        plan_dates_update(
            plan=plan,
            version=loaded_at,
            election_on=E + timedelta(days=5),
            party_election_on=PARTY_E,
            by=street_official,
        )
    plan.refresh_from_db()
    assert plan.election_on == E


def test_party_election_after_election_day_is_refused(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    with pytest.raises(PlanError):
        plan_dates_update(
            plan=plan,
            version=plan.version,
            election_on=E,
            party_election_on=E + timedelta(days=1),
            by=street_official,
        )
    response = as_user(street_official).post(
        reverse("election:plan-dates", args=[plan.pk]),
        {"version": plan.version, "election_on": E, "party_election_on": E + timedelta(days=1)},
        follow=True,
    )
    assert len(list(response.context["messages"])) == 1
    plan.refresh_from_db()
    assert plan.party_election_on == PARTY_E


def test_saving_the_same_days_again_changes_nothing(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    plan = plan_of(community)
    before = plan.version
    plan_dates_update(
        plan=plan, version=before, election_on=E, party_election_on=PARTY_E, by=street_official
    )
    plan.refresh_from_db()
    assert plan.version == before


def finish_stage(plan: CommunityPlan, code: str, by: User) -> PlanStage:
    for step in PlanStep.objects.filter(plan=plan, stage__template__code=code):
        step_update(step=step, version=step.version, data={"status": "done"}, by=by)
    return stage_of(plan, code)


def test_a_stage_closes_only_when_its_steps_are_done(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    survey = stage_of(plan, "survey")
    client = as_user(street_official)
    response = client.post(reverse("election:stage-close", args=[survey.pk]), follow=True)
    # the message names the open step
    assert "Forums" in str(next(iter(response.context["messages"])))
    survey.refresh_from_db()
    assert not survey.is_closed

    finish_stage(plan, "survey", street_official)
    assert client.post(reverse("election:stage-close", args=[survey.pk])).status_code == 302
    survey.refresh_from_db()
    assert survey.is_closed
    assert survey.history.first().history_user == street_official
    # a second close changes nothing
    version = survey.version
    stage_close(stage=survey, by=street_official)
    survey.refresh_from_db()
    assert survey.version == version
    assert "badge text-bg-secondary" in client.get(plan.get_absolute_url()).content.decode()


def test_a_closed_stage_freezes_its_steps(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    plan = plan_of(community)
    survey = finish_stage(plan, "survey", street_official)
    stage_close(stage=survey, by=street_official)
    step = step_of(plan, "forums")
    with pytest.raises(PlanError, match="Survey"):
        step_update(
            step=step, version=step.version, data={"status": "in_progress"}, by=street_official
        )


def test_reopening_needs_a_reason_and_keeps_it_in_the_history(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    survey = finish_stage(plan, "survey", street_official)
    stage_close(stage=survey, by=street_official)
    client = as_user(street_official)
    url = reverse("election:stage-reopen", args=[survey.pk])
    assert client.post(url, {"reason": "  "}).status_code == 302
    survey.refresh_from_db()
    assert survey.is_closed
    with pytest.raises(PlanError):
        stage_reopen(stage=survey, reason="", by=street_official)

    client.post(url, {"reason": "forum count was wrong"})
    survey.refresh_from_db()
    assert not survey.is_closed
    assert survey.history.first().history_change_reason == "forum count was wrong"
    # reopening an open stage changes nothing
    version = survey.version
    stage_reopen(stage=survey, reason="again", by=street_official)
    survey.refresh_from_db()
    assert survey.version == version


def test_a_leader_cannot_close_or_reopen(
    running_campaign: Campaign, community: Any, leader: User, as_user: Any
) -> None:
    stage = stage_of(plan_of(community), "survey")
    client = as_user(leader)
    assert client.post(reverse("election:stage-close", args=[stage.pk])).status_code == 404
    response = client.post(reverse("election:stage-reopen", args=[stage.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_the_community_page_links_its_plans_in_a_constant_number_of_queries(
    running_campaign: Campaign,
    community: Any,
    district: Any,
    small_rules: Any,
    street_official: User,
    admin_user: User,
    as_user: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from election.services.plans import campaign_start

    client = as_user(street_official)
    url = community.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert plan_of(community).get_absolute_url() in response.content.decode()
    running_campaign.status = Campaign.Status.CLOSED
    running_campaign.save(update_fields=["status"])
    second = Campaign.objects.create(
        district=district,
        rule_set=small_rules,
        name="By-election",
        starts_on=E,
        election_on=E + timedelta(days=60),
        party_election_on=E + timedelta(days=40),
    )
    campaign_start(campaign=second, by=admin_user)
    with CaptureQueriesContext(connection) as two:
        response = client.get(url)
    assert len(response.context["plans"]) == 2
    assert len(two.captured_queries) == len(one.captured_queries)
