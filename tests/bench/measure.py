"""Shared by the benchmarks: seed the scale district, and measure one page."""

import statistics
import time
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUNS = 11


def seed(size: int) -> float:
    """`seed_scale --communities size`, then ANALYZE; returns the seconds the seeding took."""
    started = time.perf_counter()
    call_command("seed_scale", communities=size, stdout=StringIO())
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        # planner statistics, as autovacuum would have them on a live database
        cursor.execute("ANALYZE")
    return elapsed


def measure(client: Client, url: str, *, runs: int = RUNS) -> dict[str, Any]:
    """Queries of one request, median milliseconds over `runs`, and the slowest query."""
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    # read now: `captured_queries` reads the connection's log, which the next request resets
    captured = list(ctx.captured_queries)
    assert response.status_code == 200, url
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    slowest = max(captured, key=lambda q: float(q["time"]))
    return {
        "queries": len(captured),
        "ms": statistics.median(timings),
        "slowest_ms": float(slowest["time"]) * 1000,
        "slowest_sql": slowest["sql"],
    }
