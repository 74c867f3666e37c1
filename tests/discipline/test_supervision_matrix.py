"""The form pages (GET) of the supervision and joint-meeting URLs whose matrix case is the POST,
as every role."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.discipline.matrix_supervision import SUPERVISION_GET_ENTRIES
from tests.test_url_matrix import world  # noqa: F401 -- the matrix's fixture
from tests.url_matrix import ROLES, World


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(SUPERVISION_GET_ENTRIES))
def test_supervision_form_pages(name: str, role: str, world: World) -> None:  # noqa: F811
    case = SUPERVISION_GET_ENTRIES[name]
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
    response = client.get(url)
    assert response.status_code == case.status_for(role), (name, role, url)
