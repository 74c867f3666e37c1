"""The other method of each findings URL (the matrix holds one case per URL), as every role."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.audits.matrix_findings import FINDINGS_GET_ENTRIES
from tests.test_url_matrix import world  # noqa: F401 -- the matrix's fixture
from tests.url_matrix import ROLES, World


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(FINDINGS_GET_ENTRIES))
def test_findings_urls_other_method(name: str, role: str, world: World) -> None:  # noqa: F811
    case = FINDINGS_GET_ENTRIES[name]
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
