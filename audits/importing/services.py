"""Writes of an audit import: upload, the check task, confirmation, the import task.

The same life as the election imports (`election/importing/services.py`): checking → previewed →
queued → applying → applied, or failed from any of them; the check and the import run in Celery
tasks that the page follows (`AuditImport.progress`, and the cache while the import writes inside
its transaction). Confirming queues the import under a row lock; the import task claims it with a
conditional UPDATE, so of two deliveries only one writes. The rows are checked again against the
district as it is then, and written in one transaction with `bulk_create_with_history` (user and
reason "imported"): every row or none. The plans' audit steps then follow the new engagements.
"""

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from simple_history.utils import bulk_create_with_history

from accounts.models import SecurityEvent, User
from accounts.services import security_event_record
from communities.importing import Problem, ProblemList, Progress
from communities.importing.results import ImportFileError
from communities.models import District, Street
from core.exceptions import DomainError
from core.tasks import enqueue_on_commit
from core.uploads import upload_name
from election.models import CommunityPlan

from ..models import AuditSubject, Engagement, Finding, Rectification
from ..models_imports import AuditImport
from .checks import Checked, engagement_service, import_check
from .columns import CTX
from .reading import workbook_read

logger = logging.getLogger(__name__)

HISTORY_REASON = "imported"
PROGRESS_READ = 40  # the share of the progress bar taken by reading the file
BATCH = 500  # rows per INSERT (and per progress report) of the writes
PROBLEMS_QUOTED = 3
FILES_KEPT = timedelta(days=1)
PROBLEMS_STORED = 200

Status = AuditImport.Status
Kind = AuditImport.Kind


class AuditImportError(DomainError):
    pass


def progress_cache_key(import_id: Any) -> str:
    return f"audit-import:{import_id}:progress"


@transaction.atomic
def audit_import_create(
    *,
    district: District,
    kind: str,
    file: File,  # type: ignore[type-arg]
    by: User,
    street: Street | None = None,
    request: HttpRequest | None = None,
) -> AuditImport:
    """Store an uploaded workbook and check it in a task (enqueued on commit); writes nothing
    else. `street` limits a street official's import to the communities it may edit."""
    from ..tasks import audit_import_check_task

    audit_import = AuditImport(
        district=district,
        kind=kind,
        street=street,
        created_by=by,
        original_name=upload_name(file),
    )
    audit_import.file.save("upload.xlsx", file, save=False)
    audit_import.save()
    security_event_record(
        kind=SecurityEvent.Kind.IMPORT,
        request=request,
        user=by,
        detail=f"uploaded audit import {audit_import.pk} ({kind}) for district:{district.pk} "
        f"({audit_import.original_name})",
    )
    enqueue_on_commit(audit_import_check_task, import_id=str(audit_import.pk))
    return audit_import


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


def _check(audit_import: AuditImport, progress: Progress | None) -> Checked:
    if not audit_import.file:
        raise ImportFileError(_("The uploaded file has been deleted; upload it again."))
    with audit_import.file.open("rb") as file:
        rows, problems = workbook_read(file, audit_import.kind, progress)
    checked = import_check(audit_import, rows, problems)
    if not checked.records and not checked.problems:
        checked.problems.add(
            Problem(pgettext("election import column", "The file holds no row to import."))
        )
    return checked


def _refusal(problems: ProblemList) -> str:
    summary = ngettext(
        "The file has %(count)s problem; nothing was imported.",
        "The file has %(count)s problems; nothing was imported.",
        problems.count,
    ) % {"count": problems.count}
    return "\n".join([summary, *(p.message for p in problems.kept[:PROBLEMS_QUOTED])])


def audit_import_check(*, import_id: str) -> None:
    """Check an uploaded workbook and store the outcome (the check task): previewed when it can
    be imported, failed with the problems by row and column otherwise (and the file deleted).
    Stored only while the import is still being checked, so a second delivery does nothing."""
    audit_import = (
        AuditImport.objects.select_related("created_by")
        .filter(pk=import_id, status=Status.CHECKING)
        .first()
    )
    if audit_import is None:
        return
    checking = AuditImport.objects.filter(pk=import_id, status=Status.CHECKING)

    def progress(percent: int) -> None:
        checking.update(progress=max(0, min(99, percent)), updated_at=timezone.now())

    try:
        checked = _check(audit_import, progress)
    except ImportFileError as e:
        checked = Checked(problems=ProblemList.of(Problem(str(e))))
    stored = checking.update(
        status=Status.PREVIEWED if checked.is_ok else Status.FAILED,
        preview=_stored(checked),
        row_errors=_row_errors(checked.problems),
        error="" if checked.is_ok else _refusal(checked.problems),
        row_count=len(checked.records),
        progress=100,
        updated_at=timezone.now(),
    )
    if stored and not checked.is_ok:
        _file_delete(import_id=import_id)


