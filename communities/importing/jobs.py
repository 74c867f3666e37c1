"""The life of a background import job, shared by the imports: the communities' own (streets and
communities) and those of the apps above (the election's nominees, results and previous term; the
audits' engagements and findings).

checking → previewed → queued → applying → applied, or failed from any of them. The check and the
import run in Celery tasks that the page follows (the job's `progress`, and the cache while the
import writes inside its transaction). Confirming queues the job under a row lock; the import task
claims it with a conditional UPDATE, so of two deliveries only one writes. The rows are checked
again against the database as it is then and written in one transaction: every row or none. The
uploaded file is deleted once the job is done, refused, or abandoned for a day.

An app describes its job once (`ImportJobs(...)`): its model (with the fields of
`election.ElectionImport`), how to check a stored workbook, how to write the checked records, and
its two tasks; its services module exposes the bound methods under its own names. A model whose
check result, counts or uploader are stored in fields of its own (`communities.CommunityImport`)
says so through the optional hooks (`related`, `stored`, `applied`, `subject`).
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from accounts.models import SecurityEvent, User
from accounts.services import security_event_record
from core.exceptions import DomainError
from core.tasks import enqueue_on_commit

from .results import ImportFileError, Problem, ProblemList, Progress

logger = logging.getLogger(__name__)

PROGRESS_READ = 40  # the share of the progress bar taken by reading the file
PROBLEMS_QUOTED = 3
PROBLEMS_STORED = 200
FILES_KEPT = timedelta(days=1)
CTX = "election import column"


class JobStatus(models.TextChoices):
    CHECKING = "checking", gettext_lazy("being checked")
    PREVIEWED = "previewed", gettext_lazy("checked, waiting for confirmation")
    QUEUED = "queued", gettext_lazy("waiting to be imported")
    APPLYING = "applying", gettext_lazy("being imported")
    APPLIED = "applied", gettext_lazy("imported")
    FAILED = "failed", gettext_lazy("refused")


class Checked(Protocol):
    """What a check found: the records to create, the rows of the preview, the problems."""

    problems: ProblemList

    @property
    def records(self) -> Sequence[Any]: ...

    @property
    def shown(self) -> list[dict[str, Any]]: ...

    @property
    def is_ok(self) -> bool: ...


class ImportJobError(DomainError):
    pass


@dataclass
class ImportJobs:
    """One app's import jobs. `check(job, progress)` reads the stored workbook and checks it
    (raising ImportFileError for a file it cannot read); `write(job, records, by, progress)`
    creates the records inside the import's transaction; `checked_empty()` makes an empty
    result to carry a file's refusal; `tasks()` returns the check and the import tasks (imported
    late: the tasks import the services). `label` names the job in logs and the security log
    ("election import"); `scope(job)` names what it imports into ("campaign:3").

    Optional: `conflicts` are the errors of `write` that mean someone changed the data meanwhile
    (refused with `conflict_message`); `empty_message` refuses a file with no row; `related` are
    the job's relations the check reads; `stored(checked)` the fields that keep a check's result;
    `applied(job, checked, written)` the fields that keep the counts of a write (`written` is what
    `write` returned) and the security log's summary of it; `subject(job)` names the job there."""

    model: Any
    label: str
    check: Callable[[Any, Progress | None], Checked]
    write: Callable[[Any, Any, User | None, Progress], object]
    checked_empty: Callable[[ProblemList], Checked]
    tasks: Callable[[], tuple[Any, Any]]
    scope: Callable[[Any], str]
    conflict_message: Any  # a str, or a lazy one
    context: str = CTX  # the message context of the app's import texts
    conflicts: tuple[type[Exception], ...] = (IntegrityError,)
    empty_message: Any = None  # a str or a lazy one; None: "The file holds no row to import."
    related: tuple[str, ...] = ("created_by",)
    stored: Callable[[Any], dict[str, Any]] = field(default=lambda checked: _stored_fields(checked))
    applied: Callable[[Any, Any, object], tuple[dict[str, Any], str]] = field(
        default=lambda job, checked, written: _applied_fields(checked)
    )
    subject: Callable[[Any], str] | None = None

    def _subject(self, job: Any) -> str:
        if self.subject is not None:
            return self.subject(job)
        return f"{self.label} {job.pk} ({job.kind})"

    # --- the upload and the check -------------------------------------------------------------

    def created(self, job: Any, *, by: User, request: Any = None) -> Any:
        """Record the upload of a saved job and enqueue its check (on commit)."""
        security_event_record(
            kind=SecurityEvent.Kind.IMPORT,
            request=request,
            user=by,
            detail=f"uploaded {self._subject(job)} for {self.scope(job)} ({job.original_name})",
        )
        enqueue_on_commit(self.tasks()[0], import_id=str(job.pk))
        return job

    def progress_cache_key(self, import_id: Any) -> str:
        return f"{self.label.replace(' ', '-')}:{import_id}:progress"

    def _checked(self, job: Any, progress: Progress | None) -> Checked:
        if not job.file:
            raise ImportFileError(_("The uploaded file has been deleted; upload it again."))
        checked = self.check(job, progress)
        if not checked.records and not checked.problems:
            empty = self.empty_message or pgettext(CTX, "The file holds no row to import.")
            checked.problems.add(Problem(str(empty)))
        return checked

    def check_stored(self, *, import_id: str) -> None:
        """Check an uploaded workbook and store the outcome (the check task): previewed when it
        can be imported, failed with the problems by row and column otherwise (and the file
        deleted). Stored only while the job is still being checked: a second delivery does
        nothing."""
        job = (
            self.model.objects.select_related(*self.related)
            .filter(pk=import_id, status=JobStatus.CHECKING)
            .first()
        )
        if job is None:
            return
        checking = self.model.objects.filter(pk=import_id, status=JobStatus.CHECKING)

        def progress(percent: int) -> None:
            checking.update(progress=max(0, min(99, percent)), updated_at=timezone.now())

        try:
            checked = self._checked(job, progress)
        except ImportFileError as e:
            checked = self.checked_empty(ProblemList.of(Problem(str(e))))
        stored = checking.update(
            status=JobStatus.PREVIEWED if checked.is_ok else JobStatus.FAILED,
            **self.stored(checked),
            error="" if checked.is_ok else _refusal(checked.problems),
            row_count=len(checked.records),
            progress=100,
            updated_at=timezone.now(),
        )
        if stored and not checked.is_ok:
            self.file_delete(import_id=import_id)

    # --- confirmation and the import ----------------------------------------------------------

    def confirm(self, *, job: Any, by: User, error: type[DomainError] = ImportJobError) -> Any:
        """Queue a checked job; the import task (enqueued on commit) writes its rows as `by`.
        Raises `error`, writing nothing, unless the job waits for confirmation."""
        with transaction.atomic():
            job = self.model.objects.select_for_update().get(pk=job.pk)
            if job.status == JobStatus.APPLIED:
                raise error(_("This file has already been imported; nothing was done."))
            if job.status in (JobStatus.QUEUED, JobStatus.APPLYING):
                raise error(_("This file is already being imported; nothing was done."))
            if job.status == JobStatus.CHECKING:
                raise error(_("The file is still being checked; wait for the result."))
            if job.status != JobStatus.PREVIEWED:
                raise error(_("This import was refused; correct the file and upload it again."))
            job.status = JobStatus.QUEUED
            job.confirmed_by = by
            job.progress = 0
            job.error = ""
            job.save(update_fields=["status", "confirmed_by", "progress", "error", "updated_at"])
            enqueue_on_commit(self.tasks()[1], import_id=str(job.pk))
        return job

    def _claim(self, import_id: str) -> datetime | None:
        now = timezone.now()
        stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        claimable = Q(status=JobStatus.QUEUED) | Q(
            status=JobStatus.APPLYING, started_at__lt=stale_before
        )
        claimed = self.model.objects.filter(claimable, pk=import_id).update(
            status=JobStatus.APPLYING, started_at=now, progress=0, error="", updated_at=now
        )
        return now if claimed else None

    def _mine(self, import_id: str, claimed_at: datetime) -> Any:
        return self.model.objects.filter(
            pk=import_id, status=JobStatus.APPLYING, started_at=claimed_at
        )

    def _progress(self, import_id: str, claimed_at: datetime) -> Progress:
        """Reading the file: on the job's row. Writing (inside the transaction): in the cache."""
        mine = self._mine(import_id, claimed_at)
        key = self.progress_cache_key(import_id)
        last = [-1]

        def progress(percent: int) -> None:
            value = max(0, min(99, percent))
            if value <= last[0]:
                return
            last[0] = value
            if value <= PROGRESS_READ:
                mine.update(progress=value)
            else:
                cache.set(key, value, timeout=settings.CELERY_TASK_TIME_LIMIT)

        return progress

    def _fail(self, import_id: str, claimed_at: datetime, message: str) -> None:
        self._mine(import_id, claimed_at).update(
            status=JobStatus.FAILED, error=message[:4000], updated_at=timezone.now()
        )

    def apply(self, *, import_id: str) -> None:
        """Import a confirmed workbook exactly once (the body of the import task): all its rows
        as the user who confirmed, history reason "imported", or none. Does nothing when the job
        is not queued. An OperationalError puts it back in the queue for the task's retry."""
        claimed_at = self._claim(import_id)
        if claimed_at is None:
            return
        progress = self._progress(import_id, claimed_at)
        job = self.model.objects.select_related(*self.related).get(pk=import_id)
        try:
            # read outside the transaction: the page sees this part of the progress
            checked = self._checked(job, lambda percent: progress(percent * PROGRESS_READ // 100))
            self._write(import_id, claimed_at, checked, progress)
        except DomainError as e:
            self._fail(import_id, claimed_at, str(e))
        except OperationalError:
            self._mine(import_id, claimed_at).update(status=JobStatus.QUEUED)
            raise
        except Exception:
            logger.exception("%s %s failed", self.label, import_id)
            self._fail(
                import_id,
                claimed_at,
                _(
                    "The import stopped because of an unexpected error; nothing was imported. "
                    "Try again later, or ask the administrator to look at the server log."
                ),
            )
        finally:
            cache.delete(self.progress_cache_key(import_id))

    @transaction.atomic
    def _write(
        self, import_id: str, claimed_at: datetime, checked: Checked, progress: Progress
    ) -> None:
        job = (
            self._mine(import_id, claimed_at)
            .select_for_update(of=("self",))
            .select_related("confirmed_by")
            .first()
        )
        if job is None:
            return
        by = job.confirmed_by
        written: object = None
        if not checked.problems:
            try:
                with transaction.atomic():
                    written = self.write(job, checked.records, by, progress)
            except self.conflicts:
                checked.problems.add(Problem(str(self.conflict_message)))
            except DomainError as e:
                checked.problems.add(
                    Problem(
                        pgettext(self.context, "Nothing was imported: %(problem)s") % {"problem": e}
                    )
                )
        if checked.problems:
            stored = self.stored(checked)
            for name, value in stored.items():
                setattr(job, name, value)
            job.status = JobStatus.FAILED
            job.error = _refusal(checked.problems)
            job.save(update_fields=["status", *stored, "error", "updated_at"])
            return
        counts, summary = self.applied(job, checked, written)
        for name, value in counts.items():
            setattr(job, name, value)
        job.status = JobStatus.APPLIED
        job.progress = 100
        job.applied_at = timezone.now()
        job.row_count = len(checked.records)
        job.save(
            update_fields=["status", "progress", "applied_at", "row_count", *counts, "updated_at"]
        )
        security_event_record(
            kind=SecurityEvent.Kind.IMPORT,
            user=by,
            detail=f"applied {self._subject(job)} to {self.scope(job)}: {summary}",
        )
        transaction.on_commit(partial(self.file_delete, import_id=import_id))

    # --- housekeeping (the periodic task) -----------------------------------------------------

    def file_delete(self, *, import_id: str) -> None:
        job = self.model.objects.filter(pk=import_id).exclude(file="").first()
        if job is None:
            return
        job.file.delete(save=False)
        self.model.objects.filter(pk=import_id).update(file="")

    def files_purge(self, *, now: datetime | None = None) -> int:
        """Delete the uploads of jobs done, failed or abandoned more than FILES_KEPT ago."""
        now = now or timezone.now()
        old = (
            self.model.objects.exclude(file="")
            .exclude(status__in=[JobStatus.QUEUED, JobStatus.APPLYING])
            .filter(updated_at__lt=now - FILES_KEPT)
        )
        purged = 0
        for import_id in old.values_list("pk", flat=True).iterator():
            self.file_delete(import_id=str(import_id))
            purged += 1
        return purged

    def requeue(self, *, now: datetime | None = None) -> int:
        """Enqueue again the tasks of jobs that waited too long for theirs (lost messages)."""
        check_task, apply_task = self.tasks()
        now = now or timezone.now()
        waited = now - timedelta(seconds=settings.IMPORT_REQUEUE_AFTER_SECONDS)
        stale_applying = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        lost = self.model.objects.filter(
            Q(status__in=[JobStatus.CHECKING, JobStatus.QUEUED], updated_at__lt=waited)
            | Q(status=JobStatus.APPLYING, started_at__lt=stale_applying)
        ).values_list("pk", "status")
        enqueued = 0
        for import_id, status in lost.iterator():
            task = check_task if status == JobStatus.CHECKING else apply_task
            enqueue_on_commit(task, import_id=str(import_id))
            enqueued += 1
        return enqueued


def _stored_fields(checked: Checked) -> dict[str, Any]:
    return {"preview": _stored(checked), "row_errors": _row_errors(checked.problems)}


def _applied_fields(checked: Checked) -> tuple[dict[str, Any], str]:
    return {"created_count": len(checked.records)}, f"{len(checked.records)} records"


def _stored(checked: Checked) -> dict[str, Any]:
    return {
        "row_count": len(checked.records),
        "problem_count": checked.problems.count,
        "rows": checked.shown if not checked.problems else [],
    }


def _row_errors(problems: ProblemList) -> list[dict[str, Any]]:
    return [
        {"row": p.row, "column": p.column, "message": p.message}
        for p in problems.kept[:PROBLEMS_STORED]
    ]


def _refusal(problems: ProblemList) -> str:
    summary = ngettext(
        "The file has %(count)s problem; nothing was imported.",
        "The file has %(count)s problems; nothing was imported.",
        problems.count,
    ) % {"count": problems.count}
    return "\n".join([summary, *(p.message for p in problems.kept[:PROBLEMS_QUOTED])])
