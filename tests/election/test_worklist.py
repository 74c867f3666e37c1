"""The worklist: open steps of the user's communities, most urgent first, in constant queries."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from election.models import Campaign, PlanStep
from election.services.notices import notice_add
from election.services.plans import campaign_start, step_update
from tests.election.conftest import E
from tests.factories import CommunityFactory

# forums (due 15 Nov) and voter list (due 30 Nov) overdue; objection due today; E on 20 Dec
TODAY = date(2026, 12, 5)
URL = reverse("election:worklist")


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def rows(response: Any) -> list[tuple[str, str]]:
    return [(s.plan.community.name, s.template.code) for s in response.context["page"]]


def step_of(community: Any, code: str) -> PlanStep:
    return PlanStep.objects.get(plan__community=community, template__code=code)


def test_open_steps_of_the_officials_street_most_urgent_first(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    # the voter list went up 18 days before E: red
    notice_add(
        step=step_of(community, "voter-list"),
        data={"title": "Voter list", "place": "Board", "posted_on": date(2026, 12, 2)},
        photo=None,
        by=street_official,
    )
    objection = step_of(community, "objection")
    step_update(step=objection, version=1, data={"status": "done"}, by=street_official)
    response = as_user(street_official).get(URL)
    assert response.status_code == 200
    assert response.context["can_edit"]
    # red, overdue, due soon (the ruling, 3 days after the objection), then by due date
    assert rows(response) == [
        ("Riverside", "voter-list"),
        ("Riverside", "forums"),
        ("Riverside", "ruling"),
        ("Riverside", "vote"),
        ("Riverside", "handover"),
    ]
    body = response.content.decode()
    assert "Hillside" not in body
    assert reverse("election:step-edit", args=[objection.pk]) not in body
    forums = step_of(community, "forums")
    assert f'hx-get="{reverse("election:step-edit", args=[forums.pk])}?in=worklist"' in body


def test_filters_by_community_stage_and_flag(
    running_campaign: Campaign, community: Any, office: User, as_user: Any
) -> None:
    client = as_user(office)
    assert {name for name, _ in rows(client.get(URL))} == {"Riverside", "Hillside"}
    assert {name for name, _ in rows(client.get(URL, {"community": "hill"}))} == {"Hillside"}
    voters = step_of(community, "voter-list").stage.template_id
    by_stage = rows(client.get(URL, {"stage": voters}))
    assert {code for _, code in by_stage} == {"voter-list", "objection", "ruling"}
    assert rows(client.get(URL, {"flag": "overdue"})) == [
        ("Hillside", "forums"),
        ("Riverside", "forums"),
        ("Hillside", "voter-list"),
        ("Riverside", "voter-list"),
    ]
    assert rows(client.get(URL, {"flag": "red"})) == []


def test_the_filters_swap_only_the_rows(
    running_campaign: Campaign, street_official: User, as_user: Any
) -> None:
    response = as_user(street_official).get(URL, {"flag": "late"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Riverside" in body


def test_a_leader_reads_the_worklist_without_edit_buttons(
    running_campaign: Campaign, community: Any, leader: User, as_user: Any
) -> None:
    response = as_user(leader).get(URL)
    assert not response.context["can_edit"]
    assert {name for name, _ in rows(response)} == {"Riverside"}
    assert "election/steps/" not in response.content.decode()


def test_the_outsider_sees_only_their_own_street(
    running_campaign: Campaign, outsider: User, as_user: Any
) -> None:
    assert {name for name, _ in rows(as_user(outsider).get(URL))} == {"Hillside"}


def test_steps_of_a_closed_campaign_leave_the_worklist(
    running_campaign: Campaign, street_official: User, as_user: Any
) -> None:
    running_campaign.status = Campaign.Status.CLOSED
    running_campaign.save(update_fields=["status"])
    assert rows(as_user(street_official).get(URL)) == []


def test_the_worklist_is_paginated(
    running_campaign: Campaign, street: Any, street_official: User, admin_user: User, as_user: Any
) -> None:
    for _ in range(6):
        CommunityFactory(street=street)
    campaign_start(campaign=running_campaign, by=admin_user)
    client = as_user(street_official)
    first = client.get(URL)
    assert first.context["page"].paginator.count == 7 * 6
    assert len(first.context["page"]) == 30
    assert len(client.get(URL, {"page": 2}).context["page"]) == 12


@pytest.mark.parametrize("role", ["street_official", "office", "leader"])
def test_the_query_count_does_not_grow_with_the_steps(
    role: str,
    request: Any,
    running_campaign: Campaign,
    street: Any,
    admin_user: User,
    as_user: Any,
) -> None:
    client = as_user(request.getfixturevalue(role))
    client.get(URL)  # warm the session

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(8):
        CommunityFactory(street=street)
    campaign_start(campaign=running_campaign, by=admin_user)
    for step in PlanStep.objects.filter(template__code="forums")[:5]:
        step_update(step=step, version=step.version, data={"notes": "late"}, by=admin_user)
    assert count() == small
    assert small <= 12


def test_the_election_day_is_shown_relative_to_the_due_dates(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    response = as_user(street_official).get(URL)
    vote = next(s for s in response.context["page"] if s.template.code == "vote")
    assert vote.due_on == E
    assert vote.urgency == 3
