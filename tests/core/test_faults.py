"""Faults: what a user sees when a service fails, and that nothing is lost or half-written.

- Redis stopped: pages still serve, a report request is queued (not a 500), and once Redis is back
  the periodic re-enqueue sends it and a real worker renders it. The tests start their own
  `redis-server` on a free port and stop and restart it; the machine's Redis is left alone.
- PostgreSQL connection lost mid-request: a Chinese 503 page, and the request's writes are all
  rolled back (its service writes in one transaction).
- A worker killed mid-report gives exactly one report: tests/reports/test_worker.py
  (`test_a_real_worker_renders_a_run_and_a_killed_one_is_redone_exactly_once`).

Each needs a service (`redis-server` on the PATH, PostgreSQL): it skips without it, and fails
instead when REQUIRE_SERVICES=1.
"""

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from communities.models import District
from config.celery import app
from election.models import Campaign, RuleSet, SeatRule, StageTemplate, StepTemplate
from election.services.rulesets import ruleset_load
from reports.models import ReportRun
from reports.services import report_runs_requeue
from tests.celery_worker import celery_worker

WAIT_SECONDS = 90
# those of config/settings/base.py with REDIS_URL set
BROKER_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}


def _missing(reason: str) -> None:
    if getattr(settings, "REQUIRE_SERVICES", False):
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RedisServer:
    """A `redis-server` of the test's own, without persistence, that can be stopped and started
    again on the same port."""

    def __init__(self, executable: str, folder: Path) -> None:
        self.executable = executable
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [
                self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.1)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path: Path, settings: Any) -> Iterator[RedisServer]:
    """A running Redis of this test, which the web side uses for its cache and broker (as with
    REDIS_URL set) instead of the test settings' eager Celery."""
    executable = shutil.which("redis-server")
    if executable is None:
        _missing("redis-server is not installed")
    assert executable is not None
    server = RedisServer(executable, tmp_path)
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    try:
        server.start()
        settings.REDIS_URL = server.url
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": server.url,
                "OPTIONS": BROKER_TIMEOUTS,
            }
        }
        app.conf.update(
            broker_url=server.url, broker_transport_options=BROKER_TIMEOUTS, task_always_eager=False
        )
        _drop_broker_connections()
        yield server
    finally:
        server.stop()
        app.conf.update(saved)
        _drop_broker_connections()


def _drop_broker_connections() -> None:
    # the app keeps a pool of broker connections, made for the broker URL of its first send; the
    # pool itself stays open in kombu's registry of pools, for the next user of that URL
    app._pool = None
    app.amqp._producer_pool = None


def _running_campaign(district: District) -> Campaign:
    today = timezone.localdate()
    rules = RuleSet.objects.create(code="faults", version=1, name="Fault rules")
    return Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Fault campaign",
        status=Campaign.Status.RUNNING,
        starts_on=today - timedelta(weeks=4),
        election_on=today + timedelta(weeks=6),
        party_election_on=today + timedelta(weeks=3),
    )


def _request_report(client: Client, district: District) -> tuple[ReportRun, str]:
    """The office asks for this week's PDF; returns the run and the page it is sent to."""
    started = time.monotonic()
    answer = client.post(
        "/reports/generate/", {"scope": f"district-{district.pk}", "kind": "pdf", "week": ""}
    )
    # a broker that refuses connections fails the send within a second or two, not a minute
    assert time.monotonic() - started < 10
    assert answer.status_code == 302, answer.content[-2000:]
    page = client.get(answer["Location"])
    assert page.status_code == 200
    run = ReportRun.objects.get(district=district)
    return run, page.content.decode()


# --- Redis stopped ------------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_pages_serve_and_a_report_request_is_queued(
    own_redis: RedisServer, office: User, district: District
) -> None:
    campaign = _running_campaign(district)
    client = Client()
    client.force_login(office)
    own_redis.stop()

    # the campaign's dashboard has no rollup of today yet, and asks for one
    pages = ("/", "/communities/", "/reports/", f"/election/campaigns/{campaign.pk}/dashboard/")
    for url in pages:
        assert client.get(url).status_code == 200, url
    run, page = _request_report(client, district)

    # the run is kept, queued, and the page says so in Chinese
    assert run.status == ReportRun.Status.QUEUED
    assert "排队中" in page
    assert "本页会自动更新" in page
    # /healthz tells the load balancer that the broker is down
    health = Client().get("/healthz")
    assert health.status_code == 503
    assert health.json()["broker"]["ok"] is False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_report_requested_while_redis_was_stopped_is_rendered_once_redis_is_back(
    own_redis: RedisServer,
    requires_postgres: None,
    office: User,
    district: District,
    settings: Any,
    tmp_path: Path,
) -> None:
    _running_campaign(district)
    client = Client()
    client.force_login(office)
    own_redis.stop()
    run, _page = _request_report(client, district)
    assert run.status == ReportRun.Status.QUEUED

    own_redis.start()
    # the periodic re-enqueue (every five minutes) finds the run that never reached the broker
    settings.REPORT_REQUEUE_AFTER_SECONDS = 0
    assert report_runs_requeue() == 1
    log_path = tmp_path / "worker.log"
    with (
        log_path.open("wb") as log,
        celery_worker("celery", log, REDIS_URL=own_redis.url) as worker,
    ):
        deadline = time.monotonic() + WAIT_SECONDS
        while run.status in {ReportRun.Status.QUEUED, ReportRun.Status.RENDERING}:
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"run stayed {run.status}:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
            run.refresh_from_db()

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.attempts == 1
    assert (Path(settings.MEDIA_ROOT) / run.file.path).read_bytes().startswith(b"%PDF")


