"""The statistics page costs the same number of queries (at most 15) over 1,000 communities as
over 20,000 (about 160,000 committee members), and its time at 20,000 is at most three times its
time at 1,000 (issue 11).

Run with `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test RUN_BENCH=1 .venv/bin/python -m
pytest tests/bench/test_statistics_bench.py -q -s`; the figures go in BENCHMARKS.md. `seed_scale`
gives every community of the scale district its previous term (seven members over the two
committees) and the communities that voted already (about 15 %) their new term and first rounds.
Each page is requested once to warm up, once to count queries, then RUNS times for the median
wall time of the whole request through the test client.
"""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from election.models import Campaign, CommitteeMember, RuleSet
from tests.bench.measure import measure, seed

SIZES = [1_000, 20_000]
MAX_QUERIES = 15
MAX_RATIO = 3.0
PAGES = {
    "statistics": "/election/campaigns/{pk}/statistics/",
    "statistics, residents": "/election/campaigns/{pk}/statistics/?body=residents",
    "people: women, new term": (
        "/election/campaigns/{pk}/statistics/people/?figure=women&body=party&term=current"
    ),
    "people: 35 and under, p. 3": (
        "/election/campaigns/{pk}/statistics/people/?figure=age:1&body=party&term=previous&page=3"
    ),
    "statistics.xlsx": "/election/campaigns/{pk}/statistics.xlsx",
}
# the pages held to the time ratio; the others are reported
TIMED = ["statistics", "statistics.xlsx"]


@pytest.mark.bench
@pytest.mark.django_db(transaction=True)
def test_statistics_costs_the_same_queries_and_at_most_three_times_the_time() -> None:
    assert RuleSet.objects.filter(is_default=True).exists(), "the default rule set is not loaded"
    results: dict[tuple[int, str], dict[str, Any]] = {}
    seeds: dict[int, float] = {}
    members: dict[int, int] = {}
    for size in SIZES:
        seeds[size] = seed(size)
        campaign = Campaign.objects.get(district__code="scale")
        members[size] = CommitteeMember.objects.filter(
            committee__community__street__district=campaign.district
        ).count()
        client = Client()
        client.force_login(User.objects.get(username="scale_office"))
        for page, url in PAGES.items():
            results[(size, page)] = measure(client, url.format(pk=campaign.pk))

    lines = [
        "",
        f"{'communities':>11}  {'page':<28}  {'queries':>7}  {'median ms':>9}  "
        f"{'slowest query ms':>16}",
    ]
    for (size, page), r in results.items():
        lines.append(
            f"{size:>11}  {page:<28}  {r['queries']:>7}  {r['ms']:>9.1f}  {r['slowest_ms']:>16.1f}"
        )
    small, large = SIZES
    lines.append("")
    for page in TIMED:
        ratio = results[(large, page)]["ms"] / results[(small, page)]["ms"]
        lines.append(f"{page}: time at {large} / time at {small} = {ratio:.2f}")
    lines.extend(
        f"seed_scale --communities {size}: {s:.1f} s ({members[size]} committee members)"
        for size, s in seeds.items()
    )
    lines.append(f"slowest query at {large}: {results[(large, 'statistics')]['slowest_sql']}")
    print("\n".join(lines))  # noqa: T201 - the benchmark's report

    for page in PAGES:
        queries = results[(large, page)]["queries"]
        assert queries == results[(small, page)]["queries"], page
        assert queries <= MAX_QUERIES, page
    for page in TIMED:
        assert results[(large, page)]["ms"] <= MAX_RATIO * results[(small, page)]["ms"], page
