"""The worklist's red filter (违反时限): every step of the user's communities that breaks a time
limit, open or done, with the rule and the number of days; overdue steps say by how many days."""

# the expected texts are the exact Chinese words users see, full-width punctuation included
# ruff: noqa: RUF001

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

# the forums were due on 15 November: 20 days overdue
TODAY = date(2026, 12, 5)
URL = reverse("election:worklist")


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def rows(response: Any) -> list[tuple[str, str, str]]:
    return [(s.plan.community.name, s.template.code, s.status) for s in response.context["page"]]


def step_of(community: Any, code: str) -> PlanStep:
    return PlanStep.objects.get(plan__community=community, template__code=code)


def post_voter_list_late(community: Any, by: User, *, done: bool) -> PlanStep:
    """The voter list went up on 2 December, 18 days before E: two days short of 20."""
    step = step_of(community, "voter-list")
    notice_add(
        step=step,
        data={"title": "Voter list", "place": "Board", "posted_on": date(2026, 12, 2)},
        photo=None,
        by=by,
    )
    if done:
        step = step_of(community, "voter-list")
        step_update(
            step=step,
            version=step.version,
            data={"status": "done", "done_on": date(2026, 12, 2)},
            by=by,
        )
    return step_of(community, "voter-list")


def test_the_red_filter_lists_a_done_step_that_broke_a_limit_with_the_rule_and_days(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = post_voter_list_late(community, street_official, done=True)
    assert (step.status, step.is_red) == ("done", True)
    client = as_user(street_official)
    # done, so not on the list of open steps
    assert ("Riverside", "voter-list", "done") not in rows(client.get(URL))
    response = client.get(URL, {"flag": "red"})
    assert rows(response) == [("Riverside", "voter-list", "done")]
    body = response.content.decode()
    # the rule and by how many days it was missed
    assert "Voter list posted at least 20 days before E，实际提前 18 天，少 2 天" in body
    assert "违反时限" in body
    assert "1 个步骤（含已完成）" in body


def test_the_red_filter_lists_open_and_done_red_steps_but_no_other(
    running_campaign: Campaign,
    community: Any,
    other_community: Any,
    office: User,
    as_user: Any,
) -> None:
    post_voter_list_late(community, office, done=True)
    post_voter_list_late(other_community, office, done=False)
    step_update(
        step=step_of(community, "forums"),
        version=1,
        data={"status": "done", "done_on": date(2026, 11, 10)},
        by=office,
    )
    assert sorted(rows(as_user(office).get(URL, {"flag": "red"}))) == [
        ("Hillside", "voter-list", "not_started"),
        ("Riverside", "voter-list", "done"),
    ]


def test_red_or_overdue_adds_the_open_overdue_steps(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    post_voter_list_late(community, street_official, done=True)
    assert rows(as_user(street_official).get(URL, {"flag": "late"})) == [
        ("Riverside", "voter-list", "done"),
        ("Riverside", "forums", "not_started"),
    ]


def test_an_overdue_step_says_by_how_many_days(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    forums = step_of(community, "forums")
    assert forums.due_on == date(2026, 11, 15)
    for flag in ("", "overdue", "late"):
        response = as_user(street_official).get(URL, {"flag": flag} if flag else {})
        body = response.content.decode()
        row = body[body.index(f'id="step-{forums.pk}"') :]
        assert "逾期 20 天" in row[: row.find('id="step-', 1)]
    # a step due today is not overdue
    vote = step_of(community, "vote")
    assert vote.due_on == E


def test_the_red_filter_costs_the_same_queries_for_3_and_30_communities(
    running_campaign: Campaign, street: Any, office: User, admin_user: User, as_user: Any
) -> None:
    client = as_user(office)
    client.get(URL)  # warm the session

    def make_red_and_done() -> None:
        # test data: the voter list of every plan done and red, as plan_refresh leaves it
        for step in PlanStep.objects.filter(template__code="voter-list", is_red=False):
            step.status, step.done_on = PlanStep.Status.DONE, date(2026, 12, 2)
            step.is_red, step.red_reason = True, "short by 2 days"
            step.save(update_fields=["status", "done_on", "is_red", "red_reason"])

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"flag": "red"})
            assert response.status_code == 200
        return len(ctx.captured_queries), response.context["page"].paginator.count

    CommunityFactory(street=street)
    campaign_start(campaign=running_campaign, by=admin_user)
    make_red_and_done()
    small, shown = count()
    assert shown == 3
    for _ in range(27):
        CommunityFactory(street=street)
    campaign_start(campaign=running_campaign, by=admin_user)
    make_red_and_done()
    large, shown = count()
    assert shown == 30
    assert large == small
    assert small <= 12


def test_the_plan_page_says_by_how_many_days_a_step_is_overdue(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    forums = step_of(community, "forums")
    body = as_user(street_official).get(forums.plan.get_absolute_url()).content.decode()
    row = body[body.index(f'id="step-{forums.pk}"') :]
    assert "逾期 20 天" in row[: row.find('id="step-', 1)]
