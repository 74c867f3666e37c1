"""The time limits of issue "rule sets that hold up to a lawyer", each at its boundary days.

The objection period (closing early is the breach), the ruling on each recorded objection, the
public notice a step is proved by and its minimum display, the handover from the day the new
committee is formed, a last day on a holiday moving to the next working day, and periods counted
in working days, with China's 2026 calendar as the data migration loads it (National Day:
1 to 7 October off, Saturday 10 October at work).
"""

# the expected red messages are the exact Chinese words users see, full-width punctuation included
# ruff: noqa: RUF001

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from election import rules
from election.models import (
    CalendarDay,
    Campaign,
    CommunityPlan,
    PlanStep,
    PublicNotice,
    RuleSet,
    StepTemplate,
    VoterObjection,
)
from election.services.calendar import calendar_load, work_calendar
from election.services.objections import objection_add, objection_decide
from election.services.plans import PlanError, campaign_start, plan_dates_update, plan_refresh
from tests.election.conftest import PARTY_E, START, E

POSTED = E - timedelta(days=25)  # Wednesday 25 November 2026
RECEIVED = date(2026, 11, 23)  # a Monday: its 3 days end on Thursday 26 November
OCTOBER = (date(2026, 9, 1), date(2026, 10, 31))


def days(n: int) -> timedelta:
    return timedelta(days=n)


@pytest.fixture
def plan(district: Any, community: Any, admin_user: Any) -> CommunityPlan:
    campaign = Campaign.objects.create(
        district=district,
        rule_set=RuleSet.objects.get(code="national-2026", version=1),
        name="2026 re-election",
        starts_on=START,
        election_on=E,
        party_election_on=PARTY_E,
    )
    campaign_start(campaign=campaign, by=admin_user)
    return CommunityPlan.objects.get(campaign=campaign, community=community)


def _step(plan: CommunityPlan, code: str) -> PlanStep:
    return PlanStep.objects.select_related("template").get(plan=plan, template__code=code)


def _done(plan: CommunityPlan, code: str, on: date) -> PlanStep:
    step = _step(plan, code)
    step.status, step.done_on = PlanStep.Status.DONE, on
    step.save(update_fields=["status", "done_on"])
    return step


def _notice(step: PlanStep, posted_on: date, by: Any, down: date | None = None) -> None:
    PublicNotice.objects.create(
        step=step,
        title=step.template.title,
        place="notice board",
        posted_on=posted_on,
        taken_down_on=down,
        created_by=by,
    )


def _basis(step: PlanStep) -> str:
    return f"（依据：{step.template.legal_basis}）"


# --- the objection period ------------------------------------------------------------------------


def test_objection_period_closed_after_five_days_passes_and_after_four_is_red(
    plan: CommunityPlan, admin_user: Any
) -> None:
    _notice(_done(plan, "voter-list", POSTED), POSTED, admin_user)
    _done(plan, "voter-objection", POSTED + days(5))
    plan_refresh(plan=plan)
    assert _step(plan, "voter-objection").is_red is False
    _done(plan, "voter-objection", POSTED + days(4))
    plan_refresh(plan=plan)
    step = _step(plan, "voter-objection")
    assert step.red_reason == (
        "选民对名单有异议的，可自名单公布之日起5日内提出，异议期不得提前结束，实际仅 4 天，少 1 天"
        + _basis(step)
    )
    plan.refresh_from_db()
    assert plan.steps_red == 1


def test_an_objection_period_ending_in_the_national_day_holiday_runs_to_the_next_working_day(
    plan: CommunityPlan,
) -> None:
    template = _step(plan, "voter-objection").template
    calendar = work_calendar(*OCTOBER)
    posted = date(2026, 9, 28)  # its fifth day, 3 October, is a holiday: the period ends 8 October
    with translation.override("zh-hans"):
        assert (
            rules.violation(template, anchor=posted, checked=date(2026, 10, 8), calendar=calendar)
            == ""
        )
        assert rules.violation(
            template, anchor=posted, checked=date(2026, 10, 7), calendar=calendar
        )


# --- the ruling on each objection ----------------------------------------------------------------


def test_an_objection_decided_on_its_third_day_passes_and_on_its_fourth_is_red(
    plan: CommunityPlan, office: Any
) -> None:
    objection = objection_add(
        plan=plan, data={"received_on": RECEIVED, "raised_by": "张三"}, by=office
    )
    objection = objection_decide(
        objection=objection, version=1, decided_on=RECEIVED + days(3), outcome="rejected", by=office
    )
    assert _step(plan, "voter-ruling").is_red is False
    objection_decide(
        objection=objection, version=2, decided_on=RECEIVED + days(4), outcome="rejected", by=office
    )
    step = _step(plan, "voter-ruling")
    assert step.red_reason == (
        "选举委员会应自收到每一件异议之日起3日内作出处理决定，并公布处理结果，"
        "张三于2026-11-23提出的异议用时4日才作决定" + _basis(step)
    )
    assert VoterObjection.history.filter(id=objection.pk).count() == 3


