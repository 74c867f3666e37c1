"""The dashboard's rollups and snapshots agree with a direct count of the steps."""

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache

from election.models import (
    Campaign,
    CampaignSnapshot,
    PlanStage,
    PlanStep,
    StreetStageRollup,
)
from election.services.plans import stage_close, step_update
from election.services.rollups import campaign_rollups_refresh, rollup_refresh, snapshot_write
from election.tasks import rollups_dispatch
from tests.election.conftest import PARTY_E, START, E

# a day in the middle of the campaign: the survey steps are due, the rest are not
TODAY = START + timedelta(days=20)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _direct_counts(campaign: Campaign, today: date) -> dict[tuple[int, int], dict[str, int]]:
    counts: dict[tuple[int, int], Counter[str]] = {}
    for step in PlanStep.objects.filter(plan__campaign=campaign).select_related(
        "plan__community", "stage"
    ):
        c = counts.setdefault((step.plan.community.street_id, step.stage.template_id), Counter())
        is_done = step.status == PlanStep.Status.DONE
        c["total"] += 1
        c["done"] += is_done
        c["red"] += step.is_red
        c["overdue"] += (not is_done) and step.due_on is not None and step.due_on < today
    for stage in PlanStage.objects.filter(plan__campaign=campaign).select_related(
        "plan__community"
    ):
        c = counts.setdefault((stage.plan.community.street_id, stage.template_id), Counter())
        open_steps = stage.steps.exclude(status=PlanStep.Status.DONE).exists()
        c["plans"] += 1
        c["plans_done"] += stage.is_closed or not open_steps
    return {
        k: {f: v[f] for f in ("total", "done", "red", "overdue", "plans", "plans_done")}
        for k, v in counts.items()
    }


def _rollups(campaign: Campaign) -> dict[tuple[int, int], dict[str, int]]:
    return {
        (r.street_id, r.stage_id): {
            "total": r.steps_total,
            "done": r.steps_done,
            "red": r.steps_red,
            "overdue": r.steps_overdue,
            "plans": r.plans_total,
            "plans_done": r.plans_stage_done,
        }
        for r in StreetStageRollup.objects.filter(campaign=campaign)
    }


def _step(campaign: Campaign, community: Any, code: str) -> PlanStep:
    return PlanStep.objects.get(
        plan__campaign=campaign, plan__community=community, template__code=code
    )


def _mark_done(step: PlanStep, on: date, by: Any) -> PlanStep:
    return step_update(
        step=step, version=step.version, data={"status": "done", "done_on": on}, by=by
    )


def test_rollups_match_a_direct_count_after_step_updates(
    running_campaign: Campaign, community: Any, other_community: Any, admin_user: Any
) -> None:
    # the survey's forums (due START + 14) done in one community, overdue in the other
    _mark_done(_step(running_campaign, community, "forums"), START + timedelta(days=10), admin_user)
    # an objection ruled 6 days after it was received: breaks the 3-day limit (red)
    _mark_done(
        _step(running_campaign, community, "objection"), TODAY - timedelta(days=8), admin_user
    )
    _mark_done(_step(running_campaign, community, "ruling"), TODAY - timedelta(days=2), admin_user)
    assert _step(running_campaign, community, "ruling").is_red

    written = rollup_refresh(campaign_id=running_campaign.pk, today=TODAY)

    expected = _direct_counts(running_campaign, TODAY)
    assert _rollups(running_campaign) == expected
    assert written == len(expected)
    survey = running_campaign.rule_set.stages.get(code="survey")
    mine = expected[(community.street_id, survey.pk)]
    theirs = expected[(other_community.street_id, survey.pk)]
    assert (mine["done"], mine["overdue"], mine["plans_done"]) == (1, 0, 1)
    assert (theirs["done"], theirs["overdue"], theirs["plans_done"]) == (0, 1, 0)
    voters = running_campaign.rule_set.stages.get(code="voters")
    assert expected[(community.street_id, voters.pk)]["red"] == 1


