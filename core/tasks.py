"""Options shared by the tasks that change data and must finish once, whatever happens to them,
and the one way to enqueue a task: after the commit, surviving a broker that is down."""

import logging
from functools import partial
from typing import Any

from celery import Task
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

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


def enqueue_on_commit(task: Task, **kwargs: Any) -> None:
    """Send `task` with `kwargs` once the current transaction commits (at once outside one).

    A broker that refuses the message or does not answer in time (Redis stopped) is logged, not
    raised: the transaction has committed, the request that caused it still gets its page, and
    the record the task would work on stays queued until its periodic re-enqueue sends it again
    (so every task enqueued this way must be safe to send twice, as DURABLE_TASK_OPTIONS tasks are).
    """
    transaction.on_commit(partial(_send, task, kwargs))


def _send(task: Task, kwargs: dict[str, Any]) -> None:
    try:
        task.delay(**kwargs)
    except BrokerError:
        logger.warning(
            "%s%s not sent: the broker is unavailable; it stays queued for the periodic re-enqueue",
            task.name,
            kwargs,
            exc_info=True,
        )
