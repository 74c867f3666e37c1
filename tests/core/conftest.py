"""Fixtures for tests that need the real services.

`requires_redis` skips a test when Redis is not configured or does not answer, except under
REQUIRE_SERVICES=1 (CI), where a missing service is a failure: CI must never go green by skipping.
"""

import pytest
import redis
from django.conf import settings


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
