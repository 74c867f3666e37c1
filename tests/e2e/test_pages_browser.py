"""Every page of every demo role, looked at in Chromium at 1366 px and on a 390 px phone.

The pages come from the URL permission matrix (`tests/matrix_pages.py`): each GET entry the role
opens with 200 and that answers a whole HTML page (not a download, not an htmx fragment). Each
is saved as a full-page screenshot, `<role>/<app>_<url-name>-<width>.png` under `screenshot_dir`
(`$SCREENSHOT_DIR`, default `.test-artifacts/screenshots/`), and the test fails, naming the
page, on a JavaScript console error or page error, and on a page wider than the phone's screen.
One browser context per role and width reuses the session the test client signed in.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.matrix_pages import Page, pages_for, prepare_world
from tests.test_url_matrix import world  # noqa: F401  (the matrix's fixture, shared)
from tests.url_matrix import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# the demo's accounts, as the matrix's roles (the outsider is a second street official)
DEMO_ROLES = [
    "admin_user",
    "office",
    "street_official",
    "leader",
    "member_unit_user",
    "discipline",
    "supervisor",
]
DESKTOP, PHONE = 1366, 390


@dataclass
class Findings:
    current: str = ""
    problems: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.problems.append(f"{self.current}: {what}")


def whole_pages(client: Client, pages: list[Page]) -> list[Page]:
    """The pages that answer a whole HTML document (downloads and htmx fragments are left out)."""
    kept = []
    for page in pages:
        response = client.get(page.url)
        if getattr(response, "streaming", False):
            # read to the end: the test client then closes it without closing the connection
            b"".join(response.streaming_content)
            continue
        if response.status_code != 200:
            continue
        if response["Content-Type"].startswith("text/html") and b"<html" in response.content:
            kept.append(page)
    return kept


def look_at(
    browser: Any, base_url: str, cookie: str, role: str, pages: list[Page], width: int, out: Path
) -> list[str]:
    """Open each page in one context; screenshots into `out`; the problems found, by page."""
    phone = width == PHONE
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900},
        is_mobile=phone,
        has_touch=phone,
        reduced_motion="reduce",
    )
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    findings = Findings()
    timing = {"load": 0.0, "shot": 0.0}
    tab = context.new_page()
    tab.on(
        "console",
        lambda message: (
            findings.add(f"console error: {message.text}") if message.type == "error" else None
        ),
    )
    tab.on("pageerror", lambda error: findings.add(f"page error: {error}"))
    try:
        for page in pages:
            findings.current = f"{role} {page.name} {page.url} at {width} px"
            t0 = time.monotonic()
            response = tab.goto(base_url + page.url, wait_until="load")
            t1 = time.monotonic()
            timing["load"] += t1 - t0
            if response is None or response.status != 200:
                findings.add(f"answered {response.status if response else 'nothing'}")
                continue
            if tab.url.endswith("/accounts/login/") or "/accounts/login/?" in tab.url:
                findings.add("sent to the sign-in page")
                continue
            # a mobile browser widens its layout viewport (and window.innerWidth) to fit content
            # that overflows, so the page is measured against the phone's own width
            wide = tab.evaluate("document.scrollingElement.scrollWidth")
            if phone and wide > width + 1:
                findings.add(f"wider than the screen ({wide} px)")
            name = page.name.replace(":", "_")
            tab.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
            timing["shot"] += time.monotonic() - t1
    finally:
        context.close()
    with (out / "timing.txt").open("a") as f:
        f.write(f"{width}: load {timing['load']:.1f} s, check+shot {timing['shot']:.1f} s\n")
    return findings.problems


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_page_of_the_role_in_a_browser(
    role: str,
    world: World,  # noqa: F811
    browser: Any,
    live_server: Any,
    screenshot_dir: Path,
) -> None:
    started = time.monotonic()
    prepare_world(world)
    client = Client()
    client.force_login(world.users[role])
    pages = whole_pages(client, pages_for(world, role))
    # every role has at least its home page, the community list and its account pages
    assert len(pages) >= 3, (role, pages)
    out = screenshot_dir / role
    out.mkdir(parents=True, exist_ok=True)
    (out / "timing.txt").unlink(missing_ok=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    problems = []
    for width in (DESKTOP, PHONE):
        problems += look_at(browser, live_server.url, cookie, role, pages, width, out)

    seconds = time.monotonic() - started
    with (out / "timing.txt").open("a") as f:
        f.write(f"{len(pages)} pages, 2 widths: {seconds:.1f} s\n")
    assert not problems, "\n".join(problems)
