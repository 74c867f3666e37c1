"""URL-matrix cases of the publicity of the discipline rules and of the major events, and the
objects they build (`publicity_world`).

Whoever reaches a community of the district reads the publicity page, its texts and the major
events (a street official or a leader only their communities' events); a member unit gets a 404.
The street's officials and the office edit a community's tally; the office uploads and deletes
the texts and acknowledges the events. Each POST case checks what it did to the data."""

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communities.models import District
from discipline.models import MajorEvent, PublicityDocument, PublicityTally
from discipline.services.events import event_file
from discipline.services.publicity import document_add
from election.models import Campaign, RuleSet
from tests.url_matrix import (
    FOUND,
    LOGIN,
    NOT_FOUND,
    OK,
    Case,
    World,
    editors_of_community,
    everyone,
    office_only,
)

PDF = b"%PDF-1.4\n" + b"0" * 64
OFFICE = ("admin_user", "office")
TALLY_WRITERS = ("admin_user", "office", "street_official")
FILERS = ("admin_user", "office", "street_official", "leader")


def publicity_campaign(district: District) -> Campaign:
    """The district's running campaign: another part's, if it made one first."""
    campaign = Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING).first()
    if campaign is not None:
        return campaign
    rules, _created = RuleSet.objects.get_or_create(
        code="publicity-matrix", version=1, defaults={"name": "Publicity matrix"}
    )
    today = timezone.localdate()
    return Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Publicity campaign",
        status=Campaign.Status.RUNNING,
        starts_on=today - timedelta(days=30),
        election_on=today + timedelta(days=40),
        party_election_on=today + timedelta(days=30),
    )


def publicity_world(world: World) -> dict[str, Any]:
    """A discipline text of the running campaign and an unacknowledged event of `community`,
    made once per world."""
    if "publicity_document" in world.extra:
        return world.extra
    admin = world.users["admin_user"]
    campaign = publicity_campaign(world.district)
    document = document_add(
        campaign=campaign,
        kind=PublicityDocument.Kind.NINE,
        title="Nine prohibitions",
        summary="",
        upload=SimpleUploadedFile("nine.pdf", PDF, content_type="application/pdf"),
        by=admin,
    )
    event = event_file(
        community=world.community,
        severity=MajorEvent.Severity.SERIOUS,
        occurred_at=timezone.now() - timedelta(hours=1),
        title="Matrix world event",
        facts="Facts",
        by=admin,
    )
    world.extra.update(publicity_campaign=campaign, publicity_document=document, major_event=event)
    return world.extra


def community_pk(world: World) -> dict[str, Any]:
    publicity_world(world)
    return {"pk": world.community.pk}


def document_pk(world: World) -> dict[str, Any]:
    return {"pk": publicity_world(world)["publicity_document"].pk}


def event_pk(world: World) -> dict[str, Any]:
    return {"pk": publicity_world(world)["major_event"].pk}


def _event(world: World) -> MajorEvent:
    return MajorEvent.objects.get(pk=world.extra["major_event"].pk)


def _in_world(world: World) -> str:
    """No query string; builds the world so the page shows a campaign with a text."""
    publicity_world(world)
    return ""


# --- POST bodies and what they did ----------------------------------------------------------------


def tally_data(world: World) -> dict[str, Any]:
    return {"version": 0, **dict.fromkeys(PublicityTally.COUNTS, 4)}


def tallied(world: World, role: str, response: Any) -> None:
    exists = PublicityTally.objects.filter(community=world.community, handbooks=4).exists()
    assert exists == (role in TALLY_WRITERS)


def document_data(world: World) -> dict[str, Any]:
    campaign = publicity_world(world)["publicity_campaign"]
    return {
        "campaign": campaign.pk,
        "kind": PublicityDocument.Kind.TEN,
        "title": "Matrix text",
        "file": SimpleUploadedFile("ten.pdf", PDF, content_type="application/pdf"),
    }


def uploaded(world: World, role: str, response: Any) -> None:
    assert PublicityDocument.objects.filter(title="Matrix text").exists() == (role in OFFICE)


def deleted(world: World, role: str, response: Any) -> None:
    exists = PublicityDocument.objects.filter(pk=world.extra["publicity_document"].pk).exists()
    assert exists == (role not in OFFICE)


def event_data(world: World) -> dict[str, Any]:
    publicity_world(world)
    return {
        "community": world.community.pk,
        "severity": MajorEvent.Severity.INFO,
        "occurred_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "title": "Matrix filed event",
        "facts": "Facts",
    }


def filed(world: World, role: str, response: Any) -> None:
    assert MajorEvent.objects.filter(title="Matrix filed event").exists() == (role in FILERS)


def version_data(world: World) -> dict[str, Any]:
    event = MajorEvent.objects.get(pk=publicity_world(world)["major_event"].pk)
    return {"version": event.version, "handling": "Matrix handling"}


def acknowledged(world: World, role: str, response: Any) -> None:
    assert (_event(world).acknowledged_at is not None) == (role in OFFICE)


def handled(world: World, role: str, response: Any) -> None:
    assert (_event(world).handling == "Matrix handling") == (role in OFFICE)


# the readers of the district: every signed-in role but the member unit
READERS = everyone(OK, member_unit_user=NOT_FOUND)

PUBLICITY_ENTRIES: dict[str, Case] = {
    "discipline:publicity": Case(expect=READERS, query=_in_world),
    "discipline:publicity-tally": Case(
        method="post",
        kwargs=community_pk,
        data=tally_data,
        expect=editors_of_community(FOUND, anonymous=LOGIN),
        after=tallied,
    ),
    "discipline:publicity-document-new": Case(
        method="post",
        data=document_data,
        expect=office_only(FOUND, anonymous=LOGIN),
        after=uploaded,
    ),
    "discipline:publicity-document": Case(kwargs=document_pk, expect=READERS),
    "discipline:publicity-document-delete": Case(
        method="post",
        kwargs=document_pk,
        expect=office_only(FOUND, anonymous=LOGIN),
        after=deleted,
    ),
    "discipline:events": Case(expect=READERS),
    "discipline:event-new": Case(
        method="post",
        data=event_data,
        # the outsider may file, but not for `community`: the form refuses it (200)
        expect=everyone(
            NOT_FOUND,
            anonymous=LOGIN,
            admin_user=FOUND,
            office=FOUND,
            street_official=FOUND,
            leader=FOUND,
            outsider=OK,
        ),
        after=filed,
    ),
    "discipline:event-detail": Case(
        kwargs=event_pk, expect=everyone(OK, outsider=NOT_FOUND, member_unit_user=NOT_FOUND)
    ),
    "discipline:event-acknowledge": Case(
        method="post",
        kwargs=event_pk,
        data=version_data,
        expect=office_only(FOUND, anonymous=LOGIN),
        after=acknowledged,
    ),
    "discipline:event-handling": Case(
        method="post",
        kwargs=event_pk,
        data=version_data,
        expect=office_only(FOUND, anonymous=LOGIN),
        after=handled,
    ),
}
