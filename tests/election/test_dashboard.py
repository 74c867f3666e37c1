"""The district dashboard (and a street official's view of it), the lists behind its numbers and
the root page's campaign section."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from election.models import Campaign, CampaignSnapshot, PlanStep, StreetStageRollup
from election.services.plans import campaign_start
from election.services.rollups import campaign_rollups_refresh
from tests.factories import CommunityFactory, StreetFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def counted(running_campaign: Campaign) -> Campaign:
    """The running campaign with today's rollups and snapshot."""
    campaign_rollups_refresh(campaign_id=running_campaign.pk)
    return running_campaign


def _url(campaign: Campaign, query: str = "") -> str:
    return reverse("election:dashboard", args=[campaign.pk]) + query


def _steps_url(campaign: Campaign, query: str = "") -> str:
    return reverse("election:dashboard-steps", args=[campaign.pk]) + query


def test_office_sees_the_headline_figures(as_user: Any, office: Any, counted: Campaign) -> None:
    response = as_user(office).get(_url(counted))
    assert response.status_code == 200
    d = response.context["dashboard"]
    steps = PlanStep.objects.filter(plan__campaign=counted)
    today = timezone.localdate()
    assert (d.communities, d.plans) == (2, 2)
    assert d.steps_total == steps.count()
    assert d.steps_overdue == steps.exclude(status="done").filter(due_on__lt=today).count()
    assert d.steps_red == 0
    assert not d.is_stale
    # one row per street, one cell per stage of the rule set
    assert len(d.streets) == 2
    assert all(len(row.cells) == len(d.stages) == 4 for row in d.streets)
    # every plan is at its first open stage
    assert sum(s.plans_current for s in d.stages) + d.plans_finished == 2
    assert b'id="dashboard-data"' in response.content
    assert b"js/dashboard.js" in response.content


@pytest.mark.parametrize("role", ["discipline", "supervisor"])
def test_district_readers_see_the_dashboard(
    role: str, request: Any, as_user: Any, counted: Campaign
) -> None:
    assert as_user(request.getfixturevalue(role)).get(_url(counted)).status_code == 200


@pytest.mark.parametrize("role", ["leader", "member_unit_user"])
def test_users_below_the_street_get_404(
    role: str, request: Any, as_user: Any, counted: Campaign
) -> None:
    client = as_user(request.getfixturevalue(role))
    assert client.get(_url(counted)).status_code == 404
    assert client.get(_steps_url(counted, "?flag=overdue")).status_code == 404


def test_street_official_sees_its_street_only(
    as_user: Any, street_official: Any, counted: Campaign, community: Any, other_community: Any
) -> None:
    response = as_user(street_official).get(_url(counted))
    assert response.status_code == 200
    d = response.context["dashboard"]
    mine = PlanStep.objects.filter(plan__campaign=counted, plan__community=community)
    today = timezone.localdate()
    assert d.scope.street_ids == (community.street_id,)
    # every figure counted over its street's communities, not the district's
    assert (d.communities, d.plans) == (1, 1)
    assert d.steps_total == mine.count()
    assert d.steps_overdue == mine.exclude(status="done").filter(due_on__lt=today).count()
    assert [row.name for row in d.streets] == [community.street.name]
    assert sum(s.steps_total for s in d.stages) == mine.count()
    # the district's overdue history is not the street's: not shown
    assert d.charts["overdue"]["dates"] == []
    assert other_community.street.name.encode() not in response.content


def test_street_officials_lists_keep_to_its_street(
    as_user: Any, street_official: Any, counted: Campaign, community: Any, other_community: Any
) -> None:
    client = as_user(street_official)
    steps = client.get(_steps_url(counted)).context["page"]
    assert {s.plan.community_id for s in steps} == {community.pk}
    assert steps.paginator.count == PlanStep.objects.filter(plan__community=community).count()
    # another street named in the query is treated as absent, and shows nothing of it
    foreign = client.get(_steps_url(counted, f"?street={other_community.street_id}"))
    assert foreign.status_code == 200
    assert foreign.context["context"].street is None
    assert foreign.context["page"].paginator.count == 0
    plans = client.get(_steps_url(counted, "?flag=plans")).context["page"]
    assert [p.community for p in plans] == [community]
    # a community of another street, by id: nothing
    other = client.get(_steps_url(counted, f"?community={other_community.pk}"))
    assert other.context["page"].paginator.count == 0
    assert other.context["context"].community is None


