"""Imported by the test worker (worker_settings.CELERY_IMPORTS) while the real writer is missing."""

from reports import exporters, selectors
from tests.reports.conftest import FakeWriter, fake_context

exporters.report_write = FakeWriter()
selectors.report_context = fake_context
