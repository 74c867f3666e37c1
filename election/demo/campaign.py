"""The demo district's campaign (see `election.demo`): built once, relative to the day it is
built, through the election services where they exist and otherwise with bulk writes that keep
the history (reason "demo data").

Fictional data only; nothing here is used by the application at run time.
"""

import random
from datetime import date, timedelta
from typing import Any

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from communities.models import Committee, Community, District

from .. import rules
from ..models import (
    Campaign,
    CampaignSnapshot,
    CommunityPlan,
    PlanStep,
    PublicNotice,
    RuleSet,
    SeatPlan,
    StepTemplate,
    SurveyLedger,
    VotingMode,
)
from ..services import rollups
from ..services.assignments import assignment_create, visit_create, visit_follow_up_done
from ..services.calendar import plan_calendar
from ..services.campaigns import campaign_create
from ..services.plans import campaign_start, plan_refresh
from ..services.terms import add_months

# the demo campaign's calendar, in days from the day it is built
DEMO_STARTED_DAYS_AGO = 45
DEMO_PARTY_ELECTION_IN = 11
DEMO_ELECTION_IN = 25
# communities that voted already (their own, earlier days) and ones that vote a week later
DEMO_EARLY = {"count": 6, "election": -14, "party_election": -28}
DEMO_LATE = {"count": 5, "election": 32, "party_election": 18}
# share of past-due steps left undone (overdue), per kind of plan
DEMO_OVERDUE_SHARE = 0.05
DEMO_SNAPSHOT_DAYS = 30


def campaign_demo_complete(*, campaign: Campaign, by: User) -> int:
    """Give a plan to demo communities added since the campaign was built (nothing else)."""
    communities = Community.objects.filter(street__district_id=campaign.district_id).count()
    if campaign.plans.count() >= communities:
        return 0
    return campaign_start(campaign=campaign, by=by)


def campaign_demo_build(
    *,
    district: District,
    rule_set: RuleSet,
    spec: dict[str, Any],
    today: date,
    seed: int,
    by: User,
) -> Campaign:
    """Create the demo campaign, start it, and fill it as described in `election.demo`.

    Goes through the services where they exist (campaign_create, campaign_start, plan_refresh,
    assignment_create, visit_create) and otherwise uses history-keeping bulk writes with the
    reason "demo data". Deterministic for a given `today` and `seed`.
    """
    campaign = campaign_create(
        district=district,
        rule_set=rule_set,
        name=spec["name"],
        starts_on=today - timedelta(days=DEMO_STARTED_DAYS_AGO),
        party_election_on=today + timedelta(days=DEMO_PARTY_ELECTION_IN),
        election_on=today + timedelta(days=DEMO_ELECTION_IN),
        by=by,
    )
    campaign_start(campaign=campaign, by=by, today=today)
    campaign.refresh_from_db()
    rng = random.Random(f"{seed}/campaign")  # noqa: S311 - fictional demo data
    plans = _demo_plan_dates(campaign, rng=rng, today=today, by=by)
    _demo_steps(campaign, plans, spec=spec, rng=rng, today=today, by=by)
    _demo_survey_and_seats(plans, rng=rng, by=by)
    _demo_votes(plans, rng=random.Random(f"{seed}/votes"), today=today, by=by)  # noqa: S311
    _demo_terms(campaign, rng=random.Random(f"{seed}/terms"), by=by)  # noqa: S311
    _demo_assignments(district, spec["assignments"], today=today, by=by)
    _demo_snapshots(campaign, today=today)
    return campaign


def _demo_plan_dates(
    campaign: Campaign, *, rng: random.Random, today: date, by: User
) -> list[CommunityPlan]:
    """Move the election days of a few plans: some voted already, some vote later."""
    plans = list(
        CommunityPlan.objects.filter(campaign=campaign)
        .select_related("campaign", "community__street")
        .order_by("community__street__name", "community__name")
    )
    picked = rng.sample(plans, DEMO_EARLY["count"] + DEMO_LATE["count"])
    moved = []
    for i, plan in enumerate(picked):
        shift = DEMO_EARLY if i < DEMO_EARLY["count"] else DEMO_LATE
        plan.election_on = today + timedelta(days=shift["election"])
        plan.party_election_on = today + timedelta(days=shift["party_election"])
        moved.append(plan)
    bulk_update_with_history(
        moved,
        CommunityPlan,
        ["election_on", "party_election_on"],
        default_user=by,
        default_change_reason="demo data",
    )
    return plans


