"""URL-matrix cases of the findings, rectification items, finding categories and postings, and the
records their tests build (`findings_world`).

A community's audit is read by whoever reads its plan (a leader of it, the district's discipline
and supervision) and written by its editors (the office, the street's officials); the categories
are the office's. Another street's object, a member unit and anyone else: 404.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from audits.models import (
    AuditFirm,
    AuditSubject,
    Engagement,
    Finding,
    FindingCategory,
    Posting,
    Rectification,
)
from audits.services.findings import categories_ensure
from audits.services.postings import posting_add
from communities.models import Community
from election.models import (
    Campaign,
    CommunityPlan,
    PublicNotice,
    RuleSet,
    StageTemplate,
    StepTemplate,
)
from election.services.plans import campaign_start
from tests.url_matrix import (
    FOUND,
    LOGIN,
    NOT_FOUND,
    OK,
    Case,
    World,
    editors_of_community,
    everyone,
    in_scope_of_community,
    office_only,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
# the results go up at least POSTING_LEAD days before election day, and stay NOTICE_DAYS days
POSTING_LEAD = 5
NOTICE_DAYS = 7


def findings_rules() -> RuleSet:
    rules, created = RuleSet.objects.get_or_create(
        code="findings-test", version=1, defaults={"name": "Findings test rules"}
    )
    if created:
        stage = StageTemplate.objects.create(
            rule_set=rules, order=1, code="departure-audit", title="Departure audit"
        )
        StepTemplate.objects.create(
            stage=stage,
            order=1,
            code="audit-posting",
            title="Results posted",
            anchor="election",
            offset_days=-POSTING_LEAD,
            check_kind="min_lead",
            check_days=POSTING_LEAD,
            checked_date="notice",
            check_anchor="election",
            requires_notice=True,
            notice_days=NOTICE_DAYS,
            rule_text="Audit results posted before election day",
        )
    return rules


def findings_campaign(world_district: Any, *, election_on: date, by: Any) -> Campaign:
    campaign = Campaign.objects.filter(district=world_district).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            district=world_district,
            rule_set=findings_rules(),
            name="Findings campaign",
            starts_on=election_on - timedelta(days=90),
            election_on=election_on,
            party_election_on=election_on - timedelta(days=10),
        )
        campaign_start(campaign=campaign, by=by)
    return campaign


def community_records(community: Community, *, by: Any, today: date) -> dict[str, Any]:
    """An audit of the community's plan with one subject, one finding and two items (one
    overdue, one closed with a photo)."""
    plan = CommunityPlan.objects.get(community=community)
    district = community.street.district
    categories_ensure(district)
    firm, _ = AuditFirm.objects.get_or_create(district=district, name="信达会计师事务所")
    engagement = Engagement.objects.create(
        plan=plan,
        firm=firm,
        kind=Engagement.Kind.DEPARTURE,
        state=Engagement.State.REPORTED,
        engaged_on=today - timedelta(days=40),
    )
    AuditSubject.objects.create(engagement=engagement, name="王主任", post="居委会主任")
    category = FindingCategory.objects.filter(district=district).order_by("order").first()
    finding = Finding.objects.create(
        engagement=engagement,
        category=category,
        description="白条入账",
        amount=Decimal("1200.50"),
        person="王主任",
    )
    overdue = Rectification.objects.create(
        finding=finding, action="补齐凭证", owner="会计", deadline=today - timedelta(days=3)
    )
    closed = Rectification(
        finding=finding,
        action="收回款项",
        owner="主任",
        deadline=today + timedelta(days=3),
        closed_on=today,
        close_note="已收回",
        evidence_name="收据.jpg",
        evidence_type="image/jpeg",
    )
    closed.evidence.save("x.jpg", ContentFile(JPEG), save=False)
    closed.save()
    return {
        "plan": plan,
        "engagement": engagement,
        "finding": finding,
        "category": category,
        "overdue": overdue,
        "closed": closed,
    }


def findings_world(world: World) -> dict[str, Any]:
    """The records of `world.community` (and of `world.other_community` under "other"), made
    once per world; election day 30 days away."""
    if "findings" not in world.extra:
        today = timezone.localdate()
        admin = world.users["admin_user"]
        findings_campaign(world.district, election_on=today + timedelta(days=30), by=admin)
        records = community_records(world.community, by=admin, today=today)
        records["other"] = community_records(world.other_community, by=admin, today=today)
        world.extra["findings"] = records
    found: dict[str, Any] = world.extra["findings"]
    return found


def _saved(response: Any) -> bool:
    """Whether the write went through: a redirect, but not to the sign-in page."""
    return response.status_code == FOUND and "/accounts/login/" not in response["Location"]


def _pk(key: str) -> Any:
    return lambda world: {"pk": findings_world(world)[key].pk}


def _finding_data(world: World) -> dict[str, Any]:
    return {
        "category": findings_world(world)["category"].pk,
        "description": "合同未经民主决策",
        "amount": "300",
        "person": "王主任",
    }


def _after_finding_added(world: World, role: str, response: Any) -> None:
    added = Finding.objects.filter(description="合同未经民主决策").count()
    assert added == (1 if _saved(response) else 0), role


def _edit_data(world: World) -> dict[str, Any]:
    finding = findings_world(world)["finding"]
    return {
        "category": finding.category_id,
        "description": "白条入账已核实",
        "amount": "1200.50",
        "person": "王主任",
        "version": finding.version,
    }


def _after_finding_edited(world: World, role: str, response: Any) -> None:
    finding = Finding.objects.get(pk=findings_world(world)["finding"].pk)
    assert (finding.description == "白条入账已核实") == (_saved(response)), role


def _item_data(world: World) -> dict[str, Any]:
    return {"action": "完善制度", "owner": "书记", "deadline": "2030-01-01"}


def _after_item_added(world: World, role: str, response: Any) -> None:
    added = Rectification.objects.filter(action="完善制度").count()
    assert added == (1 if _saved(response) else 0), role


def _close_data(world: World) -> dict[str, Any]:
    item = findings_world(world)["overdue"]
    return {
        "version": item.version,
        "closed_on": timezone.localdate().isoformat(),
        "note": "凭证已补齐",
    }


def _after_item_closed(world: World, role: str, response: Any) -> None:
    item = Rectification.objects.get(pk=findings_world(world)["overdue"].pk)
    assert (item.closed_on is not None) == (_saved(response)), role


def _posting_data(world: World) -> dict[str, Any]:
    return {"posted_on": timezone.localdate().isoformat(), "place": "居务公开栏"}


def _after_posting(world: World, role: str, response: Any) -> None:
    engagement = Engagement.objects.get(pk=findings_world(world)["engagement"].pk)
    posted = _saved(response)
    assert Posting.objects.filter(engagement=engagement).exists() == posted, role
    assert (engagement.state == Engagement.State.POSTED) == posted, role


def _after_category_added(world: World, role: str, response: Any) -> None:
    added = FindingCategory.objects.filter(name="村级债务").exists()
    assert added == (_saved(response)), role


def _after_category_renamed(world: World, role: str, response: Any) -> None:
    category = FindingCategory.objects.get(pk=findings_world(world)["category"].pk)
    assert (category.name == "财务收支问题") == (_saved(response)), role


def _after_category_moved(world: World, role: str, response: Any) -> None:
    category = FindingCategory.objects.get(pk=findings_world(world)["category"].pk)
    assert (category.order == 2) == (_saved(response)), role


def _after_category_retired(world: World, role: str, response: Any) -> None:
    category = FindingCategory.objects.get(pk=findings_world(world)["category"].pk)
    assert category.is_active == (not _saved(response)), role


def _deletable(world: World) -> Finding:
    """A finding of the world's audit with one open rectification item (made once per world)."""
    if "deletable" not in world.extra:
        records = findings_world(world)
        finding = Finding.objects.create(
            engagement=records["engagement"], category=records["category"], description="误录问题"
        )
        Rectification.objects.create(
            finding=finding, action="误录事项", owner="会计", deadline=timezone.localdate()
        )
        world.extra["deletable"] = finding
    found: Finding = world.extra["deletable"]
    return found


