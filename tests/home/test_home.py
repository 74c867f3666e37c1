"""The role home pages (`/`): each role sees what it does now, every figure links to its list,
nothing outside the user's scope shows, and the queries do not grow with the district."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import grant_assign
from election.models import Campaign, CommunityPlan, PlanStep
from election.services.assignments import assignment_create, visit_create
from election.services.plans import campaign_start
from election.services.rollups import campaign_rollups_refresh
from tests.factories import CommunityFactory, StreetFactory, UserFactory

HOME = reverse("dashboard")
# the pages of every role, discipline and supervision counts (one query) and the office's banner
# of unacknowledged major events (one query) included
MAX_QUERIES = 14


@pytest.fixture
def counted(running_campaign: Campaign) -> Campaign:
    """The running campaign with today's rollups."""
    campaign_rollups_refresh(campaign_id=running_campaign.pk)
    return running_campaign


def _steps_url(campaign: Campaign, query: str) -> str:
    return reverse("election:dashboard-steps", args=[campaign.pk]) + query


def _count_queries(client: Any) -> int:
    client.get(HOME)  # warm-up: session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(campaign: Campaign, street: Any, admin_user: Any, *, per_street: int) -> None:
    """More communities in the district, in the user's street and in new streets, with plans."""
    CommunityFactory.create_batch(per_street, street=street)
    for _ in range(3):
        CommunityFactory.create_batch(per_street, street=StreetFactory(district=campaign.district))
    campaign_start(campaign=campaign, by=admin_user)
    campaign_rollups_refresh(campaign_id=campaign.pk)


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- the office ---------------------------------------------------------------------------------


def test_office_sees_the_campaign_the_district_and_its_shortcuts(
    as_user: Any, office: Any, counted: Campaign
) -> None:
    response = as_user(office).get(HOME)
    assert response.status_code == 200
    assert response.templates[0].name == "home/office.html"
    home = response.context["home"]
    [headline] = home.campaigns
    assert headline.campaign == counted
    assert headline.plans == 2
    assert (home.totals.communities, home.totals.streets) == (2, 2)
    body = response.content.decode()
    # the figures open the lists behind them; the shortcuts open the worklist and rule sets
    assert reverse("election:dashboard", args=[counted.pk]) in body
    assert _steps_url(counted, "?flag=overdue") in body
    assert reverse("election:worklist") + "?flag=red" in body
    assert reverse("election:ruleset-list") in body
    assert reverse("communities:community-list") + "?difficult=yes" in body


def test_office_without_a_district_sees_the_empty_state(as_user: Any, db: None) -> None:
    user = UserFactory(role="office")
    response = as_user(user).get(HOME)
    assert response.status_code == 200
    assert response.context["home"].campaigns == []
    assert response.context["home"].totals.communities == 0
    assert "election:ruleset-list" not in response.content.decode()


def test_office_home_queries_do_not_grow_with_the_district(
    as_user: Any, office: Any, counted: Campaign, street: Any, admin_user: Any
) -> None:
    client = as_user(office)
    small = _count_queries(client)
    _grow(counted, street, admin_user, per_street=8)
    assert CommunityPlan.objects.filter(campaign=counted).count() == 2 + 4 * 8
    assert _count_queries(client) == small <= MAX_QUERIES


# --- a street official --------------------------------------------------------------------------


