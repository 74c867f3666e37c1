"""Campaigns for the office: create, start through the worker, the campaign's page."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from election.models import Campaign, CommunityPlan, StreetStageRollup
from election.services.campaigns import (
    CampaignError,
    campaign_create,
    campaign_plans_create,
    campaign_start_request,
)
from election.tasks import campaign_start_task
from tests.election.conftest import PARTY_E, START, E

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # the services' messages are matched in English; the site's default language is Chinese
    with translation.override("en"):
        yield


def create(district: Any, rules: Any, by: Any, **overrides: Any) -> Campaign:
    values = {
        "district": district,
        "rule_set": rules,
        "name": "2026 re-election",
        "starts_on": START,
        "party_election_on": PARTY_E,
        "election_on": E,
        "by": by,
        **overrides,
    }
    return campaign_create(**values)


# --- services -------------------------------------------------------------------------------------


def test_create_makes_a_draft_with_history(district: Any, small_rules: Any, office: Any) -> None:
    campaign = create(district, small_rules, office, name="  Spring  ")

    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.name == "Spring"
    latest = campaign.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (office, "campaign created")
    assert not campaign.plans.exists()


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"name": " "}, "name"),
        ({"election_on": START}, "after the campaign's start"),
        ({"party_election_on": E}, "before the default election day"),
        ({"party_election_on": E + timedelta(days=1)}, "before the default election day"),
        ({"party_election_on": START - timedelta(days=1)}, "before the start"),
    ],
)
def test_create_refuses_bad_names_and_dates(
    district: Any, small_rules: Any, office: Any, overrides: dict[str, Any], words: str
) -> None:
    with pytest.raises(CampaignError, match=words):
        create(district, small_rules, office, **overrides)
    assert not Campaign.objects.exists()


def test_start_request_runs_the_campaign_and_the_worker_makes_the_plans(
    campaign: Campaign,
    community: Any,
    other_community: Any,
    office: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        campaign_start_request(campaign=campaign, by=office)

    campaign.refresh_from_db()
    assert callbacks
    assert campaign.status == Campaign.Status.RUNNING
    assert campaign.started_by == office
    assert CommunityPlan.objects.filter(campaign=campaign).count() == 2
    assert CommunityPlan.history.filter(history_user=office).count() == 2
    # the district dashboard's counts are there as soon as the plans are
    assert StreetStageRollup.objects.filter(campaign=campaign).exists()


def test_start_request_twice_adds_nothing_twice(
    campaign: Campaign, community: Any, office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        campaign_start_request(campaign=campaign, by=office)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_start_request(campaign=campaign, by=office)

    assert CommunityPlan.objects.filter(campaign=campaign).count() == 1
    assert campaign.history.filter(history_change_reason="campaign started").count() == 1


def test_start_request_refuses_a_closed_campaign(campaign: Campaign, office: Any) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    with pytest.raises(CampaignError, match="closed"):
        campaign_start_request(campaign=campaign, by=office)


def test_start_request_refuses_a_second_running_campaign_in_the_district(
    running_campaign: Campaign, small_rules: Any, office: Any
) -> None:
    second = create(running_campaign.district, small_rules, office, name="Another")
    with pytest.raises(CampaignError, match="still running"):
        campaign_start_request(campaign=second, by=office)
    second.refresh_from_db()
    assert second.status == Campaign.Status.DRAFT


def test_the_task_leaves_a_closed_campaign_alone(campaign: Campaign, community: Any) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    assert campaign_plans_create(campaign_id=campaign.pk, user_id=None) == 0
    assert campaign_plans_create(campaign_id=999_999, user_id=None) == 0
    assert not CommunityPlan.objects.exists()


def test_the_task_is_safe_to_run_twice(
    campaign: Campaign, community: Any, other_community: Any, office: Any
) -> None:
    campaign_start_task(campaign_id=campaign.pk, user_id=office.pk)
    campaign_start_task(campaign_id=campaign.pk, user_id=office.pk)
    assert CommunityPlan.objects.filter(campaign=campaign).count() == 2


# --- views ----------------------------------------------------------------------------------------


def test_office_creates_a_campaign_with_the_default_rule_set_preselected(
    as_user: Any, office: Any, small_rules: Any
) -> None:
    client = as_user(office)

    page = client.get(reverse("election:campaign-create"))
    preselected = page.context["form"].initial["rule_set"]
    assert preselected is not None
    assert preselected.is_default
    # one district: the field is not asked
    assert "district" not in page.context["form"].fields

    response = client.post(
        reverse("election:campaign-create"),
        {
            "rule_set": small_rules.pk,
            "name": "Autumn",
            "starts_on": "2026-11-01",
            "party_election_on": "2026-12-06",
            "election_on": "2026-12-20",
        },
    )
    campaign = Campaign.objects.get(name="Autumn")
    assert response.status_code == 302
    assert response["Location"] == reverse("election:campaign-detail", args=[campaign.pk])
    assert campaign.election_on == date(2026, 12, 20)


def test_create_form_shows_the_date_rule(as_user: Any, office: Any, small_rules: Any) -> None:
    response = as_user(office).post(
        reverse("election:campaign-create"),
        {
            "rule_set": small_rules.pk,
            "name": "Backwards",
            "starts_on": "2026-11-01",
            "party_election_on": "2026-12-20",
            "election_on": "2026-12-06",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Campaign.objects.exists()


def test_campaign_pages_are_the_office_s_only(
    as_user: Any, running_campaign: Campaign, street_official: Any, outsider: Any, leader: Any
) -> None:
    for user in (street_official, outsider, leader):
        client = as_user(user)
        assert client.get(reverse("election:campaign-list")).status_code == 404
        url = reverse("election:campaign-detail", args=[running_campaign.pk])
        assert client.get(url).status_code == 404
        start = reverse("election:campaign-start", args=[running_campaign.pk])
        assert client.post(start).status_code == 404


def test_another_district_s_office_gets_404(
    as_user: Any, running_campaign: Campaign, admin_user: Any
) -> None:
    from accounts.services import grant_assign
    from tests.factories import DistrictFactory, UserFactory

    elsewhere = UserFactory(username="office-elsewhere", role="office")
    grant_assign(user=elsewhere, obj=DistrictFactory(), level="manage", by=admin_user)
    url = reverse("election:campaign-detail", args=[running_campaign.pk])
    assert as_user(elsewhere).get(url).status_code == 404


def test_start_button_starts_and_the_page_polls_until_plans_exist(
    as_user: Any, campaign: Campaign, community: Any, office: Any
) -> None:
    client = as_user(office)
    detail = reverse("election:campaign-detail", args=[campaign.pk])

    # the test transaction never commits, so the worker has not run: the page shows "starting"
    response = client.post(reverse("election:campaign-start", args=[campaign.pk]))
    assert response.status_code == 302
    poll = client.get(detail + "?part=status", headers={"HX-Request": "true"})
    assert poll.context["is_starting"]
    assert "hx-trigger" in poll.content.decode()
    assert "HX-Refresh" not in poll

    campaign_start_task(campaign_id=campaign.pk, user_id=office.pk)
    poll = client.get(detail + "?part=status", headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    page = client.get(detail)
    assert page.context["overview"]["plans"] == 1
    assert reverse("election:dashboard", args=[campaign.pk]) in page.content.decode()


def test_campaign_list_shows_plan_counts(
    as_user: Any, running_campaign: Campaign, office: Any
) -> None:
    response = as_user(office).get(reverse("election:campaign-list"))
    assert [c.plans_count for c in response.context["campaigns"]] == [2]