def test_an_undecided_objection_turns_red_the_day_after_its_last_day(
    plan: CommunityPlan, office: Any
) -> None:
    objection_add(plan=plan, data={"received_on": RECEIVED, "raised_by": "李四"}, by=office)
    plan_refresh(plan=plan, today=RECEIVED + days(3))
    step = _step(plan, "voter-ruling")
    assert step.is_red is False
    # the ruling step is due when the earliest undecided objection's days end
    assert step.due_on == RECEIVED + days(3)
    plan_refresh(plan=plan, today=RECEIVED + days(4))
    step = _step(plan, "voter-ruling")
    assert step.red_reason.startswith(
        "选举委员会应自收到每一件异议之日起3日内作出处理决定，并公布处理结果，"
        "李四于2026-11-23提出的异议已4日未作决定"
    )


def test_each_objection_is_judged_from_its_own_receipt(plan: CommunityPlan, office: Any) -> None:
    first = objection_add(plan=plan, data={"received_on": RECEIVED, "raised_by": "甲"}, by=office)
    second = objection_add(
        plan=plan, data={"received_on": RECEIVED + days(2), "raised_by": "乙"}, by=office
    )
    objection_decide(
        objection=first, version=1, decided_on=RECEIVED + days(3), outcome="upheld", by=office
    )
    # four days after the first objection, but only two after the second one
    objection_decide(
        objection=second, version=1, decided_on=RECEIVED + days(4), outcome="upheld", by=office
    )
    assert _step(plan, "voter-ruling").is_red is False


def test_a_decision_before_the_receipt_or_without_an_outcome_is_refused(
    plan: CommunityPlan, office: Any
) -> None:
    objection = objection_add(
        plan=plan, data={"received_on": RECEIVED, "raised_by": "王五"}, by=office
    )
    with pytest.raises(PlanError):
        objection_decide(
            objection=objection,
            version=1,
            decided_on=RECEIVED - days(1),
            outcome="upheld",
            by=office,
        )
    with pytest.raises(PlanError):
        objection_decide(objection=objection, version=1, decided_on=RECEIVED, outcome="", by=office)
    again = objection_add(plan=plan, data={"received_on": RECEIVED, "raised_by": "王五"}, by=office)
    assert again.pk == objection.pk


def test_editors_record_and_decide_objections_on_the_plan_and_outsiders_cannot(
    plan: CommunityPlan, street_official: Any, outsider: Any, as_user: Any
) -> None:
    url = reverse("election:plan-objections", args=[plan.pk])
    data = {"received_on": RECEIVED.isoformat(), "raised_by": "赵六", "summary": "漏登"}
    assert as_user(outsider).post(url, data).status_code == 404
    assert not VoterObjection.objects.exists()
    client = as_user(street_official)
    assert client.post(url, data).status_code == 302
    objection = VoterObjection.objects.get()
    assert (objection.raised_by, objection.summary) == ("赵六", "漏登")
    page = client.get(url).content.decode()
    assert "赵六" in page and "2026-11-26" in page  # its last day
    decide = reverse("election:objection-decide", args=[objection.pk])
    assert as_user(outsider).get(decide).status_code == 404
    decision = {"version": "1", "decided_on": "2026-11-27", "outcome": "rejected"}
    assert client.post(decide, decision).status_code == 302
    objection.refresh_from_db()
    assert objection.decided_on == date(2026, 11, 27)
    assert "赵六于2026-11-23提出的异议用时4日才作决定" in _step(plan, "voter-ruling").red_reason


def test_the_objection_page_reads_in_a_constant_number_of_queries(
    plan: CommunityPlan, office: Any, as_user: Any, django_assert_num_queries: Any
) -> None:
    client = as_user(office)
    url = reverse("election:plan-objections", args=[plan.pk])
    objection_add(plan=plan, data={"received_on": RECEIVED, "raised_by": "一"}, by=office)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(5):
        objection_add(plan=plan, data={"received_on": RECEIVED, "raised_by": f"人{i}"}, by=office)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


# --- public notices ------------------------------------------------------------------------------


def test_a_step_proved_by_a_notice_is_red_when_done_without_one(
    plan: CommunityPlan, admin_user: Any
) -> None:
    step = _done(plan, "voter-list", POSTED)
    plan_refresh(plan=plan)
    step = _step(plan, "voter-list")
    assert step.red_reason == "“公布选民名单”须以公示为凭，但未登记任何公示" + _basis(step)
    _notice(step, POSTED, admin_user)
    plan_refresh(plan=plan)
    assert _step(plan, "voter-list").is_red is False


