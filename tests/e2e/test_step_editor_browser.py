"""End to end: no lost edits in the step editor, on a phone, and a save that returns to the
worklist with its filter; the plan page folds finished stages and opens at the current one.

Screenshots go to $SCREENSHOT_DIR when it is set."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.utils import timezone

from election.models import CommunityPlan, PlanStep
from election.services.plans import step_update
from tests.e2e.test_browser import sign_in

# the election fixtures (a small rule set and a running campaign)
from tests.election.conftest import E, campaign, running_campaign, small_rules  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200


def step_of(community: Any, code: str) -> PlanStep:
    return PlanStep.objects.select_related("template").get(
        plan__community=community, template__code=code
    )


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def screenshot(page: Any, name: str) -> None:
    if folder := os.environ.get("SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_typed_values_survive_an_upload_and_a_notice_on_a_phone(
    phone: Any,
    live_server: Any,
    street_official: Any,
    running_campaign: Any,  # noqa: F811 - the fixture imported above
    community: Any,
    tmp_path: Path,
) -> None:
    step = step_of(community, "voter-list")
    errors = watch_errors(phone)
    # the toolkit scrolls smoothly; a click during that scroll can land on the row above
    phone.emulate_media(reduced_motion="reduce")
    sign_in(phone, live_server, "street1")
    phone.goto(f"{live_server.url}/election/worklist/")
    phone.evaluate("window.notReloaded = true")
    editor = phone.locator(f"#step-{step.pk}")
    editor.get_by_role("link", name="编辑").click()
    editor.locator("form").first.wait_for()

    # the user starts typing
    editor.locator("label", has_text="进行中").click()
    editor.locator("#id_responsible").fill("王主任")
    editor.locator("#id_notes").fill("名单已打印 待张贴")
    # choosing "done" before any notice warns, naming the rule
    warning = editor.locator("[data-warning=notice]")
    assert not warning.is_visible()
    editor.locator("label", has_text="已完成").click()
    assert warning.is_visible()
    assert "Voter list posted at least 20 days before E" in warning.inner_text()
    editor.locator("label", has_text="进行中").click()
    assert not warning.is_visible()

    # an upload in place
    photo = tmp_path / "名单.jpg"
    photo.write_bytes(JPEG)
    editor.locator(f"#evidence-file-{step.pk}").set_input_files(str(photo))
    editor.get_by_role("button", name="上传").click()
    editor.locator(f"#evidence-{step.pk}", has_text="名单.jpg").wait_for()

    # a public notice in place
    editor.get_by_role("link", name="登记公示").click()
    notice_form = editor.locator(f"#notices-{step.pk} form")
    notice_form.wait_for()
    posted_on = min(timezone.localdate(), E - timedelta(days=22))
    notice_form.locator("#id_title").fill("选民名单")
    notice_form.locator("#id_place").fill("居务公开栏")
    notice_form.locator("#id_posted_on").fill(posted_on.isoformat())
    screenshot(phone, "step-editor-notice-form-390")
    notice_form.get_by_role("button", name="保存公示").click()
    editor.locator(f"#notices-{step.pk}", has_text="居务公开栏").wait_for()
    # the notice lifts the warning
    assert editor.locator("[data-warning=notice]").count() == 0

    # what the user typed is still there, and nothing reloaded the page
    assert editor.locator("#id_responsible").input_value() == "王主任"
    assert editor.locator("#id_notes").input_value() == "名单已打印 待张贴"
    assert editor.locator("input[name=status][value=in_progress]").is_checked()
    assert phone.evaluate("window.notReloaded") is True
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "step-editor-after-upload-390")

    editor.get_by_role("button", name="保存", exact=True).click()
    phone.wait_for_function(
        f"!document.querySelector('#step-{step.pk} form')"
        f" && document.querySelector('#step-{step.pk}').innerText.includes('王主任')"
    )
    step.refresh_from_db()
    assert (step.status, step.responsible, step.notes) == (
        "in_progress",
        "王主任",
        "名单已打印 待张贴",
    )
    assert step.evidence.count() == 1
    assert step.notices.count() == 1
    assert errors == []


def test_a_save_from_the_worklist_lands_back_on_it_with_its_filter(
    desktop: Any,
    live_server: Any,
    street_official: Any,
    running_campaign: Any,  # noqa: F811 - the fixture imported above
    community: Any,
) -> None:
    step = step_of(community, "forums")
    errors = watch_errors(desktop)
    sign_in(desktop, live_server, "street1")
    filtered = f"{live_server.url}/election/worklist/?community=River"
    desktop.goto(filtered)

    # in place: the worklist never leaves the screen
    row = desktop.locator(f"#step-{step.pk}")
    row.get_by_role("link", name="编辑").click()
    row.locator("#id_notes").fill("座谈会已开两场")
    row.get_by_role("button", name="保存", exact=True).click()
    desktop.wait_for_function(
        f"document.querySelector('#step-{step.pk}').innerText.includes('座谈会已开两场')"
    )
    assert desktop.url == filtered

    # as a page (a link opened on its own): the save returns to the filtered worklist, at the row
    href = row.get_by_role("link", name="编辑").get_attribute("href")
    assert f"next={quote('/election/worklist/?community=River', safe='')}" in href
    desktop.goto(f"{live_server.url}{href}")
    desktop.locator("#id_responsible").fill("李委员")
    desktop.get_by_role("button", name="保存", exact=True).click()
    desktop.wait_for_url(f"{filtered}#step-{step.pk}")
    assert desktop.locator("#id_community").input_value() == "River"
    assert "李委员" in desktop.locator(f"#step-{step.pk}").inner_text()
    screenshot(desktop, "worklist-after-save-1366")
    assert errors == []


def test_the_plan_page_folds_finished_stages_and_opens_at_the_current_one(
    phone: Any,
    live_server: Any,
    street_official: Any,
    running_campaign: Any,  # noqa: F811 - the fixture imported above
    community: Any,
) -> None:
    forums = step_of(community, "forums")
    step_update(step=forums, version=forums.version, data={"status": "done"}, by=street_official)
    plan = CommunityPlan.objects.get(community=community)
    survey, voters = forums.stage_id, step_of(community, "voter-list").stage_id
    errors = watch_errors(phone)
    sign_in(phone, live_server, "street1")

    phone.goto(f"{live_server.url}{plan.get_absolute_url()}")
    # a <details> element's "open" attribute: None when folded, "" when open
    assert phone.locator(f"#stage-{survey} details.stage-fold").get_attribute("open") is None
    assert phone.locator(f"#stage-{voters} details.stage-fold").get_attribute("open") == ""
    assert not phone.locator(f"#step-{forums.pk}").is_visible()
    # the page opens at the current stage: scrolled down to it (at the top of the screen but for a
    # small margin, or as far as this short plan scrolls), its heading on the first screen
    top = phone.evaluate(f"document.getElementById('stage-{voters}').getBoundingClientRect().top")
    bottom = phone.evaluate("window.scrollY + window.innerHeight")
    assert phone.evaluate("window.scrollY") > 0
    assert -5 < top < phone.evaluate("window.innerHeight") - 100
    assert top < 20 or bottom >= phone.evaluate("document.documentElement.scrollHeight") - 2
    screenshot(phone, "plan-current-stage-390")

    # the address of a step in a folded stage (after a save) opens that stage
    phone.goto(f"{live_server.url}{plan.get_absolute_url()}#step-{forums.pk}")
    phone.locator(f"#step-{forums.pk}").wait_for(state="visible")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
