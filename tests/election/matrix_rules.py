"""URL-matrix cases of the rule-set screens: they point at the shipped national default (loaded
by the data migration), one of its steps and one of its seat rules."""

from typing import Any

from election.models import RuleSet, SeatRule, StepTemplate
from tests.url_matrix import FOUND, OK, Case, World, office_only

NATIONAL = "national-2018"


def _national() -> RuleSet:
    return RuleSet.objects.get(code=NATIONAL, version=1)


def national_pk(world: World) -> dict[str, Any]:
    return {"pk": _national().pk}


def voter_list_step_pk(world: World) -> dict[str, Any]:
    return {"pk": StepTemplate.objects.get(stage__rule_set=_national(), code="voter-list").pk}


def residents_seat_rule_pk(world: World) -> dict[str, Any]:
    return {"pk": SeatRule.objects.get(rule_set=_national(), body="residents").pk}


RULE_ENTRIES = {
    "election:ruleset-list": Case(expect=office_only(OK)),
    "election:ruleset-detail": Case(kwargs=national_pk, expect=office_only(OK)),
    "election:ruleset-clone": Case(method="post", kwargs=national_pk, expect=office_only(FOUND)),
    "election:step-template-edit": Case(kwargs=voter_list_step_pk, expect=office_only(OK)),
    "election:seat-rule-edit": Case(kwargs=residents_seat_rule_pk, expect=office_only(OK)),
}
