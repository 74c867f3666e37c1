from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from communities.models import Committee, Community
from tests.factories import CommunityFactory, StreetFactory

LIST = reverse("communities:community-list")


def names(response: Any) -> list[str]:
    return [c.name for c in response.context["page"]]


def test_street_official_lists_only_their_street(
    as_user: Any, street_official: User, community: Community, other_community: Community
) -> None:
    response = as_user(street_official).get(LIST)
    assert response.status_code == 200
    assert names(response) == ["Riverside"]
    assert "Hillside" not in response.content.decode()


def test_outsider_lists_only_their_own_street(
    as_user: Any, outsider: User, community: Community, other_community: Community
) -> None:
    assert names(as_user(outsider).get(LIST)) == ["Hillside"]


def test_office_filters_by_street_kind_track_difficult_and_search(
    as_user: Any, office: User, street: Any, community: Community, other_community: Community
) -> None:
    village = CommunityFactory(
        street=street, name="Old Village", kind=Community.Kind.VILLAGE_CONVERTED
    )
    hard = CommunityFactory(
        street=street, name="Dock Quarter", is_difficult=True, difficult_reason="demolition dispute"
    )
    client = as_user(office)
    assert names(client.get(LIST, {"street": street.pk})) == [
        "Dock Quarter",
        "Old Village",
        "Riverside",
    ]
    assert names(client.get(LIST, {"kind": "village_converted"})) == [village.name]
    assert names(client.get(LIST, {"track": "village"})) == [village.name]
    assert names(client.get(LIST, {"difficult": "yes"})) == [hard.name]
    assert names(client.get(LIST, {"q": "hill"})) == ["Hillside"]
    # searching by street name finds its communities
    assert len(names(client.get(LIST, {"q": "Second"}))) == 1


def test_list_filter_offers_only_streets_in_scope(
    as_user: Any, street_official: User, community: Community, other_community: Community
) -> None:
    response = as_user(street_official).get(LIST)
    streets = list(response.context["form"].fields["street"].queryset)
    assert [s.name for s in streets] == ["First Street"]


def test_list_paginates(as_user: Any, office: User, street: Any) -> None:
    for i in range(55):
        CommunityFactory(street=street, name=f"C{i:03d}", committees=False)
    client = as_user(office)
    assert len(names(client.get(LIST))) == 50
    assert names(client.get(LIST, {"page": 2})) == [f"C{i:03d}" for i in range(50, 55)]


def test_htmx_request_gets_only_the_rows(as_user: Any, office: User, community: Community) -> None:
    response = as_user(office).get(LIST, {"q": "river"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Riverside" in body
    assert '<nav class="navbar' not in body


@pytest.mark.parametrize("role", ["office", "street_official"])
def test_list_query_count_does_not_grow_with_communities(
    role: str, request: Any, as_user: Any, street: Any, django_assert_num_queries: Any
) -> None:
    user = request.getfixturevalue(role)
    client = as_user(user)
    CommunityFactory(street=street)
    client.get(LIST)  # warm the session and content-type caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for street_ in [street, StreetFactory(district=street.district)]:
        for _ in range(30):
            CommunityFactory(street=street_)
    # more communities, the same number of queries
    assert count() == small
    assert small <= 10


def test_detail_shows_profile_and_committees(
    as_user: Any, leader: User, community: Community
) -> None:
    response = as_user(leader).get(community.get_absolute_url())
    assert response.status_code == 200
    assert response.context["community"] == community
    assert [c.kind for c in response.context["committees"]] == ["party", "residents"]
    # a leader reads but may not edit: no edit button
    assert response.context["can_edit"] is False
    assert (
        reverse("communities:community-edit", args=[community.pk]) not in response.content.decode()
    )


def edit_form(community: Community, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": community.version,
        "name": community.name,
        "kind": community.kind,
        "population": community.population,
        "households": community.households,
        "registered_voters": community.registered_voters,
        "difficult_reason": "",
        "track_override": "",
        "track_override_reason": "",
        "reason": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_street_official_edits_a_profile(
    as_user: Any, street_official: User, community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    response = as_user(street_official).post(
        url,
        edit_form(community, population=15000, is_difficult="on", difficult_reason="many migrants"),
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.population == 15000
    assert community.is_difficult
    assert community.history.latest().history_user == street_official


def test_edit_without_reason_for_difficult_shows_the_error(
    as_user: Any, street_official: User, community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    response = as_user(street_official).post(url, edit_form(community, is_difficult="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["difficult_reason"]
    community.refresh_from_db()
    assert not community.is_difficult


def test_second_of_two_concurrent_edits_is_told_and_nothing_is_overwritten(
    as_user: Any, street_official: User, office: User, community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    first, second = as_user(office), as_user(street_official)
    # both load the form at the same version
    stale = edit_form(community)
    assert first.post(url, {**stale, "households": 4200}).status_code == 302
    response = second.post(url, {**stale, "population": 1}, follow=True)
    community.refresh_from_db()
    assert community.households == 4200
    assert community.population == 8000
    message = next(iter(response.context["messages"]))
    assert message.level_tag == "error"
    assert str(Community._meta.get_field("households").verbose_name) in str(message)


def test_committee_edit(as_user: Any, street_official: User, community: Community) -> None:
    party = community.committees.get(kind=Committee.Kind.PARTY)
    url = reverse("communities:committee-edit", args=[community.pk, party.pk])
    response = as_user(street_official).post(
        url, {"version": party.version, "party_type": "general_branch", "seats": 7, "reason": ""}
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.party_type, party.seats) == ("general_branch", 7)


def test_committee_of_another_community_is_not_found(
    as_user: Any, street_official: User, community: Community, other_community: Community
) -> None:
    foreign = other_community.committees.first()
    url = reverse("communities:committee-edit", args=[community.pk, foreign.pk])
    assert as_user(street_official).get(url).status_code == 404


def test_history_lists_changes_with_who_and_what(
    as_user: Any, street_official: User, office: User, community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    as_user(street_official).post(url, edit_form(community, population=9100, reason="recount"))
    response = as_user(office).get(reverse("communities:community-history", args=[community.pk]))
    entry = response.context["entries"][0]
    assert entry.user == street_official
    assert entry.reason == "recount"
    assert entry.changes == [
        (str(Community._meta.get_field("population").verbose_name), 8000, 9100)
    ]
