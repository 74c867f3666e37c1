"""Writes of the Excel import of streets and communities: upload, the check task, confirmation,
the import task, clean-up.

The life of the job (checking → previewed → queued → applying → applied, or failed; the tasks,
the claim, all or nothing, the progress through the cache while the rows are written) is the
shared one of `communities.importing.jobs`; this module says how a community workbook is checked
(against the district as it is then) and written: the new streets, then each community with its
two committees (`community_create`), as the user who confirmed, history reason "imported".
"""

import logging
from datetime import datetime
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.uploads import upload_name

from ..importing import CommunityImportError, ImportCheck, ImportRow, Progress, import_check
from ..importing.jobs import PROGRESS_READ, ImportJobs
from ..models import CommunityImport, District, Street
from . import CommunityError, community_create

logger = logging.getLogger(__name__)

HISTORY_REASON = "imported"
# how often (in communities) the writes report their progress
PROGRESS_EVERY_COMMUNITIES = 200

Status = CommunityImport.Status


def _check(community_import: CommunityImport, progress: Progress | None) -> ImportCheck:
    return import_check(community_import=community_import, progress=progress)


def _tasks() -> tuple[Any, Any]:
    from ..tasks import community_import_apply_task, community_import_check_task

    return community_import_check_task, community_import_apply_task


def _applied(
    community_import: CommunityImport, check: ImportCheck, streets_created: object
) -> tuple[dict[str, Any], str]:
    communities = len(check.rows)
    counts = {"streets_created": streets_created, "communities_created": communities}
    return counts, f"{streets_created} streets, {communities} communities"


def _write(
    community_import: CommunityImport, rows: list[ImportRow], by: User | None, progress: Progress
) -> int:
    return rows_create(rows, district=community_import.district, by=by, progress=progress)


JOBS = ImportJobs(
    model=CommunityImport,
    label="community import",
    check=_check,
    write=_write,
    checked_empty=lambda problems: ImportCheck(problems=problems),
    tasks=_tasks,
    scope=lambda community_import: f"district:{community_import.district_id}",
    conflict_message=gettext_lazy(
        "Someone changed the district's streets or communities while the import ran; nothing was "
        "imported. Upload the file again to check it."
    ),
    conflicts=(IntegrityError, CommunityError),
    empty_message=gettext_lazy("The file holds no community to import."),
    related=("district",),
    stored=lambda check: {"preview": check.to_preview()},
    applied=_applied,
    subject=lambda community_import: str(community_import.pk),
)

progress_cache_key = JOBS.progress_cache_key
community_import_check = JOBS.check_stored
community_import_apply = JOBS.apply
community_import_files_purge = JOBS.files_purge


@transaction.atomic
def community_import_create(
    *,
    district: District,
    file: File,  # type: ignore[type-arg]
    by: User,
    request: HttpRequest | None = None,
) -> CommunityImport:
    """Store an uploaded workbook and check it in a task (enqueued on commit).

    Writes no street or community. `file` should have passed `workbook_check` (the upload form
    runs it); the check task checks it again. The upload is written to the security log.
    """
    community_import = CommunityImport(
        district=district, uploaded_by=by, original_name=upload_name(file)
    )
    community_import.file.save("upload.xlsx", file, save=False)
    community_import.save()
    JOBS.created(community_import, by=by, request=request)
    return community_import


def community_import_confirm(*, community_import: CommunityImport, by: User) -> CommunityImport:
    """Queue a checked import; the import task (enqueued on commit) creates its rows as `by`.

    Raises CommunityImportError, writing nothing, unless the import is checked and waiting for
    confirmation: a second confirmation of the same file is refused.
    """
    job: CommunityImport = JOBS.confirm(job=community_import, by=by, error=CommunityImportError)
    return job


def community_imports_requeue(*, now: datetime | None = None) -> int:
    """Enqueue again the tasks of imports that waited too long for theirs (the periodic task);
    see `ImportJobs.requeue`. Returns how many tasks were enqueued."""
    enqueued = JOBS.requeue(now=now)
    if enqueued:
        logger.warning("enqueued the tasks of %s waiting community imports again", enqueued)
    return enqueued


def rows_create(
    rows: list[ImportRow], *, district: District, by: User | None, progress: Progress
) -> int:
    """Create the streets of `rows` the district lacks, then each row's community with its
    committees, as `by` with history reason "imported"; returns how many streets were created.
    Call inside a transaction: raises CommunityError or IntegrityError when someone created the
    same street or community meanwhile."""
    street_ids = dict(district.streets.values_list("name", "pk"))
    new_streets = sorted({row.street for row in rows} - set(street_ids))
    for name in new_streets:
        street = Street(district=district, name=name)
        street._history_user = by  # type: ignore[attr-defined]
        street._change_reason = HISTORY_REASON  # type: ignore[attr-defined]
        street.save()
        street_ids[name] = street.pk
    total = len(rows)
    for done, row in enumerate(rows):
        if done % PROGRESS_EVERY_COMMUNITIES == 0:
            progress(PROGRESS_READ + (100 - PROGRESS_READ) * done // total)
        community_create(
            street_id=street_ids[row.street],
            data=row.profile(),
            party_type=row.party_type,
            party_seats=row.party_seats,
            residents_seats=row.residents_seats,
            by=by,
            reason=HISTORY_REASON,
        )
    return len(new_streets)