def test_due_soon_list_keeps_open_steps_due_within_a_week(
    as_user: Any, office: Any, counted: Campaign, community: Any
) -> None:
    today = timezone.localdate()
    steps = PlanStep.objects.filter(plan__community=community).order_by("pk")
    due, done, later = steps[:3]
    PlanStep.objects.filter(pk=due.pk).update(
        due_on=today + timedelta(days=7), status="not_started"
    )
    PlanStep.objects.filter(pk=done.pk).update(due_on=today, status="done", done_on=today)
    PlanStep.objects.filter(pk=later.pk).update(due_on=today + timedelta(days=8))
    response = as_user(office).get(_steps_url(counted, f"?community={community.pk}&flag=soon"))
    found = {s.pk for s in response.context["page"]}
    assert due.pk in found
    assert done.pk not in found
    assert later.pk not in found
    assert response.context["context"].community == community


def test_street_dashboard_query_count_does_not_grow(
    as_user: Any, street_official: Any, counted: Campaign, street: Any, admin_user: Any
) -> None:
    client = as_user(street_official)
    client.get(_url(counted))
    with CaptureQueriesContext(connection) as small:
        client.get(_url(counted))
    CommunityFactory.create_batch(4, street=street)
    for _ in range(3):
        CommunityFactory.create_batch(3, street=StreetFactory(district=counted.district))
    campaign_start(campaign=counted, by=admin_user)
    campaign_rollups_refresh(campaign_id=counted.pk)
    with CaptureQueriesContext(connection) as large:
        response = client.get(_url(counted))
    assert response.context["dashboard"].communities == 5
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_another_districts_campaign_is_404(as_user: Any, office: Any, counted: Campaign) -> None:
    other = StreetFactory().district
    foreign = Campaign.objects.create(
        district=other,
        rule_set=counted.rule_set,
        name="Elsewhere",
        starts_on=counted.starts_on,
        election_on=counted.election_on,
        party_election_on=counted.party_election_on,
    )
    assert as_user(office).get(_url(foreign)).status_code == 404


