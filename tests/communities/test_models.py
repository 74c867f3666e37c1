from typing import Any

import pytest
from django.db import IntegrityError

from communities.models import Community
from tests.factories import CommunityFactory


@pytest.mark.parametrize(
    ("kind", "reformed", "track"),
    [
        (Community.Kind.VILLAGE_CONVERTED, False, Community.Track.VILLAGE),
        (Community.Kind.VILLAGE_CONVERTED, True, Community.Track.RESIDENTS),
        (Community.Kind.CITY, False, Community.Track.RESIDENTS),
    ],
)
def test_election_track_follows_kind_and_reform(
    street: Any, kind: str, reformed: bool, track: str
) -> None:
    community = CommunityFactory(street=street, kind=kind, is_reform_finished=reformed)
    assert community.election_track == track
    # the SQL annotation used by lists and filters agrees with the Python property
    assert Community.objects.with_track().get(pk=community.pk).track == track


def test_override_wins_over_the_derived_track(street: Any) -> None:
    community = CommunityFactory(
        street=street,
        kind=Community.Kind.VILLAGE_CONVERTED,
        track_override=Community.Track.RESIDENTS,
        track_override_reason="Reform signed off, registration pending",
    )
    assert community.election_track == Community.Track.RESIDENTS
    assert Community.objects.with_track().get(pk=community.pk).track == Community.Track.RESIDENTS


def test_database_refuses_an_override_without_reason(street: Any) -> None:
    with pytest.raises(IntegrityError):
        CommunityFactory(street=street, track_override=Community.Track.VILLAGE)


def test_database_refuses_a_difficult_flag_without_reason(street: Any) -> None:
    with pytest.raises(IntegrityError):
        CommunityFactory(street=street, is_difficult=True)


def test_database_refuses_two_communities_of_one_name_in_a_street(community: Any) -> None:
    with pytest.raises(IntegrityError):
        CommunityFactory(street=community.street, name=community.name)


def test_residents_per_seat(community: Any) -> None:
    # 8000 residents over 5 party + 7 residents' committee seats
    assert community.residents_per_seat == pytest.approx(8000 / 12)
