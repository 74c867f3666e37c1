"""The files an election import refuses before reading a row, with the reason in Chinese: not an
.xlsx, too big, not a workbook, wrong or missing columns, an empty sheet, formulas without a
result, a results workbook without its second sheet."""

import zipfile
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client, override_settings
from openpyxl import Workbook

from election.models import Campaign, Candidate, ElectionImport
from tests.election.matrix_imports import latest, nominee, titles, upload, workbook
from tests.election.matrix_objects import running_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(district: Any, community: Any, other_community: Any, admin_user: Any) -> Campaign:
    return running_campaign(SimpleNamespace(district=district, users={"admin_user": admin_user}))


@pytest.fixture
def client(office: Any) -> Client:
    client = Client()
    client.force_login(office)
    return client


def refused_upload(response: Any) -> str:
    """The upload form's answer: the page again (200), nothing stored."""
    assert response.status_code == 200
    assert not ElectionImport.objects.exists()
    return str(response.content.decode())


def test_a_file_that_is_not_xlsx_is_refused(campaign: Campaign, client: Client) -> None:
    text = refused_upload(upload(client, campaign, "nominees", b"a,b\n1,2\n", name="data.csv"))
    assert "不是 Excel 工作簿" in text


def test_a_fake_xlsx_is_refused(campaign: Campaign, client: Client) -> None:
    text = refused_upload(upload(client, campaign, "nominees", b"not a zip at all"))
    assert "Excel" in text and ".xlsx" in text


@override_settings(IMPORT_MAX_BYTES=1024)
def test_a_file_too_big_is_refused(campaign: Campaign, client: Client, community: Any) -> None:
    rows = [nominee(community.street.name, community.name, name=f"人{n}") for n in range(50)]
    text = refused_upload(upload(client, campaign, "nominees", workbook("nominees", rows)))
    assert "1.0 KB" in text or "1.0 KB" in text.replace("\xa0", " ")


def test_a_zip_bomb_is_refused(campaign: Campaign, client: Client) -> None:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    text = refused_upload(upload(client, campaign, "nominees", out.getvalue()))
    assert "存在安全风险，已拒绝" in text  # noqa: RUF001


def test_wrong_and_missing_columns_are_listed(campaign: Campaign, client: Client) -> None:
    header = [*titles("nominees")[:-1], "备注"]
    upload(client, campaign, "nominees", workbook("nominees", [["x"]], headers=[header]))
    record = latest()
    assert record.status == ElectionImport.Status.FAILED
    messages = [p["message"] for p in record.row_errors]
    assert "第 1 行：「备注」不是导入模板中的列。" in messages  # noqa: RUF001
    assert "第 1 行：缺少以下列：提名方式。" in messages  # noqa: RUF001


def test_an_empty_sheet_and_a_sheet_without_rows_are_refused(
    campaign: Campaign, client: Client
) -> None:
    upload(client, campaign, "nominees", workbook("nominees", [], headers=[[]]))
    assert "第一个工作表为空" in latest().error
    upload(client, campaign, "nominees", workbook("nominees", []))
    assert "只有标题行" in latest().error


def test_a_formula_without_its_result_is_refused(
    campaign: Campaign, client: Client, community: Any
) -> None:
    row = nominee(community.street.name, community.name, name="=A1&B1")
    upload(client, campaign, "nominees", workbook("nominees", [row]))
    record = latest()
    assert record.status == ElectionImport.Status.FAILED
    assert any(
        p["row"] == 2 and p["column"] == "D" and "公式" in p["message"] for p in record.row_errors
    ), record.row_errors
    assert not Candidate.objects.exists()


def test_a_results_workbook_needs_its_two_sheets(campaign: Campaign, client: Client) -> None:
    book = Workbook()
    book.worksheets[0].append(titles("results"))
    out = BytesIO()
    book.save(out)
    upload(client, campaign, "results", out.getvalue())
    assert "需要 2 张数据表" in latest().error
