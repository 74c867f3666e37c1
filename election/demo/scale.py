"""The scale district's campaign (`seed_scale`, see `election.demo`): one running campaign under
the default rule set, with about fifty steps for each of up to 20,000 communities, written fast.

Synthetic data only; nothing here is used by the application at run time.
"""

import dataclasses
import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Committee, Community
from core.bulk import rows_insert

from .. import rules
from ..models import (
    Applies,
    Campaign,
    CampaignSnapshot,
    CommunityPlan,
    PlanStage,
    PlanStep,
    RuleSet,
    SeatPlan,
    SeatRule,
    StageTemplate,
    StepTemplate,
    SurveyLedger,
)
from ..services.rollups import rollup_refresh, snapshot_write

SCALE_REASON = "scale data"
# communities handled per round: bounds the memory (about 50 steps each)
SCALE_CHUNK = 1000
SCALE_SNAPSHOT_DAYS = 30


_StepDraft = tuple[Any, str, date | None, date | None, str]


@dataclasses.dataclass
class _PlanDraft:
    """One community's plan, built in memory before it is written."""

    community_id: int
    track: str
    election_on: date
    party_election_on: date
    # (stage template, [(step template, status, due_on, done_on, red_reason)])
    stages: list[tuple[Any, list["_StepDraft"]]] = dataclasses.field(default_factory=list)


def scale_campaign_seed(*, district: Any, by: User | None, rng: random.Random) -> str:
    """Give the scale district a running campaign under the default rule set, plans included.

    The fast path of `campaign_start` for synthetic data: the plans, stages, steps, survey ledgers
    and seat plans are built in memory a chunk of communities at a time, due dates and time-limit
    verdicts come from `election.rules` (as `plan_refresh` computes them), the plans' counters are
    set before they are written, and everything is written with `bulk_create_with_history`. Then
    the dashboard's rollups are counted and 30 days of snapshots written (the earlier days a
    synthetic trend ending at today's counts). Returns a line for the command's output; without a
    default rule set, writes nothing and says so.
    """
    rule_set = RuleSet.objects.filter(is_default=True).order_by("code", "-version").first()
    if rule_set is None:
        return str(_("No default rule set: the scale district has no campaign."))
    today = timezone.localdate()
    campaign = Campaign(
        district=district,
        rule_set=rule_set,
        name=str(_("Scale test campaign")),
        status=Campaign.Status.RUNNING,
        starts_on=today - timedelta(days=60),
        party_election_on=today - timedelta(days=5),
        election_on=today + timedelta(days=25),
        started_at=timezone.now(),
        started_by=by,
    )
    campaign._history_user = by  # type: ignore[attr-defined]
    campaign._change_reason = SCALE_REASON  # type: ignore[attr-defined]
    campaign.save()
    stages = list(StageTemplate.objects.filter(rule_set=rule_set).order_by("order"))
    steps = list(
        StepTemplate.objects.filter(stage__rule_set=rule_set)
        .select_related("stage")
        .order_by("stage__order", "order")
    )
    steps_of: dict[int, list[Any]] = {s.pk: [] for s in stages}
    for t in steps:
        steps_of[t.stage_id].append(t)
    communities = list(
        Community.objects.filter(street__district=district)
        .order_by("pk")
        .values_list("pk", "kind", "is_reform_finished", "track_override")
    )
    committees: dict[int, list[tuple[str, int]]] = {}
    for community_id, kind, seats in Committee.objects.filter(
        community__street__district=district
    ).values_list("community_id", "kind", "seats"):
        committees.setdefault(community_id, []).append((kind, seats))
    for start in range(0, len(communities), SCALE_CHUNK):
        drafts = [
            _plan_draft(campaign, row, stages, steps_of, today=today, rng=rng)
            for row in communities[start : start + SCALE_CHUNK]
        ]
        _plans_write(campaign, drafts, committees, by=by, rng=rng)
    rollup_refresh(campaign_id=campaign.pk, today=today)
    _snapshots_write(campaign, today=today)
    return str(
        _("Campaign “%(name)s” under “%(rules)s”: %(plans)s plans.")
        % {"name": campaign.name, "rules": rule_set.name, "plans": len(communities)}
    )


def _track(kind: str, is_reform_finished: bool, track_override: str) -> str:
    if track_override:
        return track_override
    if kind == Community.Kind.VILLAGE_CONVERTED and not is_reform_finished:
        return str(Community.Track.VILLAGE)
    return str(Community.Track.RESIDENTS)


