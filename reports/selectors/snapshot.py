"""The weekly report's one read of the database: every figure of every section comes from here.

`snapshot_take` runs all of the report's queries back to back, in one read transaction
(PostgreSQL: REPEATABLE READ, so every query sees the database as it was at the first one;
SQLite: one transaction, which holds the write lock while the few queries run), and returns plain
data. The sections (`sections.py`) are then built from that data in Python without another query,
so a figure shown twice (the headline and the week-on-week table, a stage's total and the sum of
its streets, the overdue steps and the communities behind schedule) is the same number, even if a
step changes while the report is being built.

A step's figures are counted as of the report's day `as_of` (the week's Sunday, or today for the
current week): **done** when it was done on or before `as_of`; **overdue** when its due date is
before `as_of` and it was not done by then; **red** when it breaks a time limit now (there is no
history of that verdict). A plan has completed a stage when the stage is closed or none of its
steps there is left open (the dashboard's rollups use the same definitions, counted daily).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from communities.models import Committee, Community, District, Street
from election.models import (
    Campaign,
    CampaignSnapshot,
    CommunityPlan,
    PlanStage,
    PlanStep,
    SeatPlan,
    SeatRule,
    StageTemplate,
    SurveyLedger,
)
from election.selectors.campaigns import SURVEY_SUMS

from . import audits as audit_reads
from . import candidates as candidate_reads
from . import discipline as discipline_reads

# list caps: the report stays readable (and its PDF fast) in a district of thousands
RED_FLAGS_LIMIT = 50

# the stages of the procedure the "audits and handovers" section follows (stage codes of the
# shipped rule sets; a rule set without them leaves the section empty)
AUDIT_HANDOVER_STAGES = ("departure-audit", "handover")


class PlanStageCount(NamedTuple):
    """One plan's steps in one stage, counted as of the report's day (a tuple: a district of
    20,000 communities has hundreds of thousands of them)."""

    plan_id: int
    street_id: int
    stage_id: int
    is_closed: bool
    total: int
    done: int
    red: int
    overdue: int
    done_in_week: int

    @property
    def is_completed(self) -> bool:
        return self.is_closed or self.done == self.total


@dataclass(frozen=True)
class ReportSnapshot:
    """Everything the report shows, read at one moment (see the module's docstring)."""

    as_of: date
    week_start: date
    week_end: date
    stages: list[dict[str, Any]]
    street_names: dict[int, str]
    plan_stages: list[PlanStageCount]
    communities: list[dict[str, Any]]
    red_rows: list[dict[str, Any]]
    survey_per_street: list[dict[str, Any]]
    survey_totals: dict[str, Any]
    seat_per_community: list[dict[str, Any]]
    seat_out_of_range: list[dict[str, Any]]
    audit_rows: list[dict[str, Any]]
    # the district's counts a week earlier (CampaignSnapshot), or a street's counted from dates
    previous: dict[str, int | None] | None
    previous_on: date | None
    # candidates and their joint review, the elections held, the statistics table (candidates.py)
    candidates: "candidate_reads.CandidateFigures | None" = None
    # the departure audits' records and the handovers (audits.py)
    audits: "audit_reads.AuditFigures | None" = None
    # reports and cases, supervision, major events (discipline.py)
    discipline: "discipline_reads.DisciplineFigures | None" = None


@contextmanager
def _one_read() -> Iterator[None]:
    """One transaction whose queries all see the same state of the database.

    Inside a caller's transaction (a test, a command wrapped in atomic) that transaction decides
    what the queries see, and nothing is changed.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # must be the transaction's first statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


# one row per plan and stage; CASE WHEN and no boolean literals so that SQLite runs the same text
_PLAN_STAGE_SQL = """
SELECT p.id, c.street_id, ps.template_id, ps.is_closed,
       COUNT(st.id),
       SUM(CASE WHEN st.status = %(done)s AND st.done_on <= %(as_of)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN st.is_red THEN 1 ELSE 0 END),
       SUM(CASE WHEN st.due_on < %(as_of)s
                 AND (st.status <> %(done)s OR st.done_on > %(as_of)s) THEN 1 ELSE 0 END),
       SUM(CASE WHEN st.status = %(done)s
                 AND st.done_on >= %(week_start)s AND st.done_on <= %(week_end)s
                THEN 1 ELSE 0 END)
FROM {stage} ps
JOIN {plan} p ON p.id = ps.plan_id
JOIN {community} c ON c.id = p.community_id
LEFT JOIN {step} st ON st.stage_id = ps.id
WHERE p.campaign_id = %(campaign)s {street_filter}
GROUP BY p.id, c.street_id, ps.template_id, ps.is_closed
"""


def _plan_stage_counts(
    campaign: Campaign, street: Street | None, *, as_of: date, week: tuple[date, date]
) -> list[PlanStageCount]:
    sql = _PLAN_STAGE_SQL.format(
        stage=PlanStage._meta.db_table,
        plan=CommunityPlan._meta.db_table,
        community=Community._meta.db_table,
        step=PlanStep._meta.db_table,
        street_filter="" if street is None else "AND c.street_id = %(street)s",
    )
    params: dict[str, Any] = {
        "done": PlanStep.Status.DONE.value,
        "as_of": as_of,
        "week_start": week[0],
        "week_end": week[1],
        "campaign": campaign.pk,
        "street": street.pk if street else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # every group has a plan stage, so COUNT is a number; a SUM over no step is NULL
    return [
        PlanStageCount(
            plan_id,
            street_id,
            stage_id,
            bool(is_closed),
            total,
            done or 0,
            red or 0,
            overdue or 0,
            in_week or 0,
        )
        for plan_id, street_id, stage_id, is_closed, total, done, red, overdue, in_week in rows
    ]


def _communities(
    campaign: Campaign, district: District, street: Street | None
) -> list[dict[str, Any]]:
    """One row per community of the district (or street), with its plan, if any (one query)."""
    communities = Community.objects.with_track().filter(street__district=district)
    if street is not None:
        communities = communities.filter(street=street)
    values = (
        communities.annotate(plan=FilteredRelation("plans", condition=Q(plans__campaign=campaign)))
        .order_by("street__name", "name", "pk")
        .values(
            "pk",
            "name",
            "street_id",
            "track",
            "plan__pk",
            "plan__election_on",
            "plan__current_stage__title",
            street_name=F("street__name"),
        )
    )
    tracks = dict(Community.Track.choices)
    return [
        {
            "community_id": v["pk"],
            "community": v["name"],
            "street_id": v["street_id"],
            "street": v["street_name"],
            "track": str(tracks.get(v["track"], v["track"])),
            "plan_id": v["plan__pk"],
            "election_on": v["plan__election_on"],
            "stage": v["plan__current_stage__title"] or "",
        }
        for v in values
    ]


def _red_rows(steps: Any) -> list[dict[str, Any]]:
    """The steps breaking a time limit, oldest due first, at most RED_FLAGS_LIMIT (one query;
    their number is the headline's, counted in the same read)."""
    rows = list(
        steps.filter(is_red=True)
        .order_by(F("due_on").asc(nulls_last=True), "plan__community__name", "order")
        .values(
            "due_on",
            "done_on",
            "red_reason",
            street=F("plan__community__street__name"),
            community=F("plan__community__name"),
            step_title=F("template__title"),
        )[:RED_FLAGS_LIMIT]
    )
    for row in rows:
        row["step"] = row.pop("step_title")
    return rows


def _survey(campaign: Campaign, street: Street | None) -> tuple[list[dict[str, Any]], Any]:
    """The survey counts per street and in total (two queries)."""
    ledgers = SurveyLedger.objects.filter(plan__campaign=campaign)
    if street is not None:
        ledgers = ledgers.filter(plan__community__street=street)
    metrics: dict[str, Any] = {f: Coalesce(Sum(f), 0) for f in SURVEY_SUMS}
    metrics["plans"] = Count("pk")
    per_street = list(
        ledgers.values(street=F("plan__community__street__name"))
        .annotate(**metrics)
        .order_by("street")
    )
    return per_street, ledgers.aggregate(**metrics)


def _seats_per_community(campaign: Campaign) -> list[dict[str, Any]]:
    """Every planned community of the campaign (the median is the district's, also in a street's
    report) with its residents and planned seats (one query)."""
    per_plan = (
        Community.objects.filter(plans__campaign=campaign)
        .annotate(
            seats=Coalesce(Sum("plans__seat_plans__planned_seats"), 0),
            party_seats=Coalesce(
                Sum(
                    "plans__seat_plans__planned_seats",
                    filter=Q(plans__seat_plans__body=SeatRule.Body.PARTY),
                ),
                0,
            ),
        )
        .values_list("pk", "name", "street__name", "population", "seats", "party_seats")
    )
    return [
        {
            "community_id": pk,
            "community": name,
            "street": street_name,
            "population": population,
            "seats": seats,
            "party_seats": party_seats,
        }
        for pk, name, street_name, population, seats, party_seats in per_plan
    ]


def seats_out_of_range(campaign: Campaign, street: Street | None) -> list[dict[str, Any]]:
    """Seat plans outside the rule set's range, or without a woman where one is required (one
    query). The Party's range is the one of the community's organisation type (党委 / 党总支 /
    党支部) when the rule set has one, else the range for every type."""
    party_type = Committee.objects.filter(
        community_id=OuterRef("plan__community_id"), kind=Committee.Kind.PARTY
    ).values("party_type")[:1]
    rule = (
        SeatRule.objects.filter(rule_set_id=campaign.rule_set_id, body=OuterRef("body"))
        .filter(Q(party_type="") | Q(party_type=OuterRef("party_type")))
        .order_by("-party_type")
    )
    seat_plans = (
        SeatPlan.objects.filter(plan__campaign=campaign)
        .annotate(party_type=Subquery(party_type))
        .annotate(
            min_seats=Subquery(rule.values("min_seats")[:1]),
            max_seats=Subquery(rule.values("max_seats")[:1]),
            requires_woman=Subquery(rule.values("requires_woman")[:1]),
        )
        .filter(
            Q(planned_seats__lt=F("min_seats"))
            | Q(planned_seats__gt=F("max_seats"))
            | Q(requires_woman=True, planned_women=0)
        )
    )
    if street is not None:
        seat_plans = seat_plans.filter(plan__community__street=street)
    return list(
        seat_plans.order_by("plan__community__street__name", "plan__community__name").values(
            "body",
            "planned_seats",
            "planned_women",
            "min_seats",
            "max_seats",
            "requires_woman",
            street=F("plan__community__street__name"),
            community=F("plan__community__name"),
        )
    )


def _audit_rows(steps: Any, *, as_of: date) -> list[dict[str, Any]]:
    """The departure-audit and handover steps, per step of the procedure (one query), counted
    as the rest of the report counts."""
    done = Q(status=PlanStep.Status.DONE, done_on__lte=as_of)
    overdue = Q(due_on__lt=as_of) & ~done
    rows = list(
        steps.filter(stage__template__code__in=AUDIT_HANDOVER_STAGES)
        .values(
            "template_id",
            stage_title=F("stage__template__title"),
            step_title=F("template__title"),
            stage_order=F("stage__template__order"),
            step_order=F("template__order"),
        )
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=done),
            overdue=Count("pk", filter=overdue),
            red=Count("pk", filter=Q(is_red=True)),
        )
        .order_by("stage_order", "step_order")
    )
    for row in rows:
        row["stage"] = row.pop("stage_title")
        row["step"] = row.pop("step_title")
    return rows


