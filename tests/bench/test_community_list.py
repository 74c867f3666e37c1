"""The community list and the dashboard cost the same number of queries over 100 communities as
over 20,000 (design.md §3), at most 10, for the office and for a street official.

Run with `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make bench`; the figures go in
BENCHMARKS.md. Each page is requested once to warm up, once to count queries and then RUNS times
for the median wall time (the whole request through the test client: middleware, session, view,
template).
"""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from tests.bench.measure import measure, seed

SIZES = [100, 20_000]
USERS = ["scale_office", "scale_street"]
PAGES = {
    "list": "/communities/",
    "list, filtered": "/communities/?kind=village_converted&q=1",
    "list, page 3": "/communities/?page=3",
    "dashboard": "/",
}
MAX_QUERIES = 10


def _report(results: dict[tuple[int, str, str], dict[str, Any]], seeds: dict[int, float]) -> None:
    lines = [
        "",
        f"{'communities':>11}  {'user':<12}  {'page':<15}  {'queries':>7}  {'median ms':>9}  "
        f"{'slowest query ms':>16}",
    ]
    for (size, username, page), r in results.items():
        lines.append(
            f"{size:>11}  {username:<12}  {page:<15}  {r['queries']:>7}  {r['ms']:>9.1f}  "
            f"{r['slowest_ms']:>16.1f}"
        )
    lines.append("")
    lines.extend(f"seed_scale --communities {size}: {s:.1f} s" for size, s in seeds.items())
    slowest = max(results.values(), key=lambda r: r["slowest_ms"])
    lines.append(f"slowest query ({slowest['slowest_ms']:.1f} ms): {slowest['slowest_sql']}")
    print("\n".join(lines))  # noqa: T201 - the benchmark's report


@pytest.mark.bench
@pytest.mark.django_db(transaction=True)
def test_community_pages_cost_the_same_queries_at_100_and_20000_communities() -> None:
    results: dict[tuple[int, str, str], dict[str, Any]] = {}
    seeds: dict[int, float] = {}
    for size in SIZES:
        seeds[size] = seed(size)
        for username in USERS:
            client = Client()
            client.force_login(User.objects.get(username=username))
            for page, url in PAGES.items():
                results[(size, username, page)] = measure(client, url)
    _report(results, seeds)

    small, large = SIZES
    for username in USERS:
        for page in PAGES:
            queries = results[(large, username, page)]["queries"]
            assert queries == results[(small, username, page)]["queries"], (username, page)
            assert queries <= MAX_QUERIES, (username, page)
