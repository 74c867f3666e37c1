"""A real Celery worker against Redis checks and imports a workbook: the import's page state
moves from the web process's request to the worker's result, and the rows carry who confirmed."""

import os
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.core.files.base import ContentFile

from communities.models import Community, CommunityImport
from communities.services.imports import community_import_confirm, community_import_create
from config.celery import app
from tests.celery_worker import celery_worker
from tests.communities.import_helpers import row, workbook

WAIT_SECONDS = 90

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

Status = CommunityImport.Status


def _send(task: str, record: CommunityImport, queue: str) -> None:
    # send_task always goes through the broker, even with the test settings' eager mode
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        app.send_task(task, kwargs={"import_id": str(record.pk)}, queue=queue)


def _wait_for(record: CommunityImport, statuses: set[str], worker: Any, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        record.refresh_from_db()
        if record.status in statuses:
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"the import stayed {record.status}:\n{log.read_text()[-3000:]}")


def test_a_real_worker_checks_and_imports_a_workbook(
    requires_redis: str,
    requires_postgres: None,
    office: Any,
    district: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # the services enqueue with .delay, which the test settings run eagerly in this process;
    # here the worker must do the work, so the messages are sent to its queue instead
    monkeypatch.setattr("communities.tasks.community_import_check_task.delay", lambda **kw: None)
    monkeypatch.setattr("communities.tasks.community_import_apply_task.delay", lambda **kw: None)
    content = workbook([row(name="Lakeside"), row(name="Orchard")])
    record = community_import_create(
        district=district, file=ContentFile(content, name="communities.xlsx"), by=office
    )
    assert record.status == Status.CHECKING
    queue = f"import-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    log_path = tmp_path / "worker.log"

    with log_path.open("wb") as log, celery_worker(queue, log) as worker:
        _send("communities.tasks.community_import_check_task", record, queue)
        _wait_for(record, {Status.PREVIEWED, Status.FAILED}, worker, log_path)
        assert record.status == Status.PREVIEWED, record.error
        assert not Community.objects.filter(name__in=["Lakeside", "Orchard"]).exists()

        community_import_confirm(community_import=record, by=office)
        _send("communities.tasks.community_import_apply_task", record, queue)
        # delivered twice: the second finds the import claimed or done and writes nothing
        _send("communities.tasks.community_import_apply_task", record, queue)
        _wait_for(record, {Status.APPLIED, Status.FAILED}, worker, log_path)
        time.sleep(1)  # time for the second delivery

    record.refresh_from_db()
    assert record.status == Status.APPLIED, record.error
    created = Community.objects.filter(name__in=["Lakeside", "Orchard"])
    assert created.count() == 2
    for community in created:
        first = community.history.earliest()
        assert first.history_user == office
    # the upload is gone once imported
    assert not record.file
