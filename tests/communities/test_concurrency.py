"""Two officials save the same community at the same moment, from the same version (PostgreSQL)."""

import threading
from typing import Any

import pytest
from django.db import connection

from communities.models import Community
from communities.services import community_update
from core.exceptions import ConflictError
from tests.communities.test_services import profile


@pytest.mark.django_db(transaction=True)
def test_one_of_two_simultaneous_saves_wins_and_the_other_is_told(
    requires_postgres: None, community: Community, office: Any, street_official: Any
) -> None:
    loaded_at = community.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(who: str, user: Any, changes: dict[str, Any]) -> None:
        try:
            barrier.wait(timeout=10)
            community_update(
                community=community, version=loaded_at, data=profile(community, **changes), by=user
            )
            outcomes[who] = "saved"
        except ConflictError:
            outcomes[who] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("office", office, {"households": 4100})),
        threading.Thread(target=save, args=("street", street_official, {"population": 9100})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    community.refresh_from_db()
    assert community.version == loaded_at + 1
    # exactly the winner's change is stored; the loser's is not silently mixed in
    winner = next(who for who, outcome in outcomes.items() if outcome == "saved")
    if winner == "office":
        assert (community.households, community.population) == (4100, 8000)
    else:
        assert (community.households, community.population) == (3000, 9100)
