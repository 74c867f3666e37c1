"""The discipline and supervision landing page, its counts and the menu entry."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from discipline.selectors.dashboard import discipline_counts
from tests.reports.discipline_records import discipline_records

pytestmark = pytest.mark.django_db

INDEX = reverse("discipline:index")


@pytest.fixture
def records(community: Any, other_community: Any, admin_user: Any) -> Any:
    return discipline_records(community, other_community, today=timezone.localdate(), by=admin_user)


@pytest.mark.parametrize("role", ["office", "discipline", "supervisor", "admin_user"])
def test_readers_get_the_page_with_the_districts_counts(
    role: str, request: Any, as_user: Any, records: Any
) -> None:
    response = as_user(request.getfixturevalue(role)).get(INDEX)

    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts.reports == 5
    assert counts.reports_overdue == 1
    assert counts.cases_open == 1
    assert counts.cases_overdue == 1
    assert counts.inspections == 2
    assert (counts.orders_open, counts.orders_overdue) == (2, 1)
    assert (counts.meetings, counts.decisions_open, counts.decisions_overdue) == (1, 1, 1)
    assert counts.events_open == 1
    # every card links to a page that exists
    for card in response.context["cards"]:
        assert card.url and card.url in response.content.decode()


def test_a_member_unit_without_a_grant_gets_a_404(as_user: Any, member_unit_user: Any) -> None:
    assert as_user(member_unit_user).get(INDEX).status_code == 404


def test_a_street_official_sees_the_parts_of_their_communities_without_the_districts_counts(
    as_user: Any, street_official: Any, records: Any
) -> None:
    response = as_user(street_official).get(INDEX)

    assert response.status_code == 200
    cards = {card.key: card for card in response.context["cards"]}
    # the district's meetings and leads are not theirs; no district count is shown
    assert "meetings" not in cards and "leads" not in cards
    assert all(not card.figures for key, card in cards.items() if key != "events")
    if "events" in cards:
        assert [f.value for f in cards["events"].figures] == [1]


def test_only_the_office_has_the_leads_card(
    as_user: Any, office: Any, discipline: Any, records: Any
) -> None:
    office_cards = {c.key for c in as_user(office).get(INDEX).context["cards"]}
    discipline_cards = {c.key for c in as_user(discipline).get(INDEX).context["cards"]}
    assert "leads" not in discipline_cards
    assert "meetings" in discipline_cards or "meetings" not in office_cards


def test_the_page_never_shows_a_reporters_identity(
    as_user: Any, office: Any, discipline: Any, records: Any
) -> None:
    for user in (office, discipline):
        body = as_user(user).get(INDEX).content.decode()
        assert "王秘密" not in body
        assert "买票" not in body


def test_street_official_counts_only_the_events_of_their_communities(
    street_official: Any, outsider: Any, records: Any
) -> None:
    today = timezone.localdate()
    mine = discipline_counts(street_official, today=today)
    assert not mine.reads_district
    assert mine.events_open == 1
    assert mine.reports == 0
    # the open event lies in `community`, outside the outsider's street
    assert discipline_counts(outsider, today=today).events_open == 0


def test_the_counts_cost_one_query_whatever_the_records(
    office: Any,
    community: Any,
    other_community: Any,
    admin_user: Any,
    django_assert_num_queries: Any,
) -> None:
    today = timezone.localdate()
    with django_assert_num_queries(1):
        discipline_counts(office, today=today)
    discipline_records(community, other_community, today=today, by=admin_user)
    discipline_records(community, other_community, today=today, by=admin_user)
    with django_assert_num_queries(1):
        counts = discipline_counts(office, today=today)
    assert counts.reports == 10


@pytest.mark.parametrize("role", ["office", "discipline", "supervisor"])
def test_the_menu_opens_the_page(role: str, request: Any, as_user: Any) -> None:
    body = as_user(request.getfixturevalue(role)).get(reverse("dashboard")).content.decode()
    assert f'href="{INDEX}"' in body


def test_home_pages_show_the_counts(as_user: Any, office: Any, leader: Any, records: Any) -> None:
    response = as_user(office).get(reverse("dashboard"))
    assert response.context["discipline"].events_open == 1
    assert 'id="home-discipline"' in response.content.decode()
    response = as_user(leader).get(reverse("dashboard"))
    assert response.context["discipline"].events_open == 1
    assert "王秘密" not in response.content.decode()
