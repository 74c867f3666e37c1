"""Assignments (分包): the office assigns leaders and cadres, which gives read access; leaders
log visits on the communities they follow."""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from communities.permissions import communities_for_user
from election.models import LeaderAssignment, Visit
from election.services.assignments import (
    AssignmentError,
    assignment_create,
    assignment_end,
    visit_create,
    visit_follow_up_done,
)
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # the services' messages are matched in English; the site's default language is Chinese
    with translation.override("en"):
        yield


@pytest.fixture
def new_leader(db: None) -> User:
    """A leader with no grant at all: whatever they see comes from their assignments."""
    return UserFactory(username="leader2", role=User.Role.LEADER)


def assign(community: Any, user: Any, by: Any, kind: str = "leader") -> LeaderAssignment:
    return assignment_create(community=community, user=user, kind=kind, by=by)


def visit_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "visited_on": today - timedelta(days=3),
        "summary": "Met the committee",
        "instructions": "Check the voter list",
        "follow_up": "Report back",
        **overrides,
    }


# --- services -------------------------------------------------------------------------------------


def test_assigning_gives_read_access_with_history(
    community: Any, new_leader: User, office: Any
) -> None:
    assert not communities_for_user(new_leader).exists()

    assignment = assign(community, new_leader, office)

    assert list(communities_for_user(new_leader)) == [community]
    assert not communities_for_user(new_leader, perm="change_community").exists()
    latest = assignment.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (office, "assignment created")


def test_assigning_twice_returns_the_same_assignment(
    community: Any, new_leader: User, office: Any
) -> None:
    first = assign(community, new_leader, office)
    assert assign(community, new_leader, office) == first
    assert LeaderAssignment.objects.count() == 1


@pytest.mark.parametrize(("role", "kind"), [("street", "leader"), ("leader", "cadre")])
def test_the_role_must_fit_the_kind(community: Any, office: Any, role: str, kind: str) -> None:
    user = UserFactory(username="someone", role=role)
    with pytest.raises(AssignmentError, match="cannot be assigned"):
        assign(community, user, office, kind=kind)
    assert not LeaderAssignment.objects.exists()


def test_a_deactivated_account_cannot_be_assigned(
    community: Any, new_leader: User, office: Any
) -> None:
    new_leader.is_active = False
    new_leader.save(update_fields=["is_active"])
    with pytest.raises(AssignmentError, match="deactivated"):
        assign(community, new_leader, office)


def test_ending_takes_back_the_access_and_keeps_the_history(
    community: Any, new_leader: User, office: Any
) -> None:
    assignment = assign(community, new_leader, office)

    ended = assignment_end(assignment=assignment, by=office, reason="moved to another post")

    assert not ended.is_active
    assert not communities_for_user(new_leader).exists()
    assert ended.history.latest().history_change_reason == "moved to another post"
    # ending again changes nothing
    rows = ended.history.count()
    assignment_end(assignment=ended, by=office)
    assert ended.history.count() == rows


def test_ending_keeps_access_given_for_another_reason(
    community: Any, leader: User, office: Any
) -> None:
    # the `leader` fixture holds a view grant given by the office before any assignment
    assignment = assign(community, leader, office)
    assignment_end(assignment=assignment, by=office)
    assert list(communities_for_user(leader)) == [community]


def test_a_new_assignment_after_an_ended_one_grants_again(
    community: Any, new_leader: User, office: Any
) -> None:
    assignment_end(assignment=assign(community, new_leader, office), by=office)
    assign(community, new_leader, office)
    assert list(communities_for_user(new_leader)) == [community]
    assert LeaderAssignment.objects.filter(user=new_leader).count() == 2


def test_visit_is_recorded_and_its_follow_up_closed(
    community: Any, new_leader: User, office: Any
) -> None:
    assignment = assign(community, new_leader, office)
    visit = visit_create(assignment=assignment, data=visit_data(), by=new_leader)
    assert visit.history.latest().history_change_reason == "visit recorded"

    today = timezone.localdate()
    done = visit_follow_up_done(visit=visit, on=today, by=new_leader)
    assert done.follow_up_done_on == today
    # a second call keeps the first date
    again = visit_follow_up_done(visit=visit, on=today - timedelta(days=1), by=new_leader)
    assert again.follow_up_done_on == today


# each case's fields from today's date, taken when the test runs (not when it is collected)
@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        (lambda today: {"visited_on": today + timedelta(days=1)}, "still to come"),
        (lambda today: {"summary": "  "}, "what was found"),
        (
            lambda today: {"follow_up": "", "follow_up_done_on": today},
            "needs the follow-up",
        ),
        (
            lambda today: {"follow_up_done_on": today - timedelta(days=10)},
            "before the visit",
        ),
    ],
    ids=["visit-to-come", "empty-summary", "no-follow-up", "done-before-visit"],
)
def test_visit_refuses_bad_dates_and_empty_summaries(
    community: Any,
    new_leader: User,
    office: Any,
    overrides: Callable[[date], dict[str, Any]],
    words: str,
) -> None:
    assignment = assign(community, new_leader, office)
    data = visit_data(**overrides(timezone.localdate()))
    with pytest.raises(AssignmentError, match=words):
        visit_create(assignment=assignment, data=data, by=new_leader)
    assert not Visit.objects.exists()


def test_no_visit_on_an_ended_assignment(community: Any, new_leader: User, office: Any) -> None:
    assignment = assign(community, new_leader, office)
    assignment_end(assignment=assignment, by=office)
    with pytest.raises(AssignmentError, match="ended"):
        visit_create(assignment=assignment, data=visit_data(), by=office)