def _previous(
    campaign: Campaign, street: Street | None, steps: Any, *, as_of: date
) -> tuple[dict[str, int | None] | None, date | None]:
    """The counts a week before `as_of` (one query).

    The district's come from the daily CampaignSnapshot (the latest on or before that day, at
    most a week older). A street has no snapshot: its done and overdue counts are counted from
    the steps' dates, and its red count a week ago is unknown (None).
    """
    before = as_of - timedelta(days=7)
    if street is None:
        prev = (
            CampaignSnapshot.objects.filter(
                campaign=campaign, on__lte=before, on__gt=before - timedelta(days=7)
            )
            .order_by("-on")
            .first()
        )
        if prev is None:
            return None, None
        return (
            {"done": prev.steps_done, "overdue": prev.steps_overdue, "red": prev.steps_red},
            prev.on,
        )
    done_then = Q(status=PlanStep.Status.DONE, done_on__lte=before)
    figures = steps.aggregate(
        done=Count("pk", filter=done_then),
        overdue=Count("pk", filter=Q(due_on__lt=before) & ~done_then),
    )
    return {"done": figures["done"], "overdue": figures["overdue"], "red": None}, before


def snapshot_take(
    *,
    campaign: Campaign,
    district: District,
    street: Street | None,
    week_start: date,
    week_end: date,
    as_of: date,
) -> ReportSnapshot:
    """Read everything the report of `campaign` (district, or one street) shows, at one moment.

    Eleven queries whatever the size of the district, and those of the candidates' figures
    (candidates.py), of the audits (audits.py) and of discipline (discipline.py), in one read
    transaction (see the module's docstring); no write. The list of red steps is capped
    (RED_FLAGS_LIMIT); their number is counted with the other figures.
    """
    with _one_read():
        stages = [
            dict(s)
            for s in StageTemplate.objects.filter(rule_set_id=campaign.rule_set_id)
            .order_by("order")
            .values("pk", "code", "title")
        ]
        plan_stages = _plan_stage_counts(campaign, street, as_of=as_of, week=(week_start, week_end))
        communities = _communities(campaign, district, street)
        steps = PlanStep.objects.filter(plan__campaign=campaign)
        if street is not None:
            steps = steps.filter(plan__community__street=street)
        red_rows = _red_rows(steps)
        survey_per_street, survey_totals = _survey(campaign, street)
        seat_per_community = _seats_per_community(campaign)
        seat_out_of_range = seats_out_of_range(campaign, street)
        audit_rows = _audit_rows(steps, as_of=as_of)
        previous, previous_on = _previous(campaign, street, steps, as_of=as_of)
        candidates = candidate_reads.candidate_figures(campaign, street, as_of=as_of)
        audits = audit_reads.audit_figures(campaign, street, as_of=as_of)
        discipline = discipline_reads.discipline_figures(
            district, street, week_start=week_start, as_of=as_of
        )
    street_names = {r["street_id"]: r["street"] for r in communities}
    return ReportSnapshot(
        as_of=as_of,
        week_start=week_start,
        week_end=week_end,
        stages=stages,
        street_names=street_names,
        plan_stages=plan_stages,
        communities=communities,
        red_rows=red_rows,
        survey_per_street=survey_per_street,
        survey_totals=survey_totals,
        seat_per_community=seat_per_community,
        seat_out_of_range=seat_out_of_range,
        audit_rows=audit_rows,
        previous=previous,
        previous_on=previous_on,
        candidates=candidates,
        audits=audits,
        discipline=discipline,
    )
