"""URL-matrix cases of editing a negative list's criteria: they point at the shipped
“六不能六不宜” list (loaded by the data migration), which no campaign of the matrix's world has
started a joint review with, so its criteria can be edited."""

from typing import Any

from election.models import NegativeCriterion, NegativeList
from tests.url_matrix import FOUND, OK, Case, World, office_only

SIX_SIX = "six-six"
WRITERS = ("office", "admin_user")


def _six_six() -> NegativeList:
    return NegativeList.objects.get(code=SIX_SIX, version=1)


def _criterion(order: int) -> NegativeCriterion:
    return NegativeCriterion.objects.get(negative_list=_six_six(), order=order)


def criteria_state(world: World) -> list[tuple[int, int]]:
    """(order, pk) of the list's criteria, kept in `world.extra` as they were before a request."""
    if "negative_lists:before" not in world.extra:
        rows = _six_six().criteria.order_by("order").values_list("order", "pk")
        world.extra["negative_lists:before"] = list(rows)
    state: list[tuple[int, int]] = world.extra["negative_lists:before"]
    return state


def first_criterion_pk(world: World) -> dict[str, Any]:
    return {"pk": _criterion(1).pk}


def six_six_pk(world: World) -> dict[str, Any]:
    return {"pk": _six_six().pk}


def last_criterion_pk(world: World) -> dict[str, Any]:
    criteria_state(world)
    return {"pk": _criterion(12).pk}


def second_criterion_pk(world: World) -> dict[str, Any]:
    criteria_state(world)
    return {"pk": _criterion(2).pk}


def _now() -> list[tuple[int, int]]:
    return list(_six_six().criteria.order_by("order").values_list("order", "pk"))


def criterion_deleted_only_by_the_office(world: World, role: str, response: Any) -> None:
    before = criteria_state(world)
    last_pk = before[-1][1]
    if role in WRITERS:
        # the last criterion is gone, the others keep their places, and the history says who
        assert _now() == before[:-1]
        deleted = NegativeCriterion.history.get(id=last_pk, history_type="-")
        assert deleted.history_user == world.users[role]
        assert deleted.history_change_reason == "merged into another criterion"
    else:
        assert _now() == before


def criterion_moved_only_by_the_office(world: World, role: str, response: Any) -> None:
    before = criteria_state(world)
    if role in WRITERS:
        # the second criterion went up past the first
        (one, first), (two, second) = before[0], before[1]
        assert _now()[:2] == [(one, second), (two, first)]
        assert _now()[2:] == before[2:]
        moved = NegativeCriterion.history.filter(id=second).first()
        assert moved is not None and moved.history_user == world.users[role]
    else:
        assert _now() == before


NEGATIVE_LIST_ENTRIES = {
    "election:negative-criterion-edit": Case(kwargs=first_criterion_pk, expect=office_only(OK)),
    "election:negative-criterion-add": Case(kwargs=six_six_pk, expect=office_only(OK)),
    "election:negative-criterion-delete": Case(
        method="post",
        kwargs=last_criterion_pk,
        data=lambda w: {"reason": "merged into another criterion"},
        expect=office_only(FOUND),
        after=criterion_deleted_only_by_the_office,
    ),
    "election:negative-criterion-move": Case(
        method="post",
        kwargs=second_criterion_pk,
        data=lambda w: {"direction": "up"},
        expect=office_only(FOUND),
        after=criterion_moved_only_by_the_office,
    ),
}
