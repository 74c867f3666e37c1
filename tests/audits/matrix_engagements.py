"""The URL matrix's cases of audit firms and engagements, and the objects they and the tests of
engagements build (`engagement_world`, `audit_steps_campaign`).

The office (and the superuser) owns firms and engages audits; a street official edits their own
communities' engagements; leaders, discipline and supervision read; the outsider and a member
unit get a 404. Each POST case checks what it did to the data."""

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.services import grant_assign
from audits.models import AuditFirm, AuditSubject, Engagement
from communities.models import District
from election.models import Campaign, CommunityPlan, RuleSet, StageTemplate, StepTemplate
from election.services.plans import campaign_start
from tests.factories import CommunityFactory
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

PDF = b"%PDF-1.4\n" + b"0" * 64
WRITERS = ("admin_user", "office", "street_official")


def audit_steps_campaign(district: District, *, by: User | None) -> Campaign:
    """The running campaign of `district`: if none runs yet, one whose rule set has the three
    audit steps that follow the engagements (plans for all the district's communities)."""
    # a district runs one campaign at a time: another part's running campaign serves as well
    campaign = Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING).first()
    if campaign is not None:
        return campaign
    rules, created = RuleSet.objects.get_or_create(
        code="audit-steps", version=1, defaults={"name": "Audit steps"}
    )
    if created:
        stage = StageTemplate.objects.create(
            rule_set=rules, order=1, code="departure-audit", title="Departure audit"
        )
        for order, code in enumerate(["audit-engage", "audit-fieldwork", "audit-report"], 1):
            StepTemplate.objects.create(
                stage=stage, order=order, code=code, title=code, anchor="start", offset_days=7
            )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Audit campaign",
        starts_on=today - timedelta(days=30),
        election_on=today + timedelta(days=40),
        party_election_on=today + timedelta(days=30),
    )
    campaign_start(campaign=campaign, by=by)
    campaign.refresh_from_db()
    return campaign


def engagement_world(world: World) -> dict[str, Any]:
    """A firm, and an engagement (with one official) in a community of `street` and one in a
    community of `other_street`, made once per world. The two communities are this part's own
    (added to the running campaign, the leader granted the first), so the other parts' audits of
    `community` never collide with them."""
    if "engagement" in world.extra:
        return world.extra
    admin = world.users["admin_user"]
    campaign = audit_steps_campaign(world.district, by=admin)
    inside = CommunityFactory(street=world.street, name="Audit Riverside")
    outside = CommunityFactory(street=world.other_street, name="Audit Hillside")
    campaign_start(campaign=campaign, by=admin)
    grant_assign(user=world.users["leader"], obj=inside, level="view", by=admin)
    firm = AuditFirm.objects.create(district=world.district, name="Matrix CPA")
    today = timezone.localdate()

    def engage(community: Any) -> Engagement:
        plan = CommunityPlan.objects.get(campaign=campaign, community=community)
        return Engagement.objects.create(
            plan=plan,
            firm=firm,
            kind=Engagement.Kind.DEPARTURE,
            engaged_on=today - timedelta(days=10),
        )

    engagement = engage(inside)
    engagement.report_file.save("r", SimpleUploadedFile("r.pdf", PDF), save=False)
    engagement.report_name, engagement.report_type = "report.pdf", "application/pdf"
    engagement.save()
    subject = AuditSubject.objects.create(engagement=engagement, name="Old Wang", post="主任")
    world.extra.update(
        campaign=campaign,
        firm=firm,
        engagement=engagement,
        other_engagement=engage(outside),
        subject=subject,
        audit_communities=[inside, outside],
    )
    return world.extra


def _engagement(world: World) -> dict[str, Any]:
    return {"pk": engagement_world(world)["engagement"].pk}


def _firm(world: World) -> dict[str, Any]:
    return {"pk": engagement_world(world)["firm"].pk}


def _subject(world: World) -> dict[str, Any]:
    return {"pk": engagement_world(world)["subject"].pk}


def _fresh(world: World) -> Engagement:
    return Engagement.objects.get(pk=world.extra["engagement"].pk)


# --- what each POST did ---------------------------------------------------------------------------


def _firm_added(world: World, role: str, response: Any) -> None:
    added = AuditFirm.objects.filter(name="New CPA").exists()
    assert added == (role in ("admin_user", "office")), role


def _firm_edited(world: World, role: str, response: Any) -> None:
    firm = AuditFirm.objects.get(pk=world.extra["firm"].pk)
    assert (firm.qualification == "Licence 42") == (role in ("admin_user", "office")), role


def _engaged(world: World, role: str, response: Any) -> None:
    finance = Engagement.objects.filter(
        kind=Engagement.Kind.FINANCE, plan__community__in=world.extra["audit_communities"]
    )
    if role in ("admin_user", "office"):
        # both communities chosen, one each
        assert finance.count() == 2
    else:
        assert not finance.exists(), role


