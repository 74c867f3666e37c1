"""Simultaneous edits of one negative list's criteria (PostgreSQL, real threads and connections):
the list's row lock queues them, so numbers stay unique and in sequence and a stale save is told."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from core.exceptions import ConflictError
from election.models import NegativeCriterion, NegativeList
from election.negative_lists import shipped_files
from election.services.negative_lists import (
    NegativeListError,
    criterion_fingerprint,
    negative_criterion_add,
    negative_criterion_delete,
    negative_criterion_move,
    negative_criterion_update,
    negative_list_load_file,
)
from tests.factories import MemberUnitFactory


def run_together(jobs: dict[str, Callable[[], Any]]) -> dict[str, str]:
    """Start the jobs at the same moment, each on its own connection; their outcome by name."""
    barrier = threading.Barrier(len(jobs))
    outcomes: dict[str, str] = {}

    def run(name: str, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            job()
            outcomes[name] = "done"
        except ConflictError:
            outcomes[name] = "conflict"
        except NegativeListError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.fixture
def six_six(db: None) -> NegativeList:
    # a transactional test before this one may have flushed the shipped lists
    if not NegativeList.objects.filter(code="six-six", version=1).exists():
        for path in shipped_files():
            negative_list_load_file(path)
    return NegativeList.objects.get(code="six-six", version=1)


def _orders(negative_list: NegativeList) -> list[int]:
    return list(negative_list.criteria.order_by("order").values_list("order", flat=True))


@pytest.mark.django_db(transaction=True)
def test_two_criteria_added_at_once_get_the_next_two_numbers(
    requires_postgres: None, six_six: NegativeList, office: Any, admin_user: Any
) -> None:
    MemberUnitFactory(code="police", name="公安局")
    data = {"text": "新条目", "tier": "unsuitable", "unit_code": "police"}
    outcomes = run_together(
        {
            "office": lambda: negative_criterion_add(negative_list=six_six, data=data, by=office),
            "admin": lambda: negative_criterion_add(
                negative_list=six_six, data=data, by=admin_user
            ),
        }
    )
    assert outcomes == {"office": "done", "admin": "done"}
    assert _orders(six_six) == list(range(1, 15))


@pytest.mark.django_db(transaction=True)
def test_of_two_saves_from_the_same_page_one_wins_and_the_other_is_told(
    requires_postgres: None, six_six: NegativeList, office: Any, admin_user: Any
) -> None:
    criterion = NegativeCriterion.objects.get(negative_list=six_six, order=7)
    seen = criterion_fingerprint(criterion)
    outcomes = run_together(
        {
            "office": lambda: negative_criterion_update(
                criterion=criterion, data={"lookback_years": 3}, by=office, fingerprint=seen
            ),
            "admin": lambda: negative_criterion_update(
                criterion=criterion, data={"lookback_years": 8}, by=admin_user, fingerprint=seen
            ),
        }
    )
    assert sorted(outcomes.values()) == ["conflict", "done"]
    winner = next(who for who, outcome in outcomes.items() if outcome == "done")
    criterion.refresh_from_db()
    assert criterion.lookback_years == {"office": 3, "admin": 8}[winner]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_a_move_and_a_delete_at_once_leave_the_numbers_in_sequence(
    attempt: int, requires_postgres: None, six_six: NegativeList, office: Any, admin_user: Any
) -> None:
    second = NegativeCriterion.objects.get(negative_list=six_six, order=2)
    fifth = NegativeCriterion.objects.get(negative_list=six_six, order=5)
    outcomes = run_together(
        {
            "move": lambda: negative_criterion_move(criterion=fifth, up=True, by=office),
            "delete": lambda: negative_criterion_delete(criterion=second, by=admin_user),
        }
    )
    assert outcomes == {"move": "done", "delete": "done"}
    assert _orders(six_six) == list(range(1, 12))
    assert not NegativeCriterion.objects.filter(pk=second.pk).exists()
