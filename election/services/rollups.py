"""The district dashboard's counts: per street and stage (StreetStageRollup) and per day
(CampaignSnapshot).

The dashboard reads only these rows and the plans' counters, never the steps, so its cost does not
grow with the number of communities. They are derived data: rewritten whole for a street when one
of its steps changes (`rollup_refresh` with a street, after commit), and for the whole campaign once
a day, because "overdue" depends on the date (`campaign_rollups_refresh`, from `rollups_dispatch`).

Definitions (the same in the rollups, the snapshots and the click-through lists):

- a step is **done** when its status is done, **open** otherwise (not started, in progress or
  blocked);
- a step is **overdue** when it is open and its due date is before the day of the count (a step
  without a due date, waiting for its anchor step, is never overdue);
- a step is **red** when it breaks a time limit (`PlanStep.is_red`);
- a plan has **completed a stage** when the stage is closed, or when none of its steps in that
  stage is open (a stage without any step for the plan's track counts as completed: nothing is
  left to do there).
"""

import logging
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from communities.models import Community
from core.errors import CACHE_ERRORS
from core.tasks import enqueue_on_commit

from ..models import (
    Campaign,
    CampaignSnapshot,
    CommunityPlan,
    PlanStage,
    PlanStep,
    StreetStageRollup,
)

logger = logging.getLogger(__name__)

BATCH = 2000

# one pass over the steps, grouped first per plan stage (to know whether the plan completed it),
# then per street and stage template; plain SQL because the ORM cannot aggregate an aggregate.
# CASE WHEN instead of FILTER and no boolean literals, so that SQLite runs the same text.
_ROLLUP_SQL = """
SELECT per_stage.street_id, per_stage.stage_id,
       SUM(per_stage.total), SUM(per_stage.done), SUM(per_stage.red), SUM(per_stage.overdue),
       COUNT(*),
       SUM(CASE WHEN per_stage.is_closed OR per_stage.done = per_stage.total THEN 1 ELSE 0 END)
FROM (
    SELECT c.street_id AS street_id, ps.template_id AS stage_id, ps.is_closed AS is_closed,
           COUNT(st.id) AS total,
           SUM(CASE WHEN st.status = %(done)s THEN 1 ELSE 0 END) AS done,
           SUM(CASE WHEN st.is_red THEN 1 ELSE 0 END) AS red,
           SUM(CASE WHEN st.status <> %(done)s AND st.due_on < %(today)s THEN 1 ELSE 0 END)
               AS overdue
    FROM {stage} ps
    JOIN {plan} p ON p.id = ps.plan_id
    JOIN {community} c ON c.id = p.community_id
    LEFT JOIN {step} st ON st.stage_id = ps.id
    WHERE p.campaign_id = %(campaign)s {street_filter}
    GROUP BY c.street_id, ps.template_id, ps.id, ps.is_closed
) per_stage
GROUP BY per_stage.street_id, per_stage.stage_id
"""


def _rollup_counts(campaign_id: int, street_id: int | None, today: date) -> list[tuple[int, ...]]:
    sql = _ROLLUP_SQL.format(
        stage=PlanStage._meta.db_table,
        plan=CommunityPlan._meta.db_table,
        community=Community._meta.db_table,
        step=PlanStep._meta.db_table,
        street_filter="" if street_id is None else "AND c.street_id = %(street)s",
    )
    params: dict[str, Any] = {
        "done": PlanStep.Status.DONE.value,
        "today": today,
        "campaign": campaign_id,
        "street": street_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # COALESCE is not needed: every group has at least one plan stage, so no SUM is NULL
        return [tuple(int(v or 0) for v in row) for row in cursor.fetchall()]


@transaction.atomic
def rollup_refresh(
    *, campaign_id: int, street_id: int | None = None, today: date | None = None
) -> int:
    """Recount the steps of one street (or of every street) of a campaign, per stage.

    Counts as of `today` (default: the local date); see the module's definitions. Locks the
    campaign row so that two refreshes of the same campaign (a street's after a step change, the
    daily one) never interleave their delete and insert. Safe to run twice: the rows of the street
    (or campaign) are replaced, never duplicated. Returns the number of rollup rows written.
    """
    today = today or timezone.localdate()
    # the lock serialises refreshes of one campaign (a no-op on SQLite, which serialises writers)
    Campaign.objects.select_for_update().only("pk").get(pk=campaign_id)
    rows = [
        StreetStageRollup(
            campaign_id=campaign_id,
            street_id=street,
            stage_id=stage,
            steps_total=total,
            steps_done=done,
            steps_red=red,
            steps_overdue=overdue,
            plans_total=plans,
            plans_stage_done=plans_done,
            as_of=today,
        )
        for street, stage, total, done, red, overdue, plans, plans_done in _rollup_counts(
            campaign_id, street_id, today
        )
    ]
    existing = StreetStageRollup.objects.filter(campaign_id=campaign_id)
    if street_id is not None:
        existing = existing.filter(street_id=street_id)
    existing.delete()
    StreetStageRollup.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def snapshot_write(*, campaign_id: int, on: date | None = None) -> CampaignSnapshot:
    """Write the campaign's totals for day `on` (default: today) from its rollups.

    Run it right after a whole-campaign `rollup_refresh` for the same day. Idempotent: a second
    call on the same day updates that day's row (one row per campaign and day).
    """
    on = on or timezone.localdate()
    totals = StreetStageRollup.objects.filter(campaign_id=campaign_id).aggregate(
        steps_total=Sum("steps_total"),
        steps_done=Sum("steps_done"),
        steps_red=Sum("steps_red"),
        steps_overdue=Sum("steps_overdue"),
    )
    snapshot, _created = CampaignSnapshot.objects.update_or_create(
        campaign_id=campaign_id,
        on=on,
        defaults={k: v or 0 for k, v in totals.items()},
    )
    return snapshot


@transaction.atomic
def campaign_rollups_refresh(*, campaign_id: int, today: date | None = None) -> CampaignSnapshot:
    """Recount every street and stage of the campaign and write the day's snapshot.

    The daily job of each running campaign (`rollups_dispatch`), also run when the dashboard
    finds its figures from an earlier day. Idempotent: the same day twice gives the same rows.
    """
    today = today or timezone.localdate()
    rollup_refresh(campaign_id=campaign_id, today=today)
    return snapshot_write(campaign_id=campaign_id, on=today)


def running_campaign_ids() -> list[int]:
    return list(
        Campaign.objects.filter(status=Campaign.Status.RUNNING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# the dashboard asks for a refresh at most once per campaign in this many seconds
REFRESH_GUARD_SECONDS = 10 * 60


def campaign_rollups_request(*, campaign_id: int, today: date | None = None) -> bool:
    """Ask for `campaign_rollups_refresh` in the background, after the current transaction.

    For a page that finds the rollups older than today (no worker ran the daily job). A cache
    key keeps every page view from queueing another refresh while one is pending. In eager mode
    (no broker) the refresh runs in-process as soon as the transaction commits, or at once outside
    one. Returns whether a refresh was queued.
    """
    from ..tasks import campaign_rollups_task

    today = today or timezone.localdate()
    key = f"election:rollups-requested:{campaign_id}:{today.isoformat()}"
    try:
        if not cache.add(key, 1, timeout=REFRESH_GUARD_SECONDS):
            return False
    except CACHE_ERRORS:
        # Redis is down: the page shows yesterday's counts, and the nightly job recounts
        logger.warning("rollups of campaign %s not requested: the cache is down", campaign_id)
        return False
    enqueue_on_commit(campaign_rollups_task, campaign_id=campaign_id)
    return True
