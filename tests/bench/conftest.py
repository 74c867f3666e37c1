"""Benchmarks run only on demand: `make bench` (RUN_BENCH=1), never as part of `make test`.

They need PostgreSQL (DATABASE_URL): the figures are meant for the production database, and
SQLite would answer a different question. They use their own test database, `<name>_bench`, so a
benchmark never collides with a test run against the same server.
"""

import os
from typing import Any

import pytest

RUN_BENCH = os.environ.get("RUN_BENCH") == "1"

# without RUN_BENCH=1 pytest collects nothing in this directory
collect_ignore_glob = [] if RUN_BENCH else ["*"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_bench"


@pytest.fixture(autouse=True)
def _require_postgresql(settings: Any) -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.fail(
            "The benchmarks need PostgreSQL: run them as "
            "`DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make bench` "
            f"(the database engine now is {engine}).",
            pytrace=False,
        )
