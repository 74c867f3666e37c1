"""The audits' part of the demo data (`manage.py seed_demo`, in the `demo` app): three audit
firms, the district's finding categories, a departure audit of every planned community at the
state its plan's audit steps show (a few plans voting late held back so that every state is
there), each with its audited officials (the outgoing director and members, with their posts;
added to any audit that has none, so a later run fills in older demo data), findings with
rectification items (some overdue, some closed), the postings of the results on the notice board
(one posted too late for the rule set's lead time), and the handovers of the communities that
have elected their committee (one overdue, with a refusal the office has not acknowledged).

Built once, with bulk writes that keep the history (reason "demo data"); the plans whose steps
were changed are recomputed by the plan's engine, so the steps and the records agree. Fictional
data only; nothing here is used by the application at run time.
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from communities.models import District
from election.models import Campaign, CommitteeMember, CommunityPlan, PlanStep, PublicNotice
from election.services.plans import committee_formed_on, plan_refresh

from .models import (
    DEFAULT_FINDING_CATEGORIES,
    AuditFirm,
    AuditSubject,
    Engagement,
    Finding,
    FindingCategory,
    Handover,
    HandoverItem,
    HandoverRefusal,
    Posting,
    Rectification,
)

SEED = 20261203
REASON = "demo data"
AUDIT_STEPS = ("audit-engage", "audit-fieldwork", "audit-report", "audit-posting")
FIRMS = [
    ("信达联合会计师事务所", "李明", "0571-8800 1001"),
    ("正衡审计事务所", "陈静", "0571-8800 2002"),
    ("中诚会计师事务所", "王磊", "0571-8800 3003"),
]
# the states the plans voting last are held back at, so that every state shows
HELD_BACK = [
    Engagement.State.ENGAGED,
    Engagement.State.FIELDWORK,
    Engagement.State.DRAFT,
    Engagement.State.REPORTED,
]
FINDINGS = [
    "部分支出以白条入账",
    "集体资产未登记入账",
    "工程项目未按规定招投标",
    "惠民资金发放台账不全",
    "往来款长期挂账未清理",
    "会议记录缺失",
]
ITEMS = [
    (HandoverItem.Kind.SEALS, "居委会公章、财务专用章", "2 枚"),
    (HandoverItem.Kind.ACCOUNTS, "2021—2026 年会计账簿及凭证", "36 册"),
    (HandoverItem.Kind.ASSETS, "办公用房及设备清单", "1 份"),
    (HandoverItem.Kind.CONTRACTS, "集体资产租赁合同", "12 份"),
    (HandoverItem.Kind.ARCHIVES, "换届选举及居务档案", "8 盒"),
]


def demo_seed(*, district: District, today: date, by: User) -> str:
    """Build the audits of the district's running campaign once; return the line that describes
    them (the same every run). Runs in the caller's transaction."""
    campaign = Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING).first()
    if campaign is None:
        return _("No running campaign: the demo audits are skipped.")
    if not Engagement.objects.filter(plan__campaign=campaign).exists():
        _build(campaign, today=today, by=by)
    _subjects(campaign, today=today, by=by)
    engagements = Engagement.objects.filter(plan__campaign=campaign)
    return _(
        "Demo audits: %(audits)s audits by %(firms)s firms, %(findings)s findings, "
        "%(handovers)s handovers."
    ) % {
        "audits": engagements.count(),
        "firms": AuditFirm.objects.filter(district=district).count(),
        "findings": Finding.objects.filter(engagement__plan__campaign=campaign).count(),
        "handovers": Handover.objects.filter(plan__campaign=campaign).count(),
    }


