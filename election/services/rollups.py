"""The district dashboard's counts per street and stage (StreetStageRollup)."""

from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ..models import Campaign, PlanStage, PlanStep, StreetStageRollup


@transaction.atomic
def rollup_refresh(
    *, campaign_id: int, street_id: int | None = None, today: date | None = None
) -> int:
    """Recount the steps of one street (or of every street) of a campaign, per stage.

    Overdue means not done and due before `today`. Safe to run twice; rows are replaced, never
    duplicated. Returns the number of rollup rows written.
    """
    today = today or timezone.localdate()
    campaign = Campaign.objects.get(pk=campaign_id)
    steps = PlanStep.objects.filter(plan__campaign=campaign)
    stages = PlanStage.objects.filter(plan__campaign=campaign)
    if street_id is not None:
        steps = steps.filter(plan__community__street_id=street_id)
        stages = stages.filter(plan__community__street_id=street_id)
    done = Q(status=PlanStep.Status.DONE)
    counts = steps.values("plan__community__street_id", "stage__template_id").annotate(
        total=Count("pk"),
        done=Count("pk", filter=done),
        red=Count("pk", filter=Q(is_red=True)),
        overdue=Count("pk", filter=~done & Q(due_on__lt=today)),
    )
    # a plan's stage is done when none of its steps is open
    stage_counts = {
        (r["plan__community__street_id"], r["template_id"]): r
        for r in stages.values("plan__community__street_id", "template_id").annotate(
            plans=Count("pk"),
            plans_done=Count("pk", filter=Q(is_closed=True)),
        )
    }
    rows = []
    for r in counts:
        key = (r["plan__community__street_id"], r["stage__template_id"])
        sc = stage_counts.get(key, {"plans": 0, "plans_done": 0})
        rows.append(
            StreetStageRollup(
                campaign=campaign,
                street_id=key[0],
                stage_id=key[1],
                steps_total=r["total"],
                steps_done=r["done"],
                steps_red=r["red"],
                steps_overdue=r["overdue"],
                plans_total=sc["plans"],
                plans_stage_done=sc["plans_done"],
                as_of=today,
            )
        )
    existing = StreetStageRollup.objects.filter(campaign=campaign)
    if street_id is not None:
        existing = existing.filter(street_id=street_id)
    existing.delete()
    StreetStageRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
