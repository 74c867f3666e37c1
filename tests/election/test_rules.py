"""Every time limit of the procedure, checked with the shipped national default rule set.

For each checked step: on the boundary day it passes, one day short it turns red, and the red
message names the rule and the actual figure. Once through a real plan (`campaign_start`, steps
marked done and notices posted, then `plan_refresh`), once through the engine alone.
"""

# the expected red messages are the exact Chinese words users see, full-width punctuation included
# ruff: noqa: RUF001

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import translation

from election import rules
from election.models import Campaign, CommunityPlan, PlanStep, PublicNotice, RuleSet, StepTemplate
from election.services.plans import campaign_start, plan_refresh
from tests.election.conftest import PARTY_E, START, E

NATIONAL = "national-2018"
VOTER_LIST_POSTED = E - timedelta(days=25)


def days(n: int) -> timedelta:
    return timedelta(days=n)


@dataclass(frozen=True)
class Limit:
    """A checked step: the last day that complies, and the red message one day past it (one
    day later; for a period that may not end early, one day earlier)."""

    code: str
    boundary: date
    red: str
    early_fails: bool = False

    @property
    def breach(self) -> date:
        return self.boundary - days(1) if self.early_fails else self.boundary + days(1)


PARTY_REQUEST_ON = PARTY_E - days(31)

# every checked step of the national default, but the ruling on objections (which judges each
# recorded objection, see test_time_limits.py); the test below fails when a new one is added
LIMITS = [
    Limit(
        "rectification-done", E - days(1), "软弱涣散党组织应于选举日前完成整顿，实际为当日，少 1 天"
    ),
    Limit(
        "audit-posting", E - days(1), "离任经济责任审计结果应于选举日前公布，实际为当日，少 1 天"
    ),
    Limit(
        "party-request",
        PARTY_E - days(10),
        "换届选举请示应于党员大会召开10日前报街道党（工）委，实际提前 9 天，少 1 天",
    ),
    Limit(
        "party-approval",
        PARTY_REQUEST_ON + days(15),
        "街道党（工）委应自收到换届选举请示之日起15日内批复，实际用时 16 天，多用 1 天",
    ),
    Limit(
        "party-notice",
        PARTY_E - days(7),
        "党组织换届选举通知应于党员大会召开7日前发布，实际提前 6 天，少 1 天",
    ),
    Limit(
        "party-recommend",
        PARTY_E - days(15),
        "推荐的候选人预备人选应多于应选人数的20%，推荐应于党员大会召开15日前完成，"
        "实际提前 14 天，少 1 天",
    ),
    Limit(
        "party-inspect",
        PARTY_E - days(10),
        "街道党（工）委考察应于党员大会召开10日前完成，实际提前 9 天，少 1 天",
    ),
    Limit(
        "party-joint-review",
        PARTY_E - days(8),
        "候选人预备人选资格联审应于党员大会召开8日前完成，实际提前 7 天，少 1 天",
    ),
    Limit(
        "party-candidates-approval",
        PARTY_E - days(7),
        "候选人预备人选经街道党（工）委审查同意后方可公示，应于党员大会召开7日前批复，"
        "实际提前 6 天，少 1 天",
    ),
    Limit(
        "party-publicity",
        PARTY_E - days(5),
        "候选人预备人选应于党员大会召开5日前公示，实际提前 4 天，少 1 天",
    ),
    Limit(
        "party-meeting",
        PARTY_E,
        "党员大会应于确定的日期召开；有选举权的到会党员超过应到会党员的五分之四，会议有效，"
        "实际晚 1 天",
    ),
    Limit(
        "party-secretary",
        PARTY_E,
        "新一届委员会第一次全体会议选举书记、副书记，应于党员大会当日进行，实际晚 1 天",
    ),
    # PARTY_E + 7 is a Sunday: the period ends on the next working day (民法典 art. 203)
    Limit(
        "party-filing",
        PARTY_E + days(8),
        "选举结果应于党员大会后7日内报街道党（工）委审批，实际用时 9 天，多用 1 天",
    ),
    Limit("voter-list", E - days(20), "选民名单应于选举日20日前公布，实际提前 19 天，少 1 天"),
    Limit(
        "voter-objection",
        VOTER_LIST_POSTED + days(5),
        "选民对名单有异议的，可自名单公布之日起5日内提出，异议期不得提前结束，实际仅 4 天，少 1 天",
        early_fails=True,
    ),
    Limit(
        "candidates-final", E - days(5), "正式候选人名单应于选举日5日前公布，实际提前 4 天，少 1 天"
    ),
    Limit("meet-voters", E - days(1), "选举日前应组织候选人与选民见面，实际为当日，少 1 天"),
    Limit("notice-election", E - days(1), "选举公告应于选举日前发布，实际为当日，少 1 天"),
    Limit("notice-proxy", E - days(1), "委托投票名单应于选举日前公布，实际为当日，少 1 天"),
    Limit("vote-cast", E, "投票应于选举日进行，实际晚 1 天"),
    Limit("count-announce", E, "选举结果应当场公布，实际晚 1 天"),
    Limit(
        "handover",
        E + days(10),
        "应自新一届村（居）民委员会产生之日起10日内完成工作移交，实际用时 11 天，多用 1 天",
    ),
]


