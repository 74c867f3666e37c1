"""The page of an import job, shared by the imports built on `jobs.py`: its state, its progress
(on the row while the file is read, in the cache while the rows are written), the preview or the
problems, and whether it can be confirmed. Rendered by `templates/imports/_job_status.html`.

An import may fill in parts of that page of its own: `applying_text` (what the progress bar
says while the rows are written), `applied_template` (the outcome once imported) and
`preview_template` (what confirming would create), each in place of the generic one."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from .jobs import JobStatus

POLL_SECONDS = 1


def job_progress(job: Any, progress_cache_key: Callable[[Any], str]) -> int:
    if job.status == JobStatus.APPLYING:
        cached = cache.get(progress_cache_key(job.pk))
        if isinstance(cached, int):
            return max(int(job.progress), cached)
    return int(job.progress)


def job_page(
    job: Any,
    *,
    columns: list[tuple[str, Any]],
    progress_cache_key: Callable[[Any], str],
    status_url: str,
    upload_url: str,
    scope_label: str,
    scope_text: str,
    uploaded_by: Any = None,
    problems: list[Any] | None = None,
) -> dict[str, Any]:
    """The context of a job's status: `columns` are the preview's (key, title) pairs. By default
    the uploader is `job.created_by` and the problems are `job.row_errors`."""
    preview = job.preview or {}
    rows = [
        {"row": row.get("row"), "cells": [(title, row.get(key, "")) for key, title in columns]}
        for row in preview.get("rows", [])
    ]
    if problems is None:
        problems = job.row_errors or []
    problem_count = preview.get("problem_count", len(problems))
    row_count = preview.get("row_count", 0)
    return {
        "job": job,
        "uploaded_by": job.created_by if uploaded_by is None else uploaded_by,
        "status_url": status_url,
        "upload_url": upload_url,
        "scope_label": scope_label,
        "scope_text": scope_text,
        "titles": [title for _key, title in columns],
        "rows": rows,
        "row_count": row_count,
        "problems": problems,
        "problem_count": problem_count,
        "problems_not_listed": max(0, problem_count - len(problems)),
        "progress": job_progress(job, progress_cache_key),
        "can_confirm": job.status == JobStatus.PREVIEWED and not problem_count and row_count > 0,
        "poll_seconds": POLL_SECONDS,
    }
