"""Writes of the Excel import: upload, the check task, confirmation, the import task, clean-up.

An import moves checking → previewed → queued → applying → applied, or to failed from any of
them. The check and the import read 25,000 rows, so each runs in a Celery task that the page
follows (`CommunityImport.progress`, polled by htmx).

Exactly once, like the weekly report: confirming moves the import to queued under a row lock;
the import task claims it by moving it from queued to applying with a conditional `.update()`
(of two deliveries, only one matches), then creates everything in one transaction, under the
import's row lock, only while the claim is still its own. A worker killed mid-import leaves
nothing written (its transaction dies with it) and the import in applying: once
`CELERY_TASK_TIME_LIMIT` has passed, the redelivered task claims it again.

Progress of the writes: they happen inside one transaction, which no other connection sees
before it commits, so that part of the progress goes through the cache (Redis, shared with the
web processes, whenever a real worker runs). See `selectors.community_import_progress`.
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
from django.utils.translation import ngettext

from accounts.models import SecurityEvent, User
from accounts.services import security_event_record
from core.exceptions import DomainError
from core.tasks import enqueue_on_commit
from core.uploads import upload_name

from ..importing import (
    CommunityImportError,
    ImportCheck,
    ImportFileError,
    ImportRow,
    Problem,
    ProblemList,
    Progress,
    checks_merge,
    district_check,
    import_check,
    workbook_parse,
)
from ..models import CommunityImport, District, Street
from . import CommunityError, community_create

logger = logging.getLogger(__name__)

HISTORY_REASON = "imported"
# the share of the progress bar taken by reading the file; the writes take the rest
PROGRESS_READ = 40
# how often (in communities) the writes report their progress
PROGRESS_EVERY_COMMUNITIES = 200
# problems quoted in the error of a failed import (the page lists the first PROBLEMS_KEPT)
PROBLEMS_QUOTED = 3
# uploads are deleted this long after their import is done, failed or abandoned
FILES_KEPT = timedelta(days=1)

Status = CommunityImport.Status


def progress_cache_key(import_id: Any) -> str:
    return f"community-import:{import_id}:progress"


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
    from ..tasks import community_import_check_task

    community_import = CommunityImport(
        district=district, uploaded_by=by, original_name=upload_name(file)
    )
    community_import.file.save("upload.xlsx", file, save=False)
    community_import.save()
    security_event_record(
        kind=SecurityEvent.Kind.IMPORT,
        request=request,
        user=by,
        detail=f"uploaded {community_import.pk} for district:{district.pk} "
        f"({community_import.original_name})",
    )
    enqueue_on_commit(community_import_check_task, import_id=str(community_import.pk))
    return community_import


def community_import_check(*, import_id: str) -> None:
    """Check an uploaded workbook and store the result for the import page (the check task).

    Writes nothing but the import's own row: previewed when the file can be imported, failed
    with the problems otherwise (and the refused file deleted). Safe to run twice: the result is
    stored only while the import is still being checked. Runs outside a transaction, so that the
    page sees the progress.
    """
    community_import = (
        CommunityImport.objects.select_related("district")
        .filter(pk=import_id, status=Status.CHECKING)
        .first()
    )
    if community_import is None:
        return
    checking = CommunityImport.objects.filter(pk=import_id, status=Status.CHECKING)

    def progress(percent: int) -> None:
        # updated_at too: a check that makes progress is not one whose message was lost
        checking.update(progress=max(0, min(99, percent)), updated_at=timezone.now())

    try:
        check = import_check(community_import=community_import, progress=progress)
    except ImportFileError as e:
        check = ImportCheck(problems=ProblemList.of(Problem(str(e))))
    if not check.rows and not check.problems:
        check.problems.add(Problem(_("The file holds no community to import.")))
    stored = checking.update(
        status=Status.PREVIEWED if check.is_ok else Status.FAILED,
        preview=check.to_preview(),
        error="" if check.is_ok else _refusal(check.problems),
        row_count=len(check.rows),
        progress=100,
        updated_at=timezone.now(),
    )
    if stored and not check.is_ok:
        # a refused file is never imported: it is not kept (a corrected one is uploaded anew)
        _file_delete(import_id=import_id)


@transaction.atomic
def community_import_confirm(*, community_import: CommunityImport, by: User) -> CommunityImport:
    """Queue a checked import; the import task (enqueued on commit) creates its rows as `by`.

    Raises CommunityImportError, writing nothing, unless the import is checked and waiting for
    confirmation: a second confirmation of the same file is refused.
    """
    from ..tasks import community_import_apply_task

    community_import = CommunityImport.objects.select_for_update().get(pk=community_import.pk)
    if community_import.status == Status.APPLIED:
        raise CommunityImportError(_("This file has already been imported; nothing was done."))
    if community_import.status in (Status.QUEUED, Status.APPLYING):
        raise CommunityImportError(_("This file is already being imported; nothing was done."))
    if community_import.status == Status.CHECKING:
        raise CommunityImportError(_("The file is still being checked; wait for the result."))
    if community_import.status != Status.PREVIEWED:
        raise CommunityImportError(
            _("This import was refused; correct the file and upload it again.")
        )
    community_import.status = Status.QUEUED
    community_import.confirmed_by = by
    community_import.progress = 0
    community_import.error = ""
    community_import.save(
        update_fields=["status", "confirmed_by", "progress", "error", "updated_at"]
    )
    enqueue_on_commit(community_import_apply_task, import_id=str(community_import.pk))
    return community_import


def _claim(import_id: str) -> datetime | None:
    """Move the import to applying if it is queued, or applying for longer than the task's time
    limit (its worker was killed). Returns the claim's start time, or None if the import is not
    ours to apply. One UPDATE: of two deliveries, only one matches."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=Status.QUEUED) | Q(status=Status.APPLYING, started_at__lt=stale_before)
    claimed = CommunityImport.objects.filter(claimable, pk=import_id).update(
        status=Status.APPLYING, started_at=now, progress=0, error="", updated_at=now
    )
    return now if claimed else None