def test_follow_up_done_needs_a_follow_up(community: Any, new_leader: User, office: Any) -> None:
    assignment = assign(community, new_leader, office)
    visit = visit_create(assignment=assignment, data=visit_data(follow_up=""), by=new_leader)
    with pytest.raises(AssignmentError, match="needs the follow-up"):
        visit_follow_up_done(visit=visit, on=timezone.localdate(), by=new_leader)


# --- views ----------------------------------------------------------------------------------------


def test_office_assigns_and_ends_from_the_list(
    as_user: Any, community: Any, new_leader: User, office: Any
) -> None:
    client = as_user(office)
    response = client.post(
        reverse("election:assignment-add"),
        {
            "street": community.street_id,
            "community": community.pk,
            "user": new_leader.pk,
            "kind": "leader",
        },
    )
    assert response.status_code == 302
    assignment = LeaderAssignment.objects.get()
    detail = reverse("communities:community-detail", args=[community.pk])
    assert as_user(new_leader).get(detail).status_code == 200

    client.post(reverse("election:assignment-end", args=[assignment.pk]), {"reason": "Moved"})

    # ending the assignment removes access: the community no longer exists for them
    assert as_user(new_leader).get(detail).status_code == 404
    assert LeaderAssignment.objects.get().is_active is False


def test_office_cannot_assign_in_another_district(
    as_user: Any, new_leader: User, office: Any
) -> None:
    elsewhere = CommunityFactory()
    as_user(office).post(
        reverse("election:assignment-add"),
        {
            "street": elsewhere.street_id,
            "community": elsewhere.pk,
            "user": new_leader.pk,
            "kind": "leader",
        },
    )
    assert not LeaderAssignment.objects.exists()


def test_leader_sees_only_their_assignments_and_logs_a_visit(
    as_user: Any,
    community: Any,
    other_community: Any,
    new_leader: User,
    office: Any,
) -> None:
    mine = assign(community, new_leader, office)
    someone = UserFactory(username="leader3", role=User.Role.LEADER)
    theirs = assign(other_community, someone, office)
    client = as_user(new_leader)

    page = client.get(reverse("election:assignment-list"))
    assert [a.pk for a in page.context["own"]] == [mine.pk]
    assert not page.context["manages"]
    assert "page" not in page.context

    url = reverse("election:visit-add", args=[mine.pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    response = client.post(
        url, {"visited_on": today.isoformat(), "summary": "Checked the notice board"}
    )
    assert response.status_code == 302
    assert Visit.objects.get().created_by == new_leader

    # another leader's assignment does not exist for them
    other = reverse("election:visit-add", args=[theirs.pk])
    assert client.get(other).status_code == 404
    assert client.post(other, {"visited_on": today.isoformat(), "summary": "x"}).status_code == 404
    assert Visit.objects.count() == 1
    # nor can they end assignments, even their own
    end = reverse("election:assignment-end", args=[mine.pk])
    assert client.post(end).status_code == 404


def test_leader_marks_a_follow_up_done(
    as_user: Any, community: Any, new_leader: User, office: Any
) -> None:
    assignment = assign(community, new_leader, office)
    visit = visit_create(assignment=assignment, data=visit_data(), by=new_leader)
    today = timezone.localdate()

    as_user(new_leader).post(
        reverse("election:visit-add", args=[assignment.pk]),
        {"action": "follow_up", "visit": visit.pk, "on": today.isoformat()},
    )

    visit.refresh_from_db()
    assert visit.follow_up_done_on == today


def test_outsider_sees_no_assignment_of_another_street(
    as_user: Any, community: Any, new_leader: User, office: Any, outsider: Any
) -> None:
    assignment = assign(community, new_leader, office)
    client = as_user(outsider)
    assert client.get(reverse("election:visit-add", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("election:assignment-list")).context["own"] == []


def test_after_ending_the_leader_loses_the_visit_page(
    as_user: Any, community: Any, new_leader: User, office: Any
) -> None:
    assignment = assign(community, new_leader, office)
    assignment_end(assignment=assignment, by=office)
    url = reverse("election:visit-add", args=[assignment.pk])
    assert as_user(new_leader).get(url).status_code == 404
    # the office still reads the ended assignment's visits
    assert as_user(office).get(url).status_code == 200


def test_assignment_list_makes_the_same_number_of_queries_at_two_sizes(
    as_user: Any,
    street: Any,
    office: Any,
    django_assert_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(office)
    url = reverse("election:assignment-list")
    client.get(url)  # warm the session

    def grow(n: int) -> None:
        for _ in range(n):
            user = UserFactory(role=User.Role.LEADER)
            assignment = assign(CommunityFactory(street=street), user, office)
            visit_create(assignment=assignment, data=visit_data(), by=user)

    grow(2)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow(10)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_choosing_a_street_lists_its_communities_only(
    as_user: Any, office: Any, community: Any, other_community: Any
) -> None:
    url = reverse("election:assignment-communities")
    body = as_user(office).get(url, {"street": community.street_id}).content.decode()
    assert f'value="{community.pk}"' in body
    assert f'value="{other_community.pk}"' not in body


def test_assignment_page_does_not_list_every_community(
    as_user: Any, office: Any, community: Any
) -> None:
    # a large district has tens of thousands; they load per street
    body = as_user(office).get(reverse("election:assignment-list")).content.decode()
    assert community.street.name in body
    assert community.name not in body


def test_a_community_of_another_street_is_refused(
    as_user: Any, office: Any, new_leader: User, community: Any, other_community: Any
) -> None:
    as_user(office).post(
        reverse("election:assignment-add"),
        {
            "street": community.street_id,
            "community": other_community.pk,
            "user": new_leader.pk,
            "kind": "leader",
        },
    )
    assert not LeaderAssignment.objects.exists()