def _plan_draft(
    campaign: Any,
    row: tuple[int, str, bool, str],
    stages: list[Any],
    steps_of: dict[int, list[Any]],
    *,
    today: date,
    rng: random.Random,
) -> _PlanDraft:
    """A plausible plan: a few communities voted early, most are on time, some are behind.

    A step is done when it fell due at least `lag` days ago (on-time plans: lag 0, and they finish
    a little early; plans behind: a lag of days, and they finish late, which may break a time
    limit). Open steps already due are the overdue ones.
    """
    community_id, kind, reform_finished, override = row
    track = _track(kind, reform_finished, override)
    election_on, party_election_on = campaign.election_on, campaign.party_election_on
    if rng.random() < 0.15:
        # voted already: the plan's own election days are earlier than the campaign's
        election_on = today - timedelta(days=rng.randint(8, 15))
        party_election_on = election_on - timedelta(days=14)
    kind_of_plan = rng.random()
    lag = 0 if kind_of_plan < 0.65 else rng.randint(3, 10) if kind_of_plan < 0.9 else 20
    dates = rules.PlanDates(campaign.starts_on, election_on, party_election_on)
    draft = _PlanDraft(community_id, track, election_on, party_election_on)
    done: dict[int, date | None] = {}
    first_open = True
    for stage in stages:
        if stage.applies_to not in (Applies.ALL, track):
            continue
        stage_steps = []
        for t in steps_of[stage.pk]:
            if t.applies_to not in (Applies.ALL, track):
                continue
            due = rules.due_on(t, dates, done)
            done_on = None
            if due is not None and due <= today - timedelta(days=lag):
                late = rng.randint(0, lag) if lag else -rng.randint(0, 2)
                done_on = max(campaign.starts_on, min(today, due + timedelta(days=late)))
            reason = ""
            if done_on is not None:
                done[t.pk] = done_on
                anchor = rules.anchor_date(t, dates, done)
                broken = rules.violation(t, anchor=anchor, checked=done_on)
                reason = rules.red_reason(t, [broken] if broken else [], track=track)
                status = PlanStep.Status.DONE
            elif first_open and rng.random() < 0.5:
                status, first_open = PlanStep.Status.IN_PROGRESS, False
            else:
                status, first_open = PlanStep.Status.NOT_STARTED, False
            stage_steps.append((t, str(status), due, done_on, reason))
        draft.stages.append((stage, stage_steps))
    return draft


def _plans_write(
    campaign: Any,
    drafts: list[_PlanDraft],
    committees: dict[int, list[tuple[str, int]]],
    *,
    by: User | None,
    rng: random.Random,
) -> None:
    done = str(PlanStep.Status.DONE)
    plan_rows = []
    for d in drafts:
        all_steps = [s for _stage, stage_steps in d.stages for s in stage_steps]
        open_steps = [s for s in all_steps if s[1] != done]
        current = next((stage for stage, ss in d.stages if any(s[1] != done for s in ss)), None)
        plan_rows.append(
            (
                campaign.pk,
                d.community_id,
                d.election_on,
                d.party_election_on,
                len(all_steps),
                len(all_steps) - len(open_steps),
                sum(1 for s in all_steps if s[4]),
                min((s[2] for s in open_steps if s[2]), default=None),
                current.pk if current else None,
                rules.ENGINE_VERSION,
            )
        )
    plan_ids = rows_insert(
        CommunityPlan,
        [
            "campaign_id",
            "community_id",
            "election_on",
            "party_election_on",
            "steps_total",
            "steps_done",
            "steps_red",
            "next_due_on",
            "current_stage_id",
            "engine_version",
        ],
        plan_rows,
        by=by,
    )
    now = timezone.now()
    stage_rows = []
    for plan_id, d in zip(plan_ids, drafts, strict=True):
        for stage, stage_steps in d.stages:
            # some offices close a stage once its steps are done
            closed = all(s[1] == done for s in stage_steps) and rng.random() < 0.3
            stage_rows.append((plan_id, stage.pk, stage.order, closed, now if closed else None))
    stage_ids = iter(
        rows_insert(
            PlanStage,
            ["plan_id", "template_id", "order", "is_closed", "closed_at"],
            stage_rows,
            by=by,
        )
    )
    step_rows = []
    for plan_id, d in zip(plan_ids, drafts, strict=True):
        for stage, stage_steps in d.stages:
            stage_id = next(stage_ids)
            for t, status, due, done_on, reason in stage_steps:
                step_rows.append(
                    (
                        plan_id,
                        stage_id,
                        t.pk,
                        stage.order * 100 + t.order,
                        due,
                        status,
                        done_on,
                        bool(reason),
                        reason,
                    )
                )
    step_columns = ["plan_id", "stage_id", "template_id", "order", "due_on", "status", "done_on"]
    rows_insert(PlanStep, [*step_columns, "is_red", "red_reason"], step_rows, by=by)
    rows_insert(SurveyLedger, ["plan_id"], [(plan_id,) for plan_id in plan_ids], by=by)
    seat_rows = []
    for plan_id, d in zip(plan_ids, drafts, strict=True):
        for kind, seats in committees.get(d.community_id, []):
            body = kind
            if kind == Committee.Kind.RESIDENTS and d.track == Community.Track.VILLAGE:
                body = SeatRule.Body.VILLAGERS
            seat_rows.append((plan_id, body, seats))
    rows_insert(SeatPlan, ["plan_id", "body", "planned_seats"], seat_rows, by=by)


def _snapshots_write(campaign: Any, *, today: date) -> None:
    """Today's snapshot from the rollups, and a synthetic month before it: fewer steps done and
    an overdue count that rises steadily to today's (no day-to-day noise: a chart of it reads as
    a trend)."""
    last = snapshot_write(campaign_id=campaign.pk, on=today)
    history = []
    for days_ago in range(SCALE_SNAPSHOT_DAYS - 1, 0, -1):
        share = 1 - days_ago / (SCALE_SNAPSHOT_DAYS * 1.5)
        history.append(
            CampaignSnapshot(
                campaign=campaign,
                on=today - timedelta(days=days_ago),
                steps_total=last.steps_total,
                steps_done=round(last.steps_done * share),
                steps_red=round(last.steps_red * share),
                steps_overdue=round(last.steps_overdue * (0.5 + share / 2)),
            )
        )
    CampaignSnapshot.objects.bulk_create(history)