def test_street_official_sees_its_communities_progress_and_worklist(
    as_user: Any, street_official: Any, counted: Campaign, community: Any, other_community: Any
) -> None:
    today = timezone.localdate()
    plan = CommunityPlan.objects.get(campaign=counted, community=community)
    steps = PlanStep.objects.filter(plan=plan)
    # two steps break a time limit (red counts done steps too), one open step is due in 3 days
    red, red_done, soon = steps.order_by("pk")[:3]
    PlanStep.objects.filter(pk=red.pk).update(is_red=True, red_reason="late")
    PlanStep.objects.filter(pk=red_done.pk).update(
        is_red=True, red_reason="late", status="done", done_on=today
    )
    PlanStep.objects.filter(pk=soon.pk).update(
        due_on=today + timedelta(days=3), status="not_started"
    )

    response = as_user(street_official).get(HOME)
    assert response.status_code == 200
    assert response.templates[0].name == "home/street.html"
    home = response.context["home"]
    [section] = home.campaigns
    # one row per community of its street; the other street's community is not there
    assert [r.plan.community for r in section.rows] == [community]
    [row] = section.rows
    overdue = steps.exclude(status="done").filter(due_on__lt=today).count()
    assert (row.counts.red, row.counts.overdue) == (2, overdue)
    assert (
        row.counts.soon
        == steps.exclude(status="done")
        .filter(due_on__gte=today, due_on__lte=today + timedelta(days=7))
        .count()
    )
    assert row.counts.soon >= 1
    body = response.content.decode()
    assert other_community.name not in body
    # the figures open the street's dashboard lists, per community
    assert _steps_url(counted, f"?community={community.pk}&amp;flag=red") in body
    assert _steps_url(counted, f"?community={community.pk}&amp;flag=soon") in body
    assert reverse("election:dashboard", args=[counted.pk]) in body
    # its survey ledger and seat sizing pages
    assert reverse("election:survey-edit", args=[plan.pk]) in body
    assert reverse("election:seats-edit", args=[plan.pk]) in body
    # the worklist's first items, red first, and a link to all of it
    first = home.worklist.object_list[0]
    assert first.pk == red.pk
    assert len(home.worklist.object_list) <= 5
    assert reverse("election:worklist") in body


def test_street_official_figures_match_the_lists_they_open(
    as_user: Any, street_official: Any, counted: Campaign, community: Any
) -> None:
    client = as_user(street_official)
    [section] = client.get(HOME).context["home"].campaigns
    overdue = client.get(_steps_url(counted, f"?community={community.pk}&flag=overdue"))
    assert overdue.status_code == 200
    assert overdue.context["page"].paginator.count == section.overdue


def test_street_official_without_campaign_is_told_so(
    as_user: Any, street_official: Any, community: Any
) -> None:
    response = as_user(street_official).get(HOME)
    assert response.status_code == 200
    assert response.context["home"].campaigns == []
    assert response.context["home"].streets == [community.street]


def test_street_home_queries_do_not_grow_with_the_district(
    as_user: Any, street_official: Any, counted: Campaign, street: Any, admin_user: Any
) -> None:
    client = as_user(street_official)
    small = _count_queries(client)
    _grow(counted, street, admin_user, per_street=10)
    response = client.get(HOME)
    assert len(response.context["home"].campaigns[0].rows) == 11
    assert _count_queries(client) == small <= MAX_QUERIES


# --- a leader -----------------------------------------------------------------------------------


@pytest.fixture
def assigned_leader(community: Any, office: Any) -> Any:
    user = UserFactory(username="leader-a", role="leader")
    assignment_create(community=community, user=user, kind="leader", by=office)
    return user


def test_leader_sees_assigned_communities_and_last_visit(
    as_user: Any,
    assigned_leader: Any,
    office: Any,
    counted: Campaign,
    community: Any,
    other_community: Any,
) -> None:
    assignment = assigned_leader.assignments.get()
    today = timezone.localdate()
    visit_create(
        assignment=assignment,
        data={"visited_on": today - timedelta(days=9), "summary": "Older visit"},
        by=assigned_leader,
    )
    visit_create(
        assignment=assignment,
        data={
            "visited_on": today - timedelta(days=2),
            "summary": "Voter list checked",
            "instructions": "Post the list at the gate",
        },
        by=assigned_leader,
    )
    response = as_user(assigned_leader).get(HOME)
    assert response.status_code == 200
    home = response.context["home"]
    assert home.last_visit.summary == "Voter list checked"
    [row] = home.rows
    assert row.community == community
    assert row.assignment.last_visit_on == today - timedelta(days=2)
    assert row.plan.campaign == counted
    body = response.content.decode()
    assert "Voter list checked" in body
    assert other_community.name not in body
    assert reverse("election:visit-add", args=[assignment.pk]) in body
    assert row.plan.get_absolute_url() in body


