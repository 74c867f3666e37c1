"""Helpers of the import tests: workbooks, rows, and uploads that run the tasks eagerly."""

import re
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

from communities.import_columns import COLUMNS
from communities.models import Committee, Community, CommunityImport, Street

CJK = re.compile(r"[\u4e00-\u9fff]")
UPLOAD = reverse("communities:import-upload")
TEMPLATE = reverse("communities:import-template")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def titles(language: str = "en") -> list[str]:
    with translation.override(language):
        return [str(c.title) for c in COLUMNS]


def chinese(msgid: str, **params: Any) -> str:
    """The message as the default (Chinese) interface shows it."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


def row(street: str = "New Street", name: str = "Lakeside", **overrides: Any) -> list[Any]:
    values = {
        "street": street,
        "name": name,
        "kind": "village_converted",
        "is_reform_finished": "no",
        "population": 12000,
        "households": 4100,
        "registered_voters": 8600,
        "is_demolition_underway": "yes",
        "is_difficult": "yes",
        "difficult_reason": "Demolition disputes",
        "party_type": "general_branch",
        "party_seats": 7,
        "residents_seats": 5,
    }
    values.update(overrides)
    return [values[c.key] for c in COLUMNS]


def workbook(rows: list[list[Any]], header: list[Any] | None = None) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(titles() if header is None else header)
    for values in rows:
        sheet.append(values)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Client, content: bytes, name: str = "communities.xlsx", **data: Any) -> Any:
    """Upload, let the check task run (eagerly, on commit), and open the import's page.

    Returns the page, or the upload form's answer when the upload is refused."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            UPLOAD, {"file": SimpleUploadedFile(name, content, content_type=XLSX), **data}
        )
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def confirm(client: Client, record: CommunityImport | str) -> Any:
    """Confirm an import and let the import task run (eagerly, on commit)."""
    url = record if isinstance(record, str) else record.get_absolute_url()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url)


def counts() -> tuple[int, int, int]:
    return Street.objects.count(), Community.objects.count(), Committee.objects.count()
