"""The reports app's URLs in the permission matrix (see tests/url_matrix.py)."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from election.models import Campaign, RuleSet
from reports.models import ReportFile, ReportRun
from reports.services import current_iso_week
from tests.url_matrix import FOUND, NOT_FOUND, OK, Case, World, everyone

# a district's own report: a view grant on the district (office, discipline, supervision)
DISTRICT_READERS = everyone(NOT_FOUND, admin_user=OK, office=OK, discipline=OK, supervisor=OK)
# a street's report: also the officials of that street (not the outsider, of the other street)
STREET_READERS = {**DISTRICT_READERS, "street_official": OK}
# generating a district's report is a write: an edit grant on the district (the office); the
# read-only roles (discipline, supervision) get the same 404 as anyone out of scope
DISTRICT_GENERATORS = {"admin_user", "office"}


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
    relative = f"reports/{run.token.hex}.pdf"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-matrix")
    report_file, _created = ReportFile.objects.get_or_create(
        run=run, defaults={"path": relative, "size": 11, "sha256": "0" * 64}
    )
    return {"pk": report_file.pk}


def district_request(world: World) -> dict[str, Any]:
    """This week's PDF of the district, whose campaign started five weeks ago."""
    rules, _created = RuleSet.objects.get_or_create(
        code="matrix", version=1, defaults={"name": "Matrix rules"}
    )
    today = timezone.localdate()
    Campaign.objects.get_or_create(
        district=world.district,
        defaults={
            "rule_set": rules,
            "name": "Matrix campaign",
            "status": Campaign.Status.RUNNING,
            "starts_on": today - timedelta(weeks=5),
            "election_on": today + timedelta(weeks=8),
            "party_election_on": today + timedelta(weeks=6),
        },
    )
    year, week = current_iso_week()
    return {"scope": f"district-{world.district.pk}", "week": f"{year}-W{week:02d}", "kind": "pdf"}


def district_run_requested(world: World, role: str, response: Any) -> None:
    """Exactly one run, by the user, for those who may generate; none for anyone else."""
    runs = list(ReportRun.objects.values_list("district_id", "street_id", "requested_by_id"))
    if role in DISTRICT_GENERATORS:
        assert runs == [(world.district.pk, None, world.users[role].pk)], (role, runs)
    else:
        assert runs == [], (role, runs)


ENTRIES = {
    # everyone signed in has an archive (maybe empty); it lists only what they may see
    "reports:archive": Case(expect=everyone(OK)),
    # asking for a district's report needs an edit grant on the district
    "reports:generate": Case(
        method="post",
        data=district_request,
        expect=everyone(NOT_FOUND, **dict.fromkeys(DISTRICT_GENERATORS, FOUND)),
        after=district_run_requested,
    ),
    "reports:run-status": Case(kwargs=district_run_pk, expect=DISTRICT_READERS),
    "reports:download": Case(kwargs=street_file_pk, expect=STREET_READERS),
}
