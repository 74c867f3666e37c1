"""Writes of the weekly report: request a run, render it exactly once, dispatch the week's runs.

Exactly once per run: the database allows one `ReportRun` per (district, street, week, kind,
version), a worker claims a run by moving it from queued to rendering with a conditional
`.update()`, and the file is written to a temporary name beside its final one, flushed to disk, and
renamed into place (`os.replace`, atomic on one filesystem) only by the worker that still holds the
claim. A second delivery of the task finds the run claimed or done and returns. A worker killed
mid-render leaves the run in rendering: once `settings.REPORT_RENDER_TIMEOUT` has passed (at least
the task's time limit, and shorter than the broker's visibility timeout, so a redelivered message
finds it stale) the next delivery or request claims it again and overwrites the same final name.

A done run is never claimed again, so an archived file is never rewritten: asking for a week that
is done once more (`force`) makes the next version, a new run with its own file. Each run's file is
named by the run's random `token`, not by its district or week, so that no one can guess it.

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
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import District, Street
from core.exceptions import DomainError
from core.tasks import enqueue_on_commit
from core.text import text_truncate
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


# ASCII digits only: `\d` alone also matches full-width and Arabic-Indic digits
_WEEK_FORMAT = re.compile(r"^(\d{4})-W(\d{1,2})$", re.ASCII)


def iso_week_parse(text: str) -> tuple[int, int]:
    """`YYYY-Www` (as `<input type="week">` sends it) as (iso_year, iso_week); ReportError if it
    is not a week."""
    match = _WEEK_FORMAT.match(text.strip())
    if match is None:
        raise ReportError(
            _("“%(value)s” is not a week; write it like 2026-W48.") % {"value": text_truncate(text)}
        )
    iso_year, iso_week = int(match[1]), int(match[2])
    iso_week_monday(iso_year, iso_week)
    return iso_year, iso_week


def current_iso_week() -> tuple[int, int]:
    """This ISO week in the site's time zone."""
    year, week, _day = timezone.localdate().isocalendar()
    return year, week


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def report_campaign(district: District) -> Campaign | None:
    """The campaign whose weeks the district's reports cover: its latest running or closed one."""
    return (
        Campaign.objects.filter(
            district=district, status__in=[Campaign.Status.RUNNING, Campaign.Status.CLOSED]
        )
        .order_by("-starts_on", "-pk")
        .first()
    )


def report_week_range(*, district: District, today: date | None = None) -> tuple[date, date]:
    """The Mondays of the first and the last week a report of the district may cover: from the
    week its campaign (`report_campaign`) started to the current week. The first may come after
    the last (a campaign that starts next week): then no week may be reported yet.

    Raises ReportError when the district has no running or closed campaign.
    """
    campaign = report_campaign(district)
    if campaign is None:
        raise ReportError(
            _("%(district)s has no started campaign, so there is no week to report on yet.")
            % {"district": district.name}
        )
    return _monday(campaign.starts_on), _monday(today or timezone.localdate())


def report_week_check(
    *, district: District, iso_year: int, iso_week: int, today: date | None = None
) -> None:
    """Raise ReportError unless the ISO week exists and lies within `report_week_range`: a
    report of a week before the campaign, or of a week still to come, is refused before any run
    is stored. The dispatcher requests only weeks of the same range."""
    monday = iso_week_monday(iso_year, iso_week)
    first, last = report_week_range(district=district, today=today)
    if first <= monday <= last:
        return
    if first > last:
        raise ReportError(
            _("The campaign starts in week %(first)s; there is no week to report on yet.")
            % {"first": _week_label(first)}
        )
    raise ReportError(
        _("Choose a week from %(first)s (the campaign's first) to %(last)s (this week).")
        % {"first": _week_label(first), "last": _week_label(last)}
    )


