"""End to end: the office creates an account on a PC; its user signs in on a phone and must
choose a password first."""

# ruff: noqa: RUF001

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Lantern-Harbour-2026!"


def test_office_creates_an_account_and_its_user_sets_a_password(
    desktop: Any, phone: Any, live_server: Any, office: Any, street: Any, tmp_path: Path
) -> None:
    sign_in(desktop, live_server, "office")
    desktop.goto(f"{live_server.url}/accounts/grants/")
    assert desktop.locator("#id_account-role option").first.inner_text() == "请选择"
    desktop.fill("#id_account-username", "cadre7")
    desktop.fill("#id_account-display_name", "Cadre Seven")
    desktop.select_option("#id_account-role", "street")
    desktop.select_option("#id_account-scope", f"street:{street.pk}")
    desktop.select_option("#id_account-level", "edit")
    desktop.click("form[action$='/users/add/'] button[type=submit]")
    password = desktop.locator("#temporary-password").inner_text().strip()
    desktop.screenshot(path=str(tmp_path / "account-password-1280.png"), full_page=True)
    assert len(password) == 12

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "cadre7")
    phone.fill("#id_password", password)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/accounts/password/change/")
    assert "临时密码" in phone.content()
    phone.screenshot(path=str(tmp_path / "password-change-390.png"), full_page=True)
    phone.fill("#id_old_password", password)
    phone.fill("#id_new_password1", NEW_PASSWORD)
    phone.fill("#id_new_password2", NEW_PASSWORD)
    phone.click(".login-box button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")

    desktop.goto(f"{live_server.url}/accounts/security-log/")
    assert "创建账号：Cadre Seven" in desktop.content()
    desktop.screenshot(path=str(tmp_path / "security-log-1280.png"), full_page=True)
