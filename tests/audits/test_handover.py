"""The handover (移交): opened from the committee's forming, due within the rule set's days,
completed with every row ticked and the signed inventory, the plan's step done (and red when
late); refusals seen, acknowledged and resolved by the office."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Handover, HandoverItem, HandoverRefusal
from audits.selectors.handover import refusals_unacknowledged
from audits.services.handover import (
    handover_complete,
    handover_inventory_upload,
    handover_open,
    handover_overdue_days,
    refusal_record,
)
from core.exceptions import ConflictError, DomainError
from election.models import CommunityPlan, PlanStep, StepTemplate
from election.services.plans import campaign_start, plan_refresh
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401
from tests.factories import CommunityFactory

PDF = b"%PDF-1.4\n" + b"0" * 64


def _pdf(name: str = "inventory.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def plan(running_campaign: Any, community: Any, admin_user: Any) -> CommunityPlan:  # noqa: F811
    """The community's plan; its handover step counts from the committee's forming (7 days
    here, the rule's data), and the committee was formed 20 days ago."""
    StepTemplate.objects.filter(code="handover").update(anchor="committee_formed", check_days=7)
    plan = CommunityPlan.objects.get(campaign=running_campaign, community=community)
    # formed 20 to 26 days ago, on the day that puts the 7-day limit on a Wednesday: a limit
    # ending on a weekend would run on to Monday (a period's last day is a working day)
    formed = timezone.localdate() - timedelta(days=20)
    formed -= timedelta(days=((formed + timedelta(days=7)).weekday() - 2) % 7)
    plan.committee_formed_on = formed
    plan.party_election_on = timezone.localdate() - timedelta(days=30)
    plan.save(update_fields=["committee_formed_on", "party_election_on"])
    plan_refresh(plan=plan, by=admin_user)
    return plan


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ready(handover: Handover, by: Any) -> Handover:
    HandoverItem.objects.filter(handover=handover).update(is_handed_over=True)
    handover_inventory_upload(handover=handover, file=_pdf(), by=by)
    handover.refresh_from_db()
    return handover


def _step(plan: CommunityPlan) -> PlanStep:
    return PlanStep.objects.get(plan=plan, template__code="handover")


# --- opening and the due day ----------------------------------------------------------------------


def test_opening_counts_the_rules_days_from_the_forming_with_the_five_kinds(
    plan: CommunityPlan, street_official: Any
) -> None:
    response = _client(street_official).post(
        reverse("audits:handover-plan", args=[plan.pk]), {"body": "residents"}
    )
    handover = Handover.objects.get(plan=plan, body="residents")
    assert response.status_code == 302
    assert response["Location"] == reverse("audits:handover-detail", args=[handover.pk])
    formed = plan.committee_formed_on
    assert handover.formed_on == formed
    assert handover.due_on == formed + timedelta(days=7)  # the template's check_days, not 10
    assert sorted(handover.items.values_list("kind", flat=True)) == sorted(
        ["seals", "accounts", "assets", "contracts", "archives"]
    )
    assert handover.history.first().history_user == street_official
    # opening it again returns the same handover
    _client(street_official).post(
        reverse("audits:handover-plan", args=[plan.pk]), {"body": "residents"}
    )
    assert Handover.objects.filter(plan=plan).count() == 1


def test_the_due_day_itself_is_not_overdue_the_next_day_is(
    plan: CommunityPlan, street_official: Any
) -> None:
    handover = handover_open(plan=plan, body="residents", by=street_official)
    assert handover_overdue_days(handover, handover.due_on) == 0
    assert handover_overdue_days(handover, handover.due_on + timedelta(days=1)) == 1
    assert handover_overdue_days(handover, handover.due_on - timedelta(days=1)) == 0


def test_the_list_shows_overdue_days_and_filters_by_state(
    plan: CommunityPlan, street_official: Any
) -> None:
    handover = handover_open(plan=plan, body="residents", by=street_official)
    days = (timezone.localdate() - handover.due_on).days  # 13 to 19
    client = _client(street_official)
    page = client.get(reverse("audits:handover-list")).content.decode()
    assert f"逾期 {days} 天" in page
    assert plan.community.name in page
    assert plan.community.name not in client.get(
        reverse("audits:handover-list") + "?state=due"
    ).content.decode("utf-8")
    assert plan.community.name in client.get(
        reverse("audits:handover-list") + "?state=overdue"
    ).content.decode("utf-8")


def test_due_today_is_due_not_overdue_on_the_list(
    plan: CommunityPlan, street_official: Any
) -> None:
    handover = handover_open(plan=plan, body="residents", by=street_official)
    Handover.objects.filter(pk=handover.pk).update(due_on=timezone.localdate())
    client = _client(street_official)
    url = reverse("audits:handover-list")
    assert not re.search(r"逾期 \d+ 天", client.get(url).content.decode())
    assert plan.community.name in client.get(url + "?state=due").content.decode()
    assert plan.community.name not in client.get(url + "?state=overdue").content.decode()


def test_due_yesterday_is_overdue_one_day_on_the_list(
    plan: CommunityPlan, street_official: Any
) -> None:
    handover = handover_open(plan=plan, body="residents", by=street_official)
    yesterday = timezone.localdate() - timedelta(days=1)
    Handover.objects.filter(pk=handover.pk).update(due_on=yesterday)
    client = _client(street_official)
    url = reverse("audits:handover-list")
    assert "逾期 1 天" in client.get(url).content.decode()
    assert plan.community.name in client.get(url + "?state=overdue").content.decode()
    assert plan.community.name not in client.get(url + "?state=due").content.decode()


def test_the_list_takes_the_same_queries_for_more_handovers(
    plan: CommunityPlan,
    running_campaign: Any,  # noqa: F811
    street: Any,
    office: Any,
    admin_user: Any,
) -> None:
    handover = handover_open(plan=plan, body="residents", by=office)
    refusal_record(
        handover=handover,
        data={"occurred_on": timezone.localdate(), "person": "X", "description": "No"},
        by=office,
    )
    client = _client(office)
    url = reverse("audits:handover-list")
    refusals_url = reverse("audits:handover-refusal-list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as one_refusal:
        assert client.get(refusals_url).status_code == 200
    for i in range(4):
        CommunityFactory(street=street, name=f"Extra {i}")
    campaign_start(campaign=running_campaign, by=admin_user)  # their plans
    for extra in CommunityPlan.objects.filter(campaign=running_campaign).exclude(pk=plan.pk):
        handover = handover_open(plan=extra, body="residents", by=office)
        refusal_record(
            handover=handover,
            data={"occurred_on": timezone.localdate(), "person": "X", "description": "No"},
            by=office,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('id="handover-') >= 5
    assert len(many) == len(one)
    with CaptureQueriesContext(connection) as many_refusals:
        response = client.get(refusals_url)
    assert response.content.decode().count('id="refusal-') >= 5
    assert len(many_refusals) == len(one_refusal)


# --- the checklist and completion -----------------------------------------------------------------


def test_the_checklist_is_saved_with_ticks_quantities_and_a_new_row(
    plan: CommunityPlan, street_official: Any
) -> None:
    handover = handover_open(plan=plan, body="residents", by=street_official)
    seals = handover.items.get(kind="seals")
    client = _client(street_official)
    response = client.post(
        reverse("audits:handover-detail", args=[handover.pk]),
        {
            "version": handover.version,
            "handed_by": "老主任",
            "received_by": "新主任",
            f"item-{seals.pk}-quantity": "3枚",
            f"item-{seals.pk}-done": "on",
        },
    )
    assert response.status_code == 302
    seals.refresh_from_db()
    handover.refresh_from_db()
    assert (seals.quantity, seals.is_handed_over) == ("3枚", True)
    assert (handover.handed_by, handover.received_by) == ("老主任", "新主任")
    assert not handover.items.get(kind="assets").is_handed_over
    client.post(
        reverse("audits:handover-item-add", args=[handover.pk]),
        {"kind": "other", "description": "车辆钥匙", "quantity": "2"},
    )
    assert handover.items.filter(description="车辆钥匙", kind="other").exists()
    # a form opened before that row was added is stale
    response = client.post(
        reverse("audits:handover-detail", args=[handover.pk]),
        {"version": handover.version, "handed_by": "别人"},
        follow=True,
    )
    handover.refresh_from_db()
    assert handover.handed_by == "老主任"
    assert "其他人已保存" in response.content.decode()


def test_completion_needs_every_row_and_the_inventory(
    plan: CommunityPlan, street_official: Any
) -> None:
    handover = handover_open(plan=plan, body="residents", by=street_official)
    today = timezone.localdate()
    with pytest.raises(DomainError, match="5"):
        handover_complete(
            handover=handover, version=handover.version, completed_on=today, by=street_official
        )
    HandoverItem.objects.filter(handover=handover).update(is_handed_over=True)
    with pytest.raises(DomainError):
        handover_complete(
            handover=handover, version=handover.version, completed_on=today, by=street_official
        )
    handover = _ready(handover, street_official)
    with pytest.raises(ConflictError):
        handover_complete(
            handover=handover,
            version=handover.version - 1,
            completed_on=today,
            by=street_official,
        )
    response = _client(street_official).post(
        reverse("audits:handover-complete", args=[handover.pk]),
        {"version": handover.version, "completed_on": "2000-01-01"},
    )
    assert response.status_code == 200  # before the committee was formed
    handover.refresh_from_db()
    assert handover.completed_on is None


def test_completed_on_the_due_day_the_step_is_done_and_not_red(
    plan: CommunityPlan, street_official: Any
) -> None:
    handover = _ready(
        handover_open(plan=plan, body="residents", by=street_official), street_official
    )
    response = _client(street_official).post(
        reverse("audits:handover-complete", args=[handover.pk]),
        {"version": handover.version, "completed_on": handover.due_on.isoformat()},
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.completed_on == handover.due_on
    step = _step(plan)
    assert step.status == PlanStep.Status.DONE
    assert step.done_on == handover.due_on
    assert step.is_red is False
    assert step.history.first().history_change_reason == "handover completed"
    assert handover_overdue_days(handover, timezone.localdate()) == 0


def test_completed_a_day_after_the_due_day_the_step_turns_red(
    plan: CommunityPlan, street_official: Any
) -> None:
    handover = _ready(
        handover_open(plan=plan, body="residents", by=street_official), street_official
    )
    handover_complete(
        handover=handover,
        version=handover.version,
        completed_on=handover.due_on + timedelta(days=1),
        by=street_official,
    )
    step = _step(plan)
    assert step.status == PlanStep.Status.DONE
    assert step.is_red is True


def test_the_step_waits_for_the_party_committees_handover_too(
    plan: CommunityPlan, street_official: Any
) -> None:
    residents = _ready(
        handover_open(plan=plan, body="residents", by=street_official), street_official
    )
    party = handover_open(plan=plan, body="party", by=street_official)
    handover_complete(
        handover=residents,
        version=residents.version,
        completed_on=residents.due_on,
        by=street_official,
    )
    assert _step(plan).status != PlanStep.Status.DONE
    party = _ready(party, street_official)
    today = timezone.localdate()
    handover_complete(handover=party, version=party.version, completed_on=today, by=street_official)
    assert _step(plan).done_on == today


def test_the_inventory_is_downloaded_through_the_scope_check(
    plan: CommunityPlan, street_official: Any, outsider: Any
) -> None:
    handover = handover_open(plan=plan, body="residents", by=street_official)
    response = _client(street_official).post(
        reverse("audits:handover-inventory", args=[handover.pk]),
        {"file": _pdf("../../清单.pdf")},
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.inventory_type == "application/pdf"
    assert "清单" not in handover.inventory.name
    url = reverse("audits:handover-inventory-download", args=[handover.pk])
    response = _client(street_official).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    assert _client(outsider).get(url).status_code == 404
    # a file that is not a photo or a PDF is refused, in Chinese
    response = _client(street_official).post(
        reverse("audits:handover-inventory", args=[handover.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"MZ" + b"0" * 40)},
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()


# --- refusals -------------------------------------------------------------------------------------


def _refusal(plan: CommunityPlan, by: Any) -> HandoverRefusal:
    handover = handover_open(plan=plan, body="residents", by=by)
    response = _client(by).post(
        reverse("audits:handover-refusal-add", args=[handover.pk]),
        {
            "occurred_on": timezone.localdate().isoformat(),
            "person": "原主任",
            "description": "拒交公章",
        },
    )
    assert response.status_code == 302
    return HandoverRefusal.objects.get(handover=handover)


def test_a_refusal_is_counted_for_the_office_until_acknowledged(
    plan: CommunityPlan, street_official: Any, office: Any, outsider: Any
) -> None:
    refusal = _refusal(plan, street_official)
    assert refusals_unacknowledged(office) == 1
    assert refusals_unacknowledged(street_official) == 0
    page = _client(office).get(reverse("audits:handover-refusal-list")).content.decode()
    assert "拒交公章" in page
    assert (
        "拒交公章"
        in _client(street_official).get(reverse("audits:handover-refusal-list")).content.decode()
    )
    assert (
        "拒交公章"
        not in _client(outsider).get(reverse("audits:handover-refusal-list")).content.decode()
    )
    url = reverse("audits:handover-refusal-acknowledge", args=[refusal.pk])
    assert _client(street_official).post(url, {"version": refusal.version}).status_code == 404
    assert refusals_unacknowledged(office) == 1
    assert _client(office).post(url, {"version": refusal.version}).status_code == 302
    refusal.refresh_from_db()
    assert refusal.acknowledged_by == office
    assert refusals_unacknowledged(office) == 0


def test_a_refusal_is_resolved_with_a_note(
    plan: CommunityPlan, street_official: Any, leader: Any
) -> None:
    refusal = _refusal(plan, street_official)
    url = reverse("audits:handover-refusal-resolve", args=[refusal.pk])
    data = {
        "version": refusal.version,
        "resolved_on": timezone.localdate().isoformat(),
        "resolution": "经街道协调已移交",
    }
    assert _client(leader).post(url, data).status_code == 404
    assert _client(street_official).post(url, {**data, "resolution": ""}).status_code == 302
    refusal.refresh_from_db()
    assert refusal.resolved_on is None
    assert _client(street_official).post(url, data).status_code == 302
    refusal.refresh_from_db()
    assert refusal.resolution == "经街道协调已移交"
    assert refusal.history.first().history_change_reason == "refusal resolved"


def test_a_refusal_for_a_day_to_come_is_refused(plan: CommunityPlan, street_official: Any) -> None:
    handover = handover_open(plan=plan, body="residents", by=street_official)
    with pytest.raises(DomainError):
        refusal_record(
            handover=handover,
            data={
                "occurred_on": timezone.localdate() + timedelta(days=2),
                "person": "A",
                "description": "B",
            },
            by=street_official,
        )


# --- the plan page -------------------------------------------------------------------------------


def test_the_plan_page_shows_the_handover_and_its_step_is_not_ticked_by_hand(
    plan: CommunityPlan, street_official: Any
) -> None:
    client = _client(street_official)
    page = client.get(reverse("election:plan-detail", args=[plan.pk])).content.decode()
    assert reverse("audits:handover-plan", args=[plan.pk]) in page
    step = _step(plan)
    # before a handover is opened, the step may still be ticked by hand
    form = client.get(reverse("election:step-edit", args=[step.pk])).content.decode()
    assert "随工作移交记录完成" not in form
    handover = handover_open(plan=plan, body="residents", by=street_official)
    page = client.get(reverse("election:plan-detail", args=[plan.pk])).content.decode()
    assert reverse("audits:handover-detail", args=[handover.pk]) in page
    assert "逾期 13 天" in page  # formed 20 days ago, 7 days to hand over
    response = client.post(
        reverse("election:step-edit", args=[step.pk]),
        {"version": step.version, "status": "done", "done_on": timezone.localdate().isoformat()},
    )
    assert "随工作移交记录完成" in response.content.decode()
    assert _step(plan).status != PlanStep.Status.DONE
