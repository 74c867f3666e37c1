"""Role fixtures in the spirit of healthchecks' alice/bob/charlie.

`district` has two streets; `street_official` works in `street`, `outsider` in `other_street`.
`community` lies in `street`, `other_community` in `other_street`.
"""

import os
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.services import grant_assign
from communities.models import Community, District, Street
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MemberUnitFactory,
    StreetFactory,
    UserFactory,
)


def pytest_configure(config: Any) -> None:
    # With REQUIRE_SERVICES=1 (CI) the suite must run against PostgreSQL and Redis, never silently
    # fall back to the embedded default.
    if os.environ.get("REQUIRE_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL")
        if not settings.REDIS_URL:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but REDIS_URL is not set")


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """At the end of the run, close any session a thread or a worker left open on the test
    database (PostgreSQL), so that dropping it does not fail with "being accessed by other
    users"; on SQLite there is nothing to do."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def district(db: None) -> District:
    return DistrictFactory(name="Demo District", code="demo")


@pytest.fixture
def street(district: District) -> Street:
    return StreetFactory(district=district, name="First Street")


@pytest.fixture
def other_street(district: District) -> Street:
    return StreetFactory(district=district, name="Second Street")


@pytest.fixture
def community(street: Street) -> Community:
    return CommunityFactory(street=street, name="Riverside")


@pytest.fixture
def other_community(other_street: Street) -> Community:
    return CommunityFactory(street=other_street, name="Hillside")


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory(username="root", is_superuser=True, is_staff=True, role="")


@pytest.fixture
def office(district: District, admin_user: User) -> User:
    user = UserFactory(username="office", role=User.Role.OFFICE)
    grant_assign(user=user, obj=district, level="manage", by=admin_user)
    return user


@pytest.fixture
def street_official(street: Street, admin_user: User) -> User:
    user = UserFactory(username="street1", role=User.Role.STREET)
    grant_assign(user=user, obj=street, level="edit", by=admin_user)
    return user


@pytest.fixture
def outsider(other_street: Street, admin_user: User) -> User:
    """An official of another street of the same district."""
    user = UserFactory(username="street2", role=User.Role.STREET)
    grant_assign(user=user, obj=other_street, level="edit", by=admin_user)
    return user


@pytest.fixture
def leader(community: Community, admin_user: User) -> User:
    user = UserFactory(username="leader1", role=User.Role.LEADER)
    grant_assign(user=user, obj=community, level="view", by=admin_user)
    return user


@pytest.fixture
def member_unit_user(db: None) -> User:
    unit = MemberUnitFactory(name="Public Security", code="police")
    return UserFactory(username="police", role=User.Role.MEMBER_UNIT, member_unit=unit)


@pytest.fixture
def discipline(district: District, admin_user: User) -> User:
    user = UserFactory(username="discipline", role=User.Role.DISCIPLINE)
    grant_assign(user=user, obj=district, level="view", by=admin_user)
    return user


@pytest.fixture
def supervisor(district: District, admin_user: User) -> User:
    user = UserFactory(username="supervisor", role=User.Role.SUPERVISOR)
    grant_assign(user=user, obj=district, level="view", by=admin_user)
    return user


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_user() -> Any:
    """`as_user(user)` returns a test client signed in as `user` (None: anonymous)."""
    return client_for


@pytest.fixture
def requires_postgres(db: None) -> None:
    """Skip on the embedded SQLite default; fail instead when the run requires the services."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL) and REQUIRE_SERVICES=1 is set")
    pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def _missing_service(reason: str) -> None:
    if getattr(settings, "REQUIRE_SERVICES", False):
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def requires_redis() -> str:
    """The Redis URL of the settings, once Redis has answered a PING."""
    url: str = settings.REDIS_URL
    if not url:
        _missing_service("REDIS_URL is not set")
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    error = None
    try:
        client.ping()
    except redis.RedisError as e:
        error = e
    finally:
        client.close()
    if error is not None:
        _missing_service(f"Redis at {url} does not answer: {error}")
    return url
