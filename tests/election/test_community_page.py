"""A community's page (communities, below election) lists the community's plans: the election
app tells the hierarchy of its part when it starts, so the hierarchy never imports it."""

from typing import Any

from django.urls import reverse

from accounts.models import User
from communities.selectors import community_page_parts
from election.models import Campaign, CommunityPlan


def test_the_community_page_links_its_plan(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = CommunityPlan.objects.get(community=community)

    response = as_user(street_official).get(
        reverse("communities:community-detail", args=[community.pk])
    )

    assert response.status_code == 200
    assert plan.get_absolute_url().encode() in response.content


def test_the_election_app_adds_the_plans_to_the_community_page(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    plans = community_page_parts(street_official, community)["plans"]

    assert [p.community_id for p in plans] == [community.pk]


def test_an_outsider_does_not_see_the_community_page(
    running_campaign: Campaign, community: Any, outsider: User, as_user: Any
) -> None:
    url = reverse("communities:community-detail", args=[community.pk])

    assert as_user(outsider).get(url).status_code == 404
