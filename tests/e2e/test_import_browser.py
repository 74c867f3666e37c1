"""End to end in a real Chromium: the office imports a workbook; the check and the import run as
tasks (eagerly here) and the import's page follows them in place."""

from pathlib import Path
from typing import Any

import pytest

from communities.models import Community
from tests.communities.import_helpers import row, workbook
from tests.e2e.test_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_uploads_checks_and_imports_a_workbook(
    desktop: Any, live_server: Any, office: Any, district: Any, tmp_path: Path
) -> None:
    file = tmp_path / "communities.xlsx"
    rows = [row(name="Lakeside"), row(name="Orchard"), row(street="Hill Street", name="Pine")]
    file.write_bytes(workbook(rows))
    sign_in(desktop, live_server, "office")

    desktop.goto(f"{live_server.url}/communities/import/")
    desktop.set_input_files("input[type=file]", str(file))
    desktop.locator("form button[type=submit]").last.click()
    # the preview lists the rows to be created, nothing is written yet
    desktop.get_by_text("Lakeside").first.wait_for()
    assert not Community.objects.filter(name="Lakeside").exists()
    desktop.screenshot(path=str(tmp_path / "preview.png"), full_page=True)

    desktop.locator("form button[type=submit]").last.click()
    # the page follows the import in place until it is done
    desktop.locator(".alert-success").wait_for()
    assert "3" in desktop.locator(".alert-success").inner_text()

    assert set(Community.objects.values_list("name", flat=True)) >= {"Lakeside", "Orchard", "Pine"}
    desktop.screenshot(path=str(tmp_path / "done.png"), full_page=True)
    # the page fits no horizontal scrolling on a PC
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1280