def _with_basis(template: StepTemplate, text: str) -> str:
    """The red reason as stored: the broken rule, then its legal basis."""
    return f"{text}（依据：{template.legal_basis}）" if template.legal_basis else text


@pytest.fixture
def national(db: None) -> RuleSet:
    # loaded by the data migration
    return RuleSet.objects.get(code=NATIONAL, version=1)


@pytest.fixture
def plan(district: Any, community: Any, national: RuleSet, admin_user: Any) -> CommunityPlan:
    campaign = Campaign.objects.create(
        district=district,
        rule_set=national,
        name="2026 re-election",
        starts_on=START,
        election_on=E,
        party_election_on=PARTY_E,
    )
    campaign_start(campaign=campaign, by=admin_user)
    return CommunityPlan.objects.get(campaign=campaign, community=community)


def _step(plan: CommunityPlan, code: str) -> PlanStep:
    return PlanStep.objects.select_related("template").get(plan=plan, template__code=code)


def _record(plan: CommunityPlan, code: str, on: date, by: Any) -> None:
    """Do the step on `on`; a step checked on its notice gets its notice posted that day."""
    step = _step(plan, code)
    step.status, step.done_on = PlanStep.Status.DONE, on
    step.save(update_fields=["status", "done_on"])
    if step.template.checked_date == StepTemplate.CheckedDate.NOTICE or (
        step.template.requires_notice
    ):
        PublicNotice.objects.create(
            step=step, title=step.template.title, place="notice board", posted_on=on, created_by=by
        )


def _prerequisites(plan: CommunityPlan, code: str, by: Any) -> None:
    # the objection period counts from the voter list, the approval from the request
    if code == "voter-objection":
        _record(plan, "voter-list", VOTER_LIST_POSTED, by)
    if code == "party-approval":
        _record(plan, "party-request", PARTY_REQUEST_ON, by)


def test_every_checked_step_of_the_national_default_is_tested(national: RuleSet) -> None:
    checked = (
        StepTemplate.objects.filter(stage__rule_set=national)
        .exclude(check_kind="")
        .exclude(check_kind=StepTemplate.Check.RULING)
    )
    assert sorted(checked.values_list("code", flat=True)) == sorted(x.code for x in LIMITS)


@pytest.mark.parametrize("limit", LIMITS, ids=lambda x: x.code)
def test_plan_step_passes_on_the_boundary_day(
    limit: Limit, plan: CommunityPlan, admin_user: Any
) -> None:
    _prerequisites(plan, limit.code, admin_user)
    _record(plan, limit.code, limit.boundary, admin_user)
    plan_refresh(plan=plan)
    step = _step(plan, limit.code)
    assert (step.is_red, step.red_reason) == (False, "")
    plan.refresh_from_db()
    assert plan.steps_red == 0


@pytest.mark.parametrize("limit", LIMITS, ids=lambda x: x.code)
def test_plan_step_turns_red_one_day_short_naming_the_rule_and_the_figure(
    limit: Limit, plan: CommunityPlan, admin_user: Any
) -> None:
    _prerequisites(plan, limit.code, admin_user)
    _record(plan, limit.code, limit.breach, admin_user)
    plan_refresh(plan=plan)
    step = _step(plan, limit.code)
    assert step.is_red
    assert step.red_reason == _with_basis(step.template, limit.red)
    plan.refresh_from_db()
    assert plan.steps_red == 1


def test_voter_list_posted_after_election_day_says_how_late(
    plan: CommunityPlan, admin_user: Any
) -> None:
    _record(plan, "voter-list", E + days(2), admin_user)
    plan_refresh(plan=plan)
    step = _step(plan, "voter-list")
    assert step.red_reason == _with_basis(
        step.template, "选民名单应于选举日20日前公布，实际在其后 2 天，少 22 天"
    )


