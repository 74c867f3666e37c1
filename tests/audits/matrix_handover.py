"""The URL matrix's cases of the handover and the refusals to hand over, and the objects they
build (`handover_world`).

Whoever reads a community's plan reads its handover; the office and the street's officials
write it; only the office acknowledges a refusal; the outsider and a member unit get a 404.
Each POST case checks what it did to the data."""

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.models import Handover, HandoverItem, HandoverRefusal
from audits.services.handover import handover_inventory_upload, handover_open, refusal_record
from communities.models import District
from election.models import Campaign, CommunityPlan, RuleSet, StageTemplate, StepTemplate
from election.services.plans import campaign_start, committee_formed_on
from tests.url_matrix import (
    FOUND,
    NOT_ALLOWED,
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
OFFICE = ("admin_user", "office")


def handover_campaign(district: District, *, by: Any) -> Campaign:
    """A running campaign of `district` whose rule set has the `handover` step (10 days from the
    committee's forming)."""
    # one running campaign per district: another part's, if it made one first (its plans may
    # lack the handover step; the handover then counts the law's 10 days and ticks no step)
    campaign = Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING).first()
    if campaign is not None:
        return campaign
    rules, created = RuleSet.objects.get_or_create(
        code="handover-steps", version=1, defaults={"name": "Handover steps"}
    )
    if created:
        stage = StageTemplate.objects.create(
            rule_set=rules, order=1, code="handover", title="Handover"
        )
        StepTemplate.objects.create(
            stage=stage,
            order=1,
            code="handover",
            title="Handover",
            anchor="committee_formed",
            offset_days=10,
            check_kind="max_lag",
            check_days=10,
        )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Handover campaign",
        starts_on=today - timedelta(days=60),
        election_on=today - timedelta(days=5),
        party_election_on=today - timedelta(days=15),
    )
    campaign_start(campaign=campaign, by=by)
    return campaign


def handover_world(world: World) -> dict[str, Any]:
    """The residents' committee's handover of `community`, ready to complete (every row ticked,
    the inventory uploaded), with one unacknowledged refusal; made once per world."""
    if "handover" in world.extra:
        return world.extra
    admin = world.users["admin_user"]
    campaign = handover_campaign(world.district, by=admin)
    plan = CommunityPlan.objects.get(campaign=campaign, community=world.community)
    formed_on = timezone.localdate() - timedelta(days=5)
    if committee_formed_on(plan) > formed_on:
        # the committee is formed before the handover is completed today
        CommunityPlan.objects.filter(pk=plan.pk).update(committee_formed_on=formed_on)
        plan.refresh_from_db()
    handover = handover_open(plan=plan, body=Handover.Body.RESIDENTS, by=admin)
    HandoverItem.objects.filter(handover=handover).update(is_handed_over=True)
    handover_inventory_upload(
        handover=handover,
        file=SimpleUploadedFile("inventory.pdf", PDF, content_type="application/pdf"),
        by=admin,
    )
    handover.refresh_from_db()
    refusal = refusal_record(
        handover=handover,
        data={
            "occurred_on": timezone.localdate(),
            "person": "Outgoing director",
            "description": "Kept the seal",
        },
        by=admin,
    )
    world.extra.update(handover_plan=plan, handover=handover, handover_refusal=refusal)
    return world.extra


def plan_pk(world: World) -> dict[str, Any]:
    return {"plan_pk": handover_world(world)["handover_plan"].pk}


def handover_pk(world: World) -> dict[str, Any]:
    return {"pk": handover_world(world)["handover"].pk}


def refusal_pk(world: World) -> dict[str, Any]:
    return {"pk": handover_world(world)["handover_refusal"].pk}


def _handover(world: World) -> Handover:
    return Handover.objects.get(pk=world.extra["handover"].pk)


def _refusal(world: World) -> HandoverRefusal:
    return HandoverRefusal.objects.get(pk=world.extra["handover_refusal"].pk)


def _version(world: World) -> dict[str, Any]:
    return {"version": _handover(world).version}


# --- POST bodies and what they did ----------------------------------------------------------------


def open_data(world: World) -> dict[str, Any]:
    return {"body": Handover.Body.PARTY}


def opened(world: World, role: str, response: Any) -> None:
    plan = world.extra["handover_plan"]
    assert Handover.objects.filter(plan=plan, body="party").exists() == (role in WRITERS)


def update_data(world: World) -> dict[str, Any]:
    return {**_version(world), "handed_by": "Matrix hands", "received_by": "Matrix receives"}


def updated(world: World, role: str, response: Any) -> None:
    assert (_handover(world).handed_by == "Matrix hands") == (role in WRITERS)


def item_data(world: World) -> dict[str, Any]:
    return {"kind": "other", "description": "Matrix keys", "quantity": "2"}


def item_added(world: World, role: str, response: Any) -> None:
    added = HandoverItem.objects.filter(handover=_handover(world), description="Matrix keys")
    assert added.exists() == (role in WRITERS)


