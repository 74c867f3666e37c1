"""Writes of an audit import (engagements and their subjects, findings and their rectification
items): upload, the check task, confirmation, the import task.

The life of the job (checking → previewed → queued → applying → applied, or failed; the tasks,
the claim, all or nothing) is the shared one of `communities.importing.jobs`; this module says
how an audit workbook is checked (against the district as it is then) and written
(`bulk_create_with_history`, user and reason "imported"); the plans' audit steps then follow the
new engagements.
"""

from typing import Any

from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import pgettext
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from communities.importing import Progress
from communities.importing.jobs import PROGRESS_READ, ImportJobs
from communities.models import District, Street
from core.exceptions import DomainError
from core.uploads import upload_name
from election.models import CommunityPlan

from ..models import AuditSubject, Engagement, Finding, Rectification
from ..models_imports import AuditImport
from .checks import Checked, engagement_service, import_check
from .columns import CTX
from .reading import workbook_read

HISTORY_REASON = "imported"
BATCH = 500  # rows per INSERT (and per progress report) of the writes

Status = AuditImport.Status
Kind = AuditImport.Kind


class AuditImportError(DomainError):
    pass


def _check(audit_import: AuditImport, progress: Progress | None) -> Checked:
    with audit_import.file.open("rb") as file:
        rows, problems = workbook_read(file, audit_import.kind, progress)
    return import_check(audit_import, rows, problems)


def _tasks() -> tuple[Any, Any]:
    from ..tasks import audit_import_apply_task, audit_import_check_task

    return audit_import_check_task, audit_import_apply_task


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


JOBS = ImportJobs(
    model=AuditImport,
    label="audit import",
    check=_check,
    write=lambda job, records, by, progress: records_write(
        job.kind, records, by=by, progress=progress
    ),
    checked_empty=lambda problems: Checked(problems=problems),
    tasks=_tasks,
    scope=lambda job: f"district:{job.district_id}",
    conflict_message=pgettext(
        CTX,
        "Someone changed the district's audits while the import ran; nothing was imported. "
        "Upload the file again to check it.",
    ),
    context=CTX,
)

progress_cache_key = JOBS.progress_cache_key
audit_import_check = JOBS.check_stored
audit_import_apply = JOBS.apply
audit_import_files_purge = JOBS.files_purge
audit_imports_requeue = JOBS.requeue


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
    audit_import = AuditImport(
        district=district,
        kind=kind,
        street=street,
        created_by=by,
        original_name=upload_name(file),
    )
    audit_import.file.save("upload.xlsx", file, save=False)
    audit_import.save()
    JOBS.created(audit_import, by=by, request=request)
    return audit_import


def audit_import_confirm(*, audit_import: AuditImport, by: User) -> AuditImport:
    """Queue a checked import; the import task (enqueued on commit) writes its rows as `by`.
    Raises AuditImportError, writing nothing, unless the import waits for confirmation."""
    job: AuditImport = JOBS.confirm(job=audit_import, by=by, error=AuditImportError)
    return job