def _week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def report_relative_path(*, token: uuid.UUID, kind: str) -> str:
    """The run's final file, relative to MEDIA_ROOT: the same for every attempt of the run, and
    named by its random token alone (no district, week or version in it)."""
    return f"{REPORTS_DIR}/{token.hex}.{EXTENSIONS[kind]}"


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

    Acts on the latest version of the (district, street, week, kind). Idempotent: a new, failed or
    stale run is (re)queued and the render task enqueued on commit; a queued run is enqueued again
    (a second delivery is harmless); a run being rendered is left alone; a done run too, unless
    `force`, which queues the next version, a new run beside it: the done run and its file stay as
    they are. Two forced requests at once make one new version. `by` is None for the schedule.
    Does not check the week against the campaign (`report_week_check` does, for the form). Raises
    ReportError for an unknown format or week, or a street of another district.
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
    key: dict[str, Any] = {
        "district": district,
        "street": street,
        "iso_year": iso_year,
        "iso_week": iso_week,
        "kind": kind,
    }
    latest = ReportRun.objects.select_for_update().filter(**key).order_by("-version").first()
    if latest is None:
        run = _version_create(key, version=1, by=by)
    elif latest.status == ReportRun.Status.DONE:
        if not force:
            return latest
        run = _version_create(key, version=latest.version + 1, by=by)
    elif latest.status == ReportRun.Status.RENDERING and not _is_stale(latest.started_at):
        return latest
    else:
        run = latest
        if run.status != ReportRun.Status.QUEUED:
            run.status = ReportRun.Status.QUEUED
            run.progress = 0
            run.error = ""
            run.finished_at = None
            if by is not None:
                run.requested_by = by
            run.save(update_fields=["status", "progress", "error", "finished_at", "requested_by"])
    enqueue_on_commit(report_render_task, run_id=run.pk)
    return run


def _version_create(key: dict[str, Any], *, version: int, by: User | None) -> ReportRun:
    # another request may have created this version since we read the latest one (the unique
    # constraint tells us): then that run is the one asked for, queued a moment ago
    try:
        with transaction.atomic():
            return ReportRun.objects.create(**key, version=version, requested_by=by)
    except IntegrityError:
        return ReportRun.objects.select_for_update().get(**key, version=version)


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
    records its size and SHA-256, and the run is done (and never rendered again).
    A DomainError marks the run failed with its message (an outcome, not retried); an
    OperationalError puts the run back in the queue and propagates, for the task to retry; any
    other error marks the run failed and is logged.
    """
    claimed_at = _claim(run_id)
    if claimed_at is None:
        return
    run = ReportRun.objects.select_related("district", "street").get(pk=run_id)
    relative = report_relative_path(token=run.token, kind=run.kind)
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
    week and for every past week of `report_week_range` (the weeks the form accepts; at most
    CATCH_UP_WEEKS back) that has no done run. Idempotent: done runs are left alone, a second call
    only enqueues the not-yet-done runs again (their render is exactly-once). Returns the runs it
    requested.
    """
    today = today or timezone.localdate()
    earliest = today - timedelta(weeks=CATCH_UP_WEEKS)
    requested = []
    districts = District.objects.filter(campaigns__status=Campaign.Status.RUNNING).distinct()
    for district in districts.order_by("pk"):
        first, last = report_week_range(district=district, today=today)
        weeks = _weeks(max(first, earliest), last)
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


def report_runs_requeue() -> int:
    """Send the render task again for every run whose message was lost: queued for longer than
    `settings.REPORT_REQUEUE_AFTER_SECONDS` (the broker was down when it was requested, or
    restarted without persistence), or rendering for longer than `REPORT_RENDER_TIMEOUT` (its
    worker died, and the broker gives no message back: the filesystem broker of `make run`).
    Safe to call any time: a run whose message is still on its way is only claimed once. Returns
    how many runs it enqueued.
    """
    from .tasks import report_render_task

    now = timezone.now()
    waiting_since = now - timedelta(seconds=settings.REPORT_REQUEUE_AFTER_SECONDS)
    stale_since = now - timedelta(seconds=settings.REPORT_RENDER_TIMEOUT)
    run_ids = list(
        ReportRun.objects.filter(
            Q(status=ReportRun.Status.QUEUED, created_at__lte=waiting_since)
            | Q(status=ReportRun.Status.RENDERING, started_at__lt=stale_since)
        ).values_list("pk", flat=True)
    )
    for run_id in run_ids:
        enqueue_on_commit(report_render_task, run_id=run_id)
    if run_ids:
        logger.warning("enqueued %s waiting report runs again", len(run_ids))
    return len(run_ids)