def _after_finding_deleted(world: World, role: str, response: Any) -> None:
    finding = _deletable(world)
    gone = not Finding.objects.filter(pk=finding.pk).exists()
    assert gone == _saved(response), role
    assert Rectification.objects.filter(action="误录事项").exists() == (not gone), role


def _posting(world: World) -> Posting:
    """The world's audit results posted today (made once per world)."""
    if "posting" not in world.extra:
        records = findings_world(world)
        world.extra["posting"] = posting_add(
            engagement=records["engagement"],
            data={"posted_on": timezone.localdate(), "place": "居务公开栏"},
            photo=None,
            by=world.users["admin_user"],
        )
    found: Posting = world.extra["posting"]
    return found


def _after_posting_deleted(world: World, role: str, response: Any) -> None:
    posting = _posting(world)
    gone = not Posting.objects.filter(pk=posting.pk).exists()
    assert gone == _saved(response), role
    assert PublicNotice.objects.filter(pk=posting.notice_id).exists() == (not gone), role
    engagement = Engagement.objects.get(pk=posting.engagement_id)
    assert (engagement.state == Engagement.State.POSTED) == (not gone), role


# every signed-in user who sees a community; a member unit sees none
SCOPE_READERS = everyone(OK, member_unit_user=NOT_FOUND)

