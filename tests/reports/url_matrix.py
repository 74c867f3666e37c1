"""The reports app's URLs in the permission matrix (see tests/url_matrix.py)."""

from pathlib import Path
from typing import Any

from django.conf import settings

from reports.models import ReportFile, ReportRun
from tests.url_matrix import FOUND, NOT_FOUND, OK, Case, World, everyone

# a district's own report: a view grant on the district (office, discipline, supervision)
DISTRICT_READERS = everyone(NOT_FOUND, admin_user=OK, office=OK, discipline=OK, supervisor=OK)
# a street's report: also the officials of that street (not the outsider, of the other street)
STREET_READERS = {**DISTRICT_READERS, "street_official": OK}


def district_run_pk(world: World) -> dict[str, Any]:
    run, _created = ReportRun.objects.get_or_create(
        district=world.district, street=None, iso_year=2026, iso_week=48, kind="pdf"
    )
    return {"pk": run.pk}


def street_file_pk(world: World) -> dict[str, Any]:
    """A done street report of `world.street`, its file on disk."""
    run, _created = ReportRun.objects.get_or_create(
        district=world.district,
        street=world.street,
        iso_year=2026,
        iso_week=48,
        kind="pdf",
        defaults={"status": ReportRun.Status.DONE, "progress": 100},
    )
    relative = f"reports/{world.district.code}/2026-W48-street-{world.street.pk}.pdf"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-matrix")
    report_file, _created = ReportFile.objects.get_or_create(
        run=run, defaults={"path": relative, "size": 11, "sha256": "0" * 64}
    )
    return {"pk": report_file.pk}


def district_request(world: World) -> dict[str, Any]:
    return {"scope": f"district-{world.district.pk}", "week": "2026-W48", "kind": "pdf"}


ENTRIES = {
    # everyone signed in has an archive (maybe empty); it lists only what they may see
    "reports:archive": Case(expect=everyone(OK)),
    # asking for a district's report needs a view grant on the district
    "reports:generate": Case(
        method="post",
        data=district_request,
        expect=everyone(
            NOT_FOUND, admin_user=FOUND, office=FOUND, discipline=FOUND, supervisor=FOUND
        ),
    ),
    "reports:run-status": Case(kwargs=district_run_pk, expect=DISTRICT_READERS),
    "reports:download": Case(kwargs=street_file_pk, expect=STREET_READERS),
}
