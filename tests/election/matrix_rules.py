"""URL-matrix cases of the rule-set and negative-list screens: they point at the shipped national
default (loaded by the data migration), one of its steps and one of its seat rules, and at the
shipped “六不能六不宜” negative list."""

from typing import Any

from election.models import NegativeList, RuleSet, SeatRule, StepTemplate
from tests.url_matrix import FOUND, OK, Case, World, office_only

NATIONAL = "national-2018"
SIX_SIX = "six-six"


def _national() -> RuleSet:
    return RuleSet.objects.get(code=NATIONAL, version=1)


def national_pk(world: World) -> dict[str, Any]:
    return {"pk": _national().pk}


def voter_list_step_pk(world: World) -> dict[str, Any]:
    return {"pk": StepTemplate.objects.get(stage__rule_set=_national(), code="voter-list").pk}


def residents_seat_rule_pk(world: World) -> dict[str, Any]:
    return {"pk": SeatRule.objects.get(rule_set=_national(), body="residents").pk}


def six_six_pk(world: World) -> dict[str, Any]:
    return {"pk": NegativeList.objects.get(code=SIX_SIX, version=1).pk}


def negative_list_cloned_only_by_the_office(world: World, role: str, response: Any) -> None:
    clones = NegativeList.objects.filter(code=SIX_SIX, version=2)
    if role in ("office", "admin_user"):
        clone = clones.get()
        # every criterion copied, and the copy recorded as the user's
        assert clone.criteria.count() == 12
        assert clone.history.filter(history_user=world.users[role]).exists()
    else:
        assert not clones.exists()


RULE_ENTRIES = {
    "election:ruleset-list": Case(expect=office_only(OK)),
    "election:ruleset-detail": Case(kwargs=national_pk, expect=office_only(OK)),
    "election:ruleset-clone": Case(method="post", kwargs=national_pk, expect=office_only(FOUND)),
    "election:step-template-edit": Case(kwargs=voter_list_step_pk, expect=office_only(OK)),
    "election:seat-rule-edit": Case(kwargs=residents_seat_rule_pk, expect=office_only(OK)),
    "election:negative-list-list": Case(expect=office_only(OK)),
    "election:negative-list-detail": Case(kwargs=six_six_pk, expect=office_only(OK)),
    "election:negative-list-clone": Case(
        method="post",
        kwargs=six_six_pk,
        expect=office_only(FOUND),
        after=negative_list_cloned_only_by_the_office,
    ),
}
