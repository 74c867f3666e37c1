"""The weekly report agrees with itself: every figure of every section comes from the one snapshot
read at the start of the run, even when the data changes while the sections are being built."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from election.models import Campaign, CampaignSnapshot, PlanStep
from reports.selectors import report_context, sections, snapshot

# the election fixtures (a small rule set and a running campaign)
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _context(district: Any, street: Any = None) -> dict[str, Any]:
    iso = timezone.localdate().isocalendar()
    return report_context(district=district, iso_year=iso.year, iso_week=iso.week, street=street)


@pytest.fixture
def started(
    running_campaign: Campaign,  # noqa: F811 - the fixture imported above
) -> Campaign:
    """Riverside and Hillside with some steps done, two overdue and one red."""
    today = timezone.localdate()
    steps = list(PlanStep.objects.filter(plan__campaign=running_campaign).order_by("pk"))
    PlanStep.objects.filter(pk__in=[s.pk for s in steps[:3]]).update(
        status=PlanStep.Status.DONE, done_on=today - timedelta(days=1)
    )
    PlanStep.objects.filter(pk__in=[s.pk for s in steps[3:5]]).update(
        status=PlanStep.Status.IN_PROGRESS, done_on=None, due_on=today - timedelta(days=4)
    )
    PlanStep.objects.filter(pk=steps[5].pk).update(is_red=True, red_reason="Posted too late")
    CampaignSnapshot.objects.create(
        campaign=running_campaign,
        on=today - timedelta(days=7),
        steps_total=len(steps),
        steps_done=1,
        steps_red=0,
        steps_overdue=1,
    )
    return running_campaign


def _change(ctx: dict[str, Any]) -> dict[str, Any]:
    # the week-on-week table's rows, in order: steps done, overdue, red
    return dict(zip(("done", "overdue", "red"), ctx["change"]["rows"], strict=True))


def _figures(ctx: dict[str, Any]) -> dict[str, list[int]]:
    """Each figure as every section of the report shows it: all the numbers of a list agree."""
    head = ctx["headline"]
    change = _change(ctx)
    matrix = ctx["matrix"]
    appendix = ctx["appendix"]
    return {
        "done": [
            head["steps_done"],
            change["done"]["now"],
            sum(r["steps_done"] for r in matrix["rows"]),
            sum(s["steps_done"] for s in matrix["per_stage"]),
            sum(r["steps_done"] for r in appendix),
        ],
        "overdue": [
            head["steps_overdue_as_of"],
            change["overdue"]["now"],
            sum(r["overdue"] for r in matrix["rows"]),
            sum(s["overdue"] for s in matrix["per_stage"]),
            sum(r["overdue"] for r in appendix),
            ctx["behind"]["steps"],
        ],
        "red": [
            head["steps_red"],
            change["red"]["now"],
            sum(r["red"] for r in matrix["rows"]),
            sum(r["steps_red"] for r in appendix),
            ctx["red_flags"]["count"],
            len(ctx["red_flags"]["rows"]),
        ],
        "steps": [
            head["steps_total"],
            sum(r["steps_total"] for r in matrix["rows"]),
            sum(r["steps_total"] for r in appendix),
        ],
    }


def test_every_section_shows_the_same_figures(district: Any, started: Campaign) -> None:
    figures = _figures(_context(district))

    for name, values in figures.items():
        assert len(set(values)) == 1, (name, values)
    assert figures["done"][0] == 3
    assert figures["overdue"][0] >= 2
    assert figures["red"][0] == 1


def test_a_change_while_the_sections_are_built_does_not_reach_the_report(
    district: Any, started: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _figures(_context(district))
    real_behind = sections.behind_schedule
    changed: list[int] = []

    def behind_then_change(appendix: list[dict[str, Any]]) -> dict[str, Any]:
        # a street official finishes every step, and another one turns red, half-way through
        # the report: after section one, before the red flags and the week-on-week table
        changed.append(
            PlanStep.objects.filter(plan__campaign=started).update(
                status=PlanStep.Status.DONE, done_on=timezone.localdate(), is_red=True
            )
        )
        CampaignSnapshot.objects.update_or_create(
            campaign=started,
            on=timezone.localdate(),
            defaults={"steps_total": 1, "steps_done": 99, "steps_red": 99, "steps_overdue": 99},
        )
        return real_behind(appendix)

    monkeypatch.setattr(sections, "behind_schedule", behind_then_change)
    during = _figures(_context(district))

    assert changed and changed[0] > 0
    # the report shows the snapshot read at its start, in every section
    assert during == before
    for name, values in during.items():
        assert len(set(values)) == 1, (name, values)
    # the next report sees the change
    monkeypatch.setattr(sections, "behind_schedule", real_behind)
    after = _figures(_context(district))
    assert after["done"][0] == after["steps"][0] != before["done"][0]


def test_the_week_on_week_table_shows_section_ones_figures_not_an_older_count(
    district: Any, started: Campaign
) -> None:
    # the daily count written this morning, before three more steps were done
    CampaignSnapshot.objects.create(
        campaign=started,
        on=timezone.localdate(),
        steps_total=10,
        steps_done=0,
        steps_red=0,
        steps_overdue=0,
    )

    ctx = _context(district)

    change = _change(ctx)
    assert change["done"]["now"] == ctx["headline"]["steps_done"] == 3
    assert change["red"]["now"] == ctx["headline"]["steps_red"] == 1
    assert change["overdue"]["now"] == ctx["headline"]["steps_overdue_as_of"]
    # a week earlier: last week's daily count
    assert change["done"]["before"] == 1 and change["done"]["delta"] == 2


def test_a_streets_report_agrees_with_itself(district: Any, street: Any, started: Campaign) -> None:
    figures = _figures(_context(district, street))

    for name, values in figures.items():
        assert len(set(values)) == 1, (name, values)


def test_the_sections_are_built_without_a_query(
    district: Any, started: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _i in range(5):
        CommunityFactory(street=started.district.streets.first())
    real_take = snapshot.snapshot_take
    at_snapshot_end: list[int] = []

    with CaptureQueriesContext(connection) as queries:

        def take(**kwargs: Any) -> Any:
            snap = real_take(**kwargs)
            at_snapshot_end.append(len(queries.captured_queries))
            return snap

        monkeypatch.setattr(snapshot, "snapshot_take", take)
        _context(district)

    # every query of the report is the snapshot's (or the campaign's, before it)
    assert at_snapshot_end == [len(queries.captured_queries)]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_snapshot_is_read_in_one_of_its_own(
    district: Any,
    started: Campaign,
) -> None:
    # as a worker runs it: no transaction around the report, so the snapshot opens its own
    # (PostgreSQL: REPEATABLE READ, read only) and closes it
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        figures = _figures(_context(district))

    sql = [q["sql"].upper() for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert any("REPEATABLE READ" in s for s in sql)
    # the snapshot's reads lie between one BEGIN (or SET TRANSACTION) and one COMMIT
    assert sum(1 for s in sql if s.startswith("COMMIT")) <= 1
    assert not connection.in_atomic_block
    assert figures["done"][0] == 3
