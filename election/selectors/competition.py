"""Competition (差额): each committee's formal candidates counted against its planned seats.

The rules are data on the campaign's rule set: the residents' (villagers') committee needs at least
`residents_surplus_min` more formal candidates than seats; the Party at least
`party_surplus_percent` % more (20 %: 5 seats need 6); and where the committee's seat rule requires
a woman member (or a woman is planned) a woman must be among the formal candidates.

A shortfall makes a step red (the plan's `plan_refresh` asks `competition_step_reasons`): the
residents' list on `candidates-final`, the Party's on `party-candidates-approval`, once that step
is done, has a notice, or is past its due date.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Committee

from ..models import (
    Campaign,
    Candidate,
    CommunityPlan,
    Gender,
    PlanStep,
    PublicNotice,
    RuleSet,
    SeatPlan,
    SeatRule,
)
from ..services.seats import seat_rule_for

# the statuses of a formal candidate (before and after the vote)
FORMAL = (Candidate.Status.FORMAL, Candidate.Status.ELECTED, Candidate.Status.NOT_ELECTED)
# the step a committee's shortfall makes red, and the step its candidate list is posted on
PARTY_CHECK_STEP = "party-candidates-approval"
RESIDENTS_CHECK_STEP = "candidates-final"
PARTY_NOTICE_STEP = "party-publicity"
CHECK_STEPS = (PARTY_CHECK_STEP, RESIDENTS_CHECK_STEP)


def check_step_code(body: str) -> str:
    return PARTY_CHECK_STEP if body == SeatRule.Body.PARTY else RESIDENTS_CHECK_STEP


def notice_step_code(body: str) -> str:
    return PARTY_NOTICE_STEP if body == SeatRule.Body.PARTY else RESIDENTS_CHECK_STEP


def party_needed(seats: int, percent: int) -> int:
    """The fewest formal candidates for `seats` Party seats: seats x (100 + percent) / 100,
    rounded up (5 seats at 20 %: 6)."""
    return -(-seats * (100 + percent) // 100)


@dataclass
class Competition:
    """One committee's competition: its seats, formal candidates and what is short."""

    body: str
    body_label: str
    seats: int
    formal: int
    women: int
    needed: int
    woman_required: bool
    shortfalls: list[str] = field(default_factory=list)

    @property
    def is_short(self) -> bool:
        return bool(self.shortfalls)


