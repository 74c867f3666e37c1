"""The other method of each reports URL (the form pages' POST, the lists' POST, the actions'
GET), as every role of the URL matrix."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.discipline.matrix_reports import REPORT_OTHER_ENTRIES
from tests.test_url_matrix import world  # noqa: F401  (the matrix's fixture, shared)
from tests.url_matrix import ROLES, World


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(REPORT_OTHER_ENTRIES))
def test_reports_other_methods(name: str, role: str, world: World) -> None:  # noqa: F811
    case = REPORT_OTHER_ENTRIES[name]
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
    data = case.data(world) if case.data else None
    response = getattr(client, case.method)(url, data=data)
    assert response.status_code == case.status_for(role), (name, role, url)
    if case.after is not None:
        case.after(world, role, response)