def _build(campaign: Campaign, *, today: date, by: User) -> None:
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    district = campaign.district
    firms = []
    for name, person, phone in FIRMS:
        firm, _created = AuditFirm.objects.get_or_create(
            district=district,
            name=name,
            defaults={
                "contact_person": person,
                "phone": phone,
                "qualification": "会计师事务所执业证书",
            },
        )
        firms.append(firm)
    categories = []
    for order, name in enumerate(DEFAULT_FINDING_CATEGORIES, start=1):
        category, _created = FindingCategory.objects.get_or_create(
            district=district, name=name, defaults={"order": order}
        )
        categories.append(category)

    plans = list(
        CommunityPlan.objects.filter(campaign=campaign)
        .select_related("community")
        .order_by("community__street__name", "community__name")
    )
    steps: dict[int, dict[str, PlanStep]] = {}
    for step in PlanStep.objects.filter(
        plan__campaign=campaign, template__code__in=(*AUDIT_STEPS, "handover")
    ).select_related("template"):
        steps.setdefault(step.plan_id, {})[step.template.code] = step
    notices = {
        n.step_id: n
        for n in PublicNotice.objects.filter(
            step__plan__campaign=campaign, step__template__code="audit-posting"
        ).order_by("posted_on")
    }
    touched: set[int] = set()
    changed_steps: list[PlanStep] = []

    # the plans voting last are held back, one at each state before the posting
    late = sorted(
        (p for p in plans if p.election_on > today), key=lambda p: -p.election_on.toordinal()
    )
    held = {p.pk: state for p, state in zip(late, HELD_BACK, strict=False)}
    drop_notices: list[int] = []
    for plan in plans:
        if plan.pk not in held:
            continue
        keep = {
            Engagement.State.ENGAGED: 1,
            Engagement.State.FIELDWORK: 1,
            Engagement.State.DRAFT: 2,
            Engagement.State.REPORTED: 3,
        }[held[plan.pk]]
        for code in AUDIT_STEPS[keep:]:
            undone = steps.get(plan.pk, {}).get(code)
            if undone is None:
                continue
            is_next = code == AUDIT_STEPS[keep]
            undone.status = PlanStep.Status.IN_PROGRESS if is_next else PlanStep.Status.NOT_STARTED
            undone.done_on = None
            changed_steps.append(undone)
            if undone.pk in notices:
                drop_notices.append(notices.pop(undone.pk).pk)
        touched.add(plan.pk)

    engagements: list[Engagement] = []
    for index, plan in enumerate(plans):
        plan_steps = steps.get(plan.pk, {})
        state = held.get(plan.pk) or _state_of(plan_steps, notices)
        if state is None:
            continue
        engage = plan_steps.get("audit-engage")
        engaged_on = (engage.done_on or engage.due_on) if engage else None
        engaged_on = engaged_on or campaign.starts_on
        fieldwork = plan_steps.get("audit-fieldwork")
        report = plan_steps.get("audit-report")
        at = list(Engagement.State).index(state)
        started = engaged_on + timedelta(days=3) if at >= 1 else None
        ended = (fieldwork.done_on if fieldwork else None) if at >= 2 else None
        ended = ended or (started + timedelta(days=10) if at >= 2 and started else None)
        draft = ended + timedelta(days=2) if at >= 2 and ended else None
        final = (report.done_on if report else None) if at >= 3 else None
        final = final or (draft + timedelta(days=3) if at >= 3 and draft else None)
        for kind in (Engagement.Kind.DEPARTURE, Engagement.Kind.FINANCE):
            # a finance audit in every third community still to vote (after election day an
            # audit without its posting turns the plan's posting step red)
            if kind == Engagement.Kind.FINANCE and (index % 3 or plan.election_on <= today):
                continue
            kind_state = state
            if kind == Engagement.Kind.FINANCE and state == Engagement.State.POSTED:
                kind_state = Engagement.State.REPORTED  # one notice, the departure audit's
            engagements.append(
                Engagement(
                    plan=plan,
                    firm=firms[index % len(firms)],
                    kind=kind,
                    state=kind_state,
                    engaged_on=engaged_on,
                    fieldwork_started_on=started,
                    fieldwork_ended_on=ended,
                    draft_received_on=draft,
                    report_received_on=final,
                    amount_audited=Decimal(rng.randint(80, 900) * 10000),
                    created_by=by,
                )
            )
    bulk_create_with_history(engagements, Engagement, default_user=by, default_change_reason=REASON)
    engagements = list(
        Engagement.objects.filter(plan__campaign=campaign).select_related("plan").order_by("pk")
    )

    # findings and their rectification items, in the audits whose report is in
    findings: list[Finding] = []
    reported = [
        e
        for e in engagements
        if e.state in (Engagement.State.DRAFT, Engagement.State.REPORTED, Engagement.State.POSTED)
    ]
    for e in reported:
        for _n in range(rng.randint(0, 3)):
            findings.append(
                Finding(
                    engagement=e,
                    category=rng.choice(categories),
                    description=rng.choice(FINDINGS),
                    amount=Decimal(rng.randint(5, 3000) * 100) if rng.random() < 0.7 else None,
                    person=rng.choice(["原主任", "原会计", "原出纳", ""]),
                    created_by=by,
                )
            )
    bulk_create_with_history(findings, Finding, default_user=by, default_change_reason=REASON)
    items: list[Rectification] = []
    for number, f in enumerate(
        Finding.objects.filter(engagement__plan__campaign=campaign).order_by("pk")
    ):
        deadline = today + timedelta(days=rng.randint(-20, 30))
        closed_on = None
        if number % 3 == 0 or (deadline < today and number % 4 != 1):
            closed_on = min(today, deadline - timedelta(days=rng.randint(0, 5)))
        items.append(
            Rectification(
                finding=f,
                action="整改" + f.description,
                owner=rng.choice(["新任主任", "会计", "街道财务办"]),
                deadline=deadline,
                closed_on=closed_on,
                close_note="已整改到位、凭证已补齐" if closed_on else "",
                created_by=by,
            )
        )
    bulk_create_with_history(items, Rectification, default_user=by, default_change_reason=REASON)

    # the postings: the notice of each posted departure audit; one posted on election day
    postings: list[Posting] = []
    posted = [
        e
        for e in engagements
        if e.state == Engagement.State.POSTED and e.kind == Engagement.Kind.DEPARTURE
    ]
    late_posting = next((e for e in posted if e.plan.election_on < today), None)
    for e in posted:
        step = steps[e.plan_id]["audit-posting"]
        notice = notices.get(step.pk)
        if notice is None:
            notice = PublicNotice.objects.create(
                step=step,
                title="离任经济责任审计结果公示",
                place="居务公开栏",
                posted_on=step.done_on or today,
                created_by=by,
            )
        if e is late_posting:
            # on election day: short of the rule set's lead time
            notice.posted_on = e.plan.election_on
            if notice.taken_down_on and notice.taken_down_on < notice.posted_on:
                notice.taken_down_on = notice.posted_on
            notice._change_reason = REASON  # type: ignore[attr-defined]
            notice._history_user = by  # type: ignore[attr-defined]
            notice.save(update_fields=["posted_on", "taken_down_on", "updated_at"])
            step.done_on = notice.posted_on
            changed_steps.append(step)
            touched.add(e.plan_id)
        postings.append(Posting(engagement=e, notice=notice))
    bulk_create_with_history(postings, Posting, default_user=by, default_change_reason=REASON)

    changed_steps.extend(
        _handovers(campaign, plans, steps, rng=rng, today=today, by=by, touched=touched)
    )
    if drop_notices:
        PublicNotice.objects.filter(pk__in=drop_notices).delete()
    bulk_update_with_history(
        changed_steps,
        PlanStep,
        ["status", "done_on"],
        default_user=by,
        default_change_reason=REASON,
    )
    for plan in plans:
        if plan.pk in touched:
            plan_refresh(plan=plan, by=by, today=today)