def test_stale_figures_ask_for_a_refresh(
    as_user: Any, office: Any, counted: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    StreetStageRollup.objects.filter(campaign=counted).update(as_of=yesterday)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = as_user(office).get(_url(counted))
    assert response.context["dashboard"].is_stale
    assert len(callbacks) == 1
    # a second view while the refresh is pending queues nothing more
    with django_capture_on_commit_callbacks(execute=False) as again:
        as_user(office).get(_url(counted))
    assert again == []
    callbacks[0]()
    assert set(
        StreetStageRollup.objects.filter(campaign=counted).values_list("as_of", flat=True)
    ) == {timezone.localdate()}
    assert CampaignSnapshot.objects.filter(campaign=counted, on=timezone.localdate()).exists()


def test_query_count_does_not_grow_with_the_district(
    as_user: Any, office: Any, counted: Campaign, admin_user: Any
) -> None:
    client = as_user(office)
    client.get(_url(counted))
    with CaptureQueriesContext(connection) as small:
        client.get(_url(counted))
    for _ in range(6):
        street = StreetFactory(district=counted.district)
        CommunityFactory.create_batch(3, street=street)
    campaign_start(campaign=counted, by=admin_user)
    campaign_rollups_refresh(campaign_id=counted.pk)
    with CaptureQueriesContext(connection) as large:
        response = client.get(_url(counted))
    assert len(response.context["dashboard"].streets) == 8
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_all_streets_are_paginated(as_user: Any, office: Any, counted: Campaign) -> None:
    response = as_user(office).get(_url(counted, "?streets=all"))
    d = response.context["dashboard"]
    assert d.street_page is not None
    assert d.street_page.paginator.count == 2


def test_streets_with_most_overdue_steps_come_first(
    as_user: Any, office: Any, counted: Campaign, community: Any, other_community: Any
) -> None:
    StreetStageRollup.objects.filter(campaign=counted, street=other_community.street).update(
        steps_overdue=5
    )
    response = as_user(office).get(_url(counted))
    names = [row.name for row in response.context["dashboard"].streets]
    assert names == [other_community.street.name, community.street.name]


def test_overdue_list_shows_the_overdue_steps_with_links_to_their_plans(
    as_user: Any, office: Any, counted: Campaign, community: Any
) -> None:
    today = timezone.localdate()
    overdue = PlanStep.objects.filter(
        plan__campaign=counted, plan__community__street=community.street, due_on__lt=today
    ).exclude(status="done")
    response = as_user(office).get(
        _steps_url(counted, f"?street={community.street_id}&flag=overdue")
    )
    assert response.status_code == 200
    page = response.context["page"]
    assert {s.pk for s in page} == set(overdue.values_list("pk", flat=True))
    assert overdue.exists()
    plan = overdue.first().plan
    assert plan.get_absolute_url().encode() in response.content


def test_red_list_is_empty_without_broken_limits(
    as_user: Any, office: Any, counted: Campaign
) -> None:
    response = as_user(office).get(_steps_url(counted, "?flag=red"))
    assert response.context["page"].paginator.count == 0


def test_plan_lists_behind_the_stage_figures(as_user: Any, office: Any, counted: Campaign) -> None:
    survey = counted.rule_set.stages.get(code="survey")
    client = as_user(office)
    current = client.get(_steps_url(counted, f"?stage={survey.pk}&flag=current"))
    assert current.context["page"].paginator.count == 2
    completed = client.get(_steps_url(counted, f"?stage={survey.pk}&flag=completed"))
    assert completed.context["page"].paginator.count == 0
    everything = client.get(_steps_url(counted, "?flag=plans"))
    assert everything.context["page"].paginator.count == 2


def test_list_ignores_a_street_of_another_district(
    as_user: Any, office: Any, counted: Campaign
) -> None:
    foreign = StreetFactory()
    response = as_user(office).get(_steps_url(counted, f"?street={foreign.pk}&flag=bogus"))
    assert response.status_code == 200
    assert response.context["context"].street is None
    assert response.context["filters"].flag == ""


def test_list_query_count_is_constant(
    as_user: Any, office: Any, counted: Campaign, admin_user: Any
) -> None:
    client = as_user(office)
    url = _steps_url(counted, "?flag=open")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    CommunityFactory.create_batch(5, street=StreetFactory(district=counted.district))
    campaign_start(campaign=counted, by=admin_user)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_root_dashboard_shows_the_running_campaign(
    as_user: Any, office: Any, counted: Campaign
) -> None:
    response = as_user(office).get(reverse("dashboard"))
    [headline] = response.context["home"].campaigns
    assert headline.campaign == counted
    assert headline.plans == 2
    assert _url(counted).encode() in response.content


@pytest.mark.django_db
def test_seed_scale_gives_the_scale_district_a_campaign_with_figures() -> None:
    from io import StringIO

    from django.core.management import call_command

    from election.models import CommunityPlan, RuleSet

    if not RuleSet.objects.filter(is_default=True).exists():
        pytest.skip("no default rule set loaded")
    for _ in range(2):  # the second run replaces the first, campaign data included
        call_command("seed_scale", communities=60, stdout=StringIO())
    campaign = Campaign.objects.get(district__code="scale")
    assert campaign.status == Campaign.Status.RUNNING
    plans = CommunityPlan.objects.filter(campaign=campaign)
    assert plans.count() == 60
    assert Campaign.objects.filter(district__code="scale").count() == 1
    # the counters agree with the steps
    plan = plans.order_by("pk").first()
    assert plan is not None
    assert plan.steps_total == plan.steps.count()
    assert plan.steps_done == plan.steps.filter(status="done").count()
    steps = PlanStep.objects.filter(plan__campaign=campaign)
    assert steps.filter(status="done").exists()
    assert steps.exclude(status="done").filter(due_on__lt=timezone.localdate()).exists()
    rollups = StreetStageRollup.objects.filter(campaign=campaign)
    assert sum(rollups.values_list("steps_total", flat=True)) == steps.count()
    assert CampaignSnapshot.objects.filter(campaign=campaign).count() == 30
