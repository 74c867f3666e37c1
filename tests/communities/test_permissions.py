"""The scope rule: a grant on a community, its street or its district; nothing else."""

from typing import Any

import pytest
from django.http import Http404

from accounts.models import User
from accounts.services import grant_assign, grant_revoke
from communities.permissions import access_community, communities_for_user
from tests.factories import CommunityFactory, DistrictFactory, StreetFactory, UserFactory


def test_street_grant_reaches_only_that_streets_communities(
    street_official: User, community: Any, other_community: Any
) -> None:
    assert list(communities_for_user(street_official)) == [community]


def test_district_grant_reaches_every_street(
    office: User, community: Any, other_community: Any
) -> None:
    assert set(communities_for_user(office)) == {community, other_community}


def test_community_grant_reaches_that_community_only(leader: User, community: Any) -> None:
    CommunityFactory(street=community.street)  # a neighbour on the same street
    assert list(communities_for_user(leader)) == [community]


def test_view_grant_does_not_allow_editing(leader: User, community: Any) -> None:
    assert list(communities_for_user(leader, perm="change_community")) == []
    assert access_community(leader, community.pk).pk == community.pk
    with pytest.raises(Http404):
        access_community(leader, community.pk, perm="change_community")


def test_other_streets_community_is_not_found(outsider: User, community: Any) -> None:
    # a 404, not a 403: the community does not exist for this user
    with pytest.raises(Http404):
        access_community(outsider, community.pk)


def test_grant_on_another_district_reaches_nothing_here(community: Any, admin_user: User) -> None:
    elsewhere = DistrictFactory()
    user = UserFactory(role=User.Role.OFFICE)
    grant_assign(user=user, obj=elsewhere, level="manage", by=admin_user)
    StreetFactory(district=elsewhere)
    assert list(communities_for_user(user)) == []


def test_revoked_grant_removes_access(
    street_official: User, street: Any, community: Any, admin_user: User
) -> None:
    grant_revoke(user=street_official, obj=street, by=admin_user)
    assert list(communities_for_user(street_official)) == []


def test_inactive_user_reaches_nothing(street_official: User, community: Any) -> None:
    street_official.is_active = False
    street_official.save(update_fields=["is_active"])
    assert list(communities_for_user(street_official)) == []


def test_superuser_reaches_everything(
    admin_user: User, community: Any, other_community: Any
) -> None:
    assert set(communities_for_user(admin_user)) == {community, other_community}


def test_scope_is_one_query(
    office: User, community: Any, other_community: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        list(communities_for_user(office))
