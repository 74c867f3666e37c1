"""Hostile ids and values against every URL of the permission matrix, as every role: never a 5xx.

For each URL pattern (the matrix's `ENTRIES`), hypothesis draws a role, a method (GET and POST,
whichever the view accepts: a refused method is a 405, not a 5xx), a value for each path argument
(the real one, or an odd one: non-ASCII digits, numbers past 2**63, negative, empty, unicode …)
and an odd value for every query or form field. The field names are every field of every
form of the project and every query parameter the views read, so a parameter added to a view or a
form joins the test by itself.

The URL is built by reversing the pattern with sentinel ids and replacing each sentinel in the
path, so odd values reach the resolver as a browser would send them (percent-encoded).
"""

import uuid
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_url_matrix import MATRIX
from tests.test_url_matrix import world as world  # the fixture
from tests.url_matrix import ROLES, World

# how many requests each URL gets; CI runs the same count every time (derandomised below)
EXAMPLES_PER_URL = 24

# the query parameters the views read themselves, besides their forms' fields
QUERY_KEYS = ["page", "run", "street", "streets", "stage", "show", "scope", "part", "in", "action"]

ODD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "²",
    "¹²",
    "١٢٣",  # Arabic-Indic digits
    "\uff11\uff12",  # full-width digits
    "\U0001d7d9",  # a mathematical digit
    "1.5",
    "1e9",
    "0x10",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "9" * 40,
    "-" + "9" * 25,
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "\x00",
    "a\x00b",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "'; DROP TABLE communities_community; --",
    "%00",
    "%",
    "\u202eevil",
    "\u200b",
    "社区",
    "😀" * 3,
    "2026-W99",
    "9999-W52",
    "0000-W01",
    "2026-13-45",
    "99999-01-01",
    "district-" + str(2**64),
    "street-²",
    "x" * 3000,
]

odd_value = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)

# the values that broke views before: each is also sent to every URL in every field at once, by the
# superuser (who reaches every view's code), so the classes known to fail never depend on the draw
CANONICAL = ["²", str(2**64), "-1", "", "\x00", "x" * 3000, "١٢٣", "2026-W99", "\u202e1"]


def _form_fields() -> list[str]:
    """Every field name of every form class the project defines."""
    seen: set[str] = set()
    stack: list[type] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        module = cls.__module__.split(".", 1)[0]
        if module in {"accounts", "communities", "core", "election", "reports"}:
            seen.update(getattr(cls, "base_fields", {}))
    return sorted(seen)


def _field_keys() -> list[str]:
    # importing the URL conf has imported every view, and with it every form
    return sorted({*QUERY_KEYS, *_form_fields()})


# sentinels that reverse() accepts for each kind of path argument, and that appear nowhere else
def _sentinel(index: int, real: Any) -> Any:
    if isinstance(real, uuid.UUID):
        return uuid.UUID(int=0xFEED0000 + index)
    return 7_770_000_000 + index


def _path(name: str, real: dict[str, Any], chosen: dict[str, str | None]) -> str:
    """The pattern's URL with each argument the real value (None) or the odd text chosen."""
    sentinels = {key: _sentinel(i, value) for i, (key, value) in enumerate(sorted(real.items()))}
    url = reverse(name, kwargs=sentinels)
    for key, sentinel in sentinels.items():
        odd = chosen[key]
        url = url.replace(str(sentinel), str(real[key]) if odd is None else quote(odd, safe=""))
    return url


@settings(
    max_examples=EXAMPLES_PER_URL,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def _requests_never_fail(name: str, world: World, data: st.DataObject) -> None:
    case = MATRIX[name]
    role = data.draw(st.sampled_from(ROLES), label="role")
    method = data.draw(st.sampled_from(["get", "post"]), label="method")
    real = case.kwargs(world) if case.kwargs else {}
    chosen = {
        key: data.draw(st.one_of(st.none(), odd_value), label=f"path {key}") for key in sorted(real)
    }
    # every known field at once, each with its own odd value: whatever this view reads gets one
    if data.draw(st.booleans(), label="one value for all"):
        same = data.draw(odd_value, label="value")
        values = dict.fromkeys(_field_keys(), same)
        chosen = dict.fromkeys(real, same)
    else:
        values = {key: data.draw(odd_value, label=key) for key in _field_keys()}
    # now and then, the entry's own valid body with one field made odd
    if method == "post" and case.data and data.draw(st.booleans(), label="valid body"):
        values = {**case.data(world), **values}
    _request(world.users[role], method, _path(name, real, chosen), values)


def _request(user: Any, method: str, url: str, values: dict[str, str]) -> None:
    client = Client()
    if user is not None:
        client.force_login(user)
    if method == "get":
        response = client.get(f"{url}?{urlencode(values)}")
    else:
        response = client.post(url, data=values)
    assert response.status_code < 500, (method, url, values, response.status_code)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_hostile_ids_and_values_never_give_a_server_error(name: str, world: World) -> None:
    _requests_never_fail(name, world)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_known_odd_values_in_every_field_never_give_a_server_error(name: str, world: World) -> None:
    case = MATRIX[name]
    real = case.kwargs(world) if case.kwargs else {}
    for value in CANONICAL:
        values = dict.fromkeys(_field_keys(), value)
        for method in ("get", "post"):
            # in the path too, then with the real path so the fields reach the view
            _request(
                world.users["admin_user"],
                method,
                _path(name, real, dict.fromkeys(real, value)),
                values,
            )
            _request(
                world.users["admin_user"], method, _path(name, real, dict.fromkeys(real)), values
            )