def inventory_data(world: World) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")}


def inventory_uploaded(world: World, role: str, response: Any) -> None:
    assert (_handover(world).inventory_name == "signed.pdf") == (role in WRITERS)


def complete_data(world: World) -> dict[str, Any]:
    return {**_version(world), "completed_on": timezone.localdate().isoformat()}


def completed(world: World, role: str, response: Any) -> None:
    assert (_handover(world).completed_on is not None) == (role in WRITERS)


def refusal_data(world: World) -> dict[str, Any]:
    return {
        "occurred_on": timezone.localdate().isoformat(),
        "person": "Matrix refuser",
        "description": "Locked the archive",
    }


def refusal_added(world: World, role: str, response: Any) -> None:
    added = HandoverRefusal.objects.filter(handover=_handover(world), person="Matrix refuser")
    assert added.exists() == (role in WRITERS)


def acknowledge_data(world: World) -> dict[str, Any]:
    return {"version": _refusal(world).version}


def acknowledged(world: World, role: str, response: Any) -> None:
    assert (_refusal(world).acknowledged_at is not None) == (role in OFFICE)


def resolve_data(world: World) -> dict[str, Any]:
    return {
        "version": _refusal(world).version,
        "resolved_on": timezone.localdate().isoformat(),
        "resolution": "Handed over after a talk",
    }


def resolved(world: World, role: str, response: Any) -> None:
    assert (_refusal(world).resolved_on is not None) == (role in WRITERS)


def _world_then(world: World) -> str:
    handover_world(world)
    return ""


# the lists: everyone who reaches a community (their own scope's rows); a member unit, 404
LIST_READERS = everyone(OK, member_unit_user=NOT_FOUND)

ENTRIES: dict[str, Case] = {
    "audits:handover-list": Case(expect=LIST_READERS, query=_world_then),
    "audits:handover-refusal-list": Case(expect=LIST_READERS, query=_world_then),
    "audits:handover-plan": Case(kwargs=plan_pk, expect=in_scope_of_community(OK)),
    "audits:handover-detail": Case(kwargs=handover_pk, expect=in_scope_of_community(OK)),
    "audits:handover-inventory-download": Case(
        kwargs=handover_pk, expect=in_scope_of_community(OK)
    ),
}

POSTS: dict[str, Case] = {
    "audits:handover-plan POST": Case(
        method="post",
        kwargs=plan_pk,
        data=open_data,
        expect=editors_of_community(FOUND),
        after=opened,
    ),
    "audits:handover-detail POST": Case(
        method="post",
        kwargs=handover_pk,
        data=update_data,
        expect=editors_of_community(FOUND),
        after=updated,
    ),
    "audits:handover-item-add": Case(
        method="post",
        kwargs=handover_pk,
        data=item_data,
        expect=editors_of_community(FOUND),
        after=item_added,
    ),
    "audits:handover-inventory": Case(
        method="post",
        kwargs=handover_pk,
        data=inventory_data,
        expect=editors_of_community(FOUND),
        after=inventory_uploaded,
    ),
    "audits:handover-complete": Case(
        method="post",
        kwargs=handover_pk,
        data=complete_data,
        expect=editors_of_community(FOUND),
        after=completed,
    ),
    "audits:handover-refusal-add": Case(
        method="post",
        kwargs=handover_pk,
        data=refusal_data,
        expect=editors_of_community(FOUND),
        after=refusal_added,
    ),
    "audits:handover-refusal-acknowledge": Case(
        method="post",
        kwargs=refusal_pk,
        data=acknowledge_data,
        expect=office_only(FOUND),
        after=acknowledged,
    ),
    "audits:handover-refusal-resolve": Case(
        method="post",
        kwargs=refusal_pk,
        data=resolve_data,
        expect=editors_of_community(FOUND),
        after=resolved,
    ),
}

POST_ONLY = [
    "audits:handover-item-add",
    "audits:handover-inventory",
    "audits:handover-complete",
    "audits:handover-refusal-add",
    "audits:handover-refusal-acknowledge",
    "audits:handover-refusal-resolve",
]
_REFUSAL_URLS = ("audits:handover-refusal-acknowledge", "audits:handover-refusal-resolve")

# the URL matrix has one case per URL name: the pages' GETs and the POST-only actions there; the
# POSTs of the pages and GET on the actions (405) in test_handover_matrix.py
HANDOVER_ENTRIES: dict[str, Case] = {
    **ENTRIES,
    **{k: v for k, v in POSTS.items() if not k.endswith(" POST")},
}
EXTRA_CASES: dict[str, Case] = {
    **{k: v for k, v in POSTS.items() if k.endswith(" POST")},
    **{
        f"{name} GET": Case(
            kwargs=refusal_pk if name in _REFUSAL_URLS else handover_pk,
            expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED),
        )
        for name in POST_ONLY
    },
}
