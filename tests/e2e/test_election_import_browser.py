"""End to end in a real Chromium on a 390 px phone: a street official downloads nothing, uploads
nominees, reads the problems by row and column, uploads a corrected file and imports it; no page
scrolls sideways."""

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from election.models import Candidate
from tests.e2e.test_browser import sign_in
from tests.election.matrix_imports import nominee, workbook
from tests.election.matrix_objects import running_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= 390)


def test_street_official_imports_nominees_on_a_phone(
    phone: Any,
    live_server: Any,
    street_official: Any,
    district: Any,
    community: Any,
    other_community: Any,
    admin_user: Any,
    tmp_path: Path,
) -> None:
    running_campaign(SimpleNamespace(district=district, users={"admin_user": admin_user}))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        workbook(
            "nominees",
            [
                nominee(community.street.name, community.name, gender="不详"),
                nominee(other_community.street.name, other_community.name, name="李强"),
            ],
        )
    )
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook("nominees", [nominee(community.street.name, community.name)]))
    sign_in(phone, live_server, "street1")

    phone.goto(f"{live_server.url}/election/imports/")
    phone.get_by_text("提名人选").first.click()
    phone.set_input_files("input[type=file]", str(bad))
    phone.locator("form button[type=submit]").last.click()
    phone.locator("#import-problems").wait_for()
    text = phone.locator("#import-problems").inner_text()
    assert "性别" in text and "不是您所在街道的社区" in text
    assert fits_the_phone(phone)

    phone.get_by_text("上传修改后的文件").click()
    phone.set_input_files("input[type=file]", str(good))
    phone.locator("form button[type=submit]").last.click()
    phone.locator("#import-rows").wait_for()
    assert fits_the_phone(phone)
    phone.get_by_text("确认导入").click()
    phone.locator("#import-applied").wait_for()
    assert fits_the_phone(phone)
    assert Candidate.objects.filter(plan__community=community).count() == 1
