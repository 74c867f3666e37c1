"""The Excel imports of audit engagements and findings: workbooks for the tests, and the URL
matrix's cases (`IMPORT_ENTRIES`), with the objects they need kept in `world.extra`.

The matrix's import is a street official's upload for its own street, checked and waiting for
confirmation.
"""

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from openpyxl import Workbook

from audits.importing.columns import KINDS
from audits.models import AuditFirm, Engagement, FindingCategory
from audits.models_imports import AuditImport
from election.models import Campaign, CommunityPlan
from tests.election.matrix_objects import running_campaign
from tests.url_matrix import FOUND, NOT_FOUND, OK, Case, World, everyone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRM = "明信会计师事务所"
CATEGORY = "财务管理不规范"


def titles(kind: str) -> list[str]:
    return [str(c.title) for c in KINDS[kind].sheets[0].columns]


def engagement_row(street: str, community: str, **overrides: Any) -> list[Any]:
    values = {
        "street": street,
        "community": community,
        "kind": "离任",
        "firm": FIRM,
        "engaged_on": "2026-09-01",
        "fieldwork_started_on": "2026-09-10",
        "fieldwork_ended_on": "2026-09-25",
        "draft_received_on": "",
        "report_received_on": "",
        "subjects": "王建国、李秀兰",
        "posts": "党委书记、居委会主任",
    }
    values.update(overrides)
    return [values[c.key] for c in KINDS["engagements"].sheets[0].columns]


def finding_row(street: str, community: str, **overrides: Any) -> list[Any]:
    values = {
        "street": street,
        "community": community,
        "kind": "离任",
        "category": CATEGORY,
        "amount": "12800.50",
        "description": "部分支出凭证缺少经办人签字",
        "person": "王建国",
        "action": "补齐签字手续",
        "owner": "李秀兰",
        "deadline": "2026-12-31",
    }
    values.update(overrides)
    return [values[c.key] for c in KINDS["findings"].sheets[0].columns]


def workbook(kind: str, rows: list[list[Any]], header: list[Any] | None = None) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(header if header is not None else titles(kind))
    for values in rows:
        sheet.append(values)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload_url(kind: str = "engagements") -> str:
    return reverse("audits:import-upload", args=[kind])


def upload(client: Client, kind: str, content: bytes, name: str = "data.xlsx") -> Any:
    """Upload, let the check task run (eagerly, on commit), and open the import's page; or the
    upload form's answer when the upload is refused."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            upload_url(kind), {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
        )
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def confirm(client: Client, record: AuditImport) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(record.get_absolute_url())


def latest() -> AuditImport:
    record = AuditImport.objects.order_by("-created_at").first()
    assert record is not None
    return record


def audit_setup(world: Any) -> Campaign:
    """The running campaign (plans for every community of the district), the district's firm and
    finding category."""
    campaign = running_campaign(world)
    AuditFirm.objects.get_or_create(district=world.district, name=FIRM)
    FindingCategory.objects.get_or_create(district=world.district, name=CATEGORY)
    return campaign


def engagement_for(world: Any, community: Any, kind: str = "departure") -> Engagement:
    plan = CommunityPlan.objects.get(campaign=running_campaign(world), community=community)
    firm = AuditFirm.objects.get(district=world.district, name=FIRM)
    engagement, _ = Engagement.objects.get_or_create(
        plan=plan, kind=kind, defaults={"firm": firm, "engaged_on": "2026-09-01"}
    )
    return engagement


# --- the URL matrix ---------------------------------------------------------------------------


def imports_world(world: World) -> dict[str, Any]:
    """A street official's engagements import, checked and waiting for confirmation."""
    if "audit-imports:import" not in world.extra:
        audit_setup(world)
        world.extra["audit-imports:import"] = AuditImport.objects.create(
            district=world.district,
            kind=AuditImport.Kind.ENGAGEMENTS,
            street=world.street,
            created_by=world.users["street_official"],
            original_name="audits.xlsx",
            status=AuditImport.Status.PREVIEWED,
            preview={"row_count": 1, "problem_count": 0, "rows": []},
            row_count=1,
            progress=100,
        )
    return world.extra


def kind_engagements(world: World) -> dict[str, Any]:
    imports_world(world)
    return {"kind": "findings"}


def import_token(world: World) -> dict[str, Any]:
    return {"token": imports_world(world)["audit-imports:import"].pk}


def _confirmed_only_by_its_readers(world: World, role: str, response: Any) -> None:
    record = world.extra["audit-imports:import"]
    record.refresh_from_db()
    if role in ("admin_user", "office", "street_official"):
        assert record.status == AuditImport.Status.QUEUED
        assert record.confirmed_by == world.users[role]
    else:
        assert record.status == AuditImport.Status.PREVIEWED and record.confirmed_by is None


# the office for its district, and every street official (each for its own street)
IMPORTERS = everyone(NOT_FOUND, admin_user=OK, office=OK, street_official=OK, outsider=OK)
# an import: the office of its district, and the official who uploaded it
IMPORT_READERS = everyone(NOT_FOUND, admin_user=OK, office=OK, street_official=OK)

IMPORT_ENTRIES = {
    "audits:import-hub": Case(expect=IMPORTERS),
    "audits:import-upload": Case(kwargs=kind_engagements, expect=IMPORTERS),
    "audits:import-template": Case(kwargs=kind_engagements, expect=IMPORTERS),
    "audits:import-detail": Case(
        method="post",
        kwargs=import_token,
        expect=everyone(NOT_FOUND, admin_user=FOUND, office=FOUND, street_official=FOUND),
        after=_confirmed_only_by_its_readers,
    ),
    "audits:import-status": Case(kwargs=import_token, expect=IMPORT_READERS),
}
