"""Background tasks of the audits: the Excel imports' check and import, and their housekeeping."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from core.tasks import DURABLE_TASK_OPTIONS

# --- Excel imports of engagements and findings (importing/services.py) ----------------------------


# celery ships no type information for its decorators
@shared_task(**DURABLE_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def audit_import_check_task(*, import_id: str) -> None:
    """Check an uploaded workbook; safe to deliver twice (the result is stored once)."""
    from .importing.services import audit_import_check

    with translation.override(settings.LANGUAGE_CODE):
        audit_import_check(import_id=import_id)


@shared_task(**DURABLE_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def audit_import_apply_task(*, import_id: str) -> None:
    """Import a confirmed workbook; safe to deliver twice (the import is claimed by its status)."""
    from .importing.services import audit_import_apply

    with translation.override(settings.LANGUAGE_CODE):
        audit_import_apply(import_id=import_id)


@shared_task  # type: ignore[untyped-decorator]
def audit_imports_housekeeping_task() -> None:
    """Periodic: enqueue again the tasks of imports whose message was lost, and delete the
    uploads of finished imports; safe to run twice."""
    from .importing.services import audit_import_files_purge, audit_imports_requeue

    audit_imports_requeue()
    audit_import_files_purge()