def test_the_periodic_re_enqueue_renders_runs_whose_message_was_lost(
    district: District, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _running_campaign(district)
    settings.REPORT_REQUEUE_AFTER_SECONDS = 300
    settings.REPORT_RENDER_TIMEOUT = 900
    now = timezone.now()
    lost = ReportRun.objects.create(district=district, iso_year=2026, iso_week=48, kind="xlsx")
    died = ReportRun.objects.create(
        district=district,
        iso_year=2026,
        iso_week=47,
        kind="xlsx",
        status=ReportRun.Status.RENDERING,
        started_at=now - timedelta(seconds=901),
        attempts=1,
    )
    fresh = ReportRun.objects.create(district=district, iso_year=2026, iso_week=46, kind="xlsx")
    # queued six minutes ago: its message never reached the broker
    ReportRun.objects.filter(pk=lost.pk).update(created_at=now - timedelta(seconds=360))

    with django_capture_on_commit_callbacks(execute=True):
        assert report_runs_requeue() == 2

    for run in (lost, died, fresh):
        run.refresh_from_db()
    assert lost.status == ReportRun.Status.DONE, lost.error
    assert died.status == ReportRun.Status.DONE, died.error
    assert died.attempts == 2
    # a run queued a moment ago still has its message on the way
    assert fresh.status == ReportRun.Status.QUEUED


# --- PostgreSQL connection lost -----------------------------------------------------------------


def _terminate_backend_at(nth: int, table: str) -> Any:
    """An execute wrapper that, at the `nth` INSERT into `table`, has another connection end this
    connection's PostgreSQL backend (pg_terminate_backend) before the INSERT is sent."""
    seen = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith(f'INSERT INTO "{table}"'):
            seen[0] += 1
            if seen[0] == nth:
                pid = context["connection"].connection.info.backend_pid
                other = connection.copy()
                try:
                    with other.cursor() as cursor:
                        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                finally:
                    other.close()
        return execute(sql, params, many, context)

    wrapper.seen = seen
    return wrapper


def _rule_rows() -> dict[str, int]:
    return {
        "rule sets": RuleSet.objects.count(),
        "stages": StageTemplate.objects.count(),
        "steps": StepTemplate.objects.count(),
        "seat rules": SeatRule.objects.count(),
        "step history": StepTemplate.history.count(),
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_database_connection_lost_mid_request_gives_a_chinese_503_and_writes_nothing(
    requires_postgres: None, admin_user: User
) -> None:
    data = json.loads((settings.BASE_DIR / "election/rulesets/national-2018.json").read_text())
    rule_set, _created = ruleset_load({**data, "code": "faults", "is_default": False})
    before = _rule_rows()
    assert before["steps"] > 5
    client = Client()
    client.force_login(admin_user)

    # cloning copies the rule set's stages, steps and seat rules in one transaction: the
    # connection dies as the third step is copied, after two were written
    killer = _terminate_backend_at(3, StepTemplate._meta.db_table)
    with connection.execute_wrapper(killer):
        response = client.post(f"/election/rules/{rule_set.pk}/clone/")
    connection.close()  # the test client keeps the dead connection; the next query opens one

    assert killer.seen[0] == 3
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "数据库暂时不可用" in page
    assert "页面恢复后请重新提交" in page
    # the rule set, the stages and the two steps copied before the cut were rolled back
    assert _rule_rows() == before
    assert list(RuleSet.objects.filter(code="faults").values_list("version", flat=True)) == [1]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_database_lost_before_the_view_gives_the_chinese_503_page_too(
    requires_postgres: None, admin_user: User
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()

    # the session and the user are loaded in middleware, before any view: the 500 handler answers
    response = client.get("/communities/")
    connection.close()

    assert response.status_code == 503
    assert "数据库暂时不可用" in response.content.decode()