def test_a_closed_stage_counts_as_completed(
    running_campaign: Campaign, community: Any, admin_user: Any
) -> None:
    step = _mark_done(_step(running_campaign, community, "forums"), START, admin_user)
    stage_close(stage=step.stage, by=admin_user)
    rollup_refresh(campaign_id=running_campaign.pk, today=TODAY)
    survey = running_campaign.rule_set.stages.get(code="survey")
    row = StreetStageRollup.objects.get(street=community.street, stage=survey)
    assert row.plans_stage_done == 1
    assert _rollups(running_campaign) == _direct_counts(running_campaign, TODAY)


def test_street_refresh_rewrites_only_that_street(
    running_campaign: Campaign, community: Any, other_community: Any
) -> None:
    rollup_refresh(campaign_id=running_campaign.pk, today=TODAY - timedelta(days=1))
    rollup_refresh(campaign_id=running_campaign.pk, street_id=community.street_id, today=TODAY)
    as_of = dict(
        StreetStageRollup.objects.filter(campaign=running_campaign).values_list(
            "street_id", "as_of"
        )
    )
    assert as_of == {
        community.street_id: TODAY,
        other_community.street_id: TODAY - timedelta(days=1),
    }


def test_refreshing_twice_writes_the_same_rows(running_campaign: Campaign) -> None:
    first = rollup_refresh(campaign_id=running_campaign.pk, today=TODAY)
    before = _rollups(running_campaign)
    second = rollup_refresh(campaign_id=running_campaign.pk, today=TODAY)
    assert first == second
    assert StreetStageRollup.objects.filter(campaign=running_campaign).count() == first
    assert _rollups(running_campaign) == before


def test_a_step_change_refreshes_its_street_after_commit(
    running_campaign: Campaign,
    community: Any,
    admin_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _mark_done(_step(running_campaign, community, "forums"), START, admin_user)
    survey = running_campaign.rule_set.stages.get(code="survey")
    row = StreetStageRollup.objects.get(street=community.street, stage=survey)
    assert row.steps_done == 1


def test_snapshot_sums_the_rollups_and_is_one_row_per_day(running_campaign: Campaign) -> None:
    first = campaign_rollups_refresh(campaign_id=running_campaign.pk, today=TODAY)
    again = snapshot_write(campaign_id=running_campaign.pk, on=TODAY)
    assert first.pk == again.pk
    assert first.steps_total == PlanStep.objects.filter(plan__campaign=running_campaign).count()
    assert CampaignSnapshot.objects.filter(campaign=running_campaign).count() == 1


def test_dispatch_twice_in_one_day_keeps_one_snapshot(
    running_campaign: Campaign, community: Any, admin_user: Any
) -> None:
    rollups_dispatch()
    _mark_done(_step(running_campaign, community, "forums"), START, admin_user)
    rollups_dispatch()
    snapshots = CampaignSnapshot.objects.filter(campaign=running_campaign)
    assert snapshots.count() == 1
    # the second run updated the day's row with the step done since
    assert snapshots.get().steps_done == 1
    assert StreetStageRollup.objects.filter(campaign=running_campaign).count() > 0


def test_dispatch_skips_campaigns_that_are_not_running(campaign: Campaign) -> None:
    rollups_dispatch()
    assert not CampaignSnapshot.objects.exists()


def test_beat_schedule_runs_the_dispatch_daily(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["election-rollups-daily"]
    assert entry["task"] == rollups_dispatch.name
    assert entry["schedule"].hour == {0}
    assert entry["schedule"].minute == {10}


def test_the_fixture_dates_are_as_assumed() -> None:
    # the counts above assume the survey is due before TODAY and the voters' steps after it
    assert START + timedelta(days=14) < TODAY < E - timedelta(days=20)
    assert PARTY_E < E
