"""Writes of an election import: upload, the check task, confirmation, the import task.

The life of the job (checking → previewed → queued → applying → applied, or failed; the tasks,
the claim, all or nothing) is the shared one of `communities.importing.jobs`; this module says
how an election workbook is checked (against the campaign as it is then) and written
(`bulk_create_with_history`, user and reason "imported").
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
from communities.models import Street
from core.exceptions import DomainError
from core.uploads import upload_name

from ..models import Campaign, Candidate, CommitteeMember, ElectionImport
from .checks import Checked, campaign_check, results_record
from .columns import CTX
from .reading import workbook_read

HISTORY_REASON = "imported"
BATCH = 500  # rows per INSERT (and per progress report) of the writes

Status = ElectionImport.Status
Kind = ElectionImport.Kind


class ElectionImportError(DomainError):
    pass


def _check(election_import: ElectionImport, progress: Progress | None) -> Checked:
    with election_import.file.open("rb") as file:
        sheets, problems = workbook_read(file, election_import.kind, progress)
    return campaign_check(election_import, sheets, problems)


def _tasks() -> tuple[Any, Any]:
    from ..tasks import election_import_apply_task, election_import_check_task

    return election_import_check_task, election_import_apply_task


JOBS = ImportJobs(
    model=ElectionImport,
    label="election import",
    check=_check,
    write=lambda job, records, by, progress: records_write(
        job.kind, records, by=by, progress=progress
    ),
    checked_empty=lambda problems: Checked(problems=problems),
    tasks=_tasks,
    scope=lambda job: f"campaign:{job.campaign_id}",
    conflict_message=pgettext(
        CTX,
        "Someone changed the campaign's records while the import ran; nothing was imported. "
        "Upload the file again to check it.",
    ),
)

progress_cache_key = JOBS.progress_cache_key
election_import_check = JOBS.check_stored
election_import_apply = JOBS.apply
election_import_files_purge = JOBS.files_purge
election_imports_requeue = JOBS.requeue


@transaction.atomic
def election_import_create(
    *,
    campaign: Campaign,
    kind: str,
    file: File,  # type: ignore[type-arg]
    by: User,
    street: Street | None = None,
    request: HttpRequest | None = None,
) -> ElectionImport:
    """Store an uploaded workbook and check it in a task (enqueued on commit); writes nothing
    else. `street` limits a street official's import to the communities it may edit."""
    election_import = ElectionImport(
        campaign=campaign,
        kind=kind,
        street=street,
        created_by=by,
        original_name=upload_name(file),
    )
    election_import.file.save("upload.xlsx", file, save=False)
    election_import.save()
    JOBS.created(election_import, by=by, request=request)
    return election_import


def election_import_confirm(*, election_import: ElectionImport, by: User) -> ElectionImport:
    """Queue a checked import; the import task (enqueued on commit) writes its rows as `by`.
    Raises ElectionImportError, writing nothing, unless the import waits for confirmation."""
    job: ElectionImport = JOBS.confirm(job=election_import, by=by, error=ElectionImportError)
    return job


def records_write(
    kind: str, records: list[dict[str, Any]], *, by: User | None, progress: Progress | None = None
) -> int:
    """Create the checked records of `kind` in batches, each with its history (user `by`,
    reason "imported"): two INSERTs per BATCH rows. Call inside a transaction."""
    total = len(records)
    for start in range(0, total, BATCH):
        if progress is not None:
            progress(PROGRESS_READ + (100 - PROGRESS_READ) * start // max(total, 1))
        chunk = records[start : start + BATCH]
        if kind == Kind.NOMINEES:
            objs: list[Any] = [
                Candidate(**fields, status=Candidate.Status.NOMINEE, created_by=by)
                for fields in chunk
            ]
            bulk_create_with_history(
                objs,
                Candidate,
                batch_size=BATCH,
                default_user=by,
                default_change_reason=HISTORY_REASON,
            )
        elif kind == Kind.PREVIOUS_TERM:
            objs = [CommitteeMember(**fields, elected_in=None) for fields in chunk]
            bulk_create_with_history(
                objs,
                CommitteeMember,
                batch_size=BATCH,
                default_user=by,
                default_change_reason=HISTORY_REASON,
            )
        else:
            results_record(chunk, by=by)
    return total
