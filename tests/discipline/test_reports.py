"""Pages of the reports and cases: the list and its filters (queries do not grow with rows),
entering a report with its receipt code, who reads what on a report's page, handling the case
from it, the leads page, and the candidate's page showing substantiated reports."""

from datetime import timedelta
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from discipline.models import Case, DisciplineLead, Report
from discipline.services.cases import case_conclude, case_open
from discipline.services.reports import report_for_receipt, report_receive
from tests.discipline.matrix_reports import (
    JPEG,
    NAME,
    PHONE,
    TEXT,
    discipline_officer,
    reports_world,
)
from tests.election.matrix_campaigns import community_plan, running_campaign
from tests.election.matrix_candidates import make_candidate
from tests.test_url_matrix import world  # noqa: F401  (the matrix's fixture, shared)
from tests.url_matrix import World


def _reports(w: World, count: int) -> None:
    for i in range(count):
        report_receive(
            community=w.community if i % 2 else w.other_community,
            channel=Report.Channel.LETTER,
            category=Report.Category.RUMOURS,
            text=f"散布谣言{i}",
            reporter_name=f"举报人{i}",
        )


def test_list_queries_do_not_grow_with_rows_and_show_no_identity(
    world: World,  # noqa: F811
    as_user: Any,
    django_assert_max_num_queries: Any,
) -> None:
    records = reports_world(world)
    client = as_user(world.users["office"])
    url = reverse("discipline:reports")
    with django_assert_max_num_queries(60) as few:
        small = client.get(url)
    _reports(world, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    body = large.content.decode()
    assert records["open"].number in body
    assert body.count("discipline/reports/") >= 14 or body.count("/reports/") >= 14
    for secret in (NAME, PHONE, TEXT, "举报人3", "散布谣言3"):
        assert secret not in body


def test_list_filters_by_state_category_street_and_overdue(
    world: World,  # noqa: F811
    as_user: Any,
) -> None:
    records = reports_world(world)
    client = as_user(world.users["office"])
    url = reverse("discipline:reports")
    received, opened = records["received"].number, records["open"].number

    def numbers(query: str) -> set[str]:
        body = client.get(url + query).content.decode()
        return {n for n in (received, opened) if n in body}

    assert numbers("") == {received, opened}
    assert numbers("?state=open") == {opened}
    assert numbers("?category=treats") == {received}
    assert numbers(f"?street={world.other_street.pk}") == set()
    assert numbers(f"?street={world.street.pk}") == {received, opened}
    # the received report is past its day to open a case
    assert numbers("?overdue=1") == {received}
    assert numbers("?overdue=report") == {received}
    assert numbers("?overdue=case") == set()
    assert numbers("?state=bogus&street=x") == {received, opened}


def test_the_workbook_lists_the_public_columns_only(world: World, as_user: Any) -> None:  # noqa: F811
    records = reports_world(world)
    response = as_user(world.users["office"]).get(reverse("discipline:reports-xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [
        [str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert rows[0][0] == "举报编号"
    assert {row[0] for row in rows[1:]} == {records["received"].number, records["open"].number}
    text = "\n".join("\t".join(row) for row in rows)
    assert NAME not in text and PHONE not in text and TEXT not in text


def test_an_officer_enters_a_report_and_is_shown_the_receipt_code_once(
    world: World,  # noqa: F811
    as_user: Any,
) -> None:
    client = as_user(world.users["discipline"])
    url = reverse("discipline:report-new")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "community": world.community.pk,
            "channel": Report.Channel.VISIT,
            "category": Report.Category.CLAN,
            "reporter_name": "李四",
            "reporter_phone": "13800000000",
            "text": "宗族势力干扰选举",
            "attachments": [SimpleUploadedFile("photo.jpg", JPEG, content_type="image/jpeg")],
        },
    )
    assert response.status_code == 200
    code = response.context["receipt_code"]
    assert code in response.content.decode()
    report = Report.objects.get(text="宗族势力干扰选举")
    assert report_for_receipt(code) == report
    assert report.attachments.count() == 1
    assert report.created_by == world.users["discipline"]
    # the office does not enter reports
    assert as_user(world.users["office"]).get(url).status_code == 404


def test_the_form_refuses_a_candidate_of_another_community(world: World, as_user: Any) -> None:  # noqa: F811
    running_campaign(world)
    from election.models import CommunityPlan

    other_plan = CommunityPlan.objects.get(community=world.other_community)
    candidate = make_candidate(other_plan, "王五")
    response = as_user(world.users["discipline"]).post(
        reverse("discipline:report-new"),
        {
            "community": world.community.pk,
            "candidate": candidate.pk,
            "channel": Report.Channel.PHONE,
            "category": Report.Category.OTHER,
            "text": "其他问题",
        },
    )
    assert response.status_code == 200
    assert "receipt_code" not in response.context
    assert not Report.objects.filter(text="其他问题").exists()


def test_who_reads_the_identity_on_the_report_page(world: World, as_user: Any) -> None:  # noqa: F811
    records = reports_world(world)
    url = reverse("discipline:report-detail", args=[records["open"].pk])
    on_case = as_user(world.users["discipline"]).get(url).content.decode()
    assert NAME in on_case and PHONE in on_case and TEXT in on_case
    # another discipline officer of the district, not on the case and not a lead
    other = as_user(records["second"]).get(url)
    assert other.status_code == 200
    body = other.content.decode()
    assert records["open"].number in body
    assert NAME not in body and TEXT not in body
    # and cannot download the attachment
    attachment = reverse(
        "discipline:report-attachment", args=[records["open"].pk, records["attachment"].pk]
    )
    assert as_user(records["second"]).get(attachment).status_code == 404
    assert as_user(world.users["discipline"]).get(attachment).status_code == 200
    # a lead reads it too
    DisciplineLead.objects.create(district=world.district, user=records["second"])
    assert NAME in as_user(records["second"]).get(url).content.decode()
    assert as_user(world.users["outsider"]).get(url).status_code == 404


def test_with_a_lead_only_the_lead_opens_cases(world: World, as_user: Any) -> None:  # noqa: F811
    records = reports_world(world)
    officer = world.users["discipline"]
    DisciplineLead.objects.create(district=world.district, user=records["second"])
    url = reverse("discipline:case-open", args=[records["received"].pk])
    assert as_user(officer).post(url, {"officers": [officer.pk]}).status_code == 404
    assert not Case.objects.filter(report=records["received"]).exists()
    response = as_user(records["second"]).post(url, {"officers": [officer.pk]})
    assert response.status_code == 302
    case = Case.objects.get(report=records["received"])
    assert list(case.officers.all()) == [officer]


def test_concluding_without_measures_is_refused_with_a_message(
    world: World,  # noqa: F811
    as_user: Any,
) -> None:
    records = reports_world(world)
    client = as_user(world.users["discipline"])
    url = reverse("discipline:case-conclude", args=[records["open"].pk])
    data = {"version": records["case"].version, "outcome": "substantiated", "measures": ""}
    response = client.post(url, data, follow=True)
    assert "须填写处理措施" in response.content.decode()
    assert Case.objects.get(pk=records["case"].pk).stage == Case.Stage.VERIFYING


def test_the_office_names_and_removes_leads(world: World, as_user: Any) -> None:  # noqa: F811
    second = discipline_officer(world, "discipline2")
    client = as_user(world.users["office"])
    url = reverse("discipline:lead-list")
    page = client.get(url)
    assert page.status_code == 200 and str(second) in page.content.decode()
    client.post(url, {"district": world.district.pk, "user": second.pk, "action": "add"})
    assert DisciplineLead.objects.filter(district=world.district, user=second).exists()
    # a supervisor is not a discipline officer: not offered, refused
    client.post(
        url,
        {"district": world.district.pk, "user": world.users["supervisor"].pk, "action": "add"},
    )
    assert DisciplineLead.objects.count() == 1
    client.post(url, {"district": world.district.pk, "user": second.pk, "action": "remove"})
    assert not DisciplineLead.objects.exists()
    assert as_user(world.users["discipline"]).get(url).status_code == 404
    # another district's leads do not exist for this office
    other = client.post(
        url, {"district": world.district.pk + 1000, "user": second.pk, "action": "add"}
    )
    assert other.status_code == 404
    assert not DisciplineLead.objects.exists()


def test_the_candidate_page_shows_substantiated_reports_without_identity(
    world: World,  # noqa: F811
    as_user: Any,
) -> None:
    plan = community_plan(world)
    candidate = make_candidate(plan, "赵六")
    officer = world.users["discipline"]

    def concluded(outcome: str) -> Report:
        report = report_receive(
            community=world.community,
            candidate=candidate,
            channel=Report.Channel.PHONE,
            category=Report.Category.VOTE_BUYING,
            text=TEXT,
            reporter_name=NAME,
            reporter_phone=PHONE,
        ).report
        case = case_open(report=report, officers=[officer], by=officer)
        case_conclude(
            case=case,
            outcome=outcome,
            measures="取消候选人资格",
            reply="",
            version=case.version,
            by=officer,
        )
        return report

    substantiated = concluded(Case.Outcome.SUBSTANTIATED)
    unfounded = concluded(Case.Outcome.UNFOUNDED)
    url = reverse("election:candidate-detail", args=[candidate.pk])
    body = as_user(world.users["office"]).get(url).content.decode()
    assert substantiated.number in body
    assert unfounded.number not in body
    assert timezone.localdate().isoformat() in body
    for secret in (NAME, PHONE, TEXT, "取消候选人资格"):
        assert secret not in body


def test_a_report_is_overdue_on_its_page_once_its_day_has_passed(
    world: World,  # noqa: F811
    as_user: Any,
) -> None:
    records = reports_world(world)
    url = reverse("discipline:report-detail", args=[records["received"].pk])
    assert "badge text-bg-danger" in as_user(world.users["office"]).get(url).content.decode()
    Report.objects.filter(pk=records["received"].pk).update(
        open_due_on=timezone.localdate() + timedelta(days=1)
    )
    assert "badge text-bg-danger" not in as_user(world.users["office"]).get(url).content.decode()