def _demo_steps(
    campaign: Campaign,
    plans: list[CommunityPlan],
    *,
    spec: dict[str, Any],
    rng: random.Random,
    today: date,
    by: User,
) -> None:
    """Mark past steps done (a few left overdue, a few late enough to break a time limit), record
    the public notices of the done steps that need one, then recompute every plan."""
    steps_by_plan: dict[int, list[Any]] = {}
    for step in (
        PlanStep.objects.filter(plan__campaign=campaign)
        .select_related("template")
        .order_by("order")
    ):
        steps_by_plan.setdefault(step.plan_id, []).append(step)
    templates = [s.template for steps in steps_by_plan.values() for s in steps]
    # the checks the red examples break: the longest notice lead (the voter list, 20 days before
    # E) and the longest lag after E (the handover, within 10 days)
    notice_leads = [
        t
        for t in templates
        if t.check_kind == StepTemplate.Check.MIN_LEAD
        and t.checked_date == StepTemplate.CheckedDate.NOTICE
    ]
    lags = [
        t
        for t in templates
        if t.check_kind == StepTemplate.Check.MAX_LAG and t.anchor == StepTemplate.Anchor.ELECTION
    ]
    late_notice = max(notice_leads, key=lambda t: t.check_days, default=None)
    late_lag = max(lags, key=lambda t: t.check_days, default=None)
    early = [p for p in plans if p.election_on < today]
    red_notice_plans = {p.pk for p in early[:2]}
    red_lag_plans = {p.pk for p in early[2:3]}

    changed: list[Any] = []
    notices: list[Any] = []
    calendar = plan_calendar(
        *(rules.PlanDates(campaign.starts_on, p.election_on, p.party_election_on) for p in plans)
    )
    for plan in plans:
        dates = rules.PlanDates(campaign.starts_on, plan.election_on, plan.party_election_on)
        done: dict[int, Any] = {}
        for step in steps_by_plan.get(plan.pk, []):
            t = step.template
            due = rules.due_on(t, dates, done)
            if due is None:
                continue
            if due >= today:
                if due <= today + timedelta(days=7) and rng.random() < 0.3:
                    step.status = PlanStep.Status.IN_PROGRESS
                    changed.append(step)
                continue
            if rng.random() < DEMO_OVERDUE_SHARE and plan.election_on >= today:
                continue  # left undone: overdue
            anchor = rules.anchor_date(t, dates, done) or due
            if t.check_kind == StepTemplate.Check.MIN_LEAD:
                done_on = due - timedelta(days=rng.randint(0, 2))
            elif t.check_kind == StepTemplate.Check.MAX_LAG:
                done_on = max(anchor, due - timedelta(days=rng.randint(0, 2)))
            else:
                done_on = due + timedelta(days=rng.randint(-3, 2))
            notice_on = done_on
            if t == late_notice and plan.pk in red_notice_plans:
                # posted too late: two days short of the required lead
                notice_on = done_on = anchor - timedelta(days=t.check_days - 2)
            if t == late_lag and plan.pk in red_lag_plans:
                done_on = anchor + timedelta(days=t.check_days + 3)
            elif not (t == late_notice and plan.pk in red_notice_plans):
                done_on = _demo_compliant(t, dates, done, done_on, calendar)
                if done_on > today:
                    continue  # its period is not over yet (an objection period still open)
                notice_on = done_on
            done_on = min(done_on, today)
            notice_on = min(notice_on, done_on)
            step.status, step.done_on = PlanStep.Status.DONE, done_on
            done[t.pk] = done_on
            changed.append(step)
            if t.requires_notice:
                notices.append(
                    PublicNotice(
                        step=step,
                        title=t.title,
                        place=spec["notice_place"],
                        posted_on=notice_on,
                        taken_down_on=_demo_taken_down(t, notice_on, today, calendar),
                        created_by=by,
                    )
                )
    bulk_update_with_history(
        changed,
        PlanStep,
        ["status", "done_on"],
        batch_size=1000,
        default_user=by,
        default_change_reason="demo data",
    )
    bulk_create_with_history(
        notices, PublicNotice, default_user=by, default_change_reason="demo data"
    )
    for plan in plans:
        plan_refresh(plan=plan, by=by, today=today)


