"""The hierarchy's part of the demo data (`manage.py seed_demo`, `seed_scale`, in the `demo` app):
the fictional district 示范区 with its streets, communities and committees, the synthetic scale
district, and the grants that give the demo accounts their scope.

Names, profiles and grants of the demo district are data, in `communities/demo_data.json`. Numbers
come from a random generator seeded per community, so every run builds the same district, and a
community added to the data file later gets the same profile whenever it is created.

Fictional data only; nothing here is used by the application at run time.
"""

import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.services import GrantLevel, Scope, grant_assign
from core.bulk import rows_insert

from .models import Committee, Community, District, Street
from .services import PROFILE_FIELDS, community_create

DATA_PATH = Path(__file__).resolve().parent / "demo_data.json"
SEED = 20210101
REASON = "demo data"

SCALE_CODE = "scale"
SCALE_PER_STREET = 40
SCALE_SEED = 20000
SCALE_REASON = "scale data"
SCALE_BATCH = 1000
SCALE_COMMUNITY_COLUMNS = ["street_id", *PROFILE_FIELDS]


@dataclass
class DemoHierarchy:
    """What `demo_seed` made: the district, its streets in the data file's order, and for each
    account granted a scope the scope column of the summary table."""

    district: District
    streets: list[Street]
    notes: dict[str, str] = field(default_factory=dict)


def demo_seed(*, users: dict[str, User], by: User) -> DemoHierarchy:
    """Create or complete the demo district, its streets and communities (with both committees),
    and give the demo accounts in `users` their grants.

    Idempotent: only what is missing is created; existing communities are left as they are, so
    edits made while trying the app survive. Runs in the caller's transaction.
    """
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    district = _district(data["district"], by=by)
    streets = _streets(district, data["streets"], by=by)
    _communities(streets, data["streets"], by=by)
    hierarchy = DemoHierarchy(district=district, streets=streets)
    for spec in data["grants"]:
        level: GrantLevel = spec["level"]
        obj = _scope(spec["scope"], district, streets)
        grant_assign(user=users[spec["username"]], obj=obj, level=level, by=by, reason=REASON)
        hierarchy.notes[spec["username"]] = _scope_text(level, obj)
    return hierarchy


def _district(spec: dict[str, str], *, by: User) -> District:
    district = District.objects.filter(code=spec["code"]).first()
    if district is None:
        district = District(name=spec["name"], code=spec["code"])
        district._history_user = by  # type: ignore[attr-defined]
        district._change_reason = REASON  # type: ignore[attr-defined]
        district.save()
    return district


def _streets(district: District, specs: list[dict[str, Any]], *, by: User) -> list[Street]:
    existing = {s.name: s for s in district.streets.all()}
    streets = []
    for spec in specs:
        street = existing.get(spec["name"])
        if street is None:
            street = Street(district=district, name=spec["name"], kind=spec["kind"])
            street._history_user = by  # type: ignore[attr-defined]
            street._change_reason = REASON  # type: ignore[attr-defined]
            street.save()
        streets.append(street)
    return streets


def _communities(streets: list[Street], specs: list[dict[str, Any]], *, by: User) -> int:
    existing = set(Community.objects.filter(street__in=streets).values_list("street_id", "name"))
    created = 0
    for street, street_spec in zip(streets, specs, strict=True):
        for spec in street_spec["communities"]:
            if (street.pk, spec["name"]) in existing:
                continue
            _community_create(street, spec, by=by)
            created += 1
    return created


