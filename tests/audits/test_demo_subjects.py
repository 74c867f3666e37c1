"""The demo's audits name their audited officials: the community's outgoing committee members
with their posts (the director first), or a fictional director and two members where none are on
record; a second run adds none."""

from typing import Any

from django.utils import timezone

from audits.demo import _subjects, demo_seed
from audits.models import AuditSubject, Engagement
from communities.models import Committee
from election.models import CommitteeMember
from tests.audits.matrix_overview import audit_campaign, audit_records


def test_every_demo_audit_gets_its_officials_once(
    district: Any, community: Any, other_community: Any, admin_user: Any
) -> None:
    today = timezone.localdate()
    campaign = audit_campaign(district, today=today, by=admin_user)
    residents = Committee.objects.get(community=community, kind="residents")
    for name, post in [("张委员", "member"), ("李主任", "director")]:
        CommitteeMember.objects.create(
            committee=residents,
            name=name,
            post=post,
            gender="m",
            birth_date="1970-01-01",
            education=4,
        )
    audit_records(community.plans.get(), today=today, by=admin_user)
    audit_records(other_community.plans.get(), today=today, by=admin_user)
    AuditSubject.objects.all().delete()  # the demo starts from audits without officials

    demo_seed(district=district, today=today, by=admin_user)

    engagements = Engagement.objects.filter(plan__campaign=campaign)
    assert engagements.exists()
    for e in engagements:
        subjects = list(e.subjects.order_by("pk"))
        assert subjects, e
        assert subjects[0].post == "居委会主任"  # the director first
        if e.plan.community_id == community.pk:
            assert [(s.name, s.post) for s in subjects] == [
                ("李主任", "居委会主任"),
                ("张委员", "居委会委员"),
            ]
        else:
            assert [s.post for s in subjects] == ["居委会主任", "居委会委员", "居委会委员"]
            assert len({s.name for s in subjects}) == 3
    subject = AuditSubject.objects.first()
    assert subject is not None
    record = subject.history.get()
    assert record.history_change_reason == "demo data" and record.history_user == admin_user

    count = AuditSubject.objects.count()
    assert _subjects(campaign, today=today, by=admin_user) == 0
    demo_seed(district=district, today=today, by=admin_user)
    assert AuditSubject.objects.count() == count
