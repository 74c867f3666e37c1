"""Writes of the weekly report: request a run, render it exactly once, dispatch the week's runs.

Exactly once per (district, street, week, kind): the database allows one `ReportRun` per key, a
worker claims a run by moving it from queued to rendering with a conditional `.update()`, and the
file is written to a temporary name beside its final one, flushed to disk, and renamed into place
(`os.replace`, atomic on one filesystem) only by the worker that still holds the claim. A second
delivery of the task finds the run claimed or done and returns. A worker killed mid-render leaves
the run in rendering: once `settings.REPORT_RENDER_TIMEOUT` has passed (at least the task's time
limit, and shorter than the broker's visibility timeout, so a redelivered message finds it stale)
the next delivery or request claims it again and overwrites the same final name.

The `weekly_report` command writes through `report_file_write` too: the same code as the task.
"""

import hashlib
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import District, Street
from core.exceptions import DomainError
from election.models import Campaign

from .models import ReportFile, ReportRun

logger = logging.getLogger(__name__)

# the catch-up requests missing runs of at most this many past weeks (besides the current one)
CATCH_UP_WEEKS = 8

REPORTS_DIR = "reports"
EXTENSIONS = {"pdf": "pdf", "xlsx": "xlsx", "html": "html"}
# the share of the progress bar before the writer starts (the context is built) and after it ends
_PROGRESS_CONTEXT = 10
_PROGRESS_WRITTEN = 95


class ReportError(DomainError):
    pass


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    size: int
    sha256: str


def iso_week_monday(iso_year: int, iso_week: int) -> date:
    """The Monday of an ISO week; ReportError if there is no such week."""
    try:
        return date.fromisocalendar(iso_year, iso_week, 1)
    except ValueError:
        raise ReportError(
            _("There is no week %(week)s in %(year)s.") % {"week": iso_week, "year": iso_year}
        ) from None


_WEEK_FORMAT = re.compile(r"^(\d{4})-W(\d{1,2})$")


def iso_week_parse(text: str) -> tuple[int, int]:
    """`YYYY-Www` (as `<input type="week">` sends it) as (iso_year, iso_week); ReportError if it
    is not a week."""
    match = _WEEK_FORMAT.match(text.strip())
    if match is None:
        raise ReportError(_("“%(value)s” is not a week; write it like 2026-W48.") % {"value": text})
    iso_year, iso_week = int(match[1]), int(match[2])
    iso_week_monday(iso_year, iso_week)
    return iso_year, iso_week


def current_iso_week() -> tuple[int, int]:
    """This ISO week in the site's time zone."""
    year, week, _day = timezone.localdate().isocalendar()
    return year, week


def report_relative_path(
    *, district: District, street: Street | None, iso_year: int, iso_week: int, kind: str
) -> str:
    """The run's final file, relative to MEDIA_ROOT: the same for every attempt of the run."""
    suffix = f"-street-{street.pk}" if street is not None else ""
    name = f"{iso_year}-W{iso_week:02d}{suffix}.{EXTENSIONS[kind]}"
    return f"{REPORTS_DIR}/{district.code}/{name}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(partial(f.read, 1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _remove_leftovers(final: Path) -> None:
    # temporary files of attempts that were killed before their rename
    for leftover in final.parent.glob(f"{final.name}.*.tmp"):
        leftover.unlink(missing_ok=True)


def report_file_write(
    *,
    district: District,
    street: Street | None,
    iso_year: int,
    iso_week: int,
    kind: str,
    final: Path,
    progress: Callable[[int], None] | None = None,
) -> WrittenFile:
    """Build the report's context and write it to a temporary file beside `final`, on disk.

    Returns the temporary file with its size and SHA-256; the caller renames it to `final` (or
    deletes it). Removes the temporary file if writing fails. Raises ReportError for an unknown
    kind or week; the selectors and the writer may raise DomainError for content problems.
    """
    from . import exporters, selectors

    if kind not in EXTENSIONS:
        raise ReportError(_("Unknown report format “%(kind)s”.") % {"kind": kind})
    iso_week_monday(iso_year, iso_week)
    context = selectors.report_context(
        district=district, iso_year=iso_year, iso_week=iso_week, street=street
    )
    if progress is not None:
        progress(0)  # the context is ready, the writer starts
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f"{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        exporters.report_write(kind=kind, context=context, path=tmp, progress=progress)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        return WrittenFile(path=tmp, size=tmp.stat().st_size, sha256=_sha256(tmp))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def report_export(
    *,
    district: District,
    street: Street | None = None,
    iso_year: int,
    iso_week: int,
    kind: str,
    out: Path,
) -> WrittenFile:
    """Write one report to `out` without a worker or a run (the `weekly_report` command).

    Same writer as the task; `out` is replaced atomically, so it is either the old file or the
    complete new one. Errors as `report_file_write`.
    """
    written = report_file_write(
        district=district,
        street=street,
        iso_year=iso_year,
        iso_week=iso_week,
        kind=kind,
        final=out,
    )
    os.replace(written.path, out)
    return WrittenFile(path=out, size=written.size, sha256=written.sha256)


