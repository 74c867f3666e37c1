"""End to end on a phone: someone without an account opens the public reporting form from the
sign-in page, sends a report with a photo, gets a receipt code and looks the report up with it."""

# ruff: noqa: RUF001

from pathlib import Path
from typing import Any

import pytest

from discipline.models import Report, ReportAttachment
from discipline.services.reports import receipt_digest
from discipline.throttle import throttle_reset

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def _fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_public_report_and_receipt_look_up_on_a_phone(
    phone: Any, live_server: Any, community: Any, other_community: Any, tmp_path: Path
) -> None:
    throttle_reset("127.0.0.1")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(JPEG)

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.click("text=举报 / 查询举报办理结果")
    phone.wait_for_selector("#id_community")
    assert "换届风气问题举报（绿色通道）" in phone.content()
    assert phone.locator("#id_anonymous").is_checked()
    assert _fits_the_screen(phone)
    phone.select_option("#id_community", str(community.pk))
    phone.select_option("#id_category", Report.Category.VOTE_BUYING)
    phone.fill("#id_text", "有人在小区门口发购物卡拉票。")
    phone.set_input_files("#id_attachments", str(photo))
    phone.screenshot(path=str(tmp_path / "public-report-390.png"), full_page=True)
    phone.click("button[type=submit]")

    phone.wait_for_selector("#receipt-code")
    code = phone.locator("#receipt-code").inner_text().strip()
    assert "它只显示这一次" in phone.content()
    assert _fits_the_screen(phone)
    report = Report.objects.get()
    assert report.receipt_digest == receipt_digest(code)
    assert report.anonymous and report.community_id == community.pk
    assert ReportAttachment.objects.filter(report=report).count() == 1
    assert code not in phone.url

    phone.click("text=查询举报办理结果")
    phone.wait_for_selector("#id_code")
    phone.fill("#id_code", code.lower())
    phone.click("button[type=submit]")
    phone.wait_for_selector("#receipt")
    html = phone.content()
    assert report.number in html and "已受理" in html
    assert "有人在小区门口发购物卡拉票" not in html
    assert _fits_the_screen(phone)
    phone.screenshot(path=str(tmp_path / "public-receipt-390.png"), full_page=True)