def test_the_notice_not_the_done_day_is_what_counts_for_the_voter_list(
    plan: CommunityPlan, admin_user: Any
) -> None:
    step = _step(plan, "voter-list")
    step.status, step.done_on = PlanStep.Status.DONE, E - days(25)
    step.save(update_fields=["status", "done_on"])
    PublicNotice.objects.create(
        step=step, title="voters", place="board", posted_on=E - days(18), created_by=admin_user
    )
    plan_refresh(plan=plan)
    step = _step(plan, "voter-list")
    assert step.red_reason == _with_basis(
        step.template, "选民名单应于选举日20日前公布，实际提前 18 天，少 2 天"
    )


def test_due_dates_of_the_national_default(plan: CommunityPlan, admin_user: Any) -> None:
    due = {s.template.code: s.due_on for s in plan.steps.select_related("template")}
    assert due["survey-forums"] == START + days(14)
    assert due["party-meeting"] == PARTY_E
    # the Party's request follows the campaign's start
    assert due["party-request"] == START + days(3)
    assert due["voter-list"] == E - days(20)
    assert due["candidates-final"] == E - days(5)
    assert due["vote-cast"] == E
    assert due["handover"] == E + days(10)
    # counted from the voter list: from its due date while it is not posted
    assert due["voter-objection"] == E - days(15)
    _record(plan, "voter-list", VOTER_LIST_POSTED, admin_user)
    plan_refresh(plan=plan)
    assert _step(plan, "voter-objection").due_on == VOTER_LIST_POSTED + days(5)


# --- the engine alone ----------------------------------------------------------------------------


def _template(national: RuleSet, code: str) -> StepTemplate:
    return StepTemplate.objects.get(stage__rule_set=national, code=code)


def _anchor_for(limit: Limit) -> date:
    anchors = {"voter-objection": VOTER_LIST_POSTED, "party-approval": PARTY_REQUEST_ON}
    if limit.code in anchors:
        return anchors[limit.code]
    return PARTY_E if limit.code.startswith("party-") else E


@pytest.mark.parametrize("limit", LIMITS, ids=lambda x: x.code)
def test_engine_boundary_and_one_day_short(limit: Limit, national: RuleSet) -> None:
    template = _template(national, limit.code)
    anchor = _anchor_for(limit)

    def check(on: date) -> str:
        return rules.violation(template, anchor=anchor, checked=on)

    with translation.override("zh-hans"):
        assert check(limit.boundary) == ""
        assert check(limit.breach) == limit.red
        # the other side of the boundary: more lead, less lag or a longer period also complies,
        # but "within N days after" cannot be met before its reference day (a vote before E)
        other = limit.boundary + days(1) if limit.early_fails else limit.boundary - days(1)
        if template.check_kind == StepTemplate.Check.MAX_LAG and other < anchor:
            assert check(other) != ""
        else:
            assert check(other) == ""


def test_engine_checks_the_notice_day_or_the_done_day(national: RuleSet) -> None:
    voter_list = _template(national, "voter-list")
    handover = _template(national, "handover")
    assert rules.checked_on(voter_list, done_on=E, notice_on=E - days(30)) == E - days(30)
    assert rules.checked_on(handover, done_on=E, notice_on=E - days(30)) == E


def test_engine_does_not_judge_a_step_without_its_dates(national: RuleSet) -> None:
    voter_list = _template(national, "voter-list")
    assert rules.violation(voter_list, anchor=E, checked=None) == ""
    assert rules.violation(voter_list, anchor=None, checked=E) == ""


def test_engine_due_dates_for_each_anchor(national: RuleSet) -> None:
    dates = rules.PlanDates(START, E, PARTY_E)
    objection = _template(national, "voter-objection")
    assert rules.due_on(_template(national, "survey-forums"), dates, {}) == START + days(14)
    assert rules.due_on(_template(national, "party-publicity"), dates, {}) == PARTY_E - days(10)
    assert rules.due_on(_template(national, "voter-list"), dates, {}) == E - days(20)
    assert rules.due_on(objection, dates, {}) is None
    projected = {objection.anchor_step_id or 0: E - days(20)}
    assert rules.due_on(objection, dates, {}, projected=projected) == E - days(15)
    posted = {objection.anchor_step_id or 0: VOTER_LIST_POSTED}
    assert rules.due_on(objection, dates, posted) == VOTER_LIST_POSTED + days(5)


def test_engine_message_in_english(national: RuleSet) -> None:
    handover = _template(national, "handover")
    with translation.override("en"):
        message = rules.violation(handover, anchor=E, checked=E + days(12))
    assert message.endswith("; it took 12 days, 2 days too many")
