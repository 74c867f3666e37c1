"""The home pages' candidates and joint review: the office sees the campaign's candidates by
state and the feedback awaited and overdue per member unit; a street official its communities'
candidates and overdue feedback; a member unit its own queue (awaited, overdue, latest answers)
with links to answer; a leader its communities' candidates. Nothing outside the user's scope,
and the queries do not grow with the candidates."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import MemberUnit
from accounts.services import grant_assign
from election.models import Campaign, Candidate, CommunityPlan, UnitReview
from election.services.rollups import campaign_rollups_refresh
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard")
# the pages of every role, discipline and supervision counts (one query) and the office's banner
# of unacknowledged major events (one query) included
MAX_QUERIES = 14


@pytest.fixture
def counted(running_campaign: Campaign) -> Campaign:
    campaign_rollups_refresh(campaign_id=running_campaign.pk)
    return running_campaign


@pytest.fixture
def court(db: None) -> MemberUnit:
    return MemberUnit.objects.create(code="court", name="Court")


def _plan(campaign: Campaign, community: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=campaign, community=community)


def _candidate(plan: CommunityPlan, status: str, name: str = "Candidate") -> Candidate:
    return Candidate.objects.create(
        plan=plan,
        body="party",
        status=status,
        name=name,
        gender="f",
        birth_date=date(1985, 3, 1),
        education=5,
        id_number="110105198503011234",
    )


def _review(
    candidate: Candidate, unit: MemberUnit, *, due_in: int, answered: bool = False
) -> UnitReview:
    today = timezone.localdate()
    return UnitReview.objects.create(
        candidate=candidate,
        unit=unit,
        sent_on=today - timedelta(days=7),
        due_on=today + timedelta(days=due_in),
        answered_on=today - timedelta(days=1) if answered else None,
    )


@pytest.fixture
def vetted(
    counted: Campaign, community: Any, other_community: Any, member_unit_user: Any, court: Any
) -> dict[str, Any]:
    """In the street official's community: a nominee, two under review (the police owe one
    answer overdue by 3 days, one not yet due), a formal candidate; in the other street's
    community one under review whose police answer is overdue, and one the police answered."""
    police = member_unit_user.member_unit
    mine = _plan(counted, community)
    theirs = _plan(counted, other_community)
    _candidate(mine, Candidate.Status.NOMINEE)
    late = _candidate(mine, Candidate.Status.UNDER_REVIEW, "Late Li")
    fresh = _candidate(mine, Candidate.Status.UNDER_REVIEW, "Fresh Fang")
    _candidate(mine, Candidate.Status.FORMAL)
    far = _candidate(theirs, Candidate.Status.UNDER_REVIEW, "Far Feng")
    done = _candidate(theirs, Candidate.Status.UNDER_REVIEW, "Done Du")
    reviews = {
        "late": _review(late, police, due_in=-3),
        "fresh": _review(fresh, police, due_in=2),
        "far": _review(far, police, due_in=-1),
        "done": _review(done, police, due_in=-2, answered=True),
        # another unit's task: never in the police's queue
        "court": _review(late, court, due_in=-5),
    }
    return {"campaign": counted, "reviews": reviews}


def _queries(client: Any) -> int:
    client.get(HOME)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _more(campaign: Campaign, street: Any, unit: MemberUnit, *, count: int) -> list[Any]:
    """More communities in `street` with plans, candidates and the unit's reviews."""
    plans = []
    for i in range(count):
        plan = CommunityPlan.objects.create(
            campaign=campaign,
            community=CommunityFactory(street=street),
            election_on=campaign.election_on,
            party_election_on=campaign.party_election_on,
        )
        for status in (Candidate.Status.UNDER_REVIEW, Candidate.Status.FORMAL):
            _review(_candidate(plan, status, f"More {i}"), unit, due_in=-i)
        plans.append(plan)
    return [p.community for p in plans]


# --- the office ---------------------------------------------------------------------------------


def test_office_sees_candidates_by_state_and_feedback_overdue_by_unit(
    as_user: Any, office: Any, vetted: dict[str, Any]
) -> None:
    response = as_user(office).get(HOME)

    home = response.context["home"]
    [(headline, vetting)] = home.campaign_vetting
    assert headline.campaign == vetted["campaign"]
    assert vetting.candidates == 6
    assert (vetting.nominee, vetting.under_review, vetting.formal) == (1, 4, 1)
    assert (vetting.reviews_awaited, vetting.reviews_overdue) == (4, 3)
    # the unit owing most overdue feedback first
    assert [(u["unit"], u["awaited"], u["overdue"]) for u in vetting.units] == [
        ("Public Security", 3, 2),
        ("Court", 1, 1),
    ]
    body = response.content.decode()
    assert "Public Security" in body
    # counts only on the office's home: no candidate's name, no ID number
    assert "Late Li" not in body and "1234" not in body