def _community_create(street: Street, spec: dict[str, Any], *, by: User) -> None:
    # one generator per community: its numbers do not depend on what else exists already
    rng = random.Random(f"{SEED}/{street.name}/{spec['name']}")  # noqa: S311 - fictional data
    profile = {
        "name": spec["name"],
        "kind": spec["kind"],
        "is_reform_finished": spec.get("reform_finished", False),
        "track_override": spec.get("track_override", ""),
        "track_override_reason": spec.get("track_override_reason", ""),
        "is_demolition_underway": spec.get("demolition", False),
        "is_difficult": bool(spec.get("difficult")),
        "difficult_reason": spec.get("difficult", ""),
        **profile_numbers(kind=spec["kind"], rng=rng, population=spec.get("population")),
    }
    track = Community(
        kind=profile["kind"],
        is_reform_finished=profile["is_reform_finished"],
        track_override=profile["track_override"],
    ).election_track
    plan = committee_plan(population=profile["population"], track=track, rng=rng)
    community_create(street_id=street.pk, data=profile, **plan, by=by, reason=REASON)


def _scope(scope: str, district: District, streets: list[Street]) -> Scope:
    """ "district", "street:<index in the data file>" or "community:<name>"."""
    if scope == "district":
        return district
    kind, _sep, value = scope.partition(":")
    if kind == "street":
        return streets[int(value)]
    return Community.objects.select_related("street").get(street__district=district, name=value)


def _scope_text(level: str, obj: Scope) -> str:
    if level == "manage":
        return _("manages %(scope)s") % {"scope": obj}
    if level == "edit":
        return _("edits %(scope)s") % {"scope": obj}
    return _("views %(scope)s") % {"scope": obj}


# --- the scale district --------------------------------------------------------------------------


def scale_seed(*, count: int, by: User | None) -> tuple[District, list[Street]]:
    """The synthetic district (code "scale") of `count` communities, ceil(count / 40) streets of
    about 40 each, every community with both committees and a varied profile.

    Expects the previous scale district gone (the caller purges it). Every object gets its "+"
    history row (reason "scale data"); on PostgreSQL the rows are written with COPY. Runs in the
    caller's transaction.
    """
    district, streets = _scale_hierarchy(count, by=by)
    communities = _scale_communities(streets, count, by=by)
    _scale_committees(communities, by=by)
    return district, streets


def scale_grants(
    *, office: User, official: User, district: District, street: Street, by: User | None
) -> None:
    """The scale office manages the scale district; the scale street official edits `street`,
    its first (`by` may be None on a database without a superuser)."""
    grant_assign(user=office, obj=district, level="manage", by=by, reason=SCALE_REASON)
    grant_assign(user=official, obj=street, level="edit", by=by, reason=SCALE_REASON)


def _scale_hierarchy(count: int, *, by: User | None) -> tuple[District, list[Street]]:
    district = District(name=_("Scale test district"), code=SCALE_CODE)
    district._history_user = by  # type: ignore[attr-defined]
    district._change_reason = SCALE_REASON  # type: ignore[attr-defined]
    district.save()
    streets = [
        Street(
            district=district,
            name=_("Scale street %(number)s") % {"number": f"{i + 1:03d}"},
            kind=Street.Kind.TOWNSHIP if i % 7 == 6 else Street.Kind.STREET,
        )
        for i in range(math.ceil(count / SCALE_PER_STREET))
    ]
    streets = bulk_create_with_history(
        streets, Street, batch_size=SCALE_BATCH, default_user=by, default_change_reason=SCALE_REASON
    )
    return district, streets