def _state_of(plan_steps: dict[str, PlanStep], notices: dict[int, Any]) -> Any:
    """The audit's state its plan's steps show (None: no firm engaged yet)."""

    def done(code: str) -> bool:
        step = plan_steps.get(code)
        return step is not None and step.status == PlanStep.Status.DONE

    if done("audit-posting") and plan_steps["audit-posting"].pk in notices:
        return Engagement.State.POSTED
    if done("audit-report"):
        return Engagement.State.REPORTED
    if done("audit-fieldwork"):
        return Engagement.State.DRAFT
    if done("audit-engage"):
        return Engagement.State.FIELDWORK
    return None


def _handovers(
    campaign: Campaign,
    plans: list[CommunityPlan],
    steps: dict[int, dict[str, PlanStep]],
    *,
    rng: random.Random,
    today: date,
    by: User,
    touched: set[int],
) -> list[PlanStep]:
    """The handovers of the communities whose committee was elected in the campaign: done
    within the days, except one overdue (with a refusal) and those not yet due."""
    elected = set(
        CommitteeMember.objects.filter(elected_in=campaign)
        .values_list("committee__community_id", flat=True)
        .distinct()
    )
    handovers: list[Handover] = []
    changed: list[PlanStep] = []
    overdue_plan: int | None = None
    for plan in plans:
        if plan.community_id not in elected:
            continue
        formed = committee_formed_on(plan)
        step = steps.get(plan.pk, {}).get("handover")
        due = (step.due_on if step else None) or formed + timedelta(days=10)
        completed: date | None = None
        if due < today and overdue_plan is None:
            overdue_plan = plan.pk
        elif formed < today:
            completed = min(today, formed + timedelta(days=rng.randint(2, 9)))
            if completed > due:
                completed = due
        handovers.append(
            Handover(
                plan=plan,
                body=Handover.Body.RESIDENTS,
                formed_on=formed,
                due_on=due,
                completed_on=completed,
                presided_by="居民选举委员会",
                supervised_by="街道纪工委",
                handed_by="原居委会主任" if completed else "",
                received_by="新任居委会主任" if completed else "",
                created_by=by,
            )
        )
        if step is not None:
            step.status = PlanStep.Status.DONE if completed else PlanStep.Status.IN_PROGRESS
            step.done_on = completed
            changed.append(step)
            touched.add(plan.pk)
    bulk_create_with_history(handovers, Handover, default_user=by, default_change_reason=REASON)
    saved = list(Handover.objects.filter(plan__campaign=campaign).order_by("pk"))
    items = [
        HandoverItem(
            handover=h,
            kind=kind,
            description=text,
            quantity=quantity,
            is_handed_over=h.completed_on is not None,
        )
        for h in saved
        for kind, text, quantity in ITEMS
    ]
    bulk_create_with_history(items, HandoverItem, default_user=by, default_change_reason=REASON)
    refusals = [
        HandoverRefusal(
            handover=h,
            occurred_on=min(today, h.formed_on + timedelta(days=3)),
            person="原居委会主任",
            description="以账目存在争议为由拒不移交公章和财务凭证",
            created_by=by,
        )
        for h in saved
        if h.plan_id == overdue_plan
    ]
    bulk_create_with_history(
        refusals, HandoverRefusal, default_user=by, default_change_reason=REASON
    )
    return changed


