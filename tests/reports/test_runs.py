"""The run lifecycle: request, render exactly once, re-claim after a crash, dispatch, catch-up."""

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from accounts.models import User
from communities.models import District, Street
from core.exceptions import DomainError
from election.models import Campaign
from reports import services
from reports.models import ReportFile, ReportRun
from reports.services import (
    CATCH_UP_WEEKS,
    ReportError,
    report_render,
    report_run_request,
    reports_dispatch,
)
from reports.tasks import report_render_task, reports_dispatch_task
from tests.reports.conftest import FakeWriter

pytestmark = pytest.mark.django_db


def _run(district: District, street: Street | None = None, kind: str = "pdf") -> ReportRun:
    return ReportRun.objects.create(
        district=district, street=street, iso_year=2026, iso_week=48, kind=kind
    )


def _report_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_render_writes_the_file_with_its_checksum_and_marks_the_run_done(
    district: District, fake_writer: FakeWriter
) -> None:
    run = _run(district)

    report_render(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.progress == 100
    assert run.attempts == 1
    assert run.started_at is not None and run.finished_at is not None
    report_file = ReportFile.objects.get(run=run)
    assert report_file.path == "reports/demo/2026-W48.pdf"
    path = Path(settings.MEDIA_ROOT) / report_file.path
    assert path.read_bytes().startswith(b"%PDF")
    assert report_file.size == path.stat().st_size
    assert report_file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # no temporary file left beside it
    assert _report_files() == [path]


def test_a_street_report_has_its_own_file_name(
    district: District, street: Street, fake_writer: FakeWriter
) -> None:
    run = _run(district, street)

    report_render(run_id=run.pk)

    assert ReportFile.objects.get(run=run).path == f"reports/demo/2026-W48-street-{street.pk}.pdf"


def test_rendering_twice_leaves_one_file_and_one_record(
    district: District, fake_writer: FakeWriter
) -> None:
    run = _run(district)

    report_render(run_id=run.pk)
    report_render(run_id=run.pk)
    report_render_task(run_id=run.pk)

    # the second and third deliveries find the run done and write nothing
    assert fake_writer.calls == 1
    assert ReportFile.objects.count() == 1
    assert len(_report_files()) == 1


def test_a_second_delivery_while_rendering_does_nothing(
    district: District, fake_writer: FakeWriter
) -> None:
    run = _run(district)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RENDERING, started_at=timezone.now(), attempts=1
    )

    report_render(run_id=run.pk)

    run.refresh_from_db()
    assert fake_writer.calls == 0
    assert run.status == ReportRun.Status.RENDERING
    assert run.attempts == 1
    assert not ReportFile.objects.exists()


