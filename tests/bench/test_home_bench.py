"""Every role's home page (`/`) costs the same number of queries (at most 12) over 1,000
communities as over 20,000, and its median time at 20,000 is at most three times its time at
1,000 (issue 10, Performance).

Run with `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test RUN_BENCH=1 .venv/bin/python -m
pytest tests/bench/test_home_bench.py -q -s`; the figures go in BENCHMARKS.md. `seed_scale` gives
the scale district a running campaign (about 50 steps per community) and the accounts
`scale_office` and `scale_street`; after each seed this benchmark adds one account per other role:
a superuser, a leader assigned to a community of the first street with a visit, a member-unit
account, and a discipline officer and a supervisor with a view grant on the district. Each home
page is requested once to warm up, once to count queries, then RUNS times for the median wall
time of the whole request through the test client.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import MemberUnit, User
from accounts.services import grant_assign
from communities.models import Community, District
from election.models import RuleSet
from election.services.assignments import assignment_create, visit_create
from tests.bench.measure import measure, seed

SIZES = [1_000, 20_000]
MAX_QUERIES = 12
MAX_RATIO = 3.0
# account -> the home page it gets
ACCOUNTS = {
    "bench_admin": "office (superuser)",
    "scale_office": "office",
    "scale_street": "street official",
    "bench_leader": "leader",
    "bench_police": "member unit",
    "bench_discipline": "discipline",
    "bench_supervisor": "supervisor",
}


def _user(username: str, *, role: str = "", **extra: Any) -> User:
    user, _created = User.objects.update_or_create(
        username=username, defaults={"role": role, "is_active": True, **extra}
    )
    return user


def _role_accounts() -> None:
    """The accounts seed_scale does not make, with their grants on the (new) scale district."""
    district = District.objects.get(code="scale")
    office = User.objects.get(username="scale_office")
    _user("bench_admin", is_superuser=True, is_staff=True)
    unit, _created = MemberUnit.objects.get_or_create(
        code="bench-police", defaults={"name": "Bench public security"}
    )
    _user("bench_police", role=User.Role.MEMBER_UNIT, member_unit=unit)
    for username, role in [
        ("bench_discipline", User.Role.DISCIPLINE),
        ("bench_supervisor", User.Role.SUPERVISOR),
    ]:
        grant_assign(user=_user(username, role=role), obj=district, level="view", by=office)
    leader = _user("bench_leader", role=User.Role.LEADER)
    community = (
        Community.objects.filter(street__district=district).order_by("street__name", "pk").first()
    )
    assert community is not None
    assignment = assignment_create(community=community, user=leader, kind="leader", by=office)
    visit_create(
        assignment=assignment,
        data={
            "visited_on": timezone.localdate() - timedelta(days=1),
            "summary": "Checked the voter list",
        },
        by=leader,
    )


@pytest.mark.bench
@pytest.mark.django_db(transaction=True)
def test_every_role_home_costs_the_same_queries_and_at_most_three_times_the_time() -> None:
    assert RuleSet.objects.filter(is_default=True).exists(), "the default rule set is not loaded"
    results: dict[tuple[int, str], dict[str, Any]] = {}
    seeds: dict[int, float] = {}
    for size in SIZES:
        seeds[size] = seed(size)
        _role_accounts()
        for username in ACCOUNTS:
            client = Client()
            client.force_login(User.objects.get(username=username))
            results[(size, username)] = measure(client, "/")

    lines = [
        "",
        f"{'communities':>11}  {'account':<17}  {'home':<18}  {'queries':>7}  {'median ms':>9}  "
        f"{'slowest query ms':>16}",
    ]
    for (size, username), r in results.items():
        lines.append(
            f"{size:>11}  {username:<17}  {ACCOUNTS[username]:<18}  {r['queries']:>7}  "
            f"{r['ms']:>9.1f}  {r['slowest_ms']:>16.1f}"
        )
    small, large = SIZES
    lines.append("")
    for username in ACCOUNTS:
        ratio = results[(large, username)]["ms"] / results[(small, username)]["ms"]
        lines.append(f"{username}: time at {large} / time at {small} = {ratio:.2f}")
    lines.extend(f"seed_scale --communities {size}: {s:.1f} s" for size, s in seeds.items())
    slowest = max(results.values(), key=lambda r: r["slowest_ms"])
    lines.append(f"slowest query ({slowest['slowest_ms']:.1f} ms): {slowest['slowest_sql']}")
    print("\n".join(lines))  # noqa: T201 - the benchmark's report

    for username in ACCOUNTS:
        queries = results[(large, username)]["queries"]
        assert queries == results[(small, username)]["queries"], username
        assert queries <= MAX_QUERIES, username
    for username in ACCOUNTS:
        assert results[(large, username)]["ms"] <= MAX_RATIO * results[(small, username)]["ms"], (
            username
        )
