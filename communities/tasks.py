from celery import shared_task
from django.conf import settings
from django.utils import translation

from core.tasks import DURABLE_TASK_OPTIONS


# celery ships no type information for its decorators
@shared_task(**DURABLE_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def community_import_check_task(*, import_id: str) -> None:
    """Check an uploaded workbook; safe to deliver twice (the result is stored once)."""
    from .services.imports import community_import_check

    with translation.override(settings.LANGUAGE_CODE):
        community_import_check(import_id=import_id)


@shared_task(**DURABLE_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def community_import_apply_task(*, import_id: str) -> None:
    """Import a confirmed workbook; safe to deliver twice (the import is claimed by its status)."""
    from .services.imports import community_import_apply

    with translation.override(settings.LANGUAGE_CODE):
        community_import_apply(import_id=import_id)


@shared_task  # type: ignore[untyped-decorator]
def community_import_files_purge_task() -> None:
    """Daily (settings.CELERY_BEAT_SCHEDULE): delete the uploads of finished imports."""
    from .services.imports import community_import_files_purge

    community_import_files_purge()


@shared_task  # type: ignore[untyped-decorator]
def community_imports_requeue_task() -> None:
    """Every few minutes (settings.CELERY_BEAT_SCHEDULE): enqueue again the tasks of imports
    whose message was lost; safe to run twice."""
    from .services.imports import community_imports_requeue

    community_imports_requeue()
