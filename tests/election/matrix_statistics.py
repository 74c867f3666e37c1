"""The URL matrix's statistics entries: a campaign with a plan and a formed committee in
`world.community` (in the street official's scope) and a plan in `world.other_community`."""

from datetime import date
from typing import Any

from election.models import CommitteeMember, CommunityPlan
from tests.election.matrix_dashboard import dashboard_campaign
from tests.url_matrix import FOUND, LOGIN, NOT_FOUND, OK, Case, World, everyone

E = date(2026, 12, 20)


def statistics_campaign(world: World) -> dict[str, Any]:
    """URL kwargs of the dashboard's matrix campaign, with plans and members (made once)."""
    if "statistics_campaign" not in world.extra:
        kwargs = dashboard_campaign(world)
        for community in (world.community, world.other_community):
            CommunityPlan.objects.get_or_create(
                campaign_id=kwargs["pk"],
                community=community,
                defaults={"election_on": E, "party_election_on": date(2026, 12, 6)},
            )
        party = world.community.committees.get(kind="party")
        CommitteeMember.objects.get_or_create(
            committee=party,
            name="王芳",
            defaults={
                "gender": "f",
                "birth_date": date(1985, 3, 1),
                "education": 4,
                "post": "secretary",
                "elected_in_id": kwargs["pk"],
                "id_number": "110101198503011234",
            },
        )
        world.extra["statistics_campaign"] = kwargs
    return dict(world.extra["statistics_campaign"])


def _latest_query(world: World) -> str:
    statistics_campaign(world)  # a campaign to open
    return ""


def _people_of_street(world: World) -> str:
    return f"?figure=women&body=party&term=current&street={world.street.pk}"


# the dashboard's readers: the district (office, discipline, supervision) or one's own streets
# (street officials, the outsider over its own street); a community grant is not enough
READERS = everyone(
    NOT_FOUND,
    admin_user=OK,
    office=OK,
    discipline=OK,
    supervisor=OK,
    street_official=OK,
    outsider=OK,
)

STATISTICS_ENTRIES = {
    # the menu's entry opens the newest campaign a reader may read; a leader or a member unit
    # reads no statistics
    "election:statistics-latest": Case(
        query=_latest_query,
        expect=everyone(FOUND, anonymous=LOGIN, leader=NOT_FOUND, member_unit_user=NOT_FOUND),
    ),
    "election:statistics": Case(kwargs=statistics_campaign, expect=READERS),
    "election:statistics-xlsx": Case(kwargs=statistics_campaign, expect=READERS),
    # a street named in the query must be in the reader's scope: the outsider's is another
    "election:statistics-people": Case(
        kwargs=statistics_campaign,
        query=_people_of_street,
        expect={**READERS, "outsider": NOT_FOUND},
    ),
}