def test_a_notice_taken_down_on_its_fifth_day_passes_and_on_its_fourth_is_red(
    plan: CommunityPlan, admin_user: Any
) -> None:
    step = _done(plan, "voter-list", POSTED)
    _notice(step, POSTED, admin_user, down=POSTED + days(5))
    plan_refresh(plan=plan)
    assert _step(plan, "voter-list").is_red is False
    PublicNotice.objects.filter(step=step).delete()
    _notice(step, POSTED, admin_user, down=POSTED + days(4))
    plan_refresh(plan=plan)
    step = _step(plan, "voter-list")
    assert (
        step.red_reason
        == "“公布选民名单”的公示应至少保持 5 天，实际 4 天即撤下，公示不足：少 1 天" + _basis(step)
    )


# --- the handover --------------------------------------------------------------------------------


def test_the_handover_counts_from_the_runoff_that_formed_the_committee(
    plan: CommunityPlan,
) -> None:
    plan.runoff_on = E + days(7)  # Sunday 27 December: the handover is due by 6 January
    plan.save(update_fields=["runoff_on"])
    plan_refresh(plan=plan)
    assert _step(plan, "handover").due_on == E + days(17)
    _done(plan, "handover", E + days(17))
    plan_refresh(plan=plan)
    assert _step(plan, "handover").is_red is False
    _done(plan, "handover", E + days(18))
    plan_refresh(plan=plan)
    step = _step(plan, "handover")
    assert step.red_reason.startswith(
        "应自新一届村（居）民委员会产生之日起10日内完成工作移交，由村（居）民选举委员会主持，"
        "实际用时 11 天，多用 1 天"
    )


def test_the_day_the_committee_was_formed_is_recorded_on_the_plan(
    plan: CommunityPlan, office: Any
) -> None:
    formed = E + days(3)
    plan = plan_dates_update(
        plan=plan,
        version=plan.version,
        election_on=E,
        party_election_on=PARTY_E,
        committee_formed_on=formed,
        by=office,
    )
    assert _step(plan, "handover").due_on == formed + days(10)
    with pytest.raises(PlanError):
        plan_dates_update(
            plan=plan,
            version=plan.version,
            election_on=E,
            party_election_on=PARTY_E,
            committee_formed_on=E - days(1),
            by=office,
        )
    # moving the election days without the field keeps the recorded day
    plan = plan_dates_update(
        plan=plan,
        version=plan.version,
        election_on=E,
        party_election_on=PARTY_E - days(1),
        by=office,
    )
    assert plan.committee_formed_on == formed


# --- holidays and working days -------------------------------------------------------------------


def _limit(kind: str, n: int, unit: str = StepTemplate.DayUnit.CALENDAR) -> StepTemplate:
    return StepTemplate(
        title="公示", check_kind=kind, check_days=n, day_unit=unit, rule_text="规则"
    )


def test_a_last_day_on_a_public_holiday_moves_to_the_next_working_day(db: None) -> None:
    calendar = work_calendar(*OCTOBER)
    within_3 = _limit(StepTemplate.Check.MAX_LAG, 3)
    anchor = date(2026, 9, 28)  # + 3 days = 1 October, National Day
    assert (
        rules.violation(within_3, anchor=anchor, checked=date(2026, 10, 8), calendar=calendar) == ""
    )
    assert rules.violation(within_3, anchor=anchor, checked=date(2026, 10, 9), calendar=calendar)
    # without the calendar, 1 October is a Thursday like any other
    assert rules.violation(within_3, anchor=anchor, checked=date(2026, 10, 2))


def test_periods_in_working_days_skip_holidays_and_count_swapped_working_days(db: None) -> None:
    calendar = work_calendar(*OCTOBER)
    five_working = _limit(StepTemplate.Check.MAX_LAG, 5, StepTemplate.DayUnit.WORKING)
    # 29, 30 September, then 8, 9 and (a swapped working Saturday) 10 October
    anchor = date(2026, 9, 28)
    with translation.override("zh-hans"):
        assert (
            rules.violation(
                five_working, anchor=anchor, checked=date(2026, 10, 10), calendar=calendar
            )
            == ""
        )
        assert (
            rules.violation(
                five_working, anchor=anchor, checked=date(2026, 10, 11), calendar=calendar
            )
            == "规则，实际用时 13 天，多用 1 天"
        )
    lead = _limit(StepTemplate.Check.MIN_LEAD, 2, StepTemplate.DayUnit.WORKING)
    # two working days before Thursday 8 October: 30 September passes, 1 October does not
    e = date(2026, 10, 8)
    assert rules.violation(lead, anchor=e, checked=date(2026, 9, 29), calendar=calendar) == ""
    assert rules.violation(lead, anchor=e, checked=date(2026, 9, 30), calendar=calendar)


