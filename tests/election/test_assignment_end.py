"""Ending a leader's assignment asks for confirmation and a reason, kept in the history."""

from typing import Any

from django.urls import reverse

from accounts.models import User
from election.models import LeaderAssignment
from election.services.assignments import assignment_create
from tests.factories import UserFactory


def _assignment(community: Any, office: User) -> LeaderAssignment:
    leader = UserFactory(username="leader9", display_name="Leader Nine", role=User.Role.LEADER)
    return assignment_create(
        community=community, user=leader, kind=LeaderAssignment.Kind.LEADER, by=office
    )


def test_ending_asks_for_confirmation_and_a_reason(
    as_user: Any, office: User, community: Any
) -> None:
    assignment = _assignment(community, office)
    url = reverse("election:assignment-end", args=[assignment.pk])
    client = as_user(office)

    # the list's button opens the confirmation; nothing ends on a GET
    listing = client.get(reverse("election:assignment-list")).content.decode()
    assert f'href="{url}"' in listing
    page = client.get(url)
    assert page.status_code == 200
    assert community.name in page.content.decode()
    assert "结束分包" in page.content.decode()
    assignment.refresh_from_db()
    assert assignment.is_active

    # no reason: the page asks again and the assignment stays
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assignment.refresh_from_db()
    assert assignment.is_active

    response = client.post(url, {"reason": "Transferred to the district"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert not assignment.is_active
    assert assignment.history.latest().history_change_reason == "Transferred to the district"


def test_outsider_cannot_open_the_confirmation(
    as_user: Any, office: User, outsider: User, community: Any
) -> None:
    assignment = _assignment(community, office)
    url = reverse("election:assignment-end", args=[assignment.pk])
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(outsider).post(url, {"reason": "x"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.is_active
