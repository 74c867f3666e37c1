"""End to end in a real Chromium: what a street official does on a phone, and the office on a PC."""

from typing import Any

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_street_official_on_a_phone_edits_their_community(
    phone: Any, live_server: Any, street_official: Any, community: Any, other_community: Any
) -> None:
    sign_in(phone, live_server, "street1")
    # the interface is Chinese by default, whatever the browser's language
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    phone.goto(f"{live_server.url}/communities/")
    rows = phone.locator("#community-rows td.cell-title a")
    assert rows.all_inner_texts() == ["Riverside"]  # the other street's community is not listed
    # the page fits a phone: nothing wider than the screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    rows.first.click()
    phone.get_by_role("link", name="编辑基本情况").click()
    phone.fill("#id_population", "12345")
    phone.fill("#id_reason", "recount")
    phone.get_by_role("button", name="保存").click()
    assert "已保存" in phone.locator(".alert-success").inner_text()
    community.refresh_from_db()
    assert community.population == 12345


def test_office_searches_the_list_in_place(
    desktop: Any, live_server: Any, office: Any, community: Any, other_community: Any
) -> None:
    sign_in(desktop, live_server, "office")
    desktop.goto(f"{live_server.url}/communities/")
    assert len(desktop.locator("#community-rows td.cell-title a").all()) == 2
    # typing filters the rows without reloading the page (htmx)
    desktop.evaluate("window.notReloaded = true")
    desktop.fill("input[name=q]", "Hill")
    desktop.wait_for_function(
        "document.querySelectorAll('#community-rows td.cell-title a').length === 1"
    )
    assert desktop.locator("#community-rows td.cell-title a").inner_text() == "Hillside"
    assert desktop.evaluate("window.notReloaded") is True
    assert "q=Hill" in desktop.url


def test_language_can_be_switched_to_english_and_back(
    desktop: Any, live_server: Any, office: Any
) -> None:
    sign_in(desktop, live_server, "office")
    with desktop.expect_navigation():
        desktop.select_option("#language", "en")
    assert desktop.locator("html").get_attribute("lang") == "en"
    assert desktop.get_by_role("link", name="Communities").first.is_visible()
    with desktop.expect_navigation():
        desktop.select_option("#language", "zh-hans")
    assert desktop.locator("html").get_attribute("lang") == "zh-hans"
    assert desktop.get_by_role("link", name="社区").first.is_visible()
