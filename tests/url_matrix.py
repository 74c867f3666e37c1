"""The URL permission matrix: every URL pattern of the project, every role, the expected status.

Each app lists its URLs in `tests/<app>/url_matrix.py` as `ENTRIES: dict[str, Case]`, keyed by the
namespaced URL name. `tests/test_url_matrix.py` fails when a pattern has no entry, then requests
each URL as each role.

Roles: anonymous, admin_user (superuser), office (district grant), street_official (grant on
`street`, where `community` lies), outsider (official of `other_street`: `community` is out of
scope for them), leader (view grant on `community` only), member_unit_user (no grant), discipline
and supervisor (view grant on the district).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = [
    "anonymous",
    "admin_user",
    "office",
    "street_official",
    "outsider",
    "leader",
    "member_unit_user",
    "discipline",
    "supervisor",
]

LOGIN = 302  # anonymous users are sent to the sign-in page
OK = 200
FOUND = 302
NOT_FOUND = 404
FORBIDDEN = 403
NOT_ALLOWED = 405


@dataclass
class World:
    """What a case may point at; built once per test from the role fixtures."""

    district: Any
    street: Any
    other_street: Any
    community: Any
    other_community: Any
    users: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    """How to request one URL, and the status each role gets.

    `kwargs(world)` gives the URL arguments (pointing at `community` or the street official's
    objects, so `outsider` shows the other-scope answer). `data(world)` gives a POST body;
    `query` is a query string, or a callable that makes one from the world.
    `expect` maps each role to a status; roles not listed get `default`. `after(world, role,
    response)`, if given, checks what the request did to the data (a write that was refused
    must have written nothing, not only answered the right status).
    """

    expect: dict[str, int]
    default: int | None = None
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] | None = None
    data: Callable[[World], dict[str, Any]] | None = None
    query: str | Callable[[World], str] = ""
    after: Callable[[World, str, Any], None] | None = None

    def status_for(self, role: str) -> int:
        if role in self.expect:
            return self.expect[role]
        if self.default is None:
            raise KeyError(f"no expected status for role {role!r}")
        return self.default


def community_pk(world: World) -> dict[str, Any]:
    return {"pk": world.community.pk}


def everyone(status: int, *, anonymous: int = LOGIN, **overrides: int) -> dict[str, int]:
    """The same status for every signed-in role, with `overrides`."""
    expect = dict.fromkeys(ROLES, status)
    expect["anonymous"] = anonymous
    expect.update(overrides)
    return expect


def in_scope_of_community(
    status: int, *, anonymous: int = LOGIN, **overrides: int
) -> dict[str, int]:
    """`status` for roles that reach `community`; 404 for the outsider and the member unit."""
    expect = everyone(status, anonymous=anonymous, outsider=NOT_FOUND, member_unit_user=NOT_FOUND)
    expect.update(overrides)
    return expect


def editors_of_community(status: int, **overrides: int) -> dict[str, int]:
    """`status` for roles that may edit `community`; 404 for everyone else signed in."""
    expect = everyone(NOT_FOUND, admin_user=status, office=status, street_official=status)
    expect.update(overrides)
    return expect


def office_only(status: int, **overrides: int) -> dict[str, int]:
    """`status` for the office and the superuser; 404 for everyone else signed in."""
    expect = everyone(NOT_FOUND, admin_user=status, office=status)
    expect.update(overrides)
    return expect