@transaction.atomic
def audit_import_confirm(*, audit_import: AuditImport, by: User) -> AuditImport:
    """Queue a checked import; the import task (enqueued on commit) writes its rows as `by`.
    Raises AuditImportError, writing nothing, unless the import waits for confirmation."""
    from ..tasks import audit_import_apply_task

    audit_import = AuditImport.objects.select_for_update().get(pk=audit_import.pk)
    if audit_import.status == Status.APPLIED:
        raise AuditImportError(_("This file has already been imported; nothing was done."))
    if audit_import.status in (Status.QUEUED, Status.APPLYING):
        raise AuditImportError(_("This file is already being imported; nothing was done."))
    if audit_import.status == Status.CHECKING:
        raise AuditImportError(_("The file is still being checked; wait for the result."))
    if audit_import.status != Status.PREVIEWED:
        raise AuditImportError(_("This import was refused; correct the file and upload it again."))
    audit_import.status = Status.QUEUED
    audit_import.confirmed_by = by
    audit_import.progress = 0
    audit_import.error = ""
    audit_import.save(update_fields=["status", "confirmed_by", "progress", "error", "updated_at"])
    enqueue_on_commit(audit_import_apply_task, import_id=str(audit_import.pk))
    return audit_import


def _claim(import_id: str) -> datetime | None:
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=Status.QUEUED) | Q(status=Status.APPLYING, started_at__lt=stale_before)
    claimed = AuditImport.objects.filter(claimable, pk=import_id).update(
        status=Status.APPLYING, started_at=now, progress=0, error="", updated_at=now
    )
    return now if claimed else None


def _progress_callback(import_id: str, claimed_at: datetime) -> Progress:
    """Reading the file: on the import's row. Writing (inside the transaction): in the cache."""
    mine = AuditImport.objects.filter(pk=import_id, status=Status.APPLYING, started_at=claimed_at)
    key = progress_cache_key(import_id)
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


def _fail(import_id: str, claimed_at: datetime, message: str) -> None:
    AuditImport.objects.filter(pk=import_id, status=Status.APPLYING, started_at=claimed_at).update(
        status=Status.FAILED, error=message[:4000], updated_at=timezone.now()
    )


