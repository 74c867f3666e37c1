"""Writes for campaigns and plans: start a campaign, edit steps, move election day, close and
reopen stages. Each write locks its rows, records history with the user and a reason, and
refreshes the plan's summary (due dates, red flags, counters) in the same transaction."""

from collections.abc import Callable, Iterable
from datetime import date
from types import EllipsisType
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from communities.models import Community
from core.exceptions import DomainError
from core.locking import stale
from core.tasks import enqueue_on_commit

from .. import rules
from ..models import (
    Applies,
    Campaign,
    CommunityPlan,
    PlanStage,
    PlanStep,
    PublicNotice,
    SeatPlan,
    SeatRule,
    StageTemplate,
    StepTemplate,
    SurveyLedger,
    VoterObjection,
)
from .calendar import plan_calendar
from .periods import ruleset_check_in_force

BATCH = 2000


class PlanError(DomainError):
    pass


# the committees' vetting steps (step template code → whether it is the Party's): each is done
# by itself once every nominee of its committee is decided (services/review.py), never before
VETTING_STEPS = {"party-joint-review": True, "vetting-joint": False}


def _vetting_undecided(step: PlanStep) -> int:
    """How many nominees of the step's committee are still undecided (0 for other steps)."""
    from ..models import Candidate

    party = VETTING_STEPS.get(step.template.code)
    if party is None:
        return 0
    undecided = Candidate.objects.filter(
        plan_id=step.plan_id,
        status__in=[Candidate.Status.NOMINEE, Candidate.Status.UNDER_REVIEW],
    )
    if party:
        return undecided.filter(body=SeatRule.Body.PARTY).count()
    return undecided.exclude(body=SeatRule.Body.PARTY).count()


def _applies(applies_to: str, track: str) -> bool:
    return applies_to == Applies.ALL or applies_to == track


def committee_formed_on(plan: CommunityPlan) -> date:
    """The day the new committee was formed: as recorded, else the day of the last election
    held (a runoff or a new election forms it after election day), else election day."""
    if plan.committee_formed_on:
        return plan.committee_formed_on
    held = [d for d in (plan.runoff_on, plan.reelection_on) if d and d > plan.election_on]
    return max(held, default=plan.election_on)


def _dates(plan: CommunityPlan, campaign: Campaign) -> rules.PlanDates:
    return rules.PlanDates(
        campaign.starts_on,
        plan.election_on,
        plan.party_election_on,
        committee_formed_on(plan),
    )


# --- campaign start ------------------------------------------------------------------------------


@transaction.atomic
def campaign_start(*, campaign: Campaign, by: User | None, today: date | None = None) -> int:
    """Start a campaign: one plan per community of its district, with its stages and steps.

    Each plan gets the campaign's election days, the stages and steps of the rule set that apply
    to the community's election track, a survey ledger and a seat plan per committee (seeded
    from the current seats), and computed due dates. Safe to run again: communities that already
    have a plan are left alone, so a second call only adds plans for communities created since.
    Returns the number of plans created. Raises PlanError for a closed campaign.
    """
    campaign = Campaign.objects.select_for_update().select_related("rule_set").get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise PlanError(_("“%(name)s” is closed.") % {"name": campaign.name})
    if campaign.status == Campaign.Status.DRAFT:
        campaign.status = Campaign.Status.RUNNING
        campaign.started_at = timezone.now()
        campaign.started_by = by
        campaign._history_user = by  # type: ignore[attr-defined]
        campaign._change_reason = "campaign started"  # type: ignore[attr-defined]
        campaign.save(update_fields=["status", "started_at", "started_by", "updated_at"])

    stages = list(StageTemplate.objects.filter(rule_set=campaign.rule_set).order_by("order"))
    steps = list(
        StepTemplate.objects.filter(stage__rule_set=campaign.rule_set).order_by(
            "stage__order", "order"
        )
    )
    communities = list(
        Community.objects.filter(street__district=campaign.district)
        .exclude(plans__campaign=campaign)
        .with_track()
        .prefetch_related("committees")
        .order_by("pk")
    )
    created = 0
    for start in range(0, len(communities), BATCH):
        batch = communities[start : start + BATCH]
        _plans_create(campaign, batch, stages, steps, by=by, today=today)
        created += len(batch)
    if created:
        from ..tasks import campaign_rollups_task

        # the district dashboard counts the new plans once they are committed
        enqueue_on_commit(campaign_rollups_task, campaign_id=campaign.pk)
    return created


