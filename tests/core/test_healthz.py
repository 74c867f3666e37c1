"""GET /healthz: the state of database, broker and workers, for load balancers and `docker ps`."""

import importlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, override_settings

WORKER_START_SECONDS = 30


def _get_healthz() -> Any:
    # a fresh client: no session, no cookie, like a load balancer
    return Client().get("/healthz")


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True, REDIS_URL="")
def test_healthz_answers_anonymously_with_json_and_sets_no_cookie() -> None:
    response = _get_healthz()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"status", "database", "broker", "workers"}
    assert data["status"] == "ok"
    assert data["database"]["ok"] is True
    assert data["database"]["vendor"] == connection.vendor
    # a probe every few seconds must not create sessions
    assert not response.cookies


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True, REDIS_URL="")
def test_healthz_is_never_cached() -> None:
    response = _get_healthz()

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "max-age=0"} <= cache_control
    assert "Expires" in response


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True, REDIS_URL="")
def test_healthz_without_a_broker_reports_eager_mode_and_in_process_workers() -> None:
    data = _get_healthz().json()

    assert data["broker"] == {"ok": True, "kind": "eager"}
    assert data["workers"] == {"ok": True, "kind": "in-process", "count": 0}


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True, REDIS_URL="")
def test_healthz_answers_503_when_the_database_fails() -> None:
    failure = OperationalError("connection refused")
    with mock.patch.object(connection, "cursor", side_effect=failure):
        response = _get_healthz()

    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "error"
    assert data["database"]["ok"] is False
    assert "connection refused" in data["database"]["error"]


@pytest.mark.django_db
def test_healthz_refuses_other_methods() -> None:
    assert Client().post("/healthz").status_code == 405


@pytest.fixture
def production_settings(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """config.settings.production as a plain module, loaded with made-up secrets."""
    monkeypatch.setenv("SECRET_KEY", "test-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKL")
    monkeypatch.setenv("ALLOWED_HOSTS", "huanjie.example")
    monkeypatch.delitem(sys.modules, "config.settings.production", raising=False)
    module = importlib.import_module("config.settings.production")
    # leave no half-production module behind for other tests
    monkeypatch.delitem(sys.modules, "config.settings.production")
    return module


@pytest.mark.django_db
def test_healthz_is_exempt_from_the_https_redirect_of_production(
    production_settings: ModuleType,
) -> None:
    # the container's health check asks over plain HTTP, without the proxy's X-Forwarded-Proto
    with override_settings(
        CELERY_TASK_ALWAYS_EAGER=True,
        REDIS_URL="",
        SECURE_SSL_REDIRECT=production_settings.SECURE_SSL_REDIRECT,
        SECURE_REDIRECT_EXEMPT=production_settings.SECURE_REDIRECT_EXEMPT,
    ):
        assert production_settings.SECURE_SSL_REDIRECT is True
        assert _get_healthz().status_code == 200
        login = Client().get("/accounts/login/")
        assert login.status_code == 301
        assert login["Location"].startswith("https://")


# --- with Redis and a real worker -------------------------------------------------------------


def _start_worker(name: str, log: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env["REDIS_URL"] = settings.REDIS_URL
    # the worker listens on a queue of its own: it answers pings but takes no other test's tasks
    queue = name.split("@", 1)[0]
    return subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-n",
            name,
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for_worker(name: str, worker: subprocess.Popen[bytes], log_path: Path) -> dict[str, Any]:
    deadline = time.monotonic() + WORKER_START_SECONDS
    data: dict[str, Any] = {}
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log_path.read_text()[-3000:]}")
        data = _get_healthz().json()
        if name in data["workers"].get("names", []):
            return data
        time.sleep(0.5)
    pytest.fail(f"/healthz did not list {name} in time: {data}\n{log_path.read_text()[-3000:]}")


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_lists_a_running_worker(requires_redis: str, tmp_path: Path) -> None:
    name = f"healthz-test-{os.getpid()}@{socket.gethostname()}"
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = _start_worker(name, log)
        try:
            data = _wait_for_worker(name, worker, log_path)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)

    assert data["status"] == "ok"
    assert data["broker"] == {"ok": True, "kind": "redis"}
    assert data["workers"]["ok"] is True
    assert data["workers"]["count"] >= 1
    assert name in data["workers"]["names"]
    # terminated, not left running after the test
    assert worker.returncode is not None
