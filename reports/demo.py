"""The reports' part of the demo data (`manage.py seed_demo`, in the `demo` app): the weekly
reports of the last two weeks, so that the archive is not empty.

Fictional data only; nothing here is used by the application at run time.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from communities.models import District, Street
from election.models import Campaign

from .models import ReportRun
from .services import report_render, report_run_request

DEMO_WEEKS = 2


def demo_seed(*, district: District, streets: list[Street], today: date) -> str:
    """Render the district's PDF and Excel and the `streets`' PDFs of this week and the last,
    in-process (no worker needed); return the line that describes the archive.

    Idempotent: done runs are left alone; a run left unfinished is rendered. Without a running
    campaign there is nothing to report, and nothing is done.
    """
    campaign = Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING).first()
    if campaign is None:
        return _("No running campaign: the demo reports are skipped.")
    targets: list[tuple[Street | None, str]] = [
        (None, ReportRun.Kind.PDF),
        (None, ReportRun.Kind.XLSX),
        *((street, ReportRun.Kind.PDF) for street in streets),
    ]
    for weeks_back in range(DEMO_WEEKS):
        iso_year, iso_week, _day = (today - timedelta(weeks=weeks_back)).isocalendar()
        for street, kind in targets:
            with transaction.atomic():
                run = report_run_request(
                    district=district,
                    street=street,
                    iso_year=iso_year,
                    iso_week=iso_week,
                    kind=kind,
                    by=None,
                )
            # rendered here even when a broker is configured: seeding needs no running worker,
            # and a worker that gets the task later finds the run done
            report_render(run_id=run.pk)
    done = ReportRun.objects.filter(district=district, status=ReportRun.Status.DONE).count()
    return _("Report archive: %(count)s finished reports.") % {"count": done}