# the posts of the audited officials, in the demo's words (the director first)
SUBJECT_POSTS = {
    "secretary": "党组织书记",
    "director": "居委会主任",
    "deputy_secretary": "党组织副书记",
    "deputy_director": "居委会副主任",
    "member": "居委会委员",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "志强", "丽华", "卫东", "桂兰", "海燕", "国庆", "文斌", "春梅"]


def _subjects(campaign: Campaign, *, today: date, by: User) -> int:
    """Give every audit of the campaign without audited officials its outgoing officials with
    their posts: the community's committee members the campaign replaces (or still in office),
    the director and secretary first; a community without members on record gets a director
    and two members with fictional names. Audits that have officials are left alone, so a
    second run adds none. Returns how many were added."""
    engagements = list(
        Engagement.objects.filter(plan__campaign=campaign, subjects__isnull=True)
        .select_related("plan")
        .order_by("pk")
    )
    if not engagements:
        return 0
    members: dict[int, list[CommitteeMember]] = {}
    for m in (
        CommitteeMember.objects.filter(
            committee__community_id__in={e.plan.community_id for e in engagements}
        )
        .exclude(elected_in=campaign)
        .filter(Q(ended_in=campaign) | Q(ended_on__isnull=True))
        .select_related("committee")
        .order_by("committee__kind", "pk")
    ):
        members.setdefault(m.committee.community_id, []).append(m)
    order = list(SUBJECT_POSTS)
    term_start = today - timedelta(days=5 * 365)
    rows: list[AuditSubject] = []
    for e in engagements:
        rng = random.Random(SEED + e.plan.community_id)  # noqa: S311 (demo data)
        people = sorted(
            members.get(e.plan.community_id, []),
            key=lambda m: order.index(m.post) if m.post in order else len(order),
        )
        seen: set[tuple[str, str]] = set()
        for m in people[:7]:
            post = SUBJECT_POSTS.get(m.post, SUBJECT_POSTS["member"])
            if (m.name, post) in seen:
                continue
            seen.add((m.name, post))
            rows.append(
                AuditSubject(
                    engagement=e,
                    name=m.name,
                    post=post,
                    term_started_on=m.started_on,
                    term_ended_on=m.ended_on,
                )
            )
        if people:
            continue
        for post in ("director", "member", "member"):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            while name in {n for n, _post in seen}:  # three different people
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            seen.add((name, SUBJECT_POSTS[post]))
            rows.append(
                AuditSubject(
                    engagement=e,
                    name=name,
                    post=SUBJECT_POSTS[post],
                    term_started_on=term_start,
                )
            )
    bulk_create_with_history(rows, AuditSubject, default_user=by, default_change_reason=REASON)
    return len(rows)
