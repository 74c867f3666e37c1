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
    CommitteeMember,
    CommunityPlan,
    ElectionResult,
    PlanStage,
    PlanStep,
    Post,
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
    # the committees' members draw from a stream of their own: the plans stay as they were
    members_rng = random.Random(SCALE_MEMBERS_SEED)  # noqa: S311 (synthetic data)
    for start in range(0, len(communities), SCALE_CHUNK):
        drafts = [
            _plan_draft(campaign, row, stages, steps_of, today=today, rng=rng)
            for row in communities[start : start + SCALE_CHUNK]
        ]
        plan_ids = _plans_write(campaign, drafts, committees, by=by, rng=rng)
        _members_write(campaign, drafts, plan_ids, by=by, rng=members_rng, today=today)
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
) -> list[int]:
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
    return plan_ids


# --- the committees' members (the statistics) -----------------------------------------------------
# Every community has its previous term in office: about seven members over both committees, a
# 书记 and a 主任 (the same person in about 40 % of them: 一肩挑) and now and then a member on
# both committees (交叉任职). A community that voted already also has its new term (about seven
# more), elected in the campaign, which closed the previous one, and first-round results.

SCALE_MEMBERS_SEED = 2026
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕文斌宇浩凯"
    "晨欣怡子涵梓萱雨轩佳琪"
)
_MINORITIES = ["回族", "满族", "壮族", "蒙古族", "土家族"]
_MEMBER_COLUMNS = [
    "committee_id",
    "name",
    "gender",
    "birth_date",
    "education",
    "party_member",
    "ethnicity",
    "post",
    "started_on",
    "ended_on",
    "elected_in_id",
    "ended_in_id",
    "is_first_time",
]


def _person(rng: random.Random, *, party_member: bool) -> tuple[Any, ...]:
    """(name, gender, birth date, education, party member, ethnicity) of a plausible member."""
    name = rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.randint(1, 2)))
    gender = "f" if rng.random() < 0.4 else "m"
    birth = date(1960, 1, 1) + timedelta(days=rng.randint(0, 38 * 365))
    education = rng.choices([2, 3, 4, 5, 6], weights=[5, 20, 40, 30, 5])[0]
    ethnicity = rng.choice(_MINORITIES) if rng.random() < 0.05 else "汉族"
    return (name, gender, birth, education, party_member, ethnicity)


def _term_rows(
    rng: random.Random,
    party_id: int | None,
    residents_id: int | None,
    tail: tuple[Any, ...],
    *,
    first_time_share: float,
) -> list[tuple[Any, ...]]:
    """One term of a community's two committees (party: 3, residents: 4 members), `tail` the
    term's (started_on, ended_on, elected_in_id, ended_in_id)."""
    rows: list[tuple[Any, ...]] = []

    def add(committee_id: int | None, person: tuple[Any, ...], post: str) -> None:
        if committee_id is not None:
            rows.append((committee_id, *person, post, *tail, rng.random() < first_time_share))

    secretary = _person(rng, party_member=True)
    add(party_id, secretary, Post.SECRETARY)
    party_members = [_person(rng, party_member=True) for _ in range(2)]
    add(party_id, party_members[0], Post.DEPUTY_SECRETARY)
    add(party_id, party_members[1], Post.MEMBER)
    # 一肩挑: the secretary is also the director
    one_shoulder = rng.random() < 0.4
    director = secretary if one_shoulder else _person(rng, party_member=rng.random() < 0.8)
    add(residents_id, director, Post.DIRECTOR)
    # 交叉任职: now and then a Party committee member sits on the residents' committee too
    cross = party_members[1] if rng.random() < 0.3 else _person(rng, party_member=True)
    add(residents_id, cross, Post.DEPUTY_DIRECTOR)
    for _member in range(2):
        add(residents_id, _person(rng, party_member=rng.random() < 0.5), Post.MEMBER)
    return rows


def _members_write(
    campaign: Any,
    drafts: list[_PlanDraft],
    plan_ids: list[int],
    *,
    by: User | None,
    rng: random.Random,
    today: date,
) -> None:
    """The members of both terms of a chunk's communities, and the first rounds of those that
    voted already (one query for the committees, then bulk writes)."""
    committee_of: dict[tuple[int, str], int] = {}
    for community_id, kind, pk in Committee.objects.filter(
        community_id__in=[d.community_id for d in drafts]
    ).values_list("community_id", "kind", "pk"):
        committee_of[(community_id, kind)] = pk
    member_rows: list[tuple[Any, ...]] = []
    result_rows: list[tuple[Any, ...]] = []
    previous_start = campaign.starts_on - timedelta(days=5 * 365)
    for plan_id, d in zip(plan_ids, drafts, strict=True):
        party_id = committee_of.get((d.community_id, Committee.Kind.PARTY))
        residents_id = committee_of.get((d.community_id, Committee.Kind.RESIDENTS))
        voted = d.election_on < today
        ended = (d.election_on, None, campaign.pk) if voted else (None, None, None)
        member_rows += _term_rows(
            rng,
            party_id,
            residents_id,
            (previous_start, ended[0], None, ended[2]),
            first_time_share=0.5,
        )
        if not voted:
            continue
        member_rows += _term_rows(
            rng,
            party_id,
            residents_id,
            (d.election_on, None, campaign.pk, None),
            first_time_share=0.4,
        )
        residents_body = (
            SeatRule.Body.VILLAGERS
            if d.track == Community.Track.VILLAGE
            else SeatRule.Body.RESIDENTS
        )
        for body, held_on, seats in (
            (SeatRule.Body.PARTY, d.party_election_on, 3),
            (residents_body, d.election_on, 4),
        ):
            registered = (
                rng.randint(300, 6000) if body != SeatRule.Body.PARTY else rng.randint(30, 400)
            )
            returned = round(registered * rng.uniform(0.6, 0.95))
            invalid = round(returned * rng.uniform(0, 0.03))
            success = rng.random() < 0.92
            result_rows.append(
                (
                    plan_id,
                    str(body),
                    str(ElectionResult.Round.FIRST),
                    held_on,
                    registered,
                    returned,
                    returned,
                    returned - invalid,
                    invalid,
                    seats,
                    True,
                    seats if success else seats - 1,
                )
            )
    rows_insert(CommitteeMember, _MEMBER_COLUMNS, member_rows, by=by)
    rows_insert(
        ElectionResult,
        [
            "plan_id",
            "body",
            "round",
            "held_on",
            "registered_voters",
            "ballots_issued",
            "ballots_returned",
            "valid_ballots",
            "invalid_ballots",
            "seats_to_fill",
            "is_valid",
            "seats_filled",
        ],
        result_rows,
        by=by,
    )


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
