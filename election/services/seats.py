"""Writes for seat sizing (职数设置): the planned seats of a community's committees, checked
against the campaign's rule set, and the planned 一肩挑 and 交叉任职."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Committee
from core.exceptions import ConflictError, DomainError

from ..models import Campaign, CommunityPlan, SeatPlan, SeatRule


class SeatError(DomainError):
    """One or more seat rules are broken; `problems` lists each broken rule, in order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SeatInput:
    """What the form says about one committee: its planned seats and planned women."""

    seats: int
    women: int


def _stale() -> ConflictError:
    return ConflictError(
        _(
            "Someone else saved this community's plan while you were editing its seats, so your "
            "changes were not saved. The form now shows the current values."
        )
    )


def seat_rule_for(rules: Iterable[SeatRule], *, body: str, party_type: str = "") -> SeatRule | None:
    """The seat rule of a committee: for the Party's, the rule of its organisation type
    (党委 / 党总支 / 党支部) if the rule set has one, else the rule for every type."""
    candidates = [r for r in rules if r.body == body]
    if body == SeatRule.Body.PARTY and party_type:
        for rule in candidates:
            if rule.party_type == party_type:
                return rule
    return next((r for r in candidates if not r.party_type), None)


def is_secretary_only(rule: SeatRule | None, full_members: int | None) -> bool:
    """Whether a Party organisation elects a secretary only: it has fewer full members than its
    rule's threshold (a 党支部 under 7). Unknown membership is not judged."""
    return (
        rule is not None
        and rule.secretary_only_below is not None
        and full_members is not None
        and full_members < rule.secretary_only_below
    )


def seat_problems(
    *,
    body_label: str,
    seats: int,
    women: int,
    rule: SeatRule | None,
    full_members: int | None = None,
) -> list[str]:
    """The rules a committee's planned seats break, as messages naming each rule ([] if none).

    `full_members` is the Party organisation's number of full members: under the rule's
    `secretary_only_below` it elects one secretary, and no committee range applies.
    """
    names = {"committee": body_label, "seats": seats, "women": women}
    problems = []
    if women > seats:
        problems.append(
            _("%(committee)s: %(women)s women planned on %(seats)s seats is not possible.") % names
        )
    if rule is None:
        return problems
    rule_names = {**names, "min": rule.min_seats, "max": rule.max_seats, "basis": rule.legal_basis}
    if is_secretary_only(rule, full_members):
        if seats != 1:
            problems.append(
                _(
                    "%(committee)s: with %(members)s full members (fewer than %(threshold)s) the "
                    "organisation elects a secretary only, not %(seats)s seats (%(basis)s)."
                )
                % {
                    **rule_names,
                    "members": full_members,
                    "threshold": rule.secretary_only_below,
                }
            )
        return problems
    if not rule.min_seats <= seats <= rule.max_seats:
        if rule.legal_basis:
            message = _(
                "%(committee)s: %(seats)s seats breaks the rule “%(min)s to %(max)s seats” "
                "(%(basis)s)."
            )
        else:
            message = _(
                "%(committee)s: %(seats)s seats breaks the rule “%(min)s to %(max)s seats”."
            )
        problems.append(message % rule_names)
    if rule.requires_woman and women < 1:
        if rule.legal_basis:
            message = _(
                "%(committee)s must include a woman (%(basis)s); plan at least one woman member."
            )
        else:
            message = _("%(committee)s must include a woman; plan at least one woman member.")
        problems.append(message % rule_names)
    return problems


@transaction.atomic
def seats_update(
    *,
    plan: CommunityPlan,
    versions: Mapping[str, int],
    seats: Mapping[str, SeatInput],
    one_shoulder: bool,
    cross_appointments: int,
    by: User,
    reason: str = "",
) -> CommunityPlan:
    """Save a community's planned seats per committee, its planned 一肩挑 and 交叉任职 count.

    `versions` maps "plan" and each committee (SeatRule.Body value) to the version the form was
    loaded at; `seats` maps each committee of the plan to its planned seats and women. Locks the
    plan and its seat plans. Raises ConflictError if any of them was saved since, and SeatError
    (naming every broken rule) when planned seats fall outside the rule set's range for that
    committee (for the Party's, the range of its organisation type, or one secretary when it has
    fewer full members than the rule's threshold), a committee that must include a woman has none
    planned, more women than seats are planned, the cross-appointments exceed the smaller
    committee, or the campaign is closed.
    A save that changes nothing writes nothing. History reason: `reason`, else "seats planned".
    """
    plan = (
        CommunityPlan.objects.select_for_update()
        .select_related("campaign__rule_set")
        .get(pk=plan.pk)
    )
    seat_plans = {s.body: s for s in SeatPlan.objects.select_for_update().filter(plan=plan)}
    if plan.version != versions.get("plan") or any(
        s.version != versions.get(body) for body, s in seat_plans.items()
    ):
        raise _stale()
    if plan.campaign.status == Campaign.Status.CLOSED:
        raise SeatError([_("“%(name)s” is closed.") % {"name": plan.campaign.name}])
    rules = list(SeatRule.objects.filter(rule_set=plan.campaign.rule_set))
    party = Committee.objects.filter(community_id=plan.community_id, kind=Committee.Kind.PARTY)
    party_type, full_members = next(
        iter(party.values_list("party_type", "full_members")), ("", None)
    )
    problems: list[str] = []
    for body, seat_plan in seat_plans.items():
        wanted = seats.get(body, SeatInput(seat_plan.planned_seats, seat_plan.planned_women))
        problems += seat_problems(
            body_label=seat_plan.get_body_display(),
            seats=wanted.seats,
            women=wanted.women,
            rule=seat_rule_for(rules, body=body, party_type=party_type),
            full_members=full_members if body == SeatRule.Body.PARTY else None,
        )
    if cross_appointments < 0:
        problems.append(_("Cross-appointments cannot be negative."))
    planned = [seats[b].seats if b in seats else s.planned_seats for b, s in seat_plans.items()]
    smallest = min(planned, default=0)
    if cross_appointments > smallest:
        problems.append(
            _(
                "%(count)s cross-appointments is more than the %(seats)s seats of the smaller "
                "committee."
            )
            % {"count": cross_appointments, "seats": smallest}
        )
    if problems:
        raise SeatError(problems)

    history_reason = reason.strip() or "seats planned"
    for body, seat_plan in seat_plans.items():
        new = seats.get(body)
        if new is None or (seat_plan.planned_seats, seat_plan.planned_women) == (
            new.seats,
            new.women,
        ):
            continue
        seat_plan.planned_seats, seat_plan.planned_women = new.seats, new.women
        seat_plan.version += 1
        seat_plan._history_user = by  # type: ignore[attr-defined]
        seat_plan._change_reason = history_reason  # type: ignore[attr-defined]
        seat_plan.save(update_fields=["planned_seats", "planned_women", "version", "updated_at"])
    if (plan.planned_one_shoulder, plan.planned_cross_appointments) != (
        one_shoulder,
        cross_appointments,
    ):
        plan.planned_one_shoulder = one_shoulder
        plan.planned_cross_appointments = cross_appointments
        plan.version += 1
        plan._history_user = by  # type: ignore[attr-defined]
        plan._change_reason = history_reason  # type: ignore[attr-defined]
        plan.save(
            update_fields=[
                "planned_one_shoulder",
                "planned_cross_appointments",
                "version",
                "updated_at",
            ]
        )
    return plan
