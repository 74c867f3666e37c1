"""Reading the publicity of the discipline rules: the campaigns a user reads, their discipline
texts, and the tallies summed per district and per street, with a street's communities.

- A campaign is read by whoever reaches one of its district's communities (the office, the
  street officials, the leaders, the discipline officers and the supervision team); a member unit
  reads none. Its discipline texts are read by the same people.
- The tallies shown are those of the communities in the user's scope: the office sees the whole
  district, a street official their street, a leader their communities.
- A tally is edited by whoever may edit the community (a street official for their street, the
  office for the district); the office uploads and deletes the texts.

Every figure is an SQL aggregate; the queries of the page do not grow with the communities.
"""

from dataclasses import dataclass
from typing import Any, cast

from django.db import models
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.models import User
from communities.models import Community, Street
from communities.permissions import OutOfScope, communities_for_user
from election.models import Campaign

from ..models import PublicityDocument, PublicityTally
from ..permissions import office_districts

EDIT_PERM = "change_community"
COUNTS = PublicityTally.COUNTS
# how many campaigns the publicity page offers to switch between
CHOICES = 12


def count_label(name: str) -> str:
    """The label of one of the tally's counts (its model field's verbose name)."""
    return str(cast(models.Field, PublicityTally._meta.get_field(name)).verbose_name)  # type: ignore[type-arg]


def publicity_campaigns(user: User) -> QuerySet[Campaign]:
    """The campaigns whose publicity `user` reads (one query)."""
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    return Campaign.objects.filter(
        district__in=communities_for_user(user).values("street__district_id")
    ).select_related("district")


def campaign_current(user: User, pk: int | None) -> Campaign | None:
    """The campaign `pk` if `user` reads it (else 404), or without `pk` the running campaign of
    the first district the user reads (None if there is none)."""
    campaigns = publicity_campaigns(user)
    if pk is not None:
        campaign = campaigns.filter(pk=pk).first()
        if campaign is None:
            raise OutOfScope
        return campaign
    return campaigns.filter(status=Campaign.Status.RUNNING).order_by("district__name", "pk").first()


def campaign_choices(user: User) -> list[Campaign]:
    """The latest campaigns `user` reads, to switch between (one query)."""
    return list(publicity_campaigns(user).order_by("-starts_on", "-pk")[:CHOICES])


def running_campaigns(user: User) -> QuerySet[Campaign]:
    """The running campaigns of the districts whose office `user` is (texts are uploaded to
    these)."""
    return Campaign.objects.filter(
        status=Campaign.Status.RUNNING, district__in=office_districts(user).values("pk")
    ).select_related("district")


def campaign_documents(campaign: Campaign) -> QuerySet[PublicityDocument]:
    return PublicityDocument.objects.filter(campaign=campaign).order_by("kind", "title", "pk")


def access_document(user: User, pk: int) -> PublicityDocument:
    """A discipline text of a campaign `user` reads, or 404."""
    document = (
        PublicityDocument.objects.filter(pk=pk, campaign__in=publicity_campaigns(user).values("pk"))
        .select_related("campaign")
        .first()
    )
    if document is None:
        raise OutOfScope
    return document


def access_document_to_manage(user: User, pk: int) -> PublicityDocument:
    """A discipline text of a campaign of a district whose office `user` is, or 404."""
    document = (
        PublicityDocument.objects.filter(
            pk=pk, campaign__district__in=office_districts(user).values("pk")
        )
        .select_related("campaign")
        .first()
    )
    if document is None:
        raise OutOfScope
    return document


def can_manage_documents(user: User, campaign: Campaign) -> bool:
    return office_districts(user).filter(pk=campaign.district_id).exists()


def access_tally(user: User, community_pk: int) -> tuple[Community, Campaign]:
    """A community `user` may edit, and its district's running campaign; 404 otherwise (also
    when the district runs no campaign)."""
    community = communities_for_user(user, perm=EDIT_PERM).filter(pk=community_pk).first()
    if community is None:
        raise OutOfScope
    campaign = Campaign.objects.filter(
        district_id=community.street.district_id, status=Campaign.Status.RUNNING
    ).first()
    if campaign is None:
        raise OutOfScope
    return community, campaign