def _progress_callback(import_id: str, claimed_at: datetime) -> Progress:
    """Reading the file: on the import's row. Writing: in the cache (see the module docstring)."""
    mine = CommunityImport.objects.filter(
        pk=import_id, status=Status.APPLYING, started_at=claimed_at
    )
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


def _refusal(problems: ProblemList) -> str:
    """The reason an import failed, in a few sentences: how many problems, and the first ones."""
    summary = ngettext(
        "The file has %(count)s problem; nothing was imported.",
        "The file has %(count)s problems; nothing was imported.",
        problems.count,
    ) % {"count": problems.count}
    return "\n".join([summary, *(p.message for p in problems.kept[:PROBLEMS_QUOTED])])


def _fail(import_id: str, claimed_at: datetime, message: str) -> None:
    CommunityImport.objects.filter(
        pk=import_id, status=Status.APPLYING, started_at=claimed_at
    ).update(status=Status.FAILED, error=message[:4000], updated_at=timezone.now())


def community_import_apply(*, import_id: str) -> None:
    """Import a confirmed workbook exactly once (the body of `community_import_apply_task`).

    Creates the new streets, then the communities with their committees, as the user who
    confirmed, history reason "imported"; all or nothing. Returns without doing anything when
    the import is not queued (done, failed, or claimed by another delivery). The file is checked
    again against the district as it is now: when it has a problem, or a concurrent change breaks
    a constraint, nothing is created and the import is failed with the reason. An OperationalError
    puts the import back in the queue and propagates, for the task to retry; any other error
    fails the import and is logged. Once imported, the file is deleted and the import written to
    the security log.
    """
    claimed_at = _claim(import_id)
    if claimed_at is None:
        return
    progress = _progress_callback(import_id, claimed_at)
    community_import = CommunityImport.objects.get(pk=import_id)
    try:
        if not community_import.file:
            raise ImportFileError(_("The uploaded file has been deleted; upload it again."))
        # read outside the transaction: the page sees this part of the progress
        with community_import.file.open("rb") as file:
            rows, problems = workbook_parse(
                file, lambda percent: progress(percent * PROGRESS_READ // 100)
            )
        _apply_rows(import_id, claimed_at, rows, problems, progress)
    except DomainError as e:
        _fail(import_id, claimed_at, str(e))
    except OperationalError:
        CommunityImport.objects.filter(
            pk=import_id, status=Status.APPLYING, started_at=claimed_at
        ).update(status=Status.QUEUED)
        raise
    except Exception:
        logger.exception("community import %s failed", import_id)
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
def _apply_rows(
    import_id: str,
    claimed_at: datetime,
    rows: list[ImportRow],
    file_problems: ProblemList,
    progress: Progress,
) -> None:
    # under the import's lock, and only while the claim is still ours
    community_import = (
        CommunityImport.objects.select_for_update(of=("self",))
        .select_related("district", "confirmed_by")
        .filter(pk=import_id, status=Status.APPLYING, started_at=claimed_at)
        .first()
    )
    if community_import is None:
        return
    by = community_import.confirmed_by
    check = checks_merge(district_check(rows, community_import.district), file_problems)
    if not check.rows and not check.problems:
        check.problems.add(Problem(_("The file holds no community to import.")))
    streets_created = 0
    if not check.problems:
        try:
            # a savepoint: the hierarchy writes go together or not at all
            with transaction.atomic():
                streets_created = _create_all(check, community_import.district, by, progress)
        except (IntegrityError, CommunityError):
            check.problems.add(
                Problem(
                    _(
                        "Someone changed the district's streets or communities while the import "
                        "ran; nothing was imported. Upload the file again to check it."
                    )
                )
            )
    now = timezone.now()
    if check.problems:
        community_import.status = Status.FAILED
        community_import.preview = check.to_preview()
        community_import.error = _refusal(check.problems)
        community_import.save(update_fields=["status", "preview", "error", "updated_at"])
        return
    community_import.status = Status.APPLIED
    community_import.progress = 100
    community_import.applied_at = now
    community_import.row_count = len(check.rows)
    community_import.streets_created = streets_created
    community_import.communities_created = len(check.rows)
    community_import.save(
        update_fields=[
            "status",
            "progress",
            "applied_at",
            "row_count",
            "streets_created",
            "communities_created",
            "updated_at",
        ]
    )
    security_event_record(
        kind=SecurityEvent.Kind.IMPORT,
        user=by,
        detail=f"applied {community_import.pk} to district:{community_import.district_id}: "
        f"{streets_created} streets, {len(check.rows)} communities",
    )
    transaction.on_commit(partial(_file_delete, import_id=import_id))


def _create_all(check: ImportCheck, district: District, by: User | None, progress: Progress) -> int:
    """Create the new streets, then the communities with their committees; returns the streets."""
    street_ids = dict(district.streets.values_list("name", "pk"))
    for name in check.new_streets:
        street = Street(district=district, name=name)
        street._history_user = by  # type: ignore[attr-defined]
        street._change_reason = HISTORY_REASON  # type: ignore[attr-defined]
        street.save()
        street_ids[name] = street.pk
    total = len(check.rows)
    for done, row in enumerate(check.rows):
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
    return len(check.new_streets)


def _file_delete(*, import_id: str) -> None:
    community_import = CommunityImport.objects.filter(pk=import_id).exclude(file="").first()
    if community_import is None:
        return
    community_import.file.delete(save=False)
    CommunityImport.objects.filter(pk=import_id).update(file="")


def community_import_files_purge(*, now: datetime | None = None) -> int:
    """Delete the uploaded files of imports done, failed or abandoned more than FILES_KEPT ago.

    Keeps the import rows (who imported what, when). Imports being imported keep their file.
    Idempotent; returns how many files were deleted.
    """
    now = now or timezone.now()
    old = (
        CommunityImport.objects.exclude(file="")
        .exclude(status__in=[Status.QUEUED, Status.APPLYING])
        .filter(updated_at__lt=now - FILES_KEPT)
    )
    purged = 0
    for import_id in old.values_list("pk", flat=True).iterator():
        _file_delete(import_id=str(import_id))
        purged += 1
    return purged


def community_imports_requeue(*, now: datetime | None = None) -> int:
    """Enqueue again the tasks of imports that waited too long for theirs (the periodic task).

    An import being checked, or confirmed and waiting to be imported, whose last change is older
    than IMPORT_REQUEUE_AFTER_SECONDS has most likely lost its message (a broker restarted
    without persistence); so has an import still being imported after CELERY_TASK_TIME_LIMIT.
    Each gets its task again, on commit. Safe to run twice and safe when the first message was
    only late: the check stores its result only while the import is being checked, and the
    import task claims the import by its status, so a second delivery does nothing. Returns how
    many tasks were enqueued.
    """
    from ..tasks import community_import_apply_task, community_import_check_task

    now = now or timezone.now()
    waited = now - timedelta(seconds=settings.IMPORT_REQUEUE_AFTER_SECONDS)
    stale_applying = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    lost = CommunityImport.objects.filter(
        Q(status__in=[Status.CHECKING, Status.QUEUED], updated_at__lt=waited)
        | Q(status=Status.APPLYING, started_at__lt=stale_applying)
    ).values_list("pk", "status")
    enqueued = 0
    for import_id, status in lost.iterator():
        task = (
            community_import_check_task
            if status == Status.CHECKING
            else community_import_apply_task
        )
        enqueue_on_commit(task, import_id=str(import_id))
        enqueued += 1
    if enqueued:
        logger.warning("enqueued the tasks of %s waiting community imports again", enqueued)
    return enqueued