def _scale_communities(streets: list[Street], count: int, *, by: User | None) -> list[Community]:
    rng = random.Random(SCALE_SEED)  # noqa: S311 - synthetic data
    communities = []
    for number in range(count):
        # deal the communities out evenly: every street gets N // S or one more
        street = streets[number % len(streets)]
        kind = Community.Kind.VILLAGE_CONVERTED if rng.random() < 0.4 else Community.Kind.CITY
        village = kind == Community.Kind.VILLAGE_CONVERTED
        community = Community(
            street=street,
            name=_("Scale community %(number)s") % {"number": f"{number + 1:05d}"},
            kind=kind,
            is_reform_finished=village and rng.random() < 0.05,
            is_demolition_underway=village and rng.random() < 0.2,
            **profile_numbers(kind=kind, rng=rng, population=_scale_population(rng)),
        )
        if rng.random() < 0.04:
            community.is_difficult = True
            community.difficult_reason = _("Synthetic difficult community for benchmarks")
        if rng.random() < 0.005:
            derived = community.derived_track
            community.track_override = (
                Community.Track.RESIDENTS
                if derived == Community.Track.VILLAGE
                else Community.Track.VILLAGE
            )
            community.track_override_reason = _("Synthetic override for benchmarks")
        communities.append(community)
    # COPY on PostgreSQL (with the history rows), bulk_create_with_history elsewhere
    ids = rows_insert(
        Community,
        SCALE_COMMUNITY_COLUMNS,
        [tuple(getattr(c, f) for f in SCALE_COMMUNITY_COLUMNS) for c in communities],
        by=by,
        reason=SCALE_REASON,
    )
    for community, pk in zip(communities, ids, strict=True):
        community.pk = pk
    return communities


def _scale_population(rng: random.Random) -> int | None:
    # a few very large communities, like the largest one of the seed report
    return rng.randrange(30000, 60000, 10) if rng.random() < 0.01 else None


def _scale_committees(communities: list[Community], *, by: User | None) -> None:
    rng = random.Random(SCALE_SEED + 1)  # noqa: S311 - synthetic data
    rows: list[tuple[Any, ...]] = []
    for community in communities:
        plan = committee_plan(
            population=community.population or 0, track=community.election_track, rng=rng
        )
        rows.append((community.pk, Committee.Kind.PARTY, plan["party_type"], plan["party_seats"]))
        rows.append((community.pk, Committee.Kind.RESIDENTS, "", plan["residents_seats"]))
    rows_insert(
        Committee,
        ["community_id", "kind", "party_type", "seats"],
        rows,
        by=by,
        reason=SCALE_REASON,
    )


# --- plausible numbers ---------------------------------------------------------------------------


def profile_numbers(
    *, kind: str, rng: random.Random, population: int | None = None
) -> dict[str, int]:
    """Resident population, households and registered voters that look like a real community.

    Village-converted communities are somewhat smaller and have fewer registered voters per resident
    (more residents are registered elsewhere).
    """
    village = kind == Community.Kind.VILLAGE_CONVERTED
    if population is None:
        population = rng.randrange(3000, 18000, 10) if village else rng.randrange(4000, 26000, 10)
    voters_share = rng.uniform(0.58, 0.76) if village else rng.uniform(0.66, 0.82)
    return {
        "population": population,
        "households": round(population / rng.uniform(2.5, 3.2)),
        "registered_voters": round(population * voters_share),
    }


def committee_plan(*, population: int, track: str, rng: random.Random) -> dict[str, Any]:
    """Party organisation type and the seats of both committees.

    The party organisation follows the community's size (a proxy for its number of Party members):
    a party committee from 20,000 residents, a general branch from 8,000, else a branch. Seats stay
    in the legal ranges (villagers' rules 3 to 7, residents' rules 5 to 9, party 3 to 9) and stay
    few even for very large communities, as in the seed report.
    """
    if population >= 20000:
        party_type, party_seats = Committee.PartyType.COMMITTEE, rng.choice([7, 9])
    elif population >= 8000:
        party_type, party_seats = Committee.PartyType.GENERAL_BRANCH, rng.choice([5, 7])
    else:
        party_type, party_seats = Committee.PartyType.BRANCH, rng.choice([3, 5])
    if track == Community.Track.VILLAGE:
        choices = [3, 5] if population < 5000 else [5, 7] if population < 15000 else [7]
    else:
        choices = [5] if population < 8000 else [5, 7] if population < 20000 else [7, 9]
    return {
        "party_type": party_type,
        "party_seats": party_seats,
        "residents_seats": rng.choice(choices),
    }
