"""Pieces shared by the two seeders (`seed_demo`, `seed_scale`): plausible profiles and seat
numbers, demo accounts, the removal of a synthetic district, and a plain-text table.

Everything here is for fictional data; nothing is used by the application at run time.
"""

import random
import unicodedata
from typing import Any

from django.contrib.auth.hashers import check_password
from django.db import models

from accounts.models import MemberUnit, User
from communities.models import Committee, Community

# every demo and scale account signs in with this password (design.md §4)
DEMO_PASSWORD = "huanjie-demo"  # noqa: S105 - a published demo password, not a secret


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


def user_ensure(
    *,
    username: str,
    display_name: str,
    role: str,
    by: User | None,
    reason: str,
    member_unit: MemberUnit | None = None,
    is_superuser: bool = False,
) -> tuple[User, bool]:
    """Create the account, or bring it back to the given role, name and the demo password.

    Returns (user, created). A second call with the same arguments writes nothing. The password is
    not kept in the user's history, so a password reset alone adds no history row. `by=None`
    records the new user as its own author (used for the first superuser).
    """
    wanted: dict[str, Any] = {
        "display_name": display_name,
        "role": role,
        "member_unit_id": member_unit.pk if member_unit else None,
        "is_superuser": is_superuser,
        "is_staff": is_superuser,
        "is_active": True,
    }
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **wanted)
        user.set_password(DEMO_PASSWORD)
        user._history_user = by or user  # type: ignore[attr-defined]
        user._change_reason = reason  # type: ignore[attr-defined]
        user.save()
        return user, True
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    if changed:
        for field in changed:
            setattr(user, field, wanted[field])
        user._history_user = by or user  # type: ignore[attr-defined]
        user._change_reason = reason  # type: ignore[attr-defined]
        user.save(update_fields=[f.removesuffix("_id") for f in changed])
    # check without the upgrade callback: a rehash would save the user a second time
    if not check_password(DEMO_PASSWORD, user.password):
        user.set_password(DEMO_PASSWORD)
        user.skip_history_when_saving = True  # type: ignore[attr-defined]
        user.save(update_fields=["password"])
        del user.skip_history_when_saving  # type: ignore[attr-defined]
    return user, False


def rows_purge(model: type[models.Model], qs: models.QuerySet[Any], *, depth: int = 0) -> int:
    """Delete the rows of `qs`, every row that points at them, and the history of all of them.

    Raw SQL deletes (subqueries, no rows loaded, no signals), children first. Meant only for
    synthetic data such as the scale district: nothing is logged and no history row says the
    objects went. Returns the number of rows deleted. Must run inside a transaction.
    """
    if depth > 8:
        raise RuntimeError(f"relation chain too deep under {model.__name__}")
    # Django's relation metadata is only loosely typed; these are plain Any
    raw: Any = qs
    deleted: int = 0
    m2m_fields: list[Any] = list(model._meta.many_to_many)
    for field in m2m_fields:
        through = field.remote_field.through._base_manager
        deleted += through.filter(**{f"{field.m2m_field_name()}__in": qs})._raw_delete(qs.db)
    relations: list[Any] = list(model._meta.related_objects)
    for rel in relations:
        if rel.many_to_many:
            through = rel.through._base_manager
            name = rel.field.m2m_reverse_field_name()
            deleted += through.filter(**{f"{name}__in": qs})._raw_delete(qs.db)
            continue
        children = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": qs})
        deleted += rows_purge(rel.related_model, children, depth=depth + 1)
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager_name:
        history: Any = getattr(model, manager_name).model
        pk = model._meta.pk.attname
        rows = history._base_manager.filter(**{f"{pk}__in": qs.values("pk")})
        deleted += rows._raw_delete(qs.db)
    deleted += raw._raw_delete(qs.db)
    return deleted


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns aligned for a terminal, counting Chinese characters as two columns wide."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
