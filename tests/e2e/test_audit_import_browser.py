"""End to end in a real Chromium on a 390 px phone: a street official uploads audit engagements,
reads the problems by row and column, uploads a corrected file and imports it; no page scrolls
sideways."""

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from audits.models import Engagement
from tests.audits.matrix_imports import audit_setup, engagement_row, workbook
from tests.e2e.test_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= 390)


def test_street_official_imports_engagements_on_a_phone(
    phone: Any,
    live_server: Any,
    street_official: Any,
    district: Any,
    community: Any,
    other_community: Any,
    admin_user: Any,
    tmp_path: Path,
) -> None:
    audit_setup(SimpleNamespace(district=district, users={"admin_user": admin_user}))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        workbook(
            "engagements",
            [
                engagement_row(community.street.name, community.name, firm="无名事务所"),
                engagement_row(other_community.street.name, other_community.name),
            ],
        )
    )
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        workbook("engagements", [engagement_row(community.street.name, community.name)])
    )
    sign_in(phone, live_server, "street1")

    phone.goto(f"{live_server.url}/audits/engagements/")
    phone.locator("#audit-import-link").click()
    phone.locator("#import-kinds a").first.click()
    phone.set_input_files("input[type=file]", str(bad))
    phone.locator("form button[type=submit]").last.click()
    phone.locator("#import-problems").wait_for()
    text = phone.locator("#import-problems").inner_text()
    assert "无名事务所" in text and "不是您所在街道的社区" in text
    assert fits_the_phone(phone)

    phone.get_by_text("上传修改后的文件").click()
    phone.set_input_files("input[type=file]", str(good))
    phone.locator("form button[type=submit]").last.click()
    phone.locator("#import-rows").wait_for()
    assert fits_the_phone(phone)
    phone.get_by_text("确认导入").click()
    phone.locator("#import-applied").wait_for()
    assert fits_the_phone(phone)
    assert Engagement.objects.filter(plan__community=community).count() == 1
