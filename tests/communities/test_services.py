from typing import Any

import pytest

from accounts.models import User
from communities.models import Committee, Community
from communities.services import CommunityError, committee_update, community_update
from core.exceptions import ConflictError


def profile(community: Community, **changes: Any) -> dict[str, Any]:
    data = {
        "name": community.name,
        "kind": community.kind,
        "is_reform_finished": community.is_reform_finished,
        "track_override": community.track_override,
        "track_override_reason": community.track_override_reason,
        "population": community.population,
        "households": community.households,
        "registered_voters": community.registered_voters,
        "is_demolition_underway": community.is_demolition_underway,
        "is_difficult": community.is_difficult,
        "difficult_reason": community.difficult_reason,
    }
    data.update(changes)
    return data


def test_update_saves_and_records_who_and_why(community: Community, street_official: User) -> None:
    updated = community_update(
        community=community,
        version=community.version,
        data=profile(community, population=12000),
        by=street_official,
        reason="census 2026",
    )
    assert updated.population == 12000
    assert updated.version == community.version + 1
    last = updated.history.latest()
    assert last.history_user == street_official
    assert last.history_change_reason == "census 2026"


def test_update_from_a_stale_form_is_refused_and_names_the_changed_field(
    community: Community, street_official: User, office: User
) -> None:
    loaded_at = community.version
    community_update(
        community=community, version=loaded_at, data=profile(community, households=4100), by=office
    )
    with pytest.raises(ConflictError) as error:
        community_update(
            community=community,
            version=loaded_at,
            data=profile(community, population=9999),
            by=street_official,
        )
    assert error.value.changed == ["households"]
    community.refresh_from_db()
    # the second save wrote nothing: the office's value stays, the stale edit is not applied
    assert community.households == 4100
    assert community.population == 8000


def test_update_that_changes_nothing_writes_nothing(
    community: Community, street_official: User
) -> None:
    before = community.history.count()
    for _ in range(2):
        community_update(
            community=community,
            version=community.version,
            data=profile(community),
            by=street_official,
        )
    community.refresh_from_db()
    assert community.history.count() == before
    assert community.version == 1


def test_difficult_flag_needs_a_reason(community: Community, street_official: User) -> None:
    with pytest.raises(CommunityError):
        community_update(
            community=community,
            version=community.version,
            data=profile(community, is_difficult=True, difficult_reason="  "),
            by=street_official,
        )


def test_track_override_needs_a_reason(community: Community, street_official: User) -> None:
    with pytest.raises(CommunityError):
        community_update(
            community=community,
            version=community.version,
            data=profile(community, track_override=Community.Track.VILLAGE),
            by=street_official,
        )


def test_override_equal_to_the_derived_track_is_dropped(
    community: Community, street_official: User
) -> None:
    updated = community_update(
        community=community,
        version=community.version,
        data=profile(
            community, track_override=Community.Track.RESIDENTS, track_override_reason="same"
        ),
        by=street_official,
    )
    assert updated.track_override == ""
    assert updated.track_override_reason == ""


def test_committee_update_keeps_party_type_for_the_party_only(
    community: Community, street_official: User
) -> None:
    residents = community.committees.get(kind=Committee.Kind.RESIDENTS)
    updated = committee_update(
        committee=residents,
        version=residents.version,
        data={"party_type": "branch", "seats": 6},
        by=street_official,
    )
    assert updated.seats == 6
    assert updated.party_type == ""


def test_committee_update_from_a_stale_form_is_refused(
    community: Community, street_official: User, office: User
) -> None:
    party = community.committees.get(kind=Committee.Kind.PARTY)
    committee_update(committee=party, version=1, data={"seats": 7}, by=office)
    with pytest.raises(ConflictError):
        committee_update(committee=party, version=1, data={"seats": 3}, by=street_official)
    party.refresh_from_db()
    assert party.seats == 7
