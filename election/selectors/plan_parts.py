"""Parts other apps add to a community's plan page, and their say over hand-editing a step.

Election never imports the apps built on it: they register here from their AppConfig.ready().

- `plan_page_part_register(fn)`: `fn(plan, user) -> PlanPagePart | None` adds a card to the plan
  page (None: nothing to show for this plan or user). The card renders `part.template` with the
  page's context plus `part.context` as `part_context`. Keep it to a constant number of queries.
- `step_guard_register(fn)`: `fn(step) -> str` returns why the step may not be edited by hand
  (it follows records kept elsewhere), or "" to allow it. The step editor refuses a save with
  that message.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User

from ..models import CommunityPlan, PlanStep


@dataclass
class PlanPagePart:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PartFn = Callable[[CommunityPlan, User], PlanPagePart | None]
GuardFn = Callable[[PlanStep], str]

_parts: list[PartFn] = []
_guards: list[GuardFn] = []


def plan_page_part_register(fn: PartFn) -> PartFn:
    """Register a part of the plan page (once: registering the same function again is a no-op)."""
    if fn not in _parts:
        _parts.append(fn)
    return fn


def plan_page_parts(plan: CommunityPlan, user: User) -> list[PlanPagePart]:
    parts = (fn(plan, user) for fn in _parts)
    return [p for p in parts if p is not None]


def step_guard_register(fn: GuardFn) -> GuardFn:
    if fn not in _guards:
        _guards.append(fn)
    return fn


def step_hand_edit_refusal(step: PlanStep) -> str:
    """Why `step` may not be edited by hand, or "" if it may."""
    for fn in _guards:
        if reason := fn(step):
            return reason
    return ""


# --- the candidate's page -------------------------------------------------------------------------
# `candidate_page_part_register(fn)`: `fn(candidate, user) -> CandidatePagePart | None` adds a card
# to a candidate's page (discipline: the substantiated reports against the candidate, for the
# vetting). Keep it to a constant number of queries.


@dataclass
class CandidatePagePart:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


CandidatePartFn = Callable[[Any, User], CandidatePagePart | None]

_candidate_parts: list[CandidatePartFn] = []


def candidate_page_part_register(fn: CandidatePartFn) -> CandidatePartFn:
    """Register a part of the candidate page (registering the same function again is a no-op)."""
    if fn not in _candidate_parts:
        _candidate_parts.append(fn)
    return fn


def candidate_page_parts(candidate: Any, user: User) -> list[CandidatePagePart]:
    parts = (fn(candidate, user) for fn in _candidate_parts)
    return [p for p in parts if p is not None]
