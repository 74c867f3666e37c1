"""The permission matrix's second cases of the handover URLs: the POSTs of the pages that also
answer GET (a plan's handovers, one handover), and GET on the POST-only actions (405)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.audits.matrix_handover import EXTRA_CASES
from tests.test_url_matrix import world  # noqa: F401  (the matrix's fixture)
from tests.url_matrix import ROLES, World


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(EXTRA_CASES))
def test_handover_matrix_extra(key: str, role: str, world: World) -> None:  # noqa: F811
    case = EXTRA_CASES[key]
    name = key.split(" ")[0]
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
    data: Any = case.data(world) if case.data else None
    response = getattr(client, case.method)(url, data=data)
    assert response.status_code == case.status_for(role), (key, role, url)
    if case.after is not None:
        case.after(world, role, response)
