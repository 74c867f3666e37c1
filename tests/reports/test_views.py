"""The archive, generate-now with its progress fragment, and downloads behind the access check."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent, User
from communities.models import District, Street
from election.models import Campaign
from reports.models import ReportFile, ReportRun
from reports.services import report_render
from tests.reports.conftest import FakeWriter

pytestmark = pytest.mark.django_db


def _done_run(district: District, street: Street | None = None, week: int = 48) -> ReportRun:
    run = ReportRun.objects.create(
        district=district, street=street, iso_year=2026, iso_week=week, kind="pdf"
    )
    report_render(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_office_archive_lists_district_and_street_runs_newest_week_first(
    district: District, street: Street, office: User, as_user: Any, fake_writer: FakeWriter
) -> None:
    _done_run(district, week=47)
    _done_run(district, week=48)
    _done_run(district, street, week=48)

    response = as_user(office).get(reverse("reports:archive"))

    assert response.status_code == 200
    runs = list(response.context["page"])
    assert [(r.iso_week, r.street_id) for r in runs] == [(48, None), (48, street.pk), (47, None)]
    assert reverse("reports:download", args=[runs[0].file.pk]) in response.content.decode()


def test_street_official_sees_only_their_streets_runs(
    district: District,
    street: Street,
    other_street: Street,
    street_official: User,
    as_user: Any,
    fake_writer: FakeWriter,
) -> None:
    _done_run(district)
    mine = _done_run(district, street)
    _done_run(district, other_street)

    response = as_user(street_official).get(reverse("reports:archive"))

    assert [r.pk for r in response.context["page"]] == [mine.pk]
    # they may ask for their street's report, not the district's
    assert [s.pk for s in response.context["streets"]] == [street.pk]
    assert response.context["districts"] == []


def test_archive_queries_do_not_grow_with_the_number_of_runs(
    district: District,
    street: Street,
    office: User,
    as_user: Any,
    fake_writer: FakeWriter,
    django_assert_max_num_queries: Any,
) -> None:
    client = as_user(office)
    _done_run(district, week=40)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("reports:archive"))
    for week in range(41, 49):
        _done_run(district, week=week)
        _done_run(district, street, week=week)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:archive"))


def test_download_streams_the_file_and_logs_an_export(
    district: District, street: Street, street_official: User, as_user: Any, fake_writer: FakeWriter
) -> None:
    run = _done_run(district, street)

    response = as_user(street_official).get(reverse("reports:download", args=[run.file.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body == (Path(settings.MEDIA_ROOT) / run.file.path).read_bytes()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.user == street_official
    assert run.file.path in event.detail


def test_outsider_gets_404_for_another_streets_file_and_status(
    district: District, street: Street, outsider: User, as_user: Any, fake_writer: FakeWriter
) -> None:
    run = _done_run(district, street)
    client = as_user(outsider)

    assert client.get(reverse("reports:download", args=[run.file.pk])).status_code == 404
    assert client.get(reverse("reports:run-status", args=[run.pk])).status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_street_official_gets_404_for_the_districts_own_report(
    district: District, street_official: User, as_user: Any, fake_writer: FakeWriter
) -> None:
    run = _done_run(district)

    response = as_user(street_official).get(reverse("reports:download", args=[run.file.pk]))

    assert response.status_code == 404


def test_a_file_missing_on_disk_is_a_404(
    district: District, office: User, as_user: Any, fake_writer: FakeWriter
) -> None:
    run = _done_run(district)
    (Path(settings.MEDIA_ROOT) / run.file.path).unlink()

    response = as_user(office).get(reverse("reports:download", args=[run.file.pk]))

    assert response.status_code == 404


def test_generate_now_renders_in_process_and_the_fragment_shows_the_download(
    district: District,
    running_campaign: Campaign,
    office: User,
    as_user: Any,
    fake_writer: FakeWriter,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = as_user(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:generate"),
            {"scope": f"district-{district.pk}", "week": "2026-W48", "kind": "xlsx"},
            headers={"HX-Request": "true"},
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run-status", args=[run.pk])

    fragment = client.get(response["Location"]).content.decode()

    assert run.requested_by == office
    report_file = ReportFile.objects.get(run=run)
    assert reverse("reports:download", args=[report_file.pk]) in fragment
    # done: the fragment stops polling
    assert "hx-trigger" not in fragment


def test_status_fragment_polls_while_the_run_is_queued_or_rendering(
    district: District, office: User, as_user: Any
) -> None:
    run = ReportRun.objects.create(
        district=district, iso_year=2026, iso_week=48, kind="pdf", status="rendering", progress=40
    )

    fragment = as_user(office).get(reverse("reports:run-status", args=[run.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in fragment
    assert 'aria-valuenow="40"' in fragment


def test_generate_without_a_week_asks_for_the_current_one(
    district: District,
    running_campaign: Campaign,
    street: Street,
    street_official: User,
    as_user: Any,
) -> None:
    response = as_user(street_official).post(
        reverse("reports:generate"), {"scope": f"street-{street.pk}", "kind": "pdf"}
    )

    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?run={run.pk}")
    assert run.street == street
    assert (run.iso_year, run.iso_week) == tuple(timezone.localdate().isocalendar()[:2])


def test_outsider_cannot_generate_another_streets_report(
    street: Street, running_campaign: Campaign, outsider: User, as_user: Any
) -> None:
    response = as_user(outsider).post(
        reverse("reports:generate"), {"scope": f"street-{street.pk}", "kind": "pdf"}
    )

    assert response.status_code == 404
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W60", "2026 年没有第 60 周"),
        ("0000-W01", "0 年没有第 1 周"),
        ("2026-W48x", "不是有效的周次"),
        ("\uff12\uff10\uff12\uff16-W48", "不是有效的周次"),
        # the campaign started on Monday 2026-10-26, week 44
        ("2026-W43", "请选择从2026-W44"),
        ("2025-W48", "请选择从2026-W44"),
        ("9999-W52", "请选择从2026-W44"),
    ],
)
def test_generate_refuses_a_week_outside_the_campaign_in_the_form(
    district: District,
    running_campaign: Campaign,
    office: User,
    as_user: Any,
    week: str,
    message: str,
) -> None:
    response = as_user(office).post(
        reverse("reports:generate"),
        {"scope": f"district-{district.pk}", "week": week, "kind": "pdf"},
        follow=True,
    )

    assert response.status_code == 200
    # refused before anything is stored: no failed run with a raw error
    assert not ReportRun.objects.exists()
    assert [message in str(m) for m in response.context["messages"]] == [True]


def test_generate_refuses_next_week(
    district: District, running_campaign: Campaign, office: User, as_user: Any
) -> None:
    year, week, _day = (timezone.localdate() + timedelta(weeks=1)).isocalendar()
    this_year, this_week, _day = timezone.localdate().isocalendar()

    response = as_user(office).post(
        reverse("reports:generate"),
        {"scope": f"district-{district.pk}", "week": f"{year}-W{week:02d}", "kind": "pdf"},
        follow=True,
    )

    assert not ReportRun.objects.exists()
    (shown,) = response.context["messages"]
    # "choose a week from 2026-W44 (the campaign's first) to <this week> (this week)"
    assert f"{this_year}-W{this_week:02d}\uff08本周\uff09" in str(shown)


def test_the_campaigns_first_week_and_this_week_are_accepted(
    district: District, running_campaign: Campaign, office: User, as_user: Any
) -> None:
    year, week, _day = timezone.localdate().isocalendar()
    client = as_user(office)
    for text in ("2026-W44", f"{year}-W{week:02d}"):
        client.post(
            reverse("reports:generate"),
            {"scope": f"district-{district.pk}", "week": text, "kind": "pdf"},
        )

    assert sorted(ReportRun.objects.values_list("iso_year", "iso_week")) == [
        (2026, 44),
        (year, week),
    ]


def test_generate_without_a_started_campaign_says_so(
    district: District, running_campaign: Campaign, office: User, as_user: Any
) -> None:
    running_campaign.status = Campaign.Status.DRAFT
    running_campaign.save(update_fields=["status"])

    response = as_user(office).post(
        reverse("reports:generate"),
        {"scope": f"district-{district.pk}", "week": "2026-W48", "kind": "pdf"},
        follow=True,
    )

    assert not ReportRun.objects.exists()
    (shown,) = response.context["messages"]
    assert "还没有已开始的换届" in str(shown)


def test_a_closed_campaigns_weeks_can_still_be_reported(
    district: District, running_campaign: Campaign, office: User, as_user: Any
) -> None:
    running_campaign.status = Campaign.Status.CLOSED
    running_campaign.save(update_fields=["status"])

    as_user(office).post(
        reverse("reports:generate"),
        {"scope": f"district-{district.pk}", "week": "2026-W45", "kind": "pdf"},
    )

    assert ReportRun.objects.get().iso_week == 45


def test_a_refused_htmx_request_answers_with_the_reason_in_place_of_the_progress(
    district: District, running_campaign: Campaign, office: User, as_user: Any
) -> None:
    response = as_user(office).post(
        reverse("reports:generate"),
        {"scope": f"district-{district.pk}", "week": "2026-W43", "kind": "pdf"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "请选择从2026-W44" in body
    # a fragment, not the whole page nested inside the archive
    assert "<html" not in body
    assert not ReportRun.objects.exists()


# --- who may generate -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["discipline", "supervisor"])
def test_read_only_roles_cannot_generate_and_see_no_form(
    district: District,
    street: Street,
    running_campaign: Campaign,
    fake_writer: FakeWriter,
    as_user: Any,
    request: pytest.FixtureRequest,
    role: str,
) -> None:
    archived = _done_run(district)
    checksum = archived.file.sha256
    client = as_user(request.getfixturevalue(role))

    for scope in (f"district-{district.pk}", f"street-{street.pk}"):
        response = client.post(
            reverse("reports:generate"), {"scope": scope, "week": "2026-W48", "kind": "pdf"}
        )
        assert response.status_code == 404

    # nothing asked for, the archived week untouched
    assert list(ReportRun.objects.values_list("pk", "version")) == [(archived.pk, 1)]
    archived.file.refresh_from_db()
    assert archived.file.sha256 == checksum
    page = client.get(reverse("reports:archive"))
    assert [r.pk for r in page.context["page"]] == [archived.pk]
    assert reverse("reports:generate") not in page.content.decode()


def test_a_street_official_generates_their_streets_report_but_not_the_districts(
    district: District,
    street: Street,
    running_campaign: Campaign,
    street_official: User,
    as_user: Any,
) -> None:
    client = as_user(street_official)
    week = {"week": "2026-W48", "kind": "pdf"}

    mine = client.post(reverse("reports:generate"), {"scope": f"street-{street.pk}", **week})
    district_report = client.post(
        reverse("reports:generate"), {"scope": f"district-{district.pk}", **week}
    )

    assert mine.status_code == 302
    assert district_report.status_code == 404
    assert list(ReportRun.objects.values_list("street_id", flat=True)) == [street.pk]
    assert reverse("reports:generate") in client.get(reverse("reports:archive")).content.decode()


def test_the_office_generates_a_streets_report(
    district: District, street: Street, running_campaign: Campaign, office: User, as_user: Any
) -> None:
    as_user(office).post(
        reverse("reports:generate"),
        {"scope": f"street-{street.pk}", "week": "2026-W48", "kind": "pdf"},
    )

    assert ReportRun.objects.get().street == street


@pytest.mark.parametrize(
    "scope",
    [
        "",
        "district",
        "district-",
        "district-²",
        "district-٣",
        "street-x",
        "town-1",
        "district-9" * 30,
    ],
)
def test_a_scope_that_names_nothing_is_a_404(
    district: District, running_campaign: Campaign, office: User, as_user: Any, scope: str
) -> None:
    response = as_user(office).post(
        reverse("reports:generate"), {"scope": scope, "week": "2026-W48", "kind": "pdf"}
    )

    assert response.status_code == 404
    assert not ReportRun.objects.exists()


# --- versions ---------------------------------------------------------------------------------


def test_generating_an_archived_week_again_adds_a_version_beside_it(
    district: District,
    running_campaign: Campaign,
    office: User,
    as_user: Any,
    fake_writer: FakeWriter,
    django_capture_on_commit_callbacks: Any,
) -> None:
    archived = _done_run(district)
    path = Path(settings.MEDIA_ROOT) / archived.file.path
    before = (path.read_bytes(), archived.file.sha256)
    client = as_user(office)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:generate"),
            {"scope": f"district-{district.pk}", "week": "2026-W48", "kind": "pdf"},
        )

    new = ReportRun.objects.exclude(pk=archived.pk).get()
    assert (new.version, new.status, new.requested_by) == (2, "done", office)
    archived.file.refresh_from_db()
    assert (path.read_bytes(), archived.file.sha256) == before
    # the archive lists both, newest version first, with who, when and the checksum
    page = client.get(reverse("reports:archive"))
    assert [(r.pk, r.version) for r in page.context["page"]] == [(new.pk, 2), (archived.pk, 1)]
    html = page.content.decode()
    assert new.file.sha256[:12] in html and archived.file.sha256[:12] in html
    assert reverse("reports:download", args=[archived.file.pk]) in html
    assert reverse("reports:download", args=[new.file.pk]) in html
    assert str(office) in html
    assert "每周定时" in html
    status = client.get(reverse("reports:run-status", args=[new.pk])).content.decode()
    assert "第 2 版" in status
    # a later version's download says which version it is
    download = client.get(reverse("reports:download", args=[new.file.pk]))
    assert "v2" in download["Content-Disposition"]


# --- odd query strings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "?run=²",
        "?run=٣",
        "?run=-1",
        "?run=0",
        f"?run={2**64}",
        "?run=",
        "?page=²",
        "?page=٣",
        f"?page={2**64}",
        "?page=-1",
        "?page=1.5",
        "?page=",
        "?run=1&page=abc",
    ],
)
def test_odd_query_values_never_break_the_archive(
    district: District, office: User, as_user: Any, fake_writer: FakeWriter, query: str
) -> None:
    _done_run(district)

    response = as_user(office).get(reverse("reports:archive") + query)

    assert response.status_code == 200