def _demo_compliant(
    t: StepTemplate,
    dates: rules.PlanDates,
    done: dict[int, Any],
    done_on: date,
    calendar: rules.WorkCalendar,
) -> date:
    """`done_on` moved, if need be, to the nearest day the step's own check accepts (the demo's
    red examples are chosen, not accidental): at least N days before its check's day, within N
    days after it, or not before N days after it, counted as the engine counts."""
    check_at = rules.check_anchor_date(t, dates, done)
    if check_at is None:
        return done_on
    n, unit = t.check_days, t.day_unit
    if t.check_kind == StepTemplate.Check.MIN_LEAD:
        return min(done_on, calendar.backward(check_at, n, unit))
    if t.check_kind == StepTemplate.Check.MAX_LAG:
        return min(max(done_on, check_at), calendar.forward(check_at, n, unit))
    if t.check_kind == StepTemplate.Check.MIN_LAG:
        return max(done_on, calendar.forward(check_at, n, unit))
    return done_on


def _demo_taken_down(
    t: StepTemplate, notice_on: date, today: date, calendar: rules.WorkCalendar
) -> date | None:
    """A week on the board, or the step's minimum display if longer; None while still up."""
    down = max(
        notice_on + timedelta(days=7), calendar.forward(notice_on, t.notice_days, t.day_unit)
    )
    return down if down < today else None


def _demo_terms(campaign: Campaign, *, rng: random.Random, by: User) -> None:
    """Date the committees' current terms so that most end within the campaign (the previous
    election, a term ago) and a few later (elected since, after a by-election or postponement)."""
    months = 12 * campaign.rule_set.term_years
    period = (campaign.election_on - campaign.starts_on).days
    committees = list(
        Committee.objects.filter(community__street__district_id=campaign.district_id).order_by("pk")
    )
    for committee in committees:
        offset = rng.randint(0, period) if rng.random() < 0.9 else period + rng.randint(30, 200)
        committee.term_started_on = add_months(campaign.starts_on + timedelta(days=offset), -months)
    bulk_update_with_history(
        committees,
        Committee,
        ["term_started_on"],
        default_user=by,
        default_change_reason="demo data",
    )


def _demo_votes(plans: list[CommunityPlan], *, rng: random.Random, today: date, by: User) -> None:
    """Record the voter figures by registration ground (the city's residents of six months and
    community workers, the village track's admitted non-register residents), the voting mode,
    and the Party meeting's attendance where it has been held (one meeting short of quorum)."""
    short_of_quorum = True
    for plan in plans:
        community = plan.community
        voters = community.registered_voters or 1000
        if community.election_track == Community.Track.VILLAGE:
            plan.voters_by_register = round(voters * rng.uniform(0.95, 0.99))
            plan.voters_village_admitted = voters - plan.voters_by_register
            plan.voting_mode = VotingMode.ALL_VOTERS
        else:
            plan.voters_by_residence = round(voters * rng.uniform(0.05, 0.2))
            plan.voters_community_workers = rng.randint(3, 15)
            plan.voters_by_register = max(
                0, voters - plan.voters_by_residence - plan.voters_community_workers
            )
            plan.voting_mode = rng.choice(
                [VotingMode.ALL_VOTERS, VotingMode.HOUSEHOLDS, VotingMode.HOUSEHOLDS]
            )
        if plan.party_election_on < today:
            plan.party_members_entitled = rng.randint(30, 150)
            share = 0.78 if short_of_quorum else rng.uniform(0.85, 0.98)
            short_of_quorum = False
            plan.party_members_present = int(plan.party_members_entitled * share)
    bulk_update_with_history(
        plans,
        CommunityPlan,
        [
            "voters_by_register",
            "voters_by_residence",
            "voters_community_workers",
            "voters_village_admitted",
            "voting_mode",
            "party_members_entitled",
            "party_members_present",
        ],
        default_user=by,
        default_change_reason="demo data",
    )


