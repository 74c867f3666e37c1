"""Simultaneous writes to a plan (PostgreSQL, real threads and connections)."""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from core.exceptions import ConflictError
from election.models import Campaign, CommunityPlan, PlanStage, PlanStep
from election.services.plans import PlanError, plan_dates_update, stage_close, step_update


def run_together(jobs: dict[str, Callable[[], Any]]) -> dict[str, str]:
    """Start the jobs at the same moment, each on its own connection; their outcome by name."""
    barrier = threading.Barrier(len(jobs))
    outcomes: dict[str, str] = {}

    def run(name: str, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            job()
            outcomes[name] = "done"
        except ConflictError:
            outcomes[name] = "conflict"
        except PlanError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_one_of_two_simultaneous_step_saves_wins_and_the_other_is_told(
    requires_postgres: None,
    running_campaign: Campaign,
    community: Any,
    office: Any,
    street_official: Any,
) -> None:
    step = PlanStep.objects.get(plan__community=community, template__code="forums")
    loaded_at = step.version
    outcomes = run_together(
        {
            "office": lambda: step_update(
                step=step, version=loaded_at, data={"responsible": "Li"}, by=office
            ),
            "street": lambda: step_update(
                step=step, version=loaded_at, data={"responsible": "Zhang"}, by=street_official
            ),
        }
    )
    assert sorted(outcomes.values()) == ["conflict", "done"]
    step.refresh_from_db()
    assert step.version == loaded_at + 1
    winner = next(who for who, outcome in outcomes.items() if outcome == "done")
    assert step.responsible == {"office": "Li", "street": "Zhang"}[winner]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_a_stage_never_closes_with_a_step_reopened_at_the_same_moment(
    attempt: int,
    requires_postgres: None,
    running_campaign: Campaign,
    community: Any,
    office: Any,
    street_official: Any,
) -> None:
    step = PlanStep.objects.get(plan__community=community, template__code="forums")
    step = step_update(step=step, version=step.version, data={"status": "done"}, by=office)
    stage = PlanStage.objects.get(pk=step.stage_id)
    outcomes = run_together(
        {
            "close": lambda: stage_close(stage=stage, by=office),
            "reopen": lambda: step_update(
                step=step,
                version=step.version,
                data={"status": "in_progress"},
                by=street_official,
            ),
        }
    )
    # one of them goes first; the other sees its result and is refused
    assert sorted(outcomes.values()) == ["done", "refused"]
    stage.refresh_from_db()
    step.refresh_from_db()
    assert not (stage.is_closed and step.status != PlanStep.Status.DONE)
    assert stage.is_closed == (outcomes["close"] == "done")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_a_step_save_and_a_date_move_at_the_same_moment_both_succeed(
    attempt: int,
    requires_postgres: None,
    running_campaign: Campaign,
    community: Any,
    office: Any,
    street_official: Any,
) -> None:
    step = PlanStep.objects.get(plan__community=community, template__code="voter-list")
    plan = CommunityPlan.objects.get(pk=step.plan_id)
    outcomes = run_together(
        {
            "step": lambda: step_update(
                step=step, version=step.version, data={"notes": "posted"}, by=street_official
            ),
            "dates": lambda: plan_dates_update(
                plan=plan,
                version=plan.version,
                election_on=plan.election_on + timedelta(days=2),
                party_election_on=plan.party_election_on,
                by=office,
            ),
        }
    )
    # the two lock in the same order, so they queue instead of deadlocking
    assert outcomes == {"step": "done", "dates": "done"}
    step.refresh_from_db()
    assert step.notes == "posted"
    assert step.due_on == plan.election_on + timedelta(days=2 - 20)
