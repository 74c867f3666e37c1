"""`seed_demo`'s discipline and supervision: publicity of every community, reports at every state
(one from the public form, one overdue) with cases handled by the demo `discipline` account, a
substantiated case against a demo candidate, inspections recorded by `supervisor` with an overdue
and a closed order, a joint meeting, an unacknowledged major event; nothing written on a second
run."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from discipline.models import (
    Case,
    DisciplineLead,
    Inspection,
    JointMeeting,
    MajorEvent,
    PublicityDocument,
    PublicityTally,
    RectificationOrder,
    Report,
)
from discipline.permissions import can_see_identity
from discipline.selectors.overdue import report_overdue_q
from election.models import Campaign

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    """Rows of every discipline table, history included."""
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("discipline").get_models()
    }


def test_seed_demo_builds_discipline_at_every_state_and_a_second_run_writes_nothing() -> None:
    first = _seed()
    today = timezone.localdate()
    campaign = Campaign.objects.get(status=Campaign.Status.RUNNING)
    district = campaign.district
    discipline = User.objects.get(username="discipline")
    supervisor = User.objects.get(username="supervisor")
    street1 = User.objects.get(username="street1")

    # publicity: every community's tally, three texts with their PDF
    communities = district.streets.values_list("communities", flat=True)
    assert PublicityTally.objects.filter(campaign=campaign).count() == communities.count()
    docs = PublicityDocument.objects.filter(campaign=campaign)
    assert docs.count() == 3
    for doc in docs:
        with doc.file.open("rb") as f:
            assert f.read(5) == b"%PDF-"

    # reports at every state, one from the public form, one overdue
    reports = Report.objects.filter(district=district)
    assert set(reports.values_list("state", flat=True)) == set(Report.State.values)
    assert reports.filter(channel=Report.Channel.ONLINE).exists()
    assert reports.filter(report_overdue_q(today)).count() == 1
    assert DisciplineLead.objects.filter(district=district, user=discipline).exists()
    cases = Case.objects.filter(report__district=district)
    assert all(list(c.officers.all()) == [discipline] for c in cases)
    assert set(cases.values_list("stage", flat=True)) == set(Case.Stage.values)
    assert {o for o in cases.values_list("outcome", flat=True) if o} == set(Case.Outcome.values)
    against = cases.get(outcome=Case.Outcome.SUBSTANTIATED).report
    assert against.candidate is not None
    assert against.candidate.plan.campaign == campaign
    assert can_see_identity(discipline, against)

    # supervision by the supervision team: weekly and joint, an overdue and a closed order
    inspections = Inspection.objects.filter(district=district)
    assert set(inspections.values_list("kind", flat=True)) == set(Inspection.Kind.values)
    assert set(inspections.values_list("created_by", flat=True)) == {supervisor.pk}
    orders = RectificationOrder.objects.filter(finding__inspection__district=district)
    assert orders.filter(closed_on__isnull=True, due_on__lt=today).exists()
    assert orders.filter(closed_on__isnull=False).exists()
    meeting = JointMeeting.objects.get(district=district)
    assert meeting.decisions.count() >= 2 and meeting.units.exists()

    # major events filed by street1: one not yet acknowledged
    events = MajorEvent.objects.filter(district=district)
    assert set(events.values_list("created_by", flat=True)) == {street1.pk}
    assert events.filter(acknowledged_at__isnull=True).count() == 1
    assert events.filter(acknowledged_at__isnull=False).count() == 1

    before = _counts()
    second = _seed()
    assert _counts() == before
    assert first == second
    assert "纪律" in first or "Discipline" in first
