"""Options shared by the tasks that change data and must finish once, whatever happens to them."""

from typing import Any

from django.db import OperationalError

# Acknowledged only once done, and given back to the broker if the worker dies mid-way (so
# another worker takes it up: the task itself must be safe to run twice, claiming its record by
# status); retried with a growing delay when the database is briefly unavailable.
DURABLE_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
}
