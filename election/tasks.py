from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import translation

from core.tasks import DURABLE_TASK_OPTIONS


# celery ships no type information for its decorators
@shared_task(  # type: ignore[untyped-decorator]
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def rollup_refresh_task(*, campaign_id: int, street_id: int) -> None:
    from .services.rollups import rollup_refresh

    with translation.override(settings.LANGUAGE_CODE):
        rollup_refresh(campaign_id=campaign_id, street_id=street_id)


@shared_task(  # type: ignore[untyped-decorator]
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def campaign_rollups_task(*, campaign_id: int) -> None:
    """One campaign's whole recount and today's snapshot (idempotent for the day)."""
    from .services.rollups import campaign_rollups_refresh

    with translation.override(settings.LANGUAGE_CODE):
        campaign_rollups_refresh(campaign_id=campaign_id)


@shared_task  # type: ignore[untyped-decorator]
def rollups_dispatch() -> None:
    """Daily (settings.CELERY_BEAT_SCHEDULE): one recount task per running campaign."""
    from .services.rollups import running_campaign_ids

    with translation.override(settings.LANGUAGE_CODE):
        rulings_refresh_task.delay()
        for campaign_id in running_campaign_ids():
            campaign_rollups_task.delay(campaign_id=campaign_id)


@shared_task(  # type: ignore[untyped-decorator]
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def rulings_refresh_task() -> None:
    """Daily (from rollups_dispatch): undecided objections past their last day turn red."""
    from .services.objections import rulings_refresh

    with translation.override(settings.LANGUAGE_CODE):
        rulings_refresh()


@shared_task(  # type: ignore[untyped-decorator]
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def campaign_start_task(*, campaign_id: int, user_id: int | None) -> None:
    from .services.campaigns import campaign_plans_create

    with translation.override(settings.LANGUAGE_CODE):
        campaign_plans_create(campaign_id=campaign_id, user_id=user_id)


@shared_task(  # type: ignore[untyped-decorator]
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def plans_refresh_stale_task() -> None:
    """Every quarter of an hour (settings.CELERY_BEAT_SCHEDULE): recompute the plans an older
    rule engine computed, a bounded number per run (none: one query)."""
    from .services.plans import STALE_PER_RUN, plans_refresh_stale

    with translation.override(settings.LANGUAGE_CODE):
        plans_refresh_stale(limit=STALE_PER_RUN)


# --- Excel imports of nominees, results and previous-term members (importing/services.py) ------


@shared_task(**DURABLE_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def election_import_check_task(*, import_id: str) -> None:
    """Check an uploaded workbook; safe to deliver twice (the result is stored once)."""
    from .importing.services import election_import_check

    with translation.override(settings.LANGUAGE_CODE):
        election_import_check(import_id=import_id)


@shared_task(**DURABLE_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def election_import_apply_task(*, import_id: str) -> None:
    """Import a confirmed workbook; safe to deliver twice (the import is claimed by its status)."""
    from .importing.services import election_import_apply

    with translation.override(settings.LANGUAGE_CODE):
        election_import_apply(import_id=import_id)


@shared_task  # type: ignore[untyped-decorator]
def election_imports_housekeeping_task() -> None:
    """Periodic: enqueue again the tasks of imports whose message was lost, and delete the
    uploads of finished imports; safe to run twice."""
    from .importing.services import election_import_files_purge, election_imports_requeue

    election_imports_requeue()
    election_import_files_purge()
