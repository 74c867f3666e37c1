"""The run lifecycle: request, render exactly once, re-claim after a crash, dispatch, catch-up."""

import hashlib
import re
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
    report_week_check,
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
    assert report_file.path == f"reports/{run.token.hex}.pdf"
    path = Path(settings.MEDIA_ROOT) / report_file.path
    assert path.read_bytes().startswith(b"%PDF")
    assert report_file.size == path.stat().st_size
    assert report_file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # no temporary file left beside it
    assert _report_files() == [path]


def test_file_names_are_random_and_tell_nothing_of_the_district_or_week(
    district: District, street: Street, fake_writer: FakeWriter
) -> None:
    runs = [_run(district), _run(district, street)]
    for run in runs:
        report_render(run_id=run.pk)

    paths = [ReportFile.objects.get(run=run).path for run in runs]
    assert paths[0] != paths[1]
    for path in paths:
        assert re.fullmatch(r"reports/[0-9a-f]{32}\.pdf", path), path
        assert district.code not in path and "2026" not in path and "W48" not in path


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
    final = Path(settings.MEDIA_ROOT) / f"reports/{run.token.hex}.pdf"
    leftover = final.with_name(f"{final.name}.0123abcd.tmp")
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a PDF")

    report_render(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.attempts == 2
    assert _report_files() == [final]
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


def test_a_forced_request_makes_a_new_version_and_leaves_the_archived_file_alone(
    district: District,
    office: User,
    fake_writer: FakeWriter,
    django_capture_on_commit_callbacks: Any,
) -> None:
    kwargs: dict[str, Any] = {"district": district, "iso_year": 2026, "iso_week": 48}
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_request(**kwargs, kind="pdf", by=None)
    first = ReportFile.objects.get(run=run)
    first_path = Path(settings.MEDIA_ROOT) / first.path
    first_bytes = first_path.read_bytes()
    first_mtime = first_path.stat().st_mtime_ns

    with django_capture_on_commit_callbacks(execute=True):
        second = report_run_request(**kwargs, kind="pdf", by=office, force=True)

    assert fake_writer.calls == 2
    assert second.pk != run.pk
    second.refresh_from_db()
    assert (second.version, second.status, second.requested_by) == (2, "done", office)
    # the archived week: same row, same file, same bytes and checksum, never touched
    first.refresh_from_db()
    assert first.run_id == run.pk
    assert first_path.read_bytes() == first_bytes
    assert first_path.stat().st_mtime_ns == first_mtime
    assert first.sha256 == hashlib.sha256(first_bytes).hexdigest()
    run.refresh_from_db()
    assert (run.version, run.status) == (1, "done")
    # the new version has its own file beside it
    assert second.file.path != first.path
    assert len(_report_files()) == 2


def test_requests_act_on_the_latest_version(
    district: District, fake_writer: FakeWriter, django_capture_on_commit_callbacks: Any
) -> None:
    kwargs: dict[str, Any] = {"district": district, "iso_year": 2026, "iso_week": 48, "by": None}
    with django_capture_on_commit_callbacks(execute=True):
        report_run_request(**kwargs, kind="pdf")
    # version 2 is asked for and is still queued (no worker has taken it yet)
    queued = report_run_request(**kwargs, kind="pdf", force=True)

    # neither a plain nor a forced request makes a third version while the second is pending
    assert report_run_request(**kwargs, kind="pdf").pk == queued.pk
    assert report_run_request(**kwargs, kind="pdf", force=True).pk == queued.pk
    assert ReportRun.objects.count() == 2
    # once done, a plain request leaves it alone and a forced one makes version 3
    report_render(run_id=queued.pk)
    assert report_run_request(**kwargs, kind="pdf").pk == queued.pk
    third = report_run_request(**kwargs, kind="pdf", force=True)
    assert third.version == 3
    assert fake_writer.calls == 2


def test_a_forced_request_that_loses_the_race_for_the_next_version_returns_it(
    district: District, fake_writer: FakeWriter, django_capture_on_commit_callbacks: Any
) -> None:
    kwargs: dict[str, Any] = {"district": district, "iso_year": 2026, "iso_week": 48, "kind": "pdf"}
    with django_capture_on_commit_callbacks(execute=True):
        first = report_run_request(**kwargs, by=None)
    # another request created version 2 between our read of the latest run and our insert
    other = ReportRun.objects.create(**kwargs, version=2)

    run = services._version_create({**kwargs, "street": None}, version=2, by=None)

    assert run.pk == other.pk
    assert ReportRun.objects.exclude(pk=first.pk).count() == 1


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
    from reports.demo import demo_seed as reports_demo_build

    friday = date(2026, 11, 27)
    kwargs: dict[str, Any] = {"district": running_campaign.district, "today": friday}
    reports_demo_build(**kwargs, streets=[street, other_street])
    line = reports_demo_build(**kwargs, streets=[street, other_street])

    # two weeks of the district's PDF and Excel and the streets' PDFs, rendered once
    assert fake_writer.calls == 2 * 4
    assert "8" in line
    weeks = set(ReportRun.objects.values_list("iso_week", "status"))
    assert weeks == {(47, "done"), (48, "done")}


# --- the campaign's weeks -----------------------------------------------------------------------


def test_week_check_accepts_the_campaigns_weeks_up_to_this_one(
    running_campaign: Campaign,
) -> None:
    district = running_campaign.district
    friday = date(2026, 11, 27)  # week 48; the campaign started in week 44
    for week in (44, 46, 48):
        report_week_check(district=district, iso_year=2026, iso_week=week, today=friday)
    for year, week in ((2026, 43), (2026, 49), (2025, 48), (9999, 52), (2026, 60), (0, 1)):
        with pytest.raises(ReportError):
            report_week_check(district=district, iso_year=year, iso_week=week, today=friday)


def test_week_check_refuses_every_week_without_a_started_campaign(
    running_campaign: Campaign,
) -> None:
    district = running_campaign.district
    running_campaign.status = Campaign.Status.DRAFT
    running_campaign.save(update_fields=["status"])

    with pytest.raises(ReportError):
        report_week_check(district=district, iso_year=2026, iso_week=48)


def test_dispatch_requests_only_weeks_the_form_accepts(
    running_campaign: Campaign, street: Street, fake_writer: FakeWriter
) -> None:
    district = running_campaign.district
    # an earlier campaign, closed, and a later one that the form reads the weeks of
    rules = running_campaign.rule_set
    Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Later",
        status=Campaign.Status.CLOSED,
        starts_on=date(2026, 11, 16),
        election_on=date(2027, 1, 10),
        party_election_on=date(2026, 12, 20),
    )
    friday = date(2026, 11, 27)

    requested = reports_dispatch(today=friday)

    assert {r.iso_week for r in requested} == {47, 48}
    for run in requested:
        report_week_check(
            district=district, iso_year=run.iso_year, iso_week=run.iso_week, today=friday
        )


def test_dispatch_requests_nothing_for_a_campaign_that_starts_next_week(
    running_campaign: Campaign, fake_writer: FakeWriter
) -> None:
    running_campaign.starts_on = date(2026, 11, 30)
    running_campaign.save(update_fields=["starts_on"])

    assert reports_dispatch(today=date(2026, 11, 27)) == []
    assert not ReportRun.objects.exists()
