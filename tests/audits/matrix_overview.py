"""The URL matrix's cases of the audits overview, and the audit records the overview's, the weekly
report's and the home pages' tests build (`audit_campaign`, `audit_records`).

Every reader of the district (office, discipline, supervision) and each street official over
their own streets gets the page; a leader (a community grant only), a member unit and anyone
else a 404."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from audits.models import (
    AuditFirm,
    Engagement,
    Finding,
    FindingCategory,
    Handover,
    HandoverRefusal,
    Posting,
    Rectification,
)
from communities.models import District
from election.models import (
    Campaign,
    CommunityPlan,
    PlanStep,
    PublicNotice,
    RuleSet,
    StageTemplate,
    StepTemplate,
)
from election.services.plans import campaign_start, plan_refresh
from tests.url_matrix import LOGIN, NOT_FOUND, OK, Case, World, everyone

# the posting's lead time: the results go up at least POSTING_LEAD days before election day
POSTING_LEAD = 10


def audit_rules() -> RuleSet:
    """A rule set with the departure audit's steps (the posting checked on its notice) and the
    handover (made once)."""
    rules, created = RuleSet.objects.get_or_create(
        code="audit-test", version=1, defaults={"name": "Audit test rules"}
    )
    if not created:
        return rules
    audit = StageTemplate.objects.create(
        rule_set=rules, order=1, code="departure-audit", title="Departure audit"
    )
    handover = StageTemplate.objects.create(
        rule_set=rules, order=2, code="handover", title="Handover"
    )
    StepTemplate.objects.create(
        stage=audit, order=1, code="audit-engage", title="Firm engaged", anchor="start",
        offset_days=7,
    )  # fmt: skip
    StepTemplate.objects.create(
        stage=audit,
        order=2,
        code="audit-posting",
        title="Results posted",
        anchor="election",
        offset_days=-POSTING_LEAD,
        check_kind="min_lead",
        check_days=POSTING_LEAD,
        checked_date="notice",
        requires_notice=True,
        rule_text="Audit results posted before election day",
    )
    StepTemplate.objects.create(
        stage=handover,
        order=1,
        code="handover",
        title="Handover",
        anchor="election",
        offset_days=10,
        check_kind="max_lag",
        check_days=10,
        rule_text="Handover within 10 days",
    )
    return rules


def audit_campaign(district: District, *, today: date, by: User | None) -> Campaign:
    """A running campaign of `district` (plans for all its communities) whose election day was
    twelve days ago, so a posting is missing when there is none."""
    campaign = Campaign.objects.filter(district=district).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            district=district,
            rule_set=audit_rules(),
            name="2026 re-election",
            starts_on=today - timedelta(days=60),
            election_on=today - timedelta(days=12),
            party_election_on=today - timedelta(days=20),
        )
    campaign_start(campaign=campaign, by=by, today=today)
    campaign.refresh_from_db()
    return campaign


def audit_records(plan: CommunityPlan, *, today: date, by: User) -> dict[str, Any]:
    """One community's records: a reported audit whose posting went up late, a finance audit in
    fieldwork with no posting (missing), two findings in two categories (120.50 and 1,000 yuan),
    an overdue and a closed rectification item, an overdue handover with an unacknowledged
    refusal, and a handover done."""
    district = plan.community.street.district
    firm, _ = AuditFirm.objects.get_or_create(district=district, name="信达会计师事务所")
    finance_cat, _ = FindingCategory.objects.get_or_create(
        district=district, name="财务管理不规范", defaults={"order": 1}
    )
    assets_cat, _ = FindingCategory.objects.get_or_create(
        district=district, name="资产资源管理问题", defaults={"order": 2}
    )
    reported = Engagement.objects.create(
        plan=plan,
        firm=firm,
        kind=Engagement.Kind.DEPARTURE,
        state=Engagement.State.POSTED,
        engaged_on=today - timedelta(days=40),
        report_received_on=today - timedelta(days=20),
    )
    fieldwork = Engagement.objects.create(
        plan=plan,
        firm=firm,
        kind=Engagement.Kind.FINANCE,
        state=Engagement.State.FIELDWORK,
        engaged_on=today - timedelta(days=30),
        fieldwork_started_on=today - timedelta(days=25),
    )
    f1 = Finding.objects.create(
        engagement=reported, category=finance_cat, description="白条入账", amount=Decimal("120.50")
    )
    f2 = Finding.objects.create(
        engagement=reported, category=assets_cat, description="资产未登记", amount=Decimal("1000")
    )
    overdue = Rectification.objects.create(
        finding=f1, action="补齐凭证", owner="会计", deadline=today - timedelta(days=3)
    )
    closed = Rectification.objects.create(
        finding=f2,
        action="登记入账",
        owner="主任",
        deadline=today - timedelta(days=3),
        closed_on=today - timedelta(days=4),
    )
    # posted two days before election day, short of the rule set's lead time: the step is red
    step = plan.steps.get(template__code="audit-posting")
    posted_on = plan.election_on - timedelta(days=2)
    notice = PublicNotice.objects.create(
        step=step, title="审计结果公示", place="居务公开栏", posted_on=posted_on, created_by=by
    )
    PlanStep.objects.filter(pk=step.pk).update(status=PlanStep.Status.DONE, done_on=posted_on)
    plan_refresh(plan=plan, by=by, today=today)
    posting = Posting.objects.create(engagement=reported, notice=notice)
    late_handover = Handover.objects.create(
        plan=plan,
        body=Handover.Body.RESIDENTS,
        formed_on=today - timedelta(days=12),
        due_on=today - timedelta(days=2),
    )
    done_handover = Handover.objects.create(
        plan=plan,
        body=Handover.Body.PARTY,
        formed_on=today - timedelta(days=12),
        due_on=today - timedelta(days=2),
        completed_on=today - timedelta(days=5),
    )
    refusal = HandoverRefusal.objects.create(
        handover=late_handover,
        occurred_on=today - timedelta(days=3),
        person="张三",
        description="拒交公章",
        created_by=by,
    )
    return {
        "reported": reported,
        "fieldwork": fieldwork,
        "findings": [f1, f2],
        "overdue": overdue,
        "closed": closed,
        "posting": posting,
        "late_handover": late_handover,
        "done_handover": done_handover,
        "refusal": refusal,
    }


def _records(world: World) -> str:
    """Audit records in both communities, unless the world has a campaign already (the crawl
    builds every part's objects in one world: the page then counts theirs)."""
    if "audit_overview" not in world.extra:
        world.extra["audit_overview"] = True
        if Campaign.objects.filter(district=world.district).exists():
            return ""
        today = timezone.localdate()
        admin = world.users["admin_user"]
        audit_campaign(world.district, today=today, by=admin)
        for community in (world.community, world.other_community):
            plan = community.plans.get()
            audit_records(plan, today=today, by=admin)
    return ""


READERS = everyone(
    NOT_FOUND,
    anonymous=LOGIN,
    admin_user=OK,
    office=OK,
    discipline=OK,
    supervisor=OK,
    street_official=OK,
    outsider=OK,
)

OVERVIEW_ENTRIES: dict[str, Case] = {
    "audits:overview": Case(expect=READERS, query=_records),
    "audits:overview-xlsx": Case(expect=READERS, query=_records),
}
