"""The results pages on a 390 px phone in a real Chromium: nothing wider than the screen, and a
street official records a result with the keyboard and sees its outcome."""

from typing import Any

import pytest
from django.utils import timezone

from election.models import ElectionResult
from tests.election.matrix_results import results_world
from tests.factories import PASSWORD
from tests.url_matrix import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_street_official_records_a_result_on_a_phone(
    phone: Any,
    live_server: Any,
    district: Any,
    street: Any,
    other_street: Any,
    community: Any,
    other_community: Any,
    admin_user: Any,
    street_official: Any,
    tmp_path: Any,
) -> None:
    world = World(
        district,
        street,
        other_street,
        community,
        other_community,
        {"admin_user": admin_user, "street_official": street_official},
    )
    built = results_world(world)
    plan, candidates = built["plan"], built["candidates"]
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "street1")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")

    for path in (
        f"/election/plans/{plan.pk}/results/",
        f"/election/plans/{plan.pk}/candidates/notice/?body=residents",
        f"/election/plans/{plan.pk}/candidates/print/?body=residents",
        f"/election/plans/{plan.pk}/members/",
        f"/election/plans/{plan.pk}/results/new/?body=residents&round=first",
    ):
        phone.goto(live_server.url + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path

    phone.fill("#id_held_on", timezone.localdate().isoformat())
    for field, value in {
        "registered_voters": "100",
        "ballots_issued": "90",
        "ballots_returned": "80",
        "valid_ballots": "78",
        "invalid_ballots": "2",
        "seats_to_fill": "1",
    }.items():
        phone.fill(f"#id_{field}", value)
    for i, c in enumerate(candidates):
        phone.fill(f"#id_vote_{c.pk}", "60" if i == 0 else "2")
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url(f"{live_server.url}/election/plans/{plan.pk}/results/")

    assert "一次选举成功" in phone.locator("#body-residents").inner_text()
    phone.screenshot(path=str(tmp_path / "results-390.png"), full_page=True)
    assert ElectionResult.objects.get().seats_filled == 1