@transaction.atomic
def report_run_request(
    *,
    district: District,
    street: Street | None = None,
    iso_year: int,
    iso_week: int,
    kind: str,
    by: User | None,
    force: bool = False,
) -> ReportRun:
    """Ask for a report (district, or one street of it) of one ISO week in one format.

    Idempotent: the run is unique per (district, street, week, kind). A new, failed or stale run is
    (re)queued and the render task enqueued on commit; a queued run is enqueued again (a second
    delivery is harmless); a run being rendered is left alone; a done run too, unless `force`,
    which renders it again (its file stays downloadable until the new one replaces it).
    `by` is None for the schedule. Raises ReportError for an unknown format or week, or a street
    of another district.
    """
    from .tasks import report_render_task

    if kind not in ReportRun.Kind.values:
        raise ReportError(_("Unknown report format “%(kind)s”.") % {"kind": kind})
    iso_week_monday(iso_year, iso_week)
    if street is not None and street.district_id != district.pk:
        raise ReportError(
            _("“%(street)s” is not a street of %(district)s.")
            % {"street": street.name, "district": district.name}
        )
    run, created = ReportRun.objects.get_or_create(
        district=district,
        street=street,
        iso_year=iso_year,
        iso_week=iso_week,
        kind=kind,
        defaults={"requested_by": by},
    )
    if not created:
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        stale = run.status == ReportRun.Status.RENDERING and _is_stale(run.started_at)
        if run.status == ReportRun.Status.RENDERING and not stale:
            return run
        if run.status == ReportRun.Status.DONE and not force:
            return run
        if run.status != ReportRun.Status.QUEUED:
            run.status = ReportRun.Status.QUEUED
            run.progress = 0
            run.error = ""
            run.finished_at = None
            if by is not None:
                run.requested_by = by
            run.save(update_fields=["status", "progress", "error", "finished_at", "requested_by"])
    transaction.on_commit(partial(report_render_task.delay, run_id=run.pk))
    return run


def _is_stale(started_at: datetime | None) -> bool:
    timeout = timedelta(seconds=settings.REPORT_RENDER_TIMEOUT)
    return started_at is None or started_at < timezone.now() - timeout


