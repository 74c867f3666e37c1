"""A real Celery worker against Redis renders a report exactly once, even when it is killed."""

import hashlib
import os
import signal
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings

from config.celery import app
from election.models import Campaign
from reports.models import ReportFile, ReportRun
from tests.celery_worker import celery_worker

WAIT_SECONDS = 90

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _wait_for(run: ReportRun, statuses: set[str], worker: Any, log_path: Path) -> ReportRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in statuses:
            return run
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"run stayed {run.status}:\n{log_path.read_text()[-3000:]}")


def _send(run: ReportRun, queue: str) -> None:
    # send_task always goes through the broker, even with the test settings' eager mode (and says
    # so with a warning, which is the point here)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        app.send_task("reports.tasks.report_render_task", kwargs={"run_id": run.pk}, queue=queue)


def _final_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_a_real_worker_renders_a_run_and_a_killed_one_is_redone_exactly_once(
    requires_redis: str, requires_postgres: None, running_campaign: Campaign, tmp_path: Path
) -> None:
    district = running_campaign.district
    queue = f"reports-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        # 1. enqueue, the worker renders, the file is there with its checksum
        first = ReportRun.objects.create(district=district, iso_year=2026, iso_week=47, kind="pdf")
        with celery_worker(queue, log) as worker:
            _send(first, queue)
            first = _wait_for(first, {"done", "failed"}, worker, log_path)
        assert first.status == "done", first.error
        path = Path(settings.MEDIA_ROOT) / first.file.path
        assert path.read_bytes().startswith(b"%PDF")
        assert first.file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

        # 2. a slow render: kill the worker (SIGKILL) while it renders, then start another
        second = ReportRun.objects.create(
            district=district, iso_year=2026, iso_week=48, kind="xlsx"
        )
        with celery_worker(queue, log, REPORT_TEST_STEP_DELAY="5") as worker:
            _send(second, queue)
            _wait_for(second, {"rendering"}, worker, log_path)
            time.sleep(1)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        second.refresh_from_db()
        assert second.status == "rendering"
        assert second.attempts == 1
        # the unacknowledged message comes back to the new worker after the visibility timeout;
        # by then the run's claim is stale, and the new worker claims it again
        with celery_worker(queue, log) as worker:
            second = _wait_for(second, {"done", "failed"}, worker, log_path)

    assert second.status == "done", second.error
    assert second.attempts == 2
    assert ReportFile.objects.filter(run=second).count() == 1
    # exactly the two final files: no second copy, no temporary file left behind
    assert _final_files() == sorted(
        Path(settings.MEDIA_ROOT) / f.path for f in ReportFile.objects.all()
    )
    xlsx = Path(settings.MEDIA_ROOT) / second.file.path
    assert second.file.sha256 == hashlib.sha256(xlsx.read_bytes()).hexdigest()
