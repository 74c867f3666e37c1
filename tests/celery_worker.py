"""A real Celery worker for the tests that need one: a subprocess consuming one queue of the
Redis broker, on the pytest run's test database and media folder."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def database_url() -> str:
    """The URL of the pytest run's test database, for the worker process."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(
    queue: str, log: IO[bytes], **env_extra: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A worker consuming `queue`, logging to `log`; killed on the way out."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **env_extra,
    }
    worker = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
            "--concurrency=1", "-n", f"{queue}-{uuid.uuid4().hex[:6]}@localhost", "-Q", queue,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)