def _seat_plans(plan: CommunityPlan) -> QuerySet[SeatPlan]:
    formal = Candidate.objects.filter(plan=plan, body=OuterRef("body"), status__in=FORMAL)
    return (
        SeatPlan.objects.filter(plan=plan)
        .annotate(
            registered=Exists(Candidate.objects.filter(plan=plan, body=OuterRef("body"))),
            formal=Coalesce(
                Subquery(
                    formal.values("plan").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            women=Coalesce(
                Subquery(
                    formal.filter(gender=Gender.FEMALE)
                    .values("plan")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .order_by("body")
    )


def _basis(rule_set: RuleSet) -> str:
    return rule_set.competition_basis or str(_("the rule set's competition rule"))


def plan_competition(plan: CommunityPlan) -> list[Competition]:
    """Each committee of the plan for which anyone is registered, with its seats, formal
    candidates and shortfalls (the messages name the rule and the figures). 3 queries at most
    (seat plans with their counts; the seat rules and the Party organisation's type only when a
    woman might be missing)."""
    rule_set = plan.campaign.rule_set
    seat_plans = list(_seat_plans(plan))
    rules: list[SeatRule] | None = None
    party_type = ""
    result = []
    for sp in seat_plans:
        if not sp.registered:  # type: ignore[attr-defined]
            # no one registered for this committee: the register is not in use for it, and the
            # step's own time limits speak for it
            continue
        seats, formal, women = sp.planned_seats, sp.formal, sp.women  # type: ignore[attr-defined]
        label = str(sp.get_body_display())
        names: dict[str, object] = {
            "committee": label,
            "count": formal,
            "seats": seats,
            "basis": _basis(rule_set),
        }
        problems = []
        if sp.body == SeatRule.Body.PARTY:
            needed = party_needed(seats, rule_set.party_surplus_percent)
            if formal < needed:
                problems.append(
                    _(
                        "Not enough competition (%(committee)s): %(count)s formal candidates for "
                        "%(seats)s seats; at least %(needed)s are needed, %(percent)s%% more than "
                        "the seats (%(basis)s)."
                    )
                    % {**names, "needed": needed, "percent": rule_set.party_surplus_percent}
                )
        else:
            needed = seats + rule_set.residents_surplus_min
            if formal < needed:
                problems.append(
                    _(
                        "Not enough competition (%(committee)s): %(count)s formal candidates for "
                        "%(seats)s seats; at least %(needed)s are needed, %(more)s more than the "
                        "seats (%(basis)s)."
                    )
                    % {**names, "needed": needed, "more": rule_set.residents_surplus_min}
                )
        woman_required = sp.planned_women > 0
        if not woman_required and women == 0:
            if rules is None:
                rules = list(SeatRule.objects.filter(rule_set_id=rule_set.pk))
                party_type = (
                    Committee.objects.filter(
                        community_id=plan.community_id, kind=Committee.Kind.PARTY
                    )
                    .values_list("party_type", flat=True)
                    .first()
                    or ""
                )
            rule = seat_rule_for(rules, body=sp.body, party_type=party_type)
            woman_required = rule is not None and rule.requires_woman
        if woman_required and women == 0:
            problems.append(
                _(
                    "No woman among the formal candidates of the %(committee)s, which must "
                    "include a woman member."
                )
                % names
            )
        result.append(
            Competition(sp.body, label, seats, formal, women, needed, woman_required, problems)
        )
    return result


def competition_shortfalls(plan: CommunityPlan) -> list[str]:
    """Every competition rule the plan's committees break, as messages naming the rule."""
    return [s for c in plan_competition(plan) for s in c.shortfalls]


def body_shortfalls(plan: CommunityPlan, body: str) -> list[str]:
    """The competition rules one committee of the plan breaks ([] when none, or no such body)."""
    return [s for c in plan_competition(plan) if c.body == body for s in c.shortfalls]


def competition_step_reasons(plan: CommunityPlan) -> dict[str, list[str]]:
    """The competition shortfalls by the code of the step they make red (`CHECK_STEPS`)."""
    reasons: dict[str, list[str]] = {}
    for c in plan_competition(plan):
        if c.shortfalls:
            reasons.setdefault(check_step_code(c.body), []).extend(c.shortfalls)
    return reasons


def is_checked(*, is_done: bool, has_notice: bool, due_on: date | None, today: date) -> bool:
    """Whether a competition step's shortfall shows: the step is done, has a notice, or is past
    its due date."""
    return is_done or has_notice or (due_on is not None and due_on < today)


def campaign_shortfall_count(
    *, campaign: Campaign, street: int | None = None, today: date | None = None
) -> int:
    """How many committees of the campaign's plans (of `street`, a street id, else all) break a
    competition rule while their check step shows it (done, has a notice, or past due) — the
    committees whose shortfall is red. One query."""
    today = today or timezone.localdate()
    rule_set = campaign.rule_set
    formal = Candidate.objects.filter(
        plan=OuterRef("plan"), body=OuterRef("body"), status__in=FORMAL
    )

    def count_of(qs: QuerySet[Candidate]) -> Coalesce:
        return Coalesce(
            Subquery(
                qs.values("plan").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    checked = PlanStep.objects.filter(plan=OuterRef("plan")).filter(
        Q(status=PlanStep.Status.DONE)
        | Q(due_on__lt=today)
        | Exists(PublicNotice.objects.filter(step=OuterRef("pk")))
    )
    requires_woman = SeatRule.objects.filter(
        rule_set_id=rule_set.pk, body=OuterRef("body"), requires_woman=True
    )
    seat_plans = SeatPlan.objects.filter(plan__campaign=campaign)
    if street is not None:
        seat_plans = seat_plans.filter(plan__community__street_id=street)
    party = Q(body=SeatRule.Body.PARTY)
    short = (
        seat_plans.annotate(
            formal=count_of(formal),
            women=count_of(formal.filter(gender=Gender.FEMALE)),
            party_checked=Exists(checked.filter(template__code=PARTY_CHECK_STEP)),
            residents_checked=Exists(checked.filter(template__code=RESIDENTS_CHECK_STEP)),
            woman_rule=Exists(requires_woman),
            registered=Exists(
                Candidate.objects.filter(plan=OuterRef("plan"), body=OuterRef("body"))
            ),
        )
        .annotate(formal_100=F("formal") * 100)
        .filter(
            (party & Q(party_checked=True)) | (~party & Q(residents_checked=True)),
            registered=True,
        )
        .filter(
            # the Party: formal x 100 < seats x (100 + percent), i.e. below the rounded-up need
            (party & Q(formal_100__lt=F("planned_seats") * (100 + rule_set.party_surplus_percent)))
            | (~party & Q(formal__lt=F("planned_seats") + rule_set.residents_surplus_min))
            | ((Q(planned_women__gt=0) | Q(woman_rule=True)) & Q(women=0))
        )
    )
    return short.count()