def _plans_create(
    campaign: Campaign,
    communities: list[Community],
    stages: list[StageTemplate],
    steps: list[StepTemplate],
    *,
    by: User | None,
    today: date | None,
) -> None:
    plans = bulk_create_with_history(
        [
            CommunityPlan(
                campaign=campaign,
                community=c,
                election_on=campaign.election_on,
                party_election_on=campaign.party_election_on,
            )
            for c in communities
        ],
        CommunityPlan,
        default_user=by,
        default_change_reason="campaign started",
    )
    # bulk_create_with_history returns the objects with primary keys on PostgreSQL and SQLite
    by_community = {p.community_id: p for p in plans}
    plan_stages: list[PlanStage] = []
    for c in communities:
        track = c.track  # type: ignore[attr-defined]
        plan_stages += [
            PlanStage(plan=by_community[c.pk], template=s, order=s.order)
            for s in stages
            if _applies(s.applies_to, track)
        ]
    plan_stages = bulk_create_with_history(
        plan_stages, PlanStage, default_user=by, default_change_reason="campaign started"
    )
    stage_of = {(ps.plan_id, ps.template_id): ps for ps in plan_stages}
    plan_steps: list[PlanStep] = []
    calendar = plan_calendar(*(_dates(p, campaign) for p in plans)) if plans else rules.PLAIN_WEEK
    for c in communities:
        plan = by_community[c.pk]
        dates = _dates(plan, campaign)
        track = c.track  # type: ignore[attr-defined]
        # due dates as plan_refresh computes them, so that it finds nothing to change
        projected: dict[int, date | None] = {}
        for t in steps:
            projected[t.pk] = rules.due_on(t, dates, {}, projected=projected, calendar=calendar)
            stage = stage_of.get((plan.pk, t.stage_id))
            if stage is None or not _applies(t.applies_to, track):
                continue
            plan_steps.append(
                PlanStep(
                    plan=plan,
                    stage=stage,
                    template=t,
                    order=t.stage.order * 100 + t.order,
                    due_on=projected[t.pk],
                )
            )
    bulk_create_with_history(
        plan_steps,
        PlanStep,
        batch_size=BATCH,
        default_user=by,
        default_change_reason="campaign started",
    )
    bulk_create_with_history(
        [SurveyLedger(plan=p) for p in plans],
        SurveyLedger,
        default_user=by,
        default_change_reason="campaign started",
    )
    seat_plans = []
    for c in communities:
        plan = by_community[c.pk]
        for committee in c.committees.all():
            body = committee.kind
            if body == "residents" and c.track == Community.Track.VILLAGE:  # type: ignore[attr-defined]
                body = SeatRule.Body.VILLAGERS
            seat_plans.append(SeatPlan(plan=plan, body=body, planned_seats=committee.seats))
    bulk_create_with_history(
        seat_plans, SeatPlan, default_user=by, default_change_reason="campaign started"
    )
    for plan in plans:
        plan_refresh(plan=plan, by=by, today=today, calendar=calendar)


# --- the plan's summary ---------------------------------------------------------------------------

# more rules of a plan's steps, from apps above election (it never imports them): each provider
# gets (plan, its steps, today) and returns the broken rules' texts by step template code
StepReasons = Callable[[CommunityPlan, list[PlanStep], date], dict[str, list[str]]]
_STEP_REASON_PROVIDERS: list[StepReasons] = []


def step_reasons_register(fn: StepReasons) -> StepReasons:
    """Add a provider of red reasons that `plan_refresh` asks for every plan (once each)."""
    if fn not in _STEP_REASON_PROVIDERS:
        _STEP_REASON_PROVIDERS.append(fn)
    return fn


