"""Site-wide views: the health endpoint (the home page lives in the `home` app)."""

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> dict[str, Any]:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as e:  # any failure is the answer here, reported as JSON
        return {"ok": False, "vendor": connection.vendor, "error": str(e)[:200]}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round((time.monotonic() - started) * 1000, 1),
    }


def _check_broker_and_workers() -> tuple[dict[str, Any], dict[str, Any]]:
    if not settings.REDIS_URL and settings.CELERY_TASK_ALWAYS_EAGER:
        # embedded default: no broker, tasks run inside the web process
        return {"ok": True, "kind": "eager"}, {"ok": True, "kind": "in-process", "count": 0}
    from config.celery import app

    # Redis, or the filesystem broker of `make run` (the scheme of CELERY_BROKER_URL)
    kind = "redis" if settings.REDIS_URL else settings.CELERY_BROKER_URL.split(":", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as e:  # the broker's failure is the answer
        return {"ok": False, "kind": kind, "error": str(e)[:200]}, {"ok": False, "count": 0}
    try:
        replies = app.control.inspect(timeout=1.0).ping() or {}
    except Exception as e:  # a broken inspect is reported, not raised
        return {"ok": True, "kind": kind}, {"ok": False, "count": 0, "error": str(e)[:200]}
    return {"ok": True, "kind": kind}, {
        "ok": bool(replies),
        "count": len(replies),
        "names": sorted(replies),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer; the workers' state is reported either way."""
    database = _check_database()
    broker, workers = _check_broker_and_workers()
    ok = database["ok"] and broker["ok"]
    return JsonResponse(
        {
            "status": "ok" if ok else "error",
            "database": database,
            "broker": broker,
            "workers": workers,
        },
        status=200 if ok else 503,
    )