def tally_get(campaign: Campaign, community: Community) -> PublicityTally | None:
    return PublicityTally.objects.filter(campaign=campaign, community=community).first()


# --- the sums ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    label: str
    counts: dict[str, int]
    communities: int = 0
    reported: int = 0
    pk: int | None = None

    @property
    def values(self) -> list[int]:
        return [self.counts[name] for name in COUNTS]


def _scope(user: User, campaign: Campaign) -> QuerySet[Community]:
    return communities_for_user(user).filter(street__district_id=campaign.district_id)


def _sums(prefix: str, condition: Q) -> dict[str, Any]:
    return {name: Coalesce(Sum(f"{prefix}{name}", filter=condition), 0) for name in COUNTS}


def district_totals(user: User, campaign: Campaign) -> Totals:
    """The sums of the tallies of the communities in scope (one query)."""
    row = PublicityTally.objects.filter(
        campaign=campaign, community__in=_scope(user, campaign).values("pk")
    ).aggregate(**_sums("", Q()))
    return Totals(label=str(campaign.district), counts={n: int(row[n]) for n in COUNTS})


def street_totals(user: User, campaign: Campaign) -> list[Totals]:
    """A row per street in scope: its communities' tallies summed, how many communities it has
    in scope and how many have a tally (one query)."""
    scope = _scope(user, campaign).values("pk")
    in_campaign = Q(communities__publicity_tallies__campaign=campaign, communities__in=scope)
    streets = (
        Street.objects.filter(pk__in=_scope(user, campaign).values("street_id"))
        .annotate(
            **_sums("communities__publicity_tallies__", in_campaign),
            n_communities=Count("communities", filter=Q(communities__in=scope), distinct=True),
            n_reported=Count("communities__publicity_tallies", filter=in_campaign, distinct=True),
        )
        .order_by("name", "pk")
    )
    return [
        Totals(
            label=street.name,
            counts={n: int(getattr(street, n)) for n in COUNTS},
            communities=street.n_communities,  # type: ignore[attr-defined]
            reported=street.n_reported,  # type: ignore[attr-defined]
            pk=street.pk,
        )
        for street in streets
    ]


@dataclass(frozen=True)
class CommunityRow:
    community: Community
    counts: dict[str, int]
    version: int
    has_tally: bool

    @property
    def values(self) -> list[int]:
        return [self.counts[name] for name in COUNTS]


def community_rows(user: User, campaign: Campaign, street_pk: int) -> list[CommunityRow]:
    """The communities in scope of one street, each with its tally (zeros without one): one
    query. A street out of scope gives no rows."""
    communities = (
        _scope(user, campaign)
        .filter(street_id=street_pk)
        .annotate(
            tally=FilteredRelation(
                "publicity_tallies", condition=Q(publicity_tallies__campaign=campaign)
            ),
            tally_pk=F("tally__pk"),
            tally_version=F("tally__version"),
            **{f"n_{name}": F(f"tally__{name}") for name in COUNTS},
        )
        .order_by("name", "pk")
    )
    return [
        CommunityRow(
            community=c,
            counts={n: int(getattr(c, f"n_{n}") or 0) for n in COUNTS},
            version=c.tally_version or 0,  # type: ignore[attr-defined]
            has_tally=c.tally_pk is not None,  # type: ignore[attr-defined]
        )
        for c in communities
    ]


def editable_ids(user: User, campaign: Campaign, street_pk: int) -> set[int]:
    """The ids of the street's communities whose tally `user` may edit (one query)."""
    if campaign.status != Campaign.Status.RUNNING:
        return set()
    return set(
        communities_for_user(user, perm=EDIT_PERM)
        .filter(street_id=street_pk, street__district_id=campaign.district_id)
        .values_list("pk", flat=True)
    )