def _provided_reasons(
    plan: CommunityPlan, steps: list[PlanStep], today: date
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for provider in _STEP_REASON_PROVIDERS:
        for code, texts in provider(plan, steps, today).items():
            found.setdefault(code, []).extend(texts)
    return found


def plan_refresh(
    *,
    plan: CommunityPlan,
    by: User | None = None,
    today: date | None = None,
    calendar: rules.WorkCalendar | None = None,
) -> list[PlanStep]:
    """Recompute every step's due date and verdict, then the plan's counters.

    A step is red when it breaks its time limit, when the law proves it by a public notice and
    it is done without one or its notice came down too early, or (the ruling step) when an
    objection to the voter list was ruled on too late or is still undecided after its last day
    (`today`, default today). The red reason names the rules and their legal basis. `calendar`:
    the working days, loaded here when not given (one query; `campaign_start` loads it once).

    Call inside the transaction that changed a date, a step, a notice or an objection. Steps
    whose due date or verdict changed are saved with history reason "recomputed" and user `by`;
    the counters are saved without a history row (they are derived). Returns the steps that
    changed.
    """
    campaign = plan.campaign
    today = today or timezone.localdate()
    dates = _dates(plan, campaign)
    # a step cites only the law of its community's track
    track = plan.community.election_track
    if calendar is None:
        calendar = plan_calendar(dates)
    steps = list(
        PlanStep.objects.filter(plan=plan)
        .select_related("template", "stage__template")
        .order_by("order")
    )
    notices: dict[int, list[rules.NoticeDates]] = {}
    for step_id, posted_on, taken_down_on in (
        PublicNotice.objects.filter(step__plan=plan)
        .order_by("posted_on", "pk")
        .values_list("step_id", "posted_on", "taken_down_on")
    ):
        notices.setdefault(step_id, []).append(rules.NoticeDates(posted_on, taken_down_on))
    objections = [
        rules.ObjectionDates(*row)
        for row in VoterObjection.objects.filter(plan=plan)
        .order_by("received_on", "pk")
        .values_list("raised_by", "received_on", "decided_on")
    ]

    from ..selectors.competition import CHECK_STEPS, competition_step_reasons, is_checked

    def first_notice(step: PlanStep) -> date | None:
        return notices[step.pk][0].posted_on if step.pk in notices else None

    # the day each step's dependants count from (a notice's day, or the day it was done)
    done = {
        s.template_id: rules.reference_on(
            s.template,
            done_on=s.done_on if s.status == PlanStep.Status.DONE else None,
            notice_on=first_notice(s),
        )
        for s in steps
    }
    projected: dict[int, date | None] = {}
    changed = []
    competition: dict[str, list[str]] | None = None  # read only when a list's step counts
    # the red message is stored in the site's language, like the weekly report that quotes it
    with translation.override(settings.LANGUAGE_CODE):
        provided = _provided_reasons(plan, steps, today) if _STEP_REASON_PROVIDERS else {}
        for step in steps:
            t = step.template
            due = rules.due_on(t, dates, done, projected=projected, calendar=calendar)
            is_done = step.status == PlanStep.Status.DONE
            reasons = [
                rules.violation(
                    t,
                    anchor=rules.check_anchor_date(t, dates, done),
                    checked=rules.checked_on(t, done_on=step.done_on, notice_on=first_notice(step)),
                    calendar=calendar,
                ),
                *rules.notice_violations(
                    t, is_done=is_done, notices=notices.get(step.pk, []), calendar=calendar
                ),
            ]
            if t.check_kind == StepTemplate.Check.RULING:
                reasons += rules.ruling_violations(t, objections, today=today, calendar=calendar)
                due = rules.ruling_due_on(t, objections, calendar=calendar) or due
            # competition (差额): too few formal candidates, once the list's step counts
            if t.code in CHECK_STEPS and is_checked(
                is_done=is_done, has_notice=step.pk in notices, due_on=due, today=today
            ):
                if competition is None:
                    competition = competition_step_reasons(plan)
                reasons += competition.get(t.code, [])
            reasons += provided.get(t.code, [])
            projected[t.pk] = done.get(t.pk) or due
            reason = rules.red_reason(t, [r for r in reasons if r], track=track)
            if (due, bool(reason), reason) != (step.due_on, step.is_red, step.red_reason):
                step.due_on, step.is_red, step.red_reason = due, bool(reason), reason
                changed.append(step)
    if changed:
        bulk_update_with_history(
            changed,
            PlanStep,
            ["due_on", "is_red", "red_reason"],
            default_change_reason="recomputed",
            default_user=by,
        )
    _plan_counters(plan, steps)
    return changed


def _plan_counters(plan: CommunityPlan, steps: Iterable[PlanStep]) -> None:
    steps = list(steps)
    open_steps = [s for s in steps if s.status != PlanStep.Status.DONE]
    plan.steps_total = len(steps)
    plan.steps_done = len(steps) - len(open_steps)
    plan.steps_red = sum(1 for s in steps if s.is_red)
    plan.next_due_on = min((s.due_on for s in open_steps if s.due_on), default=None)
    plan.current_stage_id = open_steps[0].stage.template_id if open_steps else None
    plan.engine_version = rules.ENGINE_VERSION
    plan.save_without_historical_record(  # type: ignore[attr-defined]
        update_fields=[
            "steps_total",
            "steps_done",
            "steps_red",
            "next_due_on",
            "current_stage",
            "engine_version",
        ]
    )


# --- plans computed by an older engine ------------------------------------------------------------

# how many stale plans `migrate` recomputes at once; the periodic job recomputes the rest
STALE_AFTER_MIGRATE = 500
# how many stale plans one run of the periodic job recomputes (a run takes well under a minute)
STALE_PER_RUN = 5000


def plans_stale() -> QuerySet[CommunityPlan]:
    """The plans whose steps an older rule engine computed (`rules.ENGINE_VERSION`)."""
    return CommunityPlan.objects.filter(engine_version__lt=rules.ENGINE_VERSION)


def plans_mark_stale(*, campaign: Campaign | None = None) -> int:
    """Have the plans (of `campaign`, else all) recomputed by `plans_refresh_stale`, as after a
    change of the engine or of a date every plan of a campaign counts from. Returns how many.

    `engine_version` is derived and not in the history, so a plain UPDATE records nothing."""
    plans = CommunityPlan.objects.all() if campaign is None else campaign.plans.all()
    return plans.update(engine_version=0)


def plan_refresh_if_stale(*, plan: CommunityPlan) -> CommunityPlan:
    """Recompute `plan` first if an older engine computed it (a plan page opened before the
    periodic job reached it). Locks the plan; a no-op for a current one (no query). Returns the
    plan as recomputed."""
    if plan.engine_version >= rules.ENGINE_VERSION:
        return plan
    plans_refresh_stale(plan_ids=[plan.pk])
    plan.refresh_from_db()
    return plan


def plans_refresh_stale(
    *, limit: int | None = None, plan_ids: Iterable[int] | None = None, today: date | None = None
) -> int:
    """Recompute the plans an older engine computed, oldest first, at most `limit` (None: all),
    or only those of `plan_ids` that are stale. Each plan in its own transaction, locked, and
    checked again under the lock, so two runs at once recompute each plan once. The steps that
    change get history reason "recomputed" (no user: the system). The dashboard's counts are
    refreshed once per campaign and street that changed, after the run. Idempotent. Returns how
    many plans were recomputed."""
    from ..tasks import rollup_refresh_task

    stale = plans_stale()
    if plan_ids is not None:
        stale = stale.filter(pk__in=list(plan_ids))
    ids = list(stale.order_by("pk").values_list("pk", flat=True)[:limit])
    done = 0
    streets: set[tuple[int, int]] = set()
    for pk in ids:
        with transaction.atomic():
            plan = (
                CommunityPlan.objects.select_for_update(of=("self",))
                .select_related("campaign", "community")
                .filter(pk=pk, engine_version__lt=rules.ENGINE_VERSION)
                .first()
            )
            if plan is None:
                continue  # recomputed meanwhile
            if plan_refresh(plan=plan, today=today):
                streets.add((plan.campaign_id, plan.community.street_id))
            done += 1
    for campaign_id, street_id in sorted(streets):
        enqueue_on_commit(rollup_refresh_task, campaign_id=campaign_id, street_id=street_id)
    return done


def _after_commit_rollup(plan: CommunityPlan) -> None:
    """Refresh the district dashboard's counts for this plan's street once the change commits."""
    from ..tasks import rollup_refresh_task

    enqueue_on_commit(
        rollup_refresh_task,
        campaign_id=plan.campaign_id,
        street_id=plan.community.street_id,
    )


# --- steps ----------------------------------------------------------------------------------------

STEP_FIELDS = ["status", "done_on", "responsible", "notes"]


def step_lock(pk: int) -> PlanStep:
    """Lock a step for a write, with its plan and its stage, in the order plan → stage → step.

    plan_dates_update (plan, then its steps) and stage_close (stage, then its steps) lock in the
    same order, so writers queue instead of deadlocking; a stage cannot close while one of its
    steps is being reopened, and a plan's counters have one writer at a time. Only these rows
    are locked (`of=("self",)`), not the campaign or the templates joined to them. Call inside
    a transaction.
    """
    plan_id, stage_id = PlanStep.objects.values_list("plan_id", "stage_id").get(pk=pk)
    plan = (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("campaign", "community")
        .get(pk=plan_id)
    )
    stage = (
        PlanStage.objects.select_for_update(of=("self",))
        .select_related("template")
        .get(pk=stage_id)
    )
    step = PlanStep.objects.select_for_update(of=("self",)).select_related("template").get(pk=pk)
    step.plan, step.stage = plan, stage
    return step


def stage_check_open(stage: PlanStage) -> None:
    """Raise PlanError if the stage is closed: its steps, evidence and notices are frozen."""
    if stage.is_closed:
        raise PlanError(
            _("“%(stage)s” is closed; reopen it with a reason first.")
            % {"stage": stage.template.title}
        )


@transaction.atomic
def step_update(
    *, step: PlanStep, version: int, data: dict[str, Any], by: User, reason: str = ""
) -> PlanStep:
    """Save a step's status, done date, responsible person and notes from a form at `version`.

    Locks the step. Raises ConflictError if someone saved it since `version`, PlanError if its
    stage is closed, if it is marked done without a date (the date defaults to today) or with a
    date in the future. Recomputes the plan (a done date moves the steps that count from it, and
    the step may turn red). History reason: `reason`, else "step updated".
    """
    step = step_lock(step.pk)
    if step.version != version:
        raise stale(PlanStep, form_refilled=True)
    stage_check_open(step.stage)
    before = {f: getattr(step, f) for f in STEP_FIELDS}
    for f in STEP_FIELDS:
        if f in data:
            setattr(step, f, data[f])
    if step.status == PlanStep.Status.DONE:
        step.done_on = step.done_on or timezone.localdate()
        if step.done_on > timezone.localdate():
            raise PlanError(_("A step cannot be done on a day still to come."))
        undecided = before["status"] != PlanStep.Status.DONE and _vetting_undecided(step)
        if undecided:
            raise PlanError(
                _(
                    "This vetting step is done by itself once every nominee of the committee "
                    "is decided; %(count)s still undecided."
                )
                % {"count": undecided}
            )
    else:
        step.done_on = None
    changed = [f for f in STEP_FIELDS if getattr(step, f) != before[f]]
    if not changed:
        return step
    step.version += 1
    step._history_user = by  # type: ignore[attr-defined]
    step._change_reason = reason or "step updated"  # type: ignore[attr-defined]
    step.save(update_fields=[*changed, "version"])
    plan_refresh(plan=step.plan, by=by)
    _after_commit_rollup(step.plan)
    step.refresh_from_db()
    return step


@transaction.atomic
def plan_dates_update(
    *,
    plan: CommunityPlan,
    version: int,
    election_on: date,
    party_election_on: date,
    by: User,
    reason: str = "",
    committee_formed_on: date | EllipsisType | None = ...,
) -> CommunityPlan:
    """Move a community's election day (and the Party election's), or record the day its new
    committee was formed (the handover counts from it; empty: the day of the last election
    held; not given: kept): every due date and every flag is recomputed. Raises ConflictError
    for a stale form, PlanError if the Party election would come after the residents' committee
    election or the committee would be formed before election day, RuleSetPeriodError if the
    campaign's rule set does not govern the new election day."""
    plan = (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("campaign__rule_set", "community")
        .get(pk=plan.pk)
    )
    if plan.version != version:
        raise stale(CommunityPlan, form_refilled=True)
    if party_election_on > election_on:
        raise PlanError(_("The party organisation is elected before the residents' committee."))
    if isinstance(committee_formed_on, EllipsisType):
        committee_formed_on = plan.committee_formed_on  # not given: kept
    if committee_formed_on is not None and committee_formed_on < election_on:
        raise PlanError(_("A committee is formed on election day or later."))
    new = (election_on, party_election_on, committee_formed_on)
    if (plan.election_on, plan.party_election_on, plan.committee_formed_on) == new:
        return plan
    if election_on != plan.election_on:
        ruleset_check_in_force(rule_set=plan.campaign.rule_set, day=election_on)
    plan.election_on, plan.party_election_on, plan.committee_formed_on = new
    plan.version += 1
    plan._history_user = by  # type: ignore[attr-defined]
    plan._change_reason = reason or "election day moved"  # type: ignore[attr-defined]
    plan.save(
        update_fields=[
            "election_on",
            "party_election_on",
            "committee_formed_on",
            "version",
            "updated_at",
        ]
    )
    plan_refresh(plan=plan, by=by)
    _after_commit_rollup(plan)
    return plan


# --- stages ---------------------------------------------------------------------------------------


@transaction.atomic
def stage_close(*, stage: PlanStage, by: User) -> PlanStage:
    """Close a stage: its steps can no longer be edited. Idempotent. Raises PlanError while a
    step of the stage is not done."""
    stage = (
        PlanStage.objects.select_for_update(of=("self",))
        .select_related("template")
        .get(pk=stage.pk)
    )
    if stage.is_closed:
        return stage
    open_steps = list(
        PlanStep.objects.select_for_update(of=("self",))
        .filter(stage=stage)
        .exclude(status=PlanStep.Status.DONE)
        .select_related("template")
    )
    if open_steps:
        raise PlanError(
            _("“%(stage)s” still has steps that are not done: %(steps)s.")
            % {
                "stage": stage.template.title,
                "steps": _(", ").join(s.template.title for s in open_steps),
            }
        )
    stage.is_closed = True
    stage.closed_at = timezone.now()
    stage.version += 1
    stage._history_user = by  # type: ignore[attr-defined]
    stage._change_reason = "stage closed"  # type: ignore[attr-defined]
    stage.save(update_fields=["is_closed", "closed_at", "version"])
    return stage


@transaction.atomic
def stage_reopen(*, stage: PlanStage, reason: str, by: User) -> PlanStage:
    """Reopen a closed stage so its steps can be corrected. The reason is required and is kept
    in the history. Idempotent for an open stage."""
    if not reason.strip():
        raise PlanError(_("Say why the stage is reopened."))
    stage = PlanStage.objects.select_for_update().get(pk=stage.pk)
    if not stage.is_closed:
        return stage
    stage.is_closed = False
    stage.closed_at = None
    stage.version += 1
    stage._history_user = by  # type: ignore[attr-defined]
    stage._change_reason = reason.strip()  # type: ignore[attr-defined]
    stage.save(update_fields=["is_closed", "closed_at", "version"])
    return stage