def test_leader_without_visits_sees_the_empty_state(
    as_user: Any, leader: Any, community: Any
) -> None:
    response = as_user(leader).get(HOME)
    assert response.status_code == 200
    assert response.context["home"].last_visit is None
    # a view grant without an assignment still lists the community it opens
    assert [r.community for r in response.context["home"].rows] == [community]


def test_leader_home_queries_do_not_grow_with_the_district(
    as_user: Any, assigned_leader: Any, counted: Campaign, street: Any, admin_user: Any
) -> None:
    client = as_user(assigned_leader)
    small = _count_queries(client)
    _grow(counted, street, admin_user, per_street=10)
    assert _count_queries(client) == small <= MAX_QUERIES


# --- a member unit, discipline, supervision -----------------------------------------------------


def test_member_unit_sees_an_honest_empty_queue(
    as_user: Any, member_unit_user: Any, counted: Campaign, community: Any
) -> None:
    response = as_user(member_unit_user).get(HOME)
    assert response.status_code == 200
    assert response.templates[0].name == "home/member_unit.html"
    home = response.context["home"]
    assert home.unit == member_unit_user.member_unit
    assert home.communities == 0
    body = response.content.decode()
    assert "data-empty-state" in body
    # nothing of the district leaks to an account without grants
    assert community.name not in body
    assert counted.name not in body


def test_member_unit_with_a_grant_links_what_it_may_read(
    as_user: Any, member_unit_user: Any, community: Any, admin_user: Any
) -> None:
    grant_assign(user=member_unit_user, obj=community, level="view", by=admin_user)
    response = as_user(member_unit_user).get(HOME)
    assert response.context["home"].communities == 1
    assert reverse("communities:community-list") in response.content.decode()


@pytest.mark.parametrize("role", ["discipline", "supervisor"])
def test_oversight_sees_its_discipline_work_and_the_district_read_only(
    role: str, request: Any, as_user: Any, counted: Campaign
) -> None:
    response = as_user(request.getfixturevalue(role)).get(HOME)
    assert response.status_code == 200
    assert response.templates[0].name == "home/oversight.html"
    home = response.context["home"]
    assert [h.campaign for h in home.campaigns] == [counted]
    assert home.totals.communities == 2
    assert not home.can_manage
    body = response.content.decode()
    assert 'id="home-discipline"' in body
    assert response.context["discipline"].reads_district
    assert reverse("election:dashboard", args=[counted.pk]) in body
    # no office shortcuts for a read-only role
    assert reverse("election:campaign-list") + '"' not in body


@pytest.mark.parametrize("role", ["discipline", "member_unit_user"])
def test_other_role_homes_queries_do_not_grow_with_the_district(
    role: str, request: Any, as_user: Any, counted: Campaign, street: Any, admin_user: Any
) -> None:
    client = as_user(request.getfixturevalue(role))
    small = _count_queries(client)
    _grow(counted, street, admin_user, per_street=8)
    assert _count_queries(client) == small <= MAX_QUERIES


def test_superuser_gets_the_office_home(as_user: Any, admin_user: Any, counted: Campaign) -> None:
    response = as_user(admin_user).get(HOME)
    assert response.templates[0].name == "home/office.html"
    assert response.context["home"].can_manage


def test_community_totals_count_the_users_scope_only(
    street_official: Any, street: Any, community: Any, other_community: Any
) -> None:
    from communities.models import Community
    from home.selectors import community_totals

    CommunityFactory(
        street=street,
        kind=Community.Kind.VILLAGE_CONVERTED,
        is_difficult=True,
        difficult_reason="x",
    )
    totals = community_totals(street_official)
    # the other street's community is not counted
    assert (totals.streets, totals.communities) == (1, 2)
    assert (totals.village_track, totals.difficult) == (1, 1)
