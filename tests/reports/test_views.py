"""The archive, generate-now with its progress fragment, and downloads behind the access check."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent, User
from communities.models import District, Street
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
    district: District, street: Street, street_official: User, as_user: Any
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
    street: Street, outsider: User, as_user: Any
) -> None:
    response = as_user(outsider).post(
        reverse("reports:generate"), {"scope": f"street-{street.pk}", "kind": "pdf"}
    )

    assert response.status_code == 404
    assert not ReportRun.objects.exists()


def test_generate_refuses_a_bad_week_with_a_message(
    district: District, office: User, as_user: Any
) -> None:
    response = as_user(office).post(
        reverse("reports:generate"),
        {"scope": f"district-{district.pk}", "week": "2026-W60", "kind": "pdf"},
        follow=True,
    )

    assert response.status_code == 200
    assert not ReportRun.objects.exists()
    assert list(response.context["messages"])
