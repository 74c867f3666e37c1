"""End to end: a street official files a major event on a phone; the office sees the red banner
on its pages at once, opens the event and acknowledges it, and the banner is gone."""

from typing import Any

import pytest

from discipline.models import MajorEvent
from tests.e2e.test_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_street_official_files_an_event_and_the_office_acknowledges_it(
    phone: Any, desktop: Any, live_server: Any, street_official: Any, office: Any, community: Any
) -> None:
    sign_in(phone, live_server, "street1")
    phone.goto(f"{live_server.url}/discipline/events/new/")
    phone.select_option("#id_community", str(community.pk))
    phone.select_option("#id_severity", MajorEvent.Severity.CRITICAL)
    phone.fill("#id_title", "Ballot box carried away")
    phone.fill("#id_facts", "A man carried the ballot box out of the hall.")
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/discipline/events/*/")
    assert "事件已上报" in phone.content()
    # the form fits a phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    sign_in(desktop, live_server, "office")
    desktop.goto(f"{live_server.url}/communities/")
    banner = desktop.locator("#major-event-banner")
    assert banner.is_visible()
    assert "Ballot box carried away" in banner.inner_text()
    banner.get_by_text("Ballot box carried away").click()
    desktop.fill("#id_handling", "Police called; ballot box recovered.")
    desktop.click("form[action$='/acknowledge/'] button[type=submit]")
    assert "事件已确认" in desktop.content()
    assert "确认用时" in desktop.content()
    assert desktop.locator("#major-event-banner").count() == 0
    desktop.goto(f"{live_server.url}/communities/")
    assert desktop.locator("#major-event-banner").count() == 0
    event = MajorEvent.objects.get()
    assert event.acknowledged_at is not None
    assert event.handling == "Police called; ballot box recovered."


def test_publicity_page_fits_a_phone(
    phone: Any, live_server: Any, street_official: Any, community: Any, tmp_path: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from discipline.models import PublicityTally
    from election.models import Campaign, RuleSet

    rules = RuleSet.objects.create(code="publicity-e2e", version=1, name="Publicity e2e")
    today = timezone.localdate()
    Campaign.objects.create(
        district=community.street.district,
        rule_set=rules,
        name="Campaign",
        status=Campaign.Status.RUNNING,
        starts_on=today - timedelta(days=30),
        election_on=today + timedelta(days=40),
        party_election_on=today + timedelta(days=30),
    )
    sign_in(phone, live_server, "street1")
    phone.goto(f"{live_server.url}/discipline/publicity/?street={community.street_id}")
    phone.locator(f"#community-{community.pk} a").click()
    phone.fill("#id_handbooks", "120")
    phone.fill("#id_posters", "8")
    phone.click("main form button[type=submit]")
    assert "统计数已保存" in phone.content()
    # the wide tables scroll inside their card, the page itself fits the phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(tmp_path / "publicity-390.png"), full_page=True)
    tally = PublicityTally.objects.get()
    assert (tally.handbooks, tally.posters) == (120, 8)
