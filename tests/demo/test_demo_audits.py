"""`seed_demo`'s audits: firms, an audit at every state, findings with rectification items (some
overdue, some closed), postings (one late for the rule set's lead time, the plan's step red),
handovers of the communities that elected their committee (one overdue with a refusal not
acknowledged), the plans' steps agreeing with the records, and nothing written on a second run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from audits.models import (
    AuditFirm,
    Engagement,
    Finding,
    Handover,
    HandoverRefusal,
    Posting,
    Rectification,
)
from audits.selectors.overview import overview_scope, overview_take, posting_late
from election.models import Campaign, CommitteeMember, PlanStep

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_audits_consistent_with_the_plans() -> None:
    output = _seed()
    today = timezone.localdate()
    campaign = Campaign.objects.get(status=Campaign.Status.RUNNING)
    assert "审计" in output or "audits" in output
    assert 2 <= AuditFirm.objects.filter(district=campaign.district).count() <= 3
    states = set(Engagement.objects.filter(plan__campaign=campaign).values_list("state", flat=True))
    assert states == set(Engagement.State.values)
    categories = set(
        Finding.objects.filter(engagement__plan__campaign=campaign).values_list(
            "category__name", flat=True
        )
    )
    assert len(categories) >= 3
    items = Rectification.objects.filter(finding__engagement__plan__campaign=campaign)
    assert items.filter(closed_on__isnull=True, deadline__lt=today).exists()
    assert items.filter(closed_on__isnull=False).exists()

    # every posted departure audit has its posting; the plan's posting step is done
    for e in Engagement.objects.filter(
        plan__campaign=campaign, state=Engagement.State.POSTED, kind=Engagement.Kind.DEPARTURE
    ):
        posting = Posting.objects.get(engagement=e)
        assert posting.notice.step.template.code == "audit-posting"
        assert posting.notice.step.status == PlanStep.Status.DONE
    # an audit before its report: the plan's posting step is not done
    engaged = Engagement.objects.filter(
        plan__campaign=campaign, state=Engagement.State.ENGAGED
    ).first()
    assert engaged is not None
    step = PlanStep.objects.get(plan=engaged.plan, template__code="audit-posting")
    assert step.status != PlanStep.Status.DONE
    assert not step.notices.exists()
    # one posting late: on election day, and the engine marks its step red
    late = Posting.objects.filter(posting_late(), engagement__plan__campaign=campaign)
    assert late.count() == 1
    assert late.get().notice.posted_on == late.get().engagement.plan.election_on
    assert "少 1 天" in late.get().notice.step.red_reason

    # handovers exactly for the communities that elected their committee
    elected = set(
        CommitteeMember.objects.filter(elected_in=campaign).values_list(
            "committee__community_id", flat=True
        )
    )
    handovers = Handover.objects.filter(plan__campaign=campaign)
    assert elected
    assert set(handovers.values_list("plan__community_id", flat=True)) == elected
    overdue = handovers.filter(completed_on__isnull=True, due_on__lt=today)
    assert overdue.count() == 1
    refusal = HandoverRefusal.objects.get(handover__plan__campaign=campaign)
    assert refusal.handover == overdue.get()
    assert refusal.acknowledged_at is None
    for h in handovers.filter(completed_on__isnull=False):
        step = PlanStep.objects.get(plan=h.plan, template__code="handover")
        assert step.status == PlanStep.Status.DONE and step.done_on == h.completed_on
        assert h.completed_on is not None and h.completed_on <= h.due_on

    office = User.objects.get(username="office")
    overview = overview_take(overview_scope(office), today=today)
    assert overview.total.postings_late == 1
    assert overview.total.handovers_overdue == 1
    assert overview.refusals_unacknowledged == 1

    # a second run writes nothing
    counts = (Engagement.objects.count(), Finding.objects.count(), Handover.objects.count())
    history = Engagement.history.count()
    _seed()
    assert (
        Engagement.objects.count(),
        Finding.objects.count(),
        Handover.objects.count(),
    ) == counts
    assert Engagement.history.count() == history
