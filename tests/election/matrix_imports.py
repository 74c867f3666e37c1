"""The Excel imports of nominees, results and previous-term members: workbooks for the tests, and
the URL matrix's cases (`IMPORT_ENTRIES`), with the objects they need kept in `world.extra`.

The matrix's campaign is the running one of `tests.election.matrix_objects` (plans for
`world.community` and `world.other_community`); its import is a street official's upload.
"""

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from openpyxl import Workbook

from election.importing.columns import KINDS
from election.models import Campaign, ElectionImport
from tests.election.matrix_objects import running_campaign
from tests.url_matrix import NOT_FOUND, OK, Case, World, everyone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def id_with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


VALID_ID = id_with_check("11010519850312002")  # born 1985-03-12


def titles(kind: str, sheet: int = 0) -> list[str]:
    return [str(c.title) for c in KINDS[kind].sheets[sheet].columns]


def nominee(street: str, community: str, name: str = "张晓梅", **overrides: Any) -> list[Any]:
    values = {
        "street": street,
        "community": community,
        "body": "居委会",
        "name": name,
        "gender": "女",
        "birth_date": "1985-03-12",
        "education": "本科",
        "party_member": "是",
        "ethnicity": "汉族",
        "current_post": "居委会委员",
        "is_incumbent": "否",
        "post_sought": "副主任",
        "id_number": "",
        "nominated_on": "2026-11-20",
        "nominated_by": "组织推荐",
    }
    values.update(overrides)
    return [values[c.key] for c in KINDS["nominees"].sheets[0].columns]


def member(street: str, community: str, name: str = "王建国", **overrides: Any) -> list[Any]:
    values = {
        "street": street,
        "community": community,
        "body": "党组织",
        "name": name,
        "gender": "男",
        "birth_date": "1968-07-01",
        "education": "大专",
        "party_member": "是",
        "ethnicity": "回族",
        "post": "书记",
        "started_on": "2021-11-28",
    }
    values.update(overrides)
    return [values[c.key] for c in KINDS["previous_term"].sheets[0].columns]


def workbook(kind: str, *sheets: list[list[Any]], headers: list[list[Any]] | None = None) -> bytes:
    book = Workbook()
    for index, rows in enumerate(sheets):
        sheet = book.worksheets[0] if index == 0 else book.create_sheet()
        sheet.append(headers[index] if headers else titles(kind, index))
        for values in rows:
            sheet.append(values)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload_url(campaign: Campaign, kind: str = "nominees") -> str:
    return reverse("election:import-upload", args=[campaign.pk, kind])


def upload(
    client: Client, campaign: Campaign, kind: str, content: bytes, name: str = "data.xlsx"
) -> Any:
    """Upload, let the check task run (eagerly, on commit), and open the import's page; or the
    upload form's answer when the upload is refused."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            upload_url(campaign, kind),
            {"file": SimpleUploadedFile(name, content, content_type=XLSX)},
        )
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def confirm(client: Client, record: ElectionImport) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(record.get_absolute_url())


def latest() -> ElectionImport:
    record = ElectionImport.objects.order_by("-created_at").first()
    assert record is not None
    return record


# --- the URL matrix ---------------------------------------------------------------------------


def imports_world(world: World) -> dict[str, Any]:
    """The running campaign, and a nominee import by the street official, being checked."""
    if "imports:import" not in world.extra:
        campaign = running_campaign(world)
        world.extra["imports:campaign"] = campaign
        world.extra["imports:import"] = ElectionImport.objects.create(
            campaign=campaign,
            kind=ElectionImport.Kind.NOMINEES,
            street=world.street,
            created_by=world.users["street_official"],
            original_name="nominees.xlsx",
            # being checked: its page polls the status fragment (the crawl follows hx-get)
            status=ElectionImport.Status.CHECKING,
            progress=30,
        )
    return world.extra


def campaign_nominees(world: World) -> dict[str, Any]:
    return {"pk": imports_world(world)["imports:campaign"].pk, "kind": "nominees"}


def campaign_results(world: World) -> dict[str, Any]:
    return {"pk": imports_world(world)["imports:campaign"].pk, "kind": "results"}


def import_token(world: World) -> dict[str, Any]:
    return {"token": imports_world(world)["imports:import"].pk}


# nominees: the office, and every street official of the district (each for its own street)
NOMINEE_IMPORTERS = everyone(NOT_FOUND, admin_user=OK, office=OK, street_official=OK, outsider=OK)
# an import: the office of its campaign, and the official who uploaded it
IMPORT_READERS = everyone(NOT_FOUND, admin_user=OK, office=OK, street_official=OK)

IMPORT_ENTRIES = {
    # the office and the street officials see where they may import
    "election:import-hub": Case(expect=NOMINEE_IMPORTERS),
    "election:import-upload": Case(kwargs=campaign_nominees, expect=NOMINEE_IMPORTERS),
    "election:import-template": Case(
        kwargs=campaign_results, expect=everyone(NOT_FOUND, admin_user=OK, office=OK)
    ),
    "election:import-detail": Case(kwargs=import_token, expect=IMPORT_READERS),
    "election:import-status": Case(kwargs=import_token, expect=IMPORT_READERS),
}
