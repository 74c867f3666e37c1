"""The worklist: open steps of the user's communities, most urgent first, in constant queries."""

from datetime import date
from itertools import chain, pairwise
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


def band(step: PlanStep) -> int:
    """The urgency band a step belongs in, computed here from its fields, independently."""
    if step.is_red:
        return 0
    if step.due_on is not None and step.due_on < TODAY:
        return 1
    if step.due_on is not None and (step.due_on - TODAY).days <= 7:
        return 2
    return 3


def expected_order() -> list[tuple[str, str]]:
    steps = PlanStep.objects.exclude(status=PlanStep.Status.DONE).select_related(
        "plan__community", "template"
    )
    ordered = sorted(
        steps,
        key=lambda s: (
            band(s),
            s.due_on is None,
            s.due_on or TODAY,
            s.plan.community.name,
            s.plan_id,
            s.order,
        ),
    )
    return [(s.plan.community.name, s.template.code) for s in ordered]


@pytest.fixture
def many_plans(
    running_campaign: Campaign, street: Any, street_official: User, admin_user: User
) -> Campaign:
    """Nine communities (names out of id order); three break the voter list's time limit."""
    for name in ["Zhuyuan", "Anle", "Meilin", "Dongcheng", "Baihe", "Qingshan", "Xinhe"]:
        CommunityFactory(street=street, name=name)
    campaign_start(campaign=running_campaign, by=admin_user)
    for name in ["Zhuyuan", "Baihe", "Riverside"]:
        notice_add(
            step=PlanStep.objects.get(plan__community__name=name, template__code="voter-list"),
            data={"title": "Voter list", "place": "Board", "posted_on": date(2026, 12, 2)},
            photo=None,
            by=admin_user,
        )
    return running_campaign


def test_pages_follow_the_urgency_order_across_bands(
    many_plans: Campaign, office: User, as_user: Any
) -> None:
    client = as_user(office)
    first = client.get(URL)
    paginator = first.context["page"].paginator
    expected = expected_order()
    assert paginator.count == len(expected)
    pages = [first] + [client.get(URL, {"page": n}) for n in range(2, paginator.num_pages + 1)]
    assert [row for page in pages for row in rows(page)] == expected
    bands = [[s.urgency for s in page.context["page"]] for page in pages]
    # every band is present, and the pages cut through them: a page boundary falls inside a band
    # and a band boundary inside a page
    assert sorted({b for page in bands for b in page}) == [0, 1, 2, 3]
    assert any(a[-1] == b[0] for a, b in pairwise(bands))
    assert any(len(set(page)) > 1 for page in bands)
    assert all(a <= b for a, b in pairwise(chain.from_iterable(bands)))


def test_filtered_pages_follow_the_same_order(
    many_plans: Campaign, office: User, as_user: Any
) -> None:
    client = as_user(office)
    late = [row for row in expected_order() if row[1] in {"forums", "voter-list"}]
    # the red voter lists, then the overdue steps, on one page
    assert len(late) < 30
    assert rows(client.get(URL, {"flag": "late"})) == late
    hill = [row for row in expected_order() if "h" in row[0].lower()]
    assert rows(client.get(URL, {"community": "h"})) == hill[:30]
    assert rows(client.get(URL, {"community": "h", "page": 2})) == hill[30:60]


def test_out_of_range_pages_fall_back_like_the_paginator(
    many_plans: Campaign, office: User, as_user: Any
) -> None:
    client = as_user(office)
    expected = expected_order()
    last = expected[(len(expected) - 1) // 30 * 30 :]
    assert rows(client.get(URL, {"page": "abc"})) == expected[:30]
    assert rows(client.get(URL, {"page": 99})) == last
    assert rows(client.get(URL, {"page": 0})) == last


@pytest.mark.parametrize("page", [1, 2, 3])
def test_every_page_costs_the_same_queries(
    page: int, many_plans: Campaign, office: User, as_user: Any
) -> None:
    client = as_user(office)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as other:
        assert client.get(URL, {"page": page}).status_code == 200
    assert len(other.captured_queries) == len(first.captured_queries)