def _dates_saved(world: World, role: str, response: Any) -> None:
    engagement = _fresh(world)
    if role in WRITERS:
        assert engagement.fieldwork_started_on is not None
        assert engagement.state == Engagement.State.FIELDWORK
    else:
        assert engagement.fieldwork_started_on is None, role
        assert engagement.state == Engagement.State.ENGAGED


def _subject_added(world: World, role: str, response: Any) -> None:
    added = AuditSubject.objects.filter(name="Li Si", engagement=world.extra["engagement"])
    assert added.exists() == (role in WRITERS), role


def _subject_removed(world: World, role: str, response: Any) -> None:
    gone = not AuditSubject.objects.filter(pk=world.extra["subject"].pk).exists()
    assert gone == (role in WRITERS), role


def _report_uploaded(world: World, role: str, response: Any) -> None:
    engagement = _fresh(world)
    assert (engagement.report_name == "new.pdf") == (role in WRITERS), role


def _dates(world: World) -> dict[str, Any]:
    extra = engagement_world(world)
    day = timezone.localdate() - timedelta(days=5)
    return {
        "version": extra["engagement"].version,
        "engaged_on": extra["engagement"].engaged_on.isoformat(),
        "fieldwork_started_on": day.isoformat(),
    }


def _engage_data(world: World) -> dict[str, Any]:
    extra = engagement_world(world)
    return {
        "campaign": extra["campaign"].pk,
        "firm": extra["firm"].pk,
        "kind": Engagement.Kind.FINANCE,
        "engaged_on": timezone.localdate().isoformat(),
        "communities": [c.pk for c in extra["audit_communities"]],
    }


ENGAGEMENT_ENTRIES: dict[str, Case] = {
    "audits:firm-list": Case(expect=office_only(OK, anonymous=LOGIN)),
    "audits:firm-add": Case(expect=office_only(OK, anonymous=LOGIN)),
    "audits:firm-edit": Case(expect=office_only(OK, anonymous=LOGIN), kwargs=_firm),
    # the readers of communities get their scope's list (maybe empty); a member unit reads none
    "audits:engagement-list": Case(expect=everyone(OK, member_unit_user=NOT_FOUND)),
    "audits:engage": Case(expect=office_only(OK, anonymous=LOGIN)),
    "audits:engagement-detail": Case(expect=in_scope_of_community(OK), kwargs=_engagement),
    "audits:engagement-report-download": Case(expect=in_scope_of_community(OK), kwargs=_engagement),
}

ENGAGEMENT_POST_ENTRIES: dict[str, Case] = {
    "audits:firm-add": Case(
        method="post",
        expect=office_only(FOUND, anonymous=LOGIN),
        data=lambda w: {"name": "New CPA", "is_active": "on"},
        after=_firm_added,
    ),
    "audits:firm-edit": Case(
        method="post",
        expect=office_only(FOUND, anonymous=LOGIN),
        kwargs=_firm,
        data=lambda w: {
            "name": "Matrix CPA",
            "qualification": "Licence 42",
            "is_active": "on",
            "version": engagement_world(w)["firm"].version,
        },
        after=_firm_edited,
    ),
    "audits:engage": Case(
        method="post",
        expect=office_only(FOUND, anonymous=LOGIN),
        data=_engage_data,
        after=_engaged,
    ),
    "audits:engagement-dates": Case(
        method="post",
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        kwargs=_engagement,
        data=_dates,
        after=_dates_saved,
    ),
    "audits:engagement-subject-add": Case(
        method="post",
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        kwargs=_engagement,
        data=lambda w: {"name": "Li Si", "post": "委员"},
        after=_subject_added,
    ),
    "audits:engagement-subject-delete": Case(
        method="post",
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        kwargs=_subject,
        after=_subject_removed,
    ),
    "audits:engagement-report": Case(
        method="post",
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        kwargs=_engagement,
        data=lambda w: {"file": SimpleUploadedFile("new.pdf", PDF)},
        after=_report_uploaded,
    ),
}

# the URL matrix takes one case per URL: a GET for the pages (their POSTs are in EXTRA_CASES), the
# POST for the actions; EXTRA_CASES (run by tests/audits/test_engagements_matrix.py) holds the
# pages' POSTs and the actions' GETs (405)
POST_ONLY = [
    "audits:engagement-dates",
    "audits:engagement-subject-add",
    "audits:engagement-subject-delete",
    "audits:engagement-report",
]
ENTRIES: dict[str, Case] = {
    **ENGAGEMENT_ENTRIES,
    **{name: ENGAGEMENT_POST_ENTRIES[name] for name in POST_ONLY},
}
EXTRA_CASES: dict[str, Case] = {
    **{
        f"{name} POST": case
        for name, case in ENGAGEMENT_POST_ENTRIES.items()
        if name not in POST_ONLY
    },
    **{
        f"{name} GET": Case(
            expect={"anonymous": 405},
            default=405,
            kwargs=ENGAGEMENT_POST_ENTRIES[name].kwargs,
        )
        for name in POST_ONLY
    },
}