def test_a_run_stuck_in_rendering_past_the_timeout_is_claimed_again(
    district: District, fake_writer: FakeWriter, settings: Any
) -> None:
    settings.REPORT_RENDER_TIMEOUT = 60
    run = _run(district)
    # its worker was killed two minutes ago, half-way through the file
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RENDERING,
        started_at=timezone.now() - timedelta(minutes=2),
        attempts=1,
        progress=40,
    )
    leftover = Path(settings.MEDIA_ROOT) / "reports/demo/2026-W48.pdf.0123abcd.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a PDF")

    report_render(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.attempts == 2
    assert _report_files() == [Path(settings.MEDIA_ROOT) / "reports/demo/2026-W48.pdf"]
    assert ReportFile.objects.count() == 1


def test_a_crash_before_the_rename_leaves_no_file_and_the_retry_writes_exactly_one(
    district: District,
    fake_writer: FakeWriter,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _run(district)

    def crash(src: Any, dst: Any) -> None:
        raise OSError("disk unplugged")

    with monkeypatch.context() as m:
        m.setattr(services.os, "replace", crash)
        report_render(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert "disk unplugged" in run.error
    # neither a final file nor the temporary one
    assert _report_files() == []
    assert not ReportFile.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        report_run_request(district=district, iso_year=2026, iso_week=48, kind="pdf", by=None)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert len(_report_files()) == 1
    assert ReportFile.objects.count() == 1


def test_a_domain_error_marks_the_run_failed_with_its_message(
    district: District, fake_writer: FakeWriter
) -> None:
    def refuse(path: Path) -> None:
        raise DomainError("no campaign in this week")

    fake_writer.before_write = refuse
    run = _run(district)

    report_render_task(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.error == "no campaign in this week"
    assert _report_files() == []


def test_a_database_outage_puts_the_run_back_in_the_queue_for_the_retry(
    district: District, fake_writer: FakeWriter
) -> None:
    def outage(path: Path) -> None:
        raise OperationalError("server closed the connection")

    fake_writer.before_write = outage
    run = _run(district)

    with pytest.raises(OperationalError):
        report_render(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.QUEUED
    fake_writer.before_write = None
    report_render(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE


def test_request_creates_one_run_and_renders_it_in_process(
    district: District,
    office: User,
    fake_writer: FakeWriter,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_request(
            district=district, iso_year=2026, iso_week=48, kind="xlsx", by=office
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = report_run_request(
            district=district, iso_year=2026, iso_week=48, kind="xlsx", by=office
        )

    assert again.pk == run.pk
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.requested_by == office
    # the done run is left alone by the second request
    assert fake_writer.calls == 1
    assert ReportFile.objects.get(run=run).path.endswith(".xlsx")


def test_a_forced_request_renders_a_done_run_again_into_the_same_file(
    district: District, fake_writer: FakeWriter, django_capture_on_commit_callbacks: Any
) -> None:
    kwargs: dict[str, Any] = {"district": district, "iso_year": 2026, "iso_week": 48}
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_request(**kwargs, kind="pdf", by=None)
    first = ReportFile.objects.get(run=run)
    with django_capture_on_commit_callbacks(execute=True):
        report_run_request(**kwargs, kind="pdf", by=None, force=True)

    assert fake_writer.calls == 2
    assert ReportFile.objects.get().pk == first.pk
    assert len(_report_files()) == 1


def test_request_refuses_a_street_of_another_district_a_bad_week_and_a_bad_format(
    district: District,
) -> None:
    from tests.factories import DistrictFactory, StreetFactory

    elsewhere = StreetFactory(district=DistrictFactory(name="Elsewhere", code="elsewhere"))
    with pytest.raises(ReportError):
        report_run_request(
            district=district, street=elsewhere, iso_year=2026, iso_week=48, kind="pdf", by=None
        )
    with pytest.raises(ReportError):
        report_run_request(district=district, iso_year=2026, iso_week=54, kind="pdf", by=None)
    with pytest.raises(ReportError):
        report_run_request(district=district, iso_year=2026, iso_week=48, kind="doc", by=None)
    assert not ReportRun.objects.exists()


# --- dispatch and catch-up --------------------------------------------------------------------


def test_dispatch_requests_this_weeks_runs_of_running_campaigns_and_catches_up(
    running_campaign: Campaign, street: Street, other_street: Street, fake_writer: FakeWriter
) -> None:
    # the campaign started on Monday 2026-10-26 (week 44); today is Friday of week 48
    requested = reports_dispatch(today=date(2026, 11, 27))

    weeks = {(r.iso_year, r.iso_week) for r in requested}
    assert weeks == {(2026, w) for w in range(44, 49)}
    # per week: the district's PDF and Excel, and one PDF per street
    assert len(requested) == 5 * 4
    per_week = ReportRun.objects.filter(iso_week=48)
    assert set(per_week.values_list("street_id", "kind")) == {
        (None, "pdf"),
        (None, "xlsx"),
        (street.pk, "pdf"),
        (other_street.pk, "pdf"),
    }


def test_dispatch_twice_requests_nothing_new_once_the_runs_are_done(
    running_campaign: Campaign, street: Street, fake_writer: FakeWriter
) -> None:
    friday = date(2026, 11, 27)
    for run in reports_dispatch(today=friday):
        report_render(run_id=run.pk)

    assert reports_dispatch(today=friday) == []
    assert ReportRun.objects.count() == 5 * 3
    assert fake_writer.calls == 5 * 3


def test_catch_up_goes_back_at_most_the_limit(
    running_campaign: Campaign, fake_writer: FakeWriter
) -> None:
    running_campaign.starts_on = date(2025, 1, 6)
    running_campaign.save(update_fields=["starts_on"])

    requested = reports_dispatch(today=date(2026, 11, 27))

    assert len({r.iso_week for r in requested}) == CATCH_UP_WEEKS + 1


def test_dispatch_ignores_districts_without_a_running_campaign(
    running_campaign: Campaign, fake_writer: FakeWriter
) -> None:
    running_campaign.status = Campaign.Status.CLOSED
    running_campaign.save(update_fields=["status"])

    reports_dispatch_task()

    assert not ReportRun.objects.exists()


def test_the_weekly_schedule_runs_the_dispatch_on_friday_afternoon() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["reports-weekly"]
    assert entry["task"] == "reports.tasks.reports_dispatch_task"
    schedule = entry["schedule"]
    assert schedule.hour == {16} and schedule.minute == {0} and schedule.day_of_week == {5}
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_the_real_writer_renders_a_district_run(running_campaign: Campaign, street: Street) -> None:
    run = _run(running_campaign.district, kind="xlsx")

    report_render(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    path = Path(settings.MEDIA_ROOT) / run.file.path
    assert path.read_bytes()[:2] == b"PK"


def test_the_demo_archive_holds_the_last_two_weeks_and_is_built_once(
    running_campaign: Campaign, street: Street, other_street: Street, fake_writer: FakeWriter
) -> None:
    from communities.management.demo_reports import reports_demo_build

    friday = date(2026, 11, 27)
    kwargs: dict[str, Any] = {"district": running_campaign.district, "today": friday}
    reports_demo_build(**kwargs, streets=[street, other_street])
    line = reports_demo_build(**kwargs, streets=[street, other_street])

    # two weeks of the district's PDF and Excel and the streets' PDFs, rendered once
    assert fake_writer.calls == 2 * 4
    assert "8" in line
    weeks = set(ReportRun.objects.values_list("iso_week", "status"))
    assert weeks == {(47, "done"), (48, "done")}