def audit_import_apply(*, import_id: str) -> None:
    """Import a confirmed workbook exactly once (the body of `audit_import_apply_task`): all its
    rows as the user who confirmed, history reason "imported", or none. Does nothing when the
    import is not queued. An OperationalError puts it back in the queue for the task's retry."""
    claimed_at = _claim(import_id)
    if claimed_at is None:
        return
    progress = _progress_callback(import_id, claimed_at)
    audit_import = AuditImport.objects.select_related("created_by").get(pk=import_id)
    try:
        # read outside the transaction: the page sees this part of the progress
        checked = _check(audit_import, lambda percent: progress(percent * PROGRESS_READ // 100))
        _apply(import_id, claimed_at, checked, progress)
    except DomainError as e:
        _fail(import_id, claimed_at, str(e))
    except OperationalError:
        AuditImport.objects.filter(
            pk=import_id, status=Status.APPLYING, started_at=claimed_at
        ).update(status=Status.QUEUED)
        raise
    except Exception:
        logger.exception("audit import %s failed", import_id)
        _fail(
            import_id,
            claimed_at,
            _(
                "The import stopped because of an unexpected error; nothing was imported. Try "
                "again later, or ask the administrator to look at the server log."
            ),
        )
    finally:
        cache.delete(progress_cache_key(import_id))


@transaction.atomic
def _apply(import_id: str, claimed_at: datetime, checked: Checked, progress: Progress) -> None:
    audit_import = (
        AuditImport.objects.select_for_update(of=("self",))
        .select_related("confirmed_by")
        .filter(pk=import_id, status=Status.APPLYING, started_at=claimed_at)
        .first()
    )
    if audit_import is None:
        return
    by = audit_import.confirmed_by
    if not checked.problems:
        try:
            with transaction.atomic():
                records_write(audit_import.kind, checked.records, by=by, progress=progress)
        except IntegrityError:
            checked.problems.add(
                Problem(
                    pgettext(
                        CTX,
                        "Someone changed the district's audits while the import ran; nothing "
                        "was imported. Upload the file again to check it.",
                    )
                )
            )
        except DomainError as e:
            checked.problems.add(
                Problem(pgettext(CTX, "Nothing was imported: %(problem)s") % {"problem": e})
            )
    if checked.problems:
        audit_import.status = Status.FAILED
        audit_import.preview = _stored(checked)
        audit_import.row_errors = _row_errors(checked.problems)
        audit_import.error = _refusal(checked.problems)
        audit_import.save(update_fields=["status", "preview", "row_errors", "error", "updated_at"])
        return
    audit_import.status = Status.APPLIED
    audit_import.progress = 100
    audit_import.applied_at = timezone.now()
    audit_import.row_count = len(checked.records)
    audit_import.created_count = len(checked.records)
    audit_import.save(
        update_fields=[
            "status",
            "progress",
            "applied_at",
            "row_count",
            "created_count",
            "updated_at",
        ]
    )
    security_event_record(
        kind=SecurityEvent.Kind.IMPORT,
        user=by,
        detail=f"applied audit import {audit_import.pk} ({audit_import.kind}) to "
        f"district:{audit_import.district_id}: {len(checked.records)} records",
    )
    transaction.on_commit(partial(_file_delete, import_id=import_id))


def _bulk(objs: list[Any], model: type[Any], by: User | None) -> list[Any]:
    return list(
        bulk_create_with_history(
            objs, model, batch_size=BATCH, default_user=by, default_change_reason=HISTORY_REASON
        )
    )


def _engagements_write(chunk: list[dict[str, Any]], by: User | None) -> None:
    engagements = _bulk(
        [Engagement(**record["engagement"], created_by=by) for record in chunk], Engagement, by
    )
    if any(e.pk is None for e in engagements):
        # a database that returns no ids from a bulk INSERT: read them back by plan and kind
        ids = {
            (plan_id, kind): pk
            for plan_id, kind, pk in Engagement.objects.filter(
                plan_id__in={e.plan_id for e in engagements}
            ).values_list("plan_id", "kind", "pk")
        }
        for engagement in engagements:
            engagement.pk = ids[(engagement.plan_id, engagement.kind)]
    subjects = [
        AuditSubject(engagement_id=engagement.pk, name=name, post=post)
        for engagement, record in zip(engagements, chunk, strict=True)
        for name, post in record["subjects"]
    ]
    _bulk(subjects, AuditSubject, by)


def _findings_write(chunk: list[dict[str, Any]], by: User | None) -> None:
    findings = _bulk([Finding(**record["finding"], created_by=by) for record in chunk], Finding, by)
    rectifications = [
        Rectification(finding_id=finding.pk, **record["rectification"], created_by=by)
        for finding, record in zip(findings, chunk, strict=True)
        if record["rectification"]
    ]
    _bulk(rectifications, Rectification, by)


def records_write(
    kind: str, records: list[dict[str, Any]], *, by: User | None, progress: Progress | None = None
) -> int:
    """Create the checked records of `kind` in batches, each with its history (user `by`,
    reason "imported"); the plans of new engagements then bring their audit steps in line.
    Call inside a transaction."""
    total = len(records)
    for start in range(0, total, BATCH):
        if progress is not None:
            progress(PROGRESS_READ + (100 - PROGRESS_READ) * start // max(total, 1))
        chunk = records[start : start + BATCH]
        if kind == Kind.ENGAGEMENTS:
            _engagements_write(chunk, by)
        else:
            _findings_write(chunk, by)
    steps_follow = engagement_service("steps_follow")
    if kind == Kind.ENGAGEMENTS and by is not None and steps_follow is not None:
        plan_ids = sorted({record["engagement"]["plan_id"] for record in records})
        for plan in CommunityPlan.objects.select_for_update(of=("self",)).filter(pk__in=plan_ids):
            steps_follow(plan=plan, by=by)
    return total


def _file_delete(*, import_id: str) -> None:
    audit_import = AuditImport.objects.filter(pk=import_id).exclude(file="").first()
    if audit_import is None:
        return
    audit_import.file.delete(save=False)
    AuditImport.objects.filter(pk=import_id).update(file="")


def audit_import_files_purge(*, now: datetime | None = None) -> int:
    """Delete the uploads of imports done, failed or abandoned more than FILES_KEPT ago."""
    now = now or timezone.now()
    old = (
        AuditImport.objects.exclude(file="")
        .exclude(status__in=[Status.QUEUED, Status.APPLYING])
        .filter(updated_at__lt=now - FILES_KEPT)
    )
    purged = 0
    for import_id in old.values_list("pk", flat=True).iterator():
        _file_delete(import_id=str(import_id))
        purged += 1
    return purged


def audit_imports_requeue(*, now: datetime | None = None) -> int:
    """Enqueue again the tasks of imports that waited too long for theirs (lost messages)."""
    from ..tasks import audit_import_apply_task, audit_import_check_task

    now = now or timezone.now()
    waited = now - timedelta(seconds=settings.IMPORT_REQUEUE_AFTER_SECONDS)
    stale_applying = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    lost = AuditImport.objects.filter(
        Q(status__in=[Status.CHECKING, Status.QUEUED], updated_at__lt=waited)
        | Q(status=Status.APPLYING, started_at__lt=stale_applying)
    ).values_list("pk", "status")
    enqueued = 0
    for import_id, status in lost.iterator():
        task = audit_import_check_task if status == Status.CHECKING else audit_import_apply_task
        enqueue_on_commit(task, import_id=str(import_id))
        enqueued += 1
    return enqueued