FINDINGS_ENTRIES: dict[str, Case] = {
    "audits:engagement-findings": Case(expect=in_scope_of_community(OK), kwargs=_pk("engagement")),
    "audits:finding-edit": Case(
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=_pk("finding"),
        data=_edit_data,
        after=_after_finding_edited,
    ),
    "audits:rectification-add": Case(
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=_pk("finding"),
        data=_item_data,
        after=_after_item_added,
    ),
    "audits:rectification-list": Case(
        expect=SCOPE_READERS, query=lambda world: (findings_world(world), "?state=overdue")[1]
    ),
    "audits:findings-list": Case(
        expect=SCOPE_READERS,
        query=lambda world: f"?category={findings_world(world)['category'].pk}",
    ),
    "audits:rectification-close": Case(
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=_pk("overdue"),
        data=_close_data,
        after=_after_item_closed,
    ),
    "audits:rectification-evidence": Case(expect=in_scope_of_community(OK), kwargs=_pk("closed")),
    "audits:finding-delete": Case(
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=lambda world: {"pk": _deletable(world).pk},
        data=lambda world: {"version": _deletable(world).version},
        after=_after_finding_deleted,
    ),
    "audits:posting-delete": Case(
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=lambda world: {"pk": _posting(world).pk},
        after=_after_posting_deleted,
    ),
    "audits:engagement-posting": Case(
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=_pk("engagement"),
        data=_posting_data,
        after=_after_posting,
    ),
    "audits:category-list": Case(
        expect=office_only(FOUND, anonymous=LOGIN),
        method="post",
        data=lambda world: (findings_world(world), {"name": "村级债务"})[1],
        after=_after_category_added,
    ),
    "audits:category-edit": Case(
        expect=office_only(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=_pk("category"),
        data=lambda world: {"name": "财务收支问题"},
        after=_after_category_renamed,
    ),
    "audits:category-move": Case(
        expect=office_only(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=_pk("category"),
        data=lambda world: {"direction": "down"},
        after=_after_category_moved,
    ),
    "audits:category-retire": Case(
        expect=office_only(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=_pk("category"),
        data=lambda world: {"active": "0"},
        after=_after_category_retired,
    ),
}

# the other method of each URL (GET of a form page, POST of a list), requested by the tests of
# tests/audits/test_findings_matrix.py with the same roles
FINDINGS_GET_ENTRIES: dict[str, Case] = {
    "audits:engagement-findings": Case(
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        method="post",
        kwargs=_pk("engagement"),
        data=_finding_data,
        after=_after_finding_added,
    ),
    "audits:finding-edit": Case(expect=editors_of_community(OK), kwargs=_pk("finding")),
    "audits:rectification-add": Case(expect=editors_of_community(OK), kwargs=_pk("finding")),
    "audits:rectification-close": Case(expect=editors_of_community(OK), kwargs=_pk("overdue")),
    "audits:engagement-posting": Case(expect=in_scope_of_community(OK), kwargs=_pk("engagement")),
    "audits:category-list": Case(expect=office_only(OK)),
    "audits:category-edit": Case(expect=office_only(OK), kwargs=_pk("category")),
    "audits:category-move": Case(expect=everyone(405, anonymous=405), kwargs=_pk("category")),
    "audits:category-retire": Case(expect=everyone(405, anonymous=405), kwargs=_pk("category")),
    "audits:rectification-evidence": Case(
        expect=everyone(405, anonymous=405), method="post", kwargs=_pk("closed")
    ),
    "audits:rectification-list": Case(expect=everyone(405, anonymous=405), method="post"),
    "audits:findings-list": Case(expect=everyone(405, anonymous=405), method="post"),
    "audits:finding-delete": Case(
        expect=editors_of_community(OK), kwargs=lambda world: {"pk": _deletable(world).pk}
    ),
    "audits:posting-delete": Case(
        expect=editors_of_community(OK), kwargs=lambda world: {"pk": _posting(world).pk}
    ),
}
