"""`make run` without Redis: a real Celery worker beside the dev server, on the filesystem broker.

Everything runs the way `make run` runs it, in processes of its own on a SQLite file: the database
is migrated, a district with a running campaign and its office are created, the dev server starts
with `CELERY_BROKER_URL=filesystem://` (scripts/run.sh sets it), and the office asks for a report
over HTTP. The request answers at once with the run queued: the work is a message file in the
broker folder, not done inside the request. A worker started on the same folder renders it.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

from tests.celery_worker import celery_worker

WAIT_SECONDS = 90
PASSWORD = "huanjie-demo"

# A district with a running campaign (the current week is in it), and its office.
SEED = f"""
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from accounts.services import grant_assign
from election.models import Campaign, RuleSet
from tests.factories import DistrictFactory, StreetFactory, UserFactory
today = timezone.localdate()
district = DistrictFactory(name="Embedded District", code="embedded")
StreetFactory(district=district, name="First Street")
admin = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
office = UserFactory(username="office", role=User.Role.OFFICE)
office.set_password("{PASSWORD}")
office.save(update_fields=["password"])
grant_assign(user=office, obj=district, level="manage", by=admin)
rules = RuleSet.objects.create(code="embedded", version=1, name="Embedded rules")
Campaign.objects.create(
    district=district, rule_set=rules, name="Embedded campaign", status=Campaign.Status.RUNNING,
    starts_on=today - timedelta(weeks=4), election_on=today + timedelta(weeks=6),
    party_election_on=today + timedelta(weeks=3),
)
print(district.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def embedded(tmp_path: Path) -> dict[str, str]:
    """The environment `make run` gives its processes, on folders of this test."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "filesystem://localhost/",
        "CELERY_BROKER_FOLDER": str(tmp_path / "celery"),
    }


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def server(embedded: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The dev server of `make run` on the migrated SQLite file, as its base URL."""
    _manage(embedded, "migrate", "--noinput", "-v", "0")
    embedded["DISTRICT_ID"] = _manage(embedded, "shell", "-c", SEED).strip().splitlines()[-1]
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=embedded,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=5)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((tmp_path / "server.log").read_text()[-3000:])
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _sign_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    signed_in = session.post(
        f"{base}/accounts/login/",
        data={"username": "office", "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert signed_in.url == f"{base}/", signed_in.text[-2000:]
    return session


def _run_status(session: requests.Session, base: str, run_id: str) -> str:
    fragment = session.get(f"{base}/reports/runs/{run_id}/status/", timeout=10).text
    badge = re.search(r'role="status">([^<]+)<', fragment)
    assert badge is not None, fragment
    return badge[1].strip()


def test_make_run_without_redis_queues_a_report_and_a_real_worker_renders_it(
    embedded: dict[str, str], server: str, tmp_path: Path
) -> None:
    session = _sign_in(server)
    started = time.monotonic()
    answer = session.post(
        f"{server}/reports/generate/",
        data={"scope": f"district-{embedded['DISTRICT_ID']}", "kind": "pdf", "week": ""},
        headers={
            "Referer": f"{server}/reports/",
            "X-CSRFToken": session.cookies["csrftoken"] or "",
        },
        timeout=30,
    )
    request_seconds = time.monotonic() - started
    run = re.search(r"[?&]run=(\d+)", answer.url)
    assert run is not None, answer.text[-2000:]
    # no worker yet: the request did not render the report, it left a message for a worker
    assert _run_status(session, server, run[1]) == "排队中"
    assert request_seconds < 5
    assert len(list((tmp_path / "celery" / "queue").iterdir())) == 1
    health: dict[str, Any] = session.get(f"{server}/healthz", timeout=10).json()
    assert health["broker"] == {"ok": True, "kind": "filesystem"}
    assert health["workers"]["count"] == 0

    with (tmp_path / "worker.log").open("wb") as log:
        worker_env = {k: v for k, v in embedded.items() if k != "DISTRICT_ID"}
        with celery_worker("celery", log, **worker_env) as worker:
            deadline = time.monotonic() + WAIT_SECONDS
            while (status := _run_status(session, server, run[1])) in {"排队中", "生成中"}:
                if worker.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((tmp_path / "worker.log").read_text()[-3000:])
                time.sleep(0.3)
            health = session.get(f"{server}/healthz", timeout=10).json()

    assert status == "已完成", (tmp_path / "worker.log").read_text()[-3000:]
    assert health["workers"]["ok"] is True
    assert health["workers"]["count"] == 1
    # the message was taken from the folder, and the PDF is on disk
    assert list((tmp_path / "celery" / "queue").iterdir()) == []
    pdfs = list((tmp_path / "media").rglob("*.pdf"))
    assert len(pdfs) == 1
    assert pdfs[0].read_bytes().startswith(b"%PDF")


def test_make_run_serves_the_demo_as_users_see_it(embedded: dict[str, str], server: str) -> None:
    """DEBUG is off under `make run`: a missing page is the Chinese 404, with no URL patterns
    listed; the static files are still served by the app itself."""
    missing = requests.get(f"{server}/no-such-page/", timeout=10)
    assert missing.status_code == 404
    assert "页面不存在" in missing.text or "找不到" in missing.text, missing.text[:500]
    assert "URLconf" not in missing.text
    assert "healthz" not in missing.text
    css = requests.get(f"{server}/static/vendor/bootstrap/bootstrap.min.css", timeout=10)
    assert css.status_code == 200
    assert "text/css" in css.headers["Content-Type"]
    app_css = requests.get(f"{server}/static/css/app.css", timeout=10)
    assert app_css.status_code == 200
