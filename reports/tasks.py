import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.utils import translation

from core.tasks import DURABLE_TASK_OPTIONS

logger = logging.getLogger(__name__)


# celery ships no type information for its decorators
@shared_task(**DURABLE_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def report_render_task(*, run_id: int) -> None:
    """Render one report run; safe to deliver twice (the run is claimed by its status)."""
    from .services import report_render

    with translation.override(settings.LANGUAGE_CODE):
        report_render(run_id=run_id)


@shared_task  # type: ignore[untyped-decorator]
def reports_dispatch_task() -> None:
    """Weekly (settings.CELERY_BEAT_SCHEDULE): this week's runs, and any missed week's."""
    from .services import reports_dispatch

    with translation.override(settings.LANGUAGE_CODE):
        reports_dispatch()


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _report_writers_preload(**kwargs: object) -> None:
    """Each worker process loads the PDF writer as it starts, not in its first report. A failure
    here (fonts missing, say) must not stop the worker: the report task reports it properly."""
    from .exporters.pdf import pdf_preload

    try:
        pdf_preload()
    except Exception:
        logger.warning("PDF writer not loaded ahead of the first report", exc_info=True)


@shared_task  # type: ignore[untyped-decorator]
def report_runs_requeue_task() -> None:
    """Every few minutes (settings.CELERY_BEAT_SCHEDULE): runs whose message was lost."""
    from .services import report_runs_requeue

    report_runs_requeue()