def test_office_home_queries_do_not_grow_with_the_candidates(
    as_user: Any, office: Any, vetted: dict[str, Any], street: Any, member_unit_user: Any
) -> None:
    client = as_user(office)
    small = _queries(client)
    _more(vetted["campaign"], street, member_unit_user.member_unit, count=6)
    assert _queries(client) == small <= MAX_QUERIES


# --- a street official --------------------------------------------------------------------------


def test_street_official_sees_its_communities_candidates_and_overdue_feedback(
    as_user: Any, street_official: Any, vetted: dict[str, Any], community: Any
) -> None:
    response = as_user(street_official).get(HOME)

    [section] = response.context["home"].campaigns
    totals = section.candidates
    # its own community only: the other street's candidates are not counted
    assert totals.total == 4
    assert totals.count(Candidate.Status.UNDER_REVIEW) == 2
    assert totals.formal == 1
    assert (totals.reviews_awaited, totals.reviews_overdue) == (3, 2)
    [row] = section.rows
    assert (row.candidates.formal, row.candidates.total, row.candidates.reviews_overdue) == (
        1,
        4,
        2,
    )
    body = response.content.decode()
    assert "data-candidates" in body
    assert "Far Feng" not in body


def test_street_home_queries_do_not_grow_with_the_candidates(
    as_user: Any, street_official: Any, vetted: dict[str, Any], street: Any, member_unit_user: Any
) -> None:
    client = as_user(street_official)
    small = _queries(client)
    _more(vetted["campaign"], street, member_unit_user.member_unit, count=6)
    assert _queries(client) == small <= MAX_QUERIES


# --- a member unit ------------------------------------------------------------------------------


def test_member_unit_sees_its_queue_most_urgent_first_with_links_to_answer(
    as_user: Any, member_unit_user: Any, vetted: dict[str, Any]
) -> None:
    reviews = vetted["reviews"]

    response = as_user(member_unit_user).get(HOME)

    home = response.context["home"]
    assert (home.awaited, home.overdue, home.answered) == (3, 2, 1)
    # awaited, the earliest due first; the court's task is not the police's
    assert [r.pk for r in home.queue] == [
        reviews["late"].pk,
        reviews["far"].pk,
        reviews["fresh"].pk,
    ]
    assert [r.overdue_days for r in home.queue] == [3, 1, 0]
    assert [r.pk for r in home.recent] == [reviews["done"].pk]
    body = response.content.decode()
    assert "data-empty-state" not in body
    assert reverse("election:review-queue") in body
    for key in ("late", "far", "fresh", "done"):
        assert reverse("election:review-answer", args=[reviews[key].pk]) in body
    assert reverse("election:review-answer", args=[reviews["court"].pk]) not in body
    # a member unit sees the names in its own queue, never an ID number
    assert "Late Li" in body and "110105198503011234" not in body


def test_member_unit_with_nothing_to_answer_sees_the_empty_queue(
    as_user: Any, court: MemberUnit, vetted: dict[str, Any]
) -> None:
    UnitReview.objects.filter(unit=court).update(answered_on=timezone.localdate())
    user = UserFactory(username="court-user", role="member_unit", member_unit=court)

    response = as_user(user).get(HOME)

    home = response.context["home"]
    assert (home.awaited, home.overdue, home.answered) == (0, 0, 1)
    assert home.queue == []
    assert "data-empty-state" in response.content.decode()


def test_member_unit_home_queries_do_not_grow_with_the_queue(
    as_user: Any, member_unit_user: Any, vetted: dict[str, Any], street: Any
) -> None:
    client = as_user(member_unit_user)
    small = _queries(client)
    _more(vetted["campaign"], street, member_unit_user.member_unit, count=10)
    response = client.get(HOME)
    assert len(response.context["home"].queue) == 8
    assert _queries(client) == small <= MAX_QUERIES


# --- a leader -----------------------------------------------------------------------------------


def test_leader_sees_each_communitys_candidates(
    as_user: Any, leader: Any, vetted: dict[str, Any], community: Any, admin_user: Any
) -> None:
    response = as_user(leader).get(HOME)

    [row] = response.context["home"].rows
    assert row.community == community
    assert (row.formal, row.candidates) == (1, 4)
    assert reverse("election:plan-candidates", args=[row.plan.pk]) in response.content.decode()


def test_leader_home_queries_do_not_grow_with_the_candidates(
    as_user: Any,
    leader: Any,
    vetted: dict[str, Any],
    street: Any,
    member_unit_user: Any,
    admin_user: Any,
) -> None:
    client = as_user(leader)
    small = _queries(client)
    for c in _more(vetted["campaign"], street, member_unit_user.member_unit, count=4):
        grant_assign(user=leader, obj=c, level="view", by=admin_user)
    response = client.get(HOME)
    assert len(response.context["home"].rows) == 5
    assert _queries(client) == small <= MAX_QUERIES
