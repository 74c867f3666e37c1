"""The rules of the cases: every report investigated within the rule set's days (有报必查), a case
due the rule set's days after opening, verify → investigate → conclude, the outcome and its
measures, the officers and the leads."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from core.exceptions import ConflictError
from discipline.models import Case, CaseEntry, DisciplineLead, Report
from discipline.permissions import can_assign_cases, can_see_identity
from discipline.selectors.overdue import case_overdue_q, report_overdue_q
from discipline.selectors.reports import ReportFilters, reports_list
from discipline.services.cases import (
    CaseError,
    case_conclude,
    case_entry_add,
    case_officers_set,
    case_open,
    case_stage_advance,
    lead_add,
    lead_remove,
)
from discipline.services.reports import report_receive
from election.models import Campaign
from tests.election.matrix_campaigns import running_campaign
from tests.test_url_matrix import world  # noqa: F401  (the matrix's fixture, shared)
from tests.url_matrix import World


def _report(w: World, **fields: Any) -> Report:
    values: dict[str, Any] = {
        "community": w.community,
        "channel": Report.Channel.PHONE,
        "category": Report.Category.VOTE_BUYING,
        "text": "有人发红包拉票",
    }
    values.update(fields)
    return report_receive(**values).report


def test_case_is_due_after_the_rule_sets_days_and_the_report_is_under_investigation(
    world: World,  # noqa: F811
) -> None:
    campaign: Campaign = running_campaign(world)
    campaign.rule_set.case_days = 12
    campaign.rule_set.save(update_fields=["case_days"])
    report = _report(world)
    officer = world.users["discipline"]
    case = case_open(report=report, officers=[officer], by=officer)
    assert case.due_on == timezone.localdate() + timedelta(days=12)
    report.refresh_from_db()
    assert report.state == Report.State.OPEN
    assert case.history.latest().history_change_reason == "case opened"
    assert list(case.officers.all()) == [officer]
    # a second opening is refused and opens nothing
    with pytest.raises(CaseError):
        case_open(report=report, officers=[officer], by=officer)
    assert Case.objects.filter(report=report).count() == 1


def test_case_open_refuses_no_officer_and_someone_not_a_discipline_officer(
    world: World,  # noqa: F811
) -> None:
    report = _report(world)
    with pytest.raises(CaseError, match="至少"):
        case_open(report=report, officers=[], by=world.users["discipline"])
    with pytest.raises(CaseError):
        case_open(report=report, officers=[world.users["supervisor"]], by=world.users["discipline"])
    assert not Case.objects.filter(report=report).exists()
    report.refresh_from_db()
    assert report.state == Report.State.RECEIVED


def test_a_report_with_no_case_past_its_day_is_overdue_until_a_case_opens(
    world: World,  # noqa: F811
) -> None:
    today = timezone.localdate()
    late = _report(world)
    Report.objects.filter(pk=late.pk).update(open_due_on=today - timedelta(days=1))
    on_time = _report(world)
    Report.objects.filter(pk=on_time.pk).update(open_due_on=today)
    assert list(Report.objects.filter(report_overdue_q(today))) == [late]
    office = world.users["office"]
    overdue = reports_list(office, filters=ReportFilters(overdue="1"), today=today)
    assert [r.pk for r in overdue] == [late.pk]
    case = case_open(report=late, officers=[world.users["discipline"]], by=office)
    assert not reports_list(office, filters=ReportFilters(overdue="1"), today=today).exists()
    # the case itself is late once its due day has passed
    later = case.due_on + timedelta(days=1)
    assert Case.objects.filter(case_overdue_q(later)).get() == case
    # by then the other report is past its day to open a case, too
    late_later = reports_list(office, filters=ReportFilters(overdue="1"), today=later)
    assert {r.pk for r in late_later} == {late.pk, on_time.pk}
    cases_late = reports_list(office, filters=ReportFilters(overdue="case"), today=later)
    assert [r.pk for r in cases_late] == [late.pk]
    no_case = reports_list(office, filters=ReportFilters(overdue="report"), today=later)
    assert [r.pk for r in no_case] == [on_time.pk]


def test_verify_then_investigate_then_conclude(world: World) -> None:  # noqa: F811
    officer = world.users["discipline"]
    report = _report(world)
    case = case_open(report=report, officers=[officer], by=officer)
    case = case_stage_advance(case=case, version=case.version, by=officer)
    assert case.stage == Case.Stage.INVESTIGATING
    with pytest.raises(CaseError):
        case_stage_advance(case=case, version=case.version, by=officer)
    case_entry_add(case=case, kind=CaseEntry.Kind.INVESTIGATE, text="走访五户", by=officer)
    with pytest.raises(CaseError):
        case_conclude(
            case=case, outcome="", measures="", reply="", version=case.version, by=officer
        )
    with pytest.raises(CaseError, match="措施"):
        case_conclude(
            case=case,
            outcome=Case.Outcome.PARTLY,
            measures="  ",
            reply="",
            version=case.version,
            by=officer,
        )
    with pytest.raises(ConflictError):
        case_conclude(
            case=case,
            outcome=Case.Outcome.UNFOUNDED,
            measures="",
            reply="",
            version=case.version - 1,
            by=officer,
        )
    case = case_conclude(
        case=case,
        outcome=Case.Outcome.SUBSTANTIATED,
        measures="诫勉谈话",
        reply="经查属实",
        version=case.version,
        by=officer,
    )
    assert case.stage == Case.Stage.CONCLUDED and case.concluded_at is not None
    report.refresh_from_db()
    assert report.state == Report.State.CONCLUDED
    with pytest.raises(CaseError, match="已"):
        case_conclude(
            case=case,
            outcome=Case.Outcome.UNFOUNDED,
            measures="",
            reply="",
            version=case.version,
            by=officer,
        )
    with pytest.raises(CaseError):
        case_entry_add(case=case, kind=CaseEntry.Kind.NOTE, text="补记", by=officer)
    assert Case.objects.get(pk=case.pk).outcome == Case.Outcome.SUBSTANTIATED


def test_an_unfounded_report_needs_no_measures(world: World) -> None:  # noqa: F811
    officer = world.users["discipline"]
    case = case_open(report=_report(world), officers=[officer], by=officer)
    case = case_conclude(
        case=case,
        outcome=Case.Outcome.UNFOUNDED,
        measures="",
        reply="",
        version=case.version,
        by=officer,
    )
    assert case.outcome == Case.Outcome.UNFOUNDED


def test_leads_assign_and_the_officers_on_the_case_see_the_identity(
    world: World,  # noqa: F811
) -> None:
    from tests.discipline.matrix_reports import discipline_officer

    officer = world.users["discipline"]
    second = discipline_officer(world, "discipline2")
    office = world.users["office"]
    report = _report(world, reporter_name="张三")
    # no lead yet: any discipline officer of the district assigns
    assert can_assign_cases(officer, world.district.pk)
    with pytest.raises(CaseError):
        lead_add(district=world.district, user=world.users["supervisor"], by=office)
    lead = lead_add(district=world.district, user=second, by=office)
    assert lead_add(district=world.district, user=second, by=office) == lead
    assert not can_assign_cases(officer, world.district.pk)
    assert can_assign_cases(second, world.district.pk)
    # the lead sees every report's identity; the officer only once on the case
    assert can_see_identity(second, report)
    assert not can_see_identity(officer, report)
    case = case_open(report=report, officers=[second], by=second)
    case = case_officers_set(case=case, officers=[second, officer], version=case.version, by=second)
    assert can_see_identity(officer, report)
    with pytest.raises(ConflictError):
        case_officers_set(case=case, officers=[second], version=case.version - 1, by=second)
    assert not can_see_identity(office, report)
    assert not can_see_identity(world.users["admin_user"], report)
    assert lead_remove(district=world.district, user=second, by=office)
    assert not lead_remove(district=world.district, user=second, by=office)
    assert not DisciplineLead.objects.exists()


def test_a_disabled_officer_can_no_longer_be_put_on_a_case(world: World) -> None:  # noqa: F811
    from tests.discipline.matrix_reports import discipline_officer

    second = discipline_officer(world, "discipline2")
    User.objects.filter(pk=second.pk).update(is_active=False)
    second.refresh_from_db()
    with pytest.raises(CaseError):
        case_open(report=_report(world), officers=[second], by=world.users["discipline"])
