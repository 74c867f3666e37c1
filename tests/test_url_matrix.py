"""Every URL pattern has an entry in the permission matrix, and every role gets what it says."""

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.url_matrix import ENTRIES as ACCOUNTS
from tests.audits.url_matrix import ENTRIES as AUDITS
from tests.communities.url_matrix import ENTRIES as COMMUNITIES
from tests.core.url_matrix import ENTRIES as CORE
from tests.discipline.url_matrix import ENTRIES as DISCIPLINE
from tests.election.url_matrix import ENTRIES as ELECTION
from tests.home.url_matrix import ENTRIES as HOME
from tests.reports.url_matrix import ENTRIES as REPORTS
from tests.url_matrix import ROLES, Case, World

MATRIX: dict[str, Case] = {
    **CORE,
    **ACCOUNTS,
    **COMMUNITIES,
    **ELECTION,
    **AUDITS,
    **DISCIPLINE,
    **REPORTS,
    **HOME,
}

# the admin is Django's own; its access rule (staff only) is tested once in tests/core
COVERED_ELSEWHERE = ("admin:",)


def _names(patterns: list[Any], namespace: str = "") -> list[str]:
    names = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names.extend(_names(p.url_patterns, ns))
        elif isinstance(p, URLPattern):
            names.append(f"{namespace}{p.name}" if p.name else f"{namespace}<unnamed {p.pattern}>")
    return names


def test_every_url_pattern_has_a_matrix_entry() -> None:
    names = [n for n in _names(get_resolver().url_patterns) if not n.startswith(COVERED_ELSEWHERE)]
    missing = sorted(set(names) - set(MATRIX))
    assert not missing, f"URL patterns without a permission-matrix entry: {missing}"
    stale = sorted(set(MATRIX) - set(names))
    assert not stale, f"matrix entries for URLs that no longer exist: {stale}"


@pytest.fixture
def world(
    district: Any,
    street: Any,
    other_street: Any,
    community: Any,
    other_community: Any,
    admin_user: Any,
    office: Any,
    street_official: Any,
    outsider: Any,
    leader: Any,
    member_unit_user: Any,
    discipline: Any,
    supervisor: Any,
) -> World:
    users = {
        "anonymous": None,
        "admin_user": admin_user,
        "office": office,
        "street_official": street_official,
        "outsider": outsider,
        "leader": leader,
        "member_unit_user": member_unit_user,
        "discipline": discipline,
        "supervisor": supervisor,
    }
    return World(district, street, other_street, community, other_community, users)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_permission_matrix(name: str, role: str, world: World) -> None:
    case = MATRIX[name]
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    query = case.query(world) if callable(case.query) else case.query
    url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None) + query
    data = case.data(world) if case.data else None
    response = getattr(client, case.method)(url, data=data)
    assert response.status_code == case.status_for(role), (name, role, url)
    if case.after is not None:
        case.after(world, role, response)