def test_a_notice_counted_in_working_days_stays_up_past_the_holiday(db: None) -> None:
    calendar = work_calendar(*OCTOBER)
    template = StepTemplate(
        title="公示候选人",
        requires_notice=True,
        notice_days=3,
        day_unit=StepTemplate.DayUnit.WORKING,
    )
    posted = date(2026, 9, 29)  # 30 September, 8 and 9 October
    ok = rules.NoticeDates(posted, date(2026, 10, 9))
    early = rules.NoticeDates(posted, date(2026, 10, 8))
    assert rules.notice_violations(template, is_done=True, notices=[ok], calendar=calendar) == []
    with translation.override("zh-hans"):
        assert rules.notice_violations(
            template, is_done=True, notices=[early], calendar=calendar
        ) == ["“公示候选人”的公示应至少保持 3 个工作日，实际 9 天即撤下，公示不足：少 1 天"]


def test_the_calendar_is_data_the_office_corrects(plan: CommunityPlan) -> None:
    # the data migration filled the package's days; a second load adds nothing
    assert CalendarDay.objects.get(day=date(2026, 10, 1)).is_working_day is False
    assert CalendarDay.objects.get(day=date(2026, 10, 10)).is_working_day is True
    assert calendar_load() == 0
    # a day the State Council declares off (a Wednesday): the handover due on it may be done
    # the next day
    CalendarDay.objects.create(day=E + days(10), is_working_day=False, name="补充假日")
    _done(plan, "handover", E + days(11))
    plan_refresh(plan=plan)
    assert _step(plan, "handover").is_red is False
    assert calendar_load() == 0
    assert CalendarDay.objects.get(day=E + days(10)).name == "补充假日"


def test_refreshing_a_plan_reads_the_calendar_once(
    plan: CommunityPlan, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        plan_refresh(plan=plan)
    calendar_reads = [q for q in queries.captured_queries if "calendarday" in q["sql"]]
    assert len(calendar_reads) == 1


# --- the order of steps --------------------------------------------------------------------------


def test_fieldwork_is_due_after_the_firm_is_engaged_and_moves_when_it_is(
    plan: CommunityPlan,
) -> None:
    # the firm is engaged a week into the campaign, the fieldwork two weeks later
    assert _step(plan, "audit-engage").due_on == START + days(7)
    assert _step(plan, "audit-fieldwork").due_on == START + days(21)
    _done(plan, "audit-engage", START + days(12))
    plan_refresh(plan=plan)
    assert _step(plan, "audit-fieldwork").due_on == START + days(26)
    due = {
        s.template.code: s.due_on or date.min
        for s in PlanStep.objects.filter(plan=plan).select_related("template")
    }
    assert due["survey-assessment"] < due["publicity-deploy"]
    assert due["rectification-list"] < due["rectification-done"]
    assert due["party-request"] > START


def test_the_rule_set_page_warns_of_a_step_due_before_the_step_it_depends_on(
    office: Any, as_user: Any, admin_user: Any
) -> None:
    from election.services.rulesets import ruleset_clone, step_template_update

    national = RuleSet.objects.get(code="national-2026", version=1)
    clone = ruleset_clone(rule_set=national, by=admin_user)
    url = reverse("election:ruleset-detail", args=[clone.pk])
    client = as_user(office)
    assert "order-warnings" not in client.get(url).content.decode()
    fieldwork = StepTemplate.objects.get(stage__rule_set=clone, code="audit-fieldwork")
    step_template_update(step=fieldwork, data={"offset_days": -3}, by=admin_user)
    page = client.get(url).content.decode()
    assert (
        "“开展任期和离任经济责任审计（含村（居）民委员会主任）、财务收支审计”的截止日期早于其前序步骤“委托第三方审计机构”3日。"
        in page
    )
    assert "村民委员会组织法（2025年修正）第三十五条" in page
    assert "2026-01-01起" in page


def test_the_daily_job_turns_an_objection_waiting_too_long_red(
    plan: CommunityPlan, office: Any
) -> None:
    from election.services.objections import rulings_refresh

    plan.campaign.status = Campaign.Status.RUNNING
    plan.campaign.save(update_fields=["status"])
    objection_add(plan=plan, data={"received_on": RECEIVED, "raised_by": "孙七"}, by=office)
    plan_refresh(plan=plan, today=RECEIVED + days(3))
    assert _step(plan, "voter-ruling").is_red is False
    assert rulings_refresh(today=RECEIVED + days(4)) == 1
    assert _step(plan, "voter-ruling").is_red is True
