"""End to end: a street official marks a step done from the worklist on a phone, in place."""

from typing import Any

import pytest

from election.models import PlanStep
from tests.e2e.test_browser import sign_in

# the election fixtures (a small rule set and a running campaign)
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_street_official_marks_a_step_done_in_place_on_a_phone(
    phone: Any,
    live_server: Any,
    street_official: Any,
    running_campaign: Any,  # noqa: F811 - the fixture imported above
    community: Any,
) -> None:
    step = (
        PlanStep.objects.filter(plan__community=community, template__code="forums")
        .select_related("template")
        .get()
    )
    sign_in(phone, live_server, "street1")
    phone.goto(f"{live_server.url}/election/worklist/")
    row = phone.locator(f"#step-{step.pk}")
    assert step.template.title in row.inner_text()
    phone.evaluate("window.notReloaded = true")

    row.get_by_role("link", name="编辑").click()
    editor = phone.locator(f"#step-{step.pk} form").first
    editor.wait_for()
    editor.locator("label", has_text="已完成").click()
    editor.get_by_role("button", name="保存").click()
    # the row comes back updated, without a page load
    phone.wait_for_function(
        f"!document.querySelector('#step-{step.pk} form')"
        f" && document.querySelector('#step-{step.pk}').innerText.includes('已完成')"
    )
    assert phone.evaluate("window.notReloaded") is True
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    step.refresh_from_db()
    assert step.status == PlanStep.Status.DONE
    assert step.history.latest().history_user == street_official