def _demo_survey_and_seats(plans: list[CommunityPlan], *, rng: random.Random, by: User) -> None:
    """Fill the survey ledgers, and plan women, 一肩挑 and 交叉任职 on the seat plans."""
    ledgers = {s.plan_id: s for s in SurveyLedger.objects.filter(plan__in=plans)}
    seat_plans: dict[int, list[Any]] = {}
    for seat_plan in SeatPlan.objects.filter(plan__in=plans).order_by("pk"):
        seat_plans.setdefault(seat_plan.plan_id, []).append(seat_plan)
    for plan in plans:
        community = plan.community
        ledger = ledgers[plan.pk]
        households = community.households or 1000
        ledger.forums_held = rng.randint(2, 9)
        ledger.households_visited = round(households * rng.uniform(0.05, 0.2))
        ledger.questionnaires_issued = rng.randrange(100, 900, 10)
        ledger.questionnaires_returned = round(
            ledger.questionnaires_issued * rng.uniform(0.78, 0.97)
        )
        ledger.problems_found = rng.randint(2, 16) + (6 if community.is_difficult else 0)
        share = rng.uniform(0.3, 0.6) if community.is_difficult else rng.uniform(0.7, 1.0)
        ledger.problems_resolved = round(ledger.problems_found * share)
        bodies = seat_plans.get(plan.pk, [])
        for seat_plan in bodies:
            seat_plan.planned_women = min(seat_plan.planned_seats, rng.randint(1, 3))
        plan.planned_one_shoulder = rng.random() < 0.7
        smallest = min((s.planned_seats for s in bodies), default=0)
        plan.planned_cross_appointments = min(smallest, rng.choice([0, 1, 1, 2, 2, 3]))
    bulk_update_with_history(
        list(ledgers.values()),
        SurveyLedger,
        [
            "forums_held",
            "households_visited",
            "questionnaires_issued",
            "questionnaires_returned",
            "problems_found",
            "problems_resolved",
        ],
        default_user=by,
        default_change_reason="demo data",
    )
    bulk_update_with_history(
        [s for group in seat_plans.values() for s in group],
        SeatPlan,
        ["planned_women"],
        default_user=by,
        default_change_reason="demo data",
    )
    bulk_update_with_history(
        plans,
        CommunityPlan,
        ["planned_one_shoulder", "planned_cross_appointments"],
        default_user=by,
        default_change_reason="demo data",
    )


def _demo_assignments(
    district: District, specs: list[dict[str, Any]], *, today: date, by: User
) -> None:
    """Assign the demo leader and street cadres to communities, with their visits."""
    for spec in specs:
        user = User.objects.get(username=spec["username"])
        community = Community.objects.get(street__district=district, name=spec["community"])
        assignment = assignment_create(community=community, user=user, kind=spec["kind"], by=by)
        for visit_spec in spec["visits"]:
            visit = visit_create(
                assignment=assignment,
                data={
                    "visited_on": today - timedelta(days=visit_spec["days_ago"]),
                    "summary": visit_spec["summary"],
                    "instructions": visit_spec["instructions"],
                    "follow_up": visit_spec["follow_up"],
                },
                by=user,
            )
            if "follow_up_done_days_ago" in visit_spec:
                visit_follow_up_done(
                    visit=visit,
                    on=today - timedelta(days=visit_spec["follow_up_done_days_ago"]),
                    by=user,
                )


def _demo_snapshots(campaign: Campaign, *, today: date) -> None:
    """The dashboard's counts for today (the real ones, from the rollups), and a plausible 30-day
    history before it.

    The history is recounted from the steps as they stand: a step counts as done from its done
    date, as overdue on the days after its due date while it was not done yet, and as red from
    the day it was done. The overdue and red counts are then smoothed (a centred weekly mean, which
    ends at today's real count), since the demo's done dates bunch up after the due dates and a
    recount alone zigzags from one day to the next.
    """
    rollups.rollup_refresh(campaign_id=campaign.pk, today=today)
    real = rollups.snapshot_write(campaign_id=campaign.pk, on=today)
    steps = list(
        PlanStep.objects.filter(plan__campaign=campaign).values_list("due_on", "done_on", "is_red")
    )
    days = [today - timedelta(days=back) for back in range(DEMO_SNAPSHOT_DAYS - 1, 0, -1)]
    done_counts, red_counts, overdue_counts = [], [], []
    for day in days:
        done = [d is not None and d <= day for _due, d, _red in steps]
        done_counts.append(sum(done))
        red_counts.append(
            sum(1 for (_due, d, red), is_done in zip(steps, done, strict=True) if red and is_done)
        )
        overdue_counts.append(
            sum(
                1
                for (due, _d, _red), is_done in zip(steps, done, strict=True)
                if not is_done and due is not None and due < day
            )
        )
    overdue = _smoothed([*overdue_counts, real.steps_overdue])
    red = _smoothed([*red_counts, real.steps_red])
    CampaignSnapshot.objects.bulk_create(
        CampaignSnapshot(
            campaign=campaign,
            on=day,
            steps_total=len(steps),
            steps_done=done_counts[i],
            steps_red=red[i],
            steps_overdue=overdue[i],
        )
        for i, day in enumerate(days)
    )


def _smoothed(values: list[int], *, half_window: int = 3) -> list[int]:
    """A centred moving mean of `values` (fewer neighbours at the ends); the last value is kept as
    it is, so that the series ends on it."""
    out = []
    for i in range(len(values)):
        window = values[max(0, i - half_window) : i + half_window + 1]
        out.append(round(sum(window) / len(window)))
    out[-1] = values[-1]
    return out
