from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import translation


# celery ships no type information for its decorators
@shared_task(  # type: ignore[untyped-decorator]
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def rollup_refresh_task(*, campaign_id: int, street_id: int) -> None:
    from .services.rollups import rollup_refresh

    with translation.override(settings.LANGUAGE_CODE):
        rollup_refresh(campaign_id=campaign_id, street_id=street_id)
