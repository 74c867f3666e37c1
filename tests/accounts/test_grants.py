"""The office manages grants in the product: who holds what, give, revoke, and the history."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityEvent, User
from accounts.services import GrantError, grant_assign, grant_revoke
from communities.models import (
    CommunityUserObjectPermission,
    DistrictUserObjectPermission,
    StreetUserObjectPermission,
)
from communities.selectors import grant_history, grant_list, level_for_codenames
from tests.factories import CommunityFactory, DistrictFactory, StreetFactory, UserFactory

LIST = reverse("accounts:grant-list")
ADD = reverse("accounts:grant-add")
REVOKE = reverse("accounts:grant-revoke")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def colleague(street_official: User) -> User:
    """A new official of `street` who has no grant yet."""
    return UserFactory(username="street1b", display_name="Colleague", role=User.Role.STREET)


def _grant_rows() -> int:
    return sum(
        m.objects.count()
        for m in (
            DistrictUserObjectPermission,
            StreetUserObjectPermission,
            CommunityUserObjectPermission,
        )
    )


def _history_rows() -> int:
    return sum(
        m.history.count()
        for m in (
            DistrictUserObjectPermission,
            StreetUserObjectPermission,
            CommunityUserObjectPermission,
        )
    )


def test_office_grants_edit_on_a_street_and_revokes_it(
    office: User, colleague: User, street: Any, community: Any
) -> None:
    detail = reverse("communities:community-detail", args=[community.pk])
    as_colleague = _client(colleague)
    assert as_colleague.get(detail).status_code == 404

    client = _client(office)
    response = client.post(
        ADD, {"user": "street1b", "scope": f"street:{street.pk}", "level": "edit"}, follow=True
    )
    assert response.redirect_chain == [(LIST, 302)]
    assert [str(m) for m in response.context["messages"]]
    listed = response.context["grants"]
    assert any(g.user == colleague and g.obj == street and g.level == "edit" for g in listed)
    listing = as_colleague.get(reverse("communities:community-list")).content.decode()
    assert community.name in listing
    assert as_colleague.get(detail).status_code == 200

    response = client.post(REVOKE, {"user": colleague.pk, "scope": f"street:{street.pk}"})
    assert response.status_code == 302
    assert as_colleague.get(detail).status_code == 404

    history = [c for c in _client(office).get(LIST).context["history"] if c.user == colleague]
    # view and change, each added then removed, all by the office
    assert len(history) == 4
    assert {c.by for c in history} == {office}
    assert sorted(c.is_added for c in history) == [False, False, True, True]
    assert history[0].is_added is False  # newest first
    assert {c.scope for c in history} == {street.name}
    grants_logged = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.GRANT, user=office)
    assert grants_logged.count() == 2


def test_granting_twice_is_idempotent(office: User, colleague: User, community: Any) -> None:
    client = _client(office)
    data = {"user": "street1b", "scope": f"community:{community.pk}", "level": "view"}
    client.post(ADD, data, follow=True)
    rows, history = _grant_rows(), _history_rows()
    response = client.post(ADD, data, follow=True)
    assert response.status_code == 200
    assert _grant_rows() == rows
    assert _history_rows() == history
    [message] = list(response.context["messages"])
    assert message.level_tag == "info"


def test_raising_a_grant_adds_only_what_is_missing(
    office: User, colleague: User, community: Any
) -> None:
    client = _client(office)
    client.post(ADD, {"user": "street1b", "scope": f"community:{community.pk}", "level": "view"})
    client.post(ADD, {"user": "street1b", "scope": f"community:{community.pk}", "level": "edit"})
    assert CommunityUserObjectPermission.objects.filter(user=colleague).count() == 2
    [row] = [g for g in grant_list([community.street.district]) if g.user == colleague]
    assert row.level == "edit"


def test_office_cannot_grant_on_another_district(
    office: User, colleague: User, admin_user: User
) -> None:
    elsewhere = DistrictFactory(name="Elsewhere", code="elsewhere")
    foreign_street = StreetFactory(district=elsewhere)
    foreign_community = CommunityFactory(street=foreign_street)
    client = _client(office)
    rows, history, logged = _grant_rows(), _history_rows(), SecurityEvent.objects.count()
    for scope in (
        f"district:{elsewhere.pk}",
        f"street:{foreign_street.pk}",
        f"community:{foreign_community.pk}",
    ):
        response = client.post(ADD, {"user": "street1b", "scope": scope, "level": "view"})
        assert response.status_code == 404
    assert _grant_rows() == rows
    assert _history_rows() == history
    # only the three denials were logged, no grant
    new = SecurityEvent.objects.order_by("pk")[logged:]
    assert [e.kind for e in new] == [SecurityEvent.Kind.DENIED] * 3


def test_office_cannot_revoke_on_another_district(office: User, admin_user: User) -> None:
    elsewhere = DistrictFactory(name="Elsewhere", code="elsewhere")
    user = UserFactory(username="far")
    grant_assign(user=user, obj=elsewhere, level="view", by=admin_user)
    response = _client(office).post(REVOKE, {"user": user.pk, "scope": f"district:{elsewhere.pk}"})
    assert response.status_code == 404
    assert DistrictUserObjectPermission.objects.filter(user=user).count() == 1


def test_foreign_districts_do_not_appear_to_the_office(office: User, admin_user: User) -> None:
    elsewhere = DistrictFactory(name="Elsewhere", code="elsewhere")
    far = UserFactory(username="far")
    grant_assign(user=far, obj=elsewhere, level="view", by=admin_user)
    response = _client(office).get(LIST)
    assert far not in {g.user for g in response.context["grants"]}
    assert far not in {c.user for c in response.context["history"]}
    assert f"district:{elsewhere.pk}" not in response.content.decode()


def test_superuser_sees_every_district(admin_user: User, office: User) -> None:
    elsewhere = DistrictFactory(name="Elsewhere", code="elsewhere")
    far = UserFactory(username="far")
    grant_assign(user=far, obj=elsewhere, level="view", by=admin_user)
    grants = _client(admin_user).get(LIST).context["grants"]
    assert {far, office} <= {g.user for g in grants}


def test_manage_goes_only_on_a_district(office: User, colleague: User, street: Any) -> None:
    rows = _grant_rows()
    response = _client(office).post(
        ADD, {"user": "street1b", "scope": f"street:{street.pk}", "level": "manage"}, follow=True
    )
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    assert _grant_rows() == rows


def test_unknown_or_inactive_user_is_a_form_error(office: User, street: Any) -> None:
    UserFactory(username="gone", is_active=False)
    client = _client(office)
    rows = _grant_rows()
    for name in ("nobody", "gone"):
        response = client.post(ADD, {"user": name, "scope": f"street:{street.pk}", "level": "view"})
        assert response.status_code == 200
        assert response.context["form"].errors["user"]
    assert _grant_rows() == rows


def test_malformed_scope_is_a_form_error(office: User, colleague: User) -> None:
    response = _client(office).post(ADD, {"user": "street1b", "scope": "user:1", "level": "view"})
    assert response.status_code == 200
    assert response.context["form"].errors["scope"]


def test_office_cannot_revoke_its_own_grant(office: User, district: Any) -> None:
    response = _client(office).post(
        REVOKE, {"user": office.pk, "scope": f"district:{district.pk}"}, follow=True
    )
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    assert DistrictUserObjectPermission.objects.filter(user=office).exists()


def test_revoking_nothing_is_harmless(office: User, colleague: User, street: Any) -> None:
    response = _client(office).post(
        REVOKE, {"user": colleague.pk, "scope": f"street:{street.pk}"}, follow=True
    )
    [message] = list(response.context["messages"])
    assert message.level_tag == "info"


@pytest.mark.parametrize("role", ["street_official", "outsider", "leader", "discipline"])
def test_non_office_users_get_404_on_grant_pages(
    role: str, request: Any, street: Any, colleague: User
) -> None:
    user = request.getfixturevalue(role)
    client = _client(user)
    assert client.get(LIST).status_code == 404
    data = {"user": "street1b", "scope": f"street:{street.pk}", "level": "edit"}
    assert client.post(ADD, data).status_code == 404
    assert client.post(REVOKE, {"user": user.pk, "scope": f"street:{street.pk}"}).status_code == 404
    assert not StreetUserObjectPermission.objects.filter(user=colleague).exists()


def test_grant_list_shows_scope_and_level(
    office: User, street_official: User, leader: User, community: Any, street: Any
) -> None:
    response = _client(office).get(LIST)
    rows = {(g.user.username, g.kind): g for g in response.context["grants"]}
    assert rows[("office", "district")].level == "manage"
    assert rows[("street1", "street")].level == "edit"
    assert rows[("leader1", "community")].level == "view"
    assert rows[("leader1", "community")].path == f"{street.district.name} · {street.name}"
    content = response.content.decode()
    assert f'value="community:{community.pk}"' in content
    assert 'data-confirm="' in content


def test_level_comes_from_the_codenames_held() -> None:
    assert level_for_codenames({"view_community", "manage_grants"}) == "manage"
    assert level_for_codenames({"view_community", "change_community"}) == "edit"
    assert level_for_codenames({"view_community"}) == "view"


def test_history_is_limited_to_the_latest_50(district: Any, street: Any, admin_user: User) -> None:
    users = [UserFactory() for _ in range(30)]
    for user in users:
        grant_assign(user=user, obj=street, level="edit", by=admin_user)
    changes = grant_history([district])
    assert len(changes) == 50
    assert changes == sorted(changes, key=lambda c: c.at, reverse=True)


def test_grant_service_refuses_inactive_users(street: Any, admin_user: User) -> None:
    user = UserFactory(is_active=False)
    with pytest.raises(GrantError):
        grant_assign(user=user, obj=street, level="view", by=admin_user)


def test_the_office_grant_goes_only_on_a_whole_district(
    street: Any, community: Any, district: Any, admin_user: User
) -> None:
    # accounts learns which level takes the office grant from the hierarchy's registration
    user = UserFactory()
    for obj in (street, community):
        with pytest.raises(GrantError):
            grant_assign(user=user, obj=obj, level="manage", by=admin_user)
    assert grant_assign(user=user, obj=district, level="manage", by=admin_user)
    assert DistrictUserObjectPermission.objects.filter(user=user).count() == 5


def test_revoke_service_refuses_to_revoke_ones_own_grant(office: User, district: Any) -> None:
    with pytest.raises(GrantError):
        grant_revoke(user=office, obj=district, by=office)


def _add_grants(n: int, street: Any, admin_user: User) -> None:
    for _ in range(n):
        community = CommunityFactory(street=street, committees=False)
        user = UserFactory()
        grant_assign(user=user, obj=community, level="view", by=admin_user)
        grant_assign(user=user, obj=street, level="edit", by=admin_user)
        grant_assign(user=UserFactory(), obj=street.district, level="view", by=admin_user)


def test_grant_page_query_count_does_not_grow_with_grants(
    office: User, street: Any, admin_user: User, django_assert_num_queries: Any
) -> None:
    client = _client(office)
    client.get(LIST)  # settle the session
    _add_grants(1, street, admin_user)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    _add_grants(12, StreetFactory(district=street.district), admin_user)
    with django_assert_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["grants"]) > 30


def test_choosing_a_street_lists_its_communities_for_the_second_select(
    office: User, street: Any, community: Any, other_community: Any
) -> None:
    url = reverse("accounts:grant-scope-communities")
    body = _client(office).get(url, {"scope": f"street:{street.pk}"}).content.decode()
    assert f'value="community:{community.pk}"' in body
    # only that street's communities
    assert f'value="community:{other_community.pk}"' not in body


def test_street_of_another_district_lists_nothing(office: User, admin_user: User) -> None:
    foreign = StreetFactory(district=DistrictFactory())
    CommunityFactory(street=foreign)
    url = reverse("accounts:grant-scope-communities")
    assert _client(office).get(url, {"scope": f"street:{foreign.pk}"}).status_code == 404


def test_office_grants_one_community_through_its_street(
    office: User, colleague: User, street: Any, community: Any
) -> None:
    response = _client(office).post(
        ADD,
        {
            "user": colleague.username,
            "scope": f"street:{street.pk}",
            "community": f"community:{community.pk}",
            "level": "view",
        },
    )
    assert response.status_code == 302
    # the grant is on the community, not on its whole street
    assert CommunityUserObjectPermission.objects.filter(
        user=colleague, content_object=community
    ).exists()
    assert not StreetUserObjectPermission.objects.filter(user=colleague).exists()


def test_grant_page_does_not_list_every_community(
    office: User, street: Any, community: Any
) -> None:
    # a province-scale district has tens of thousands; they load per street instead
    body = _client(office).get(LIST).content.decode()
    assert f'value="street:{street.pk}"' in body
    assert f'value="community:{community.pk}"' not in body