def _claim(run_id: int) -> datetime | None:
    """Move the run to rendering if it is queued, or rendering for longer than the timeout (its
    worker was killed). Returns the claim's start time, or None if the run is not ours to render.
    One UPDATE: of two workers, only one matches (the database re-checks the condition)."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.REPORT_RENDER_TIMEOUT)
    claimable = Q(status=ReportRun.Status.QUEUED) | Q(
        status=ReportRun.Status.RENDERING, started_at__lt=stale_before
    )
    claimed = ReportRun.objects.filter(claimable, pk=run_id).update(
        status=ReportRun.Status.RENDERING,
        started_at=now,
        finished_at=None,
        progress=0,
        error="",
        attempts=F("attempts") + 1,
    )
    return now if claimed else None


def _progress_callback(run_id: int, claimed_at: datetime) -> Callable[[int], None]:
    mine = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RENDERING)
    mine = mine.filter(started_at=claimed_at)
    delay = float(getattr(settings, "REPORT_TEST_STEP_DELAY", 0))
    last = [-1]

    def progress(percent: int) -> None:
        # the writer reports 0-100 of its own work; the bar also covers the context and the file
        share = max(0, min(100, int(percent)))
        value = _PROGRESS_CONTEXT + share * (_PROGRESS_WRITTEN - _PROGRESS_CONTEXT) // 100
        if value > last[0]:
            last[0] = value
            mine.update(progress=value)
        if delay:
            # only the real-worker test sets this, to be able to kill a worker mid-render
            time.sleep(delay)

    return progress


def _fail(run_id: int, claimed_at: datetime, message: str) -> None:
    ReportRun.objects.filter(
        pk=run_id, status=ReportRun.Status.RENDERING, started_at=claimed_at
    ).update(status=ReportRun.Status.FAILED, error=message[:2000], finished_at=timezone.now())


def report_render(*, run_id: int) -> None:
    """Render a queued run into its file, exactly once (the body of `report_render_task`).

    Runs outside a transaction: the claim commits at once so that other workers see it. Returns
    without doing anything when the run is done, failed, missing, or rendered by another worker.
    On success the final file `report_relative_path(...)` holds the report, one `ReportFile`
    (created, or updated on a forced re-render) records its size and SHA-256, and the run is done.
    A DomainError marks the run failed with its message (an outcome, not retried); an
    OperationalError puts the run back in the queue and propagates, for the task to retry; any
    other error marks the run failed and is logged.
    """
    claimed_at = _claim(run_id)
    if claimed_at is None:
        return
    run = ReportRun.objects.select_related("district", "street").get(pk=run_id)
    relative = report_relative_path(
        district=run.district,
        street=run.street,
        iso_year=run.iso_year,
        iso_week=run.iso_week,
        kind=run.kind,
    )
    final = Path(settings.MEDIA_ROOT) / relative
    _remove_leftovers(final)
    try:
        written = report_file_write(
            district=run.district,
            street=run.street,
            iso_year=run.iso_year,
            iso_week=run.iso_week,
            kind=run.kind,
            final=final,
            progress=_progress_callback(run_id, claimed_at),
        )
        try:
            _finish(run_id, claimed_at, written, final, relative)
        finally:
            # renamed into place, or thrown away: never left beside the final file
            written.path.unlink(missing_ok=True)
    except DomainError as e:
        _fail(run_id, claimed_at, str(e))
    except OperationalError:
        ReportRun.objects.filter(
            pk=run_id, status=ReportRun.Status.RENDERING, started_at=claimed_at
        ).update(status=ReportRun.Status.QUEUED)
        raise
    except Exception as e:
        logger.exception("report run %s failed", run_id)
        _fail(run_id, claimed_at, _("The report could not be written: %(error)s") % {"error": e})


@transaction.atomic
def _finish(
    run_id: int, claimed_at: datetime, written: WrittenFile, final: Path, relative: str
) -> None:
    # the rename happens under the run's lock, and only while the claim is still ours: a worker
    # that was too slow and lost its claim to a re-claim throws its file away
    still_mine = (
        ReportRun.objects.select_for_update()
        .filter(pk=run_id, status=ReportRun.Status.RENDERING, started_at=claimed_at)
        .exists()
    )
    if not still_mine:
        return
    os.replace(written.path, final)
    ReportFile.objects.update_or_create(
        run_id=run_id,
        defaults={"path": relative, "size": written.size, "sha256": written.sha256},
    )
    ReportRun.objects.filter(pk=run_id).update(
        status=ReportRun.Status.DONE, progress=100, error="", finished_at=timezone.now()
    )


def _weeks(first: date, last: date) -> list[tuple[int, int]]:
    """The ISO weeks (year, week) from the one of `first` to the one of `last`, newest first."""
    weeks = []
    monday = last - timedelta(days=last.weekday())
    while monday + timedelta(days=6) >= first:
        year, week, _day = monday.isocalendar()
        weeks.append((year, week))
        monday -= timedelta(weeks=1)
    return weeks


def reports_dispatch(*, today: date | None = None) -> list[ReportRun]:
    """Request this ISO week's runs of every district with a running campaign, and catch up.

    For each such district: the district's PDF and Excel, and each street's PDF, for the current
    week and for every past week since the campaign's start (at most CATCH_UP_WEEKS back) that
    has no done run. Idempotent: done runs are left alone, a second call only enqueues the
    not-yet-done runs again (their render is exactly-once). Returns the runs it requested.
    """
    today = today or timezone.localdate()
    earliest = today - timedelta(weeks=CATCH_UP_WEEKS)
    requested = []
    campaigns = Campaign.objects.filter(status=Campaign.Status.RUNNING).select_related("district")
    for campaign in campaigns.order_by("pk"):
        district = campaign.district
        weeks = _weeks(max(campaign.starts_on, earliest), today)
        if not weeks:
            continue
        streets = list(Street.objects.filter(district=district).order_by("pk"))
        targets: list[tuple[Street | None, str]] = [
            (None, ReportRun.Kind.PDF),
            (None, ReportRun.Kind.XLSX),
            *((street, ReportRun.Kind.PDF) for street in streets),
        ]
        done = set(
            ReportRun.objects.filter(
                district=district,
                status=ReportRun.Status.DONE,
                iso_year__gte=weeks[-1][0],
            ).values_list("street_id", "iso_year", "iso_week", "kind")
        )
        for iso_year, iso_week in weeks:
            for street, kind in targets:
                key = (street.pk if street else None, iso_year, iso_week, str(kind))
                if key in done:
                    continue
                run = report_run_request(
                    district=district,
                    street=street,
                    iso_year=iso_year,
                    iso_week=iso_week,
                    kind=kind,
                    by=None,
                )
                requested.append(run)
    return requested
