"""The sections of the weekly report, each computed from the campaign in a few aggregate queries
(see `report_context` in this package)."""

from datetime import date, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, F, FilteredRelation, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from communities.models import Committee, Community, District, Street
from election.models import (
    Campaign,
    CampaignSnapshot,
    PlanStep,
    SeatPlan,
    SeatRule,
    StreetStageRollup,
    SurveyLedger,
)
from election.selectors.campaigns import FAR_ABOVE_MEDIAN_FACTOR, SURVEY_SUMS

# list caps: the report stays readable (and its PDF fast) in a district of thousands
BEHIND_SCHEDULE_LIMIT = 50
RED_FLAGS_LIMIT = 50
SEAT_WARNINGS_LIMIT = 30

# the stages of the procedure the "audits and handovers" section follows (stage codes of the
# shipped rule sets; a rule set without them leaves the section empty)
AUDIT_HANDOVER_STAGES = ("departure-audit", "handover")


def _pct(part: int, whole: int) -> int | None:
    """Whole percent, rounded down so that 100 % means everything (None: nothing to count)."""
    return None if not whole else part * 100 // whole


def appendix(campaign: Campaign, district: District, street: Street | None) -> list[dict[str, Any]]:
    """One row per community of the district (or street), with its plan's counters (one query)."""
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
            "plan__steps_total",
            "plan__steps_done",
            "plan__steps_red",
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
            "steps_total": v["plan__steps_total"] or 0,
            "steps_done": v["plan__steps_done"] or 0,
            "steps_red": v["plan__steps_red"] or 0,
            "stage": v["plan__current_stage__title"] or "",
            "finished": bool(
                v["plan__pk"]
                and v["plan__steps_total"]
                and v["plan__steps_done"] == v["plan__steps_total"]
            ),
        }
        for v in values
    ]


def streets_by_stages(
    campaign: Campaign, street: Street | None, stages: list[dict[str, Any]]
) -> dict[str, Any]:
    """Per street and stage, steps done of all (percent), overdue and red, from the rollups."""
    rollups = StreetStageRollup.objects.filter(campaign=campaign)
    if street is not None:
        rollups = rollups.filter(street=street)
    cells: dict[int, dict[int, dict[str, Any]]] = {}
    names: dict[int, str] = {}
    as_of: date | None = None
    for r in rollups.values(
        "street_id",
        "stage_id",
        "steps_total",
        "steps_done",
        "steps_red",
        "steps_overdue",
        "plans_total",
        "plans_stage_done",
        "as_of",
        street_name=F("street__name"),
    ):
        names[r["street_id"]] = r["street_name"]
        cells.setdefault(r["street_id"], {})[r["stage_id"]] = dict(r)
        as_of = r["as_of"] if as_of is None else min(as_of, r["as_of"])
    empty: dict[str, Any] = {"steps_total": 0, "steps_done": 0, "steps_red": 0, "steps_overdue": 0}
    rows = []
    for street_id in sorted(names, key=lambda pk: (names[pk], pk)):
        row_cells = []
        for stage in stages:
            c = cells[street_id].get(stage["pk"], empty)
            row_cells.append(
                {
                    "pct": _pct(c["steps_done"], c["steps_total"]),
                    "overdue": c["steps_overdue"],
                    "red": c["steps_red"],
                }
            )
        total = sum(c["steps_total"] for c in cells[street_id].values())
        done = sum(c["steps_done"] for c in cells[street_id].values())
        rows.append(
            {
                "street": names[street_id],
                "cells": row_cells,
                "steps_total": total,
                "steps_done": done,
                "pct": _pct(done, total),
                "overdue": sum(c["steps_overdue"] for c in cells[street_id].values()),
                "red": sum(c["steps_red"] for c in cells[street_id].values()),
            }
        )
    per_stage = []
    for stage in stages:
        col = [cells[s].get(stage["pk"], empty) for s in cells]
        total = sum(c["steps_total"] for c in col)
        done = sum(c["steps_done"] for c in col)
        per_stage.append(
            {
                "title": stage["title"],
                "steps_total": total,
                "steps_done": done,
                "pct": _pct(done, total),
                "overdue": sum(c["steps_overdue"] for c in col),
                "red": sum(c["steps_red"] for c in col),
                "plans_completed": sum(c.get("plans_stage_done", 0) for c in col),
            }
        )
    return {"rows": rows, "per_stage": per_stage, "as_of": as_of}


def headline(appendix: list[dict[str, Any]], matrix: dict[str, Any]) -> dict[str, Any]:
    steps_total = sum(r["steps_total"] for r in matrix["rows"])
    steps_done = sum(r["steps_done"] for r in matrix["rows"])
    return {
        "communities": len(appendix),
        "plans": sum(1 for r in appendix if r["plan_id"]),
        "plans_finished": sum(1 for r in appendix if r["finished"]),
        "plans_red": sum(1 for r in appendix if r["steps_red"]),
        "steps_total": steps_total,
        "steps_done": steps_done,
        "pct_done": _pct(steps_done, steps_total),
        "steps_red": sum(r["red"] for r in matrix["rows"]),
        "steps_overdue": sum(r["overdue"] for r in matrix["rows"]),
        "rollups_as_of": matrix["as_of"],
    }


def behind_schedule(appendix: list[dict[str, Any]]) -> dict[str, Any]:
    """The communities with overdue steps, most overdue first (from the appendix rows)."""
    behind = sorted(
        (r for r in appendix if r["overdue"]),
        key=lambda r: (-r["overdue"], r["street"], r["community"]),
    )
    return {
        "rows": behind[:BEHIND_SCHEDULE_LIMIT],
        "count": len(behind),
        "steps": sum(r["overdue"] for r in behind),
        "limit": BEHIND_SCHEDULE_LIMIT,
    }


def red_flags(steps: Any) -> dict[str, Any]:
    """Steps breaking a time limit, with the rule broken; oldest due first (two queries)."""
    red = steps.filter(is_red=True)
    rows = list(
        red.order_by(F("due_on").asc(nulls_last=True), "plan__community__name", "order").values(
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
    count = len(rows) if len(rows) < RED_FLAGS_LIMIT else red.count()
    return {"rows": rows, "count": count, "limit": RED_FLAGS_LIMIT}


def survey(campaign: Campaign, street: Street | None) -> dict[str, Any]:
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
    totals = ledgers.aggregate(**metrics)
    return {"per_street": per_street, "totals": totals, "fields": SURVEY_SUMS}


def seat_warnings(
    campaign: Campaign, street: Street | None, appendix: list[dict[str, Any]]
) -> dict[str, Any]:
    """Residents per planned seat far above the district median, and seat plans outside the
    rule set's range or without a woman where one is required (two queries)."""
    in_scope = {r["community_id"] for r in appendix}
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
    rows = []
    for pk, name, street_name, population, seats, party_seats in per_plan:
        per_seat = population / seats if population and seats else None
        rows.append(
            {
                "community_id": pk,
                "community": name,
                "street": street_name,
                "population": population,
                "seats": seats,
                "party_seats": party_seats,
                "per_seat": per_seat,
            }
        )
    # the median is the district's, also in a street's report: the outlier is district-wide
    figures = [r["per_seat"] for r in rows if r["per_seat"] is not None]
    district_median = median(figures) if figures else None
    outliers = sorted(
        (
            r
            for r in rows
            if r["community_id"] in in_scope
            and district_median
            and (r["per_seat"] or 0) > FAR_ABOVE_MEDIAN_FACTOR * district_median
        ),
        key=lambda r: (-(r["per_seat"] or 0), r["street"], r["community"]),
    )
    # the Party's range is the one of the community's organisation type (党委 / 党总支 / 党支部)
    # when the rule set has one, else the range for every type
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
    bodies = dict(SeatRule.Body.choices)
    out_of_range = [
        {
            "street": v["street"],
            "community": v["community"],
            "body": str(bodies.get(v["body"], v["body"])),
            "planned_seats": v["planned_seats"],
            "planned_women": v["planned_women"],
            "min_seats": v["min_seats"],
            "max_seats": v["max_seats"],
            "problem": _seat_problem(v),
        }
        for v in seat_plans.order_by("plan__community__street__name", "plan__community__name")
        .values(
            "body",
            "planned_seats",
            "planned_women",
            "min_seats",
            "max_seats",
            "requires_woman",
            street=F("plan__community__street__name"),
            community=F("plan__community__name"),
        )
        .iterator()
    ]
    return {
        "median": district_median,
        "factor": FAR_ABOVE_MEDIAN_FACTOR,
        "outliers": outliers[:SEAT_WARNINGS_LIMIT],
        "outliers_count": len(outliers),
        "out_of_range": out_of_range[:SEAT_WARNINGS_LIMIT],
        "out_of_range_count": len(out_of_range),
        "limit": SEAT_WARNINGS_LIMIT,
    }


def _seat_problem(v: dict[str, Any]) -> str:
    if v["min_seats"] is not None and v["planned_seats"] < v["min_seats"]:
        return _("Fewer seats than the rules allow (%(min)s to %(max)s)") % {
            "min": v["min_seats"],
            "max": v["max_seats"],
        }
    if v["max_seats"] is not None and v["planned_seats"] > v["max_seats"]:
        return _("More seats than the rules allow (%(min)s to %(max)s)") % {
            "min": v["min_seats"],
            "max": v["max_seats"],
        }
    return _("No woman planned, though the rules require one")


def audits_handovers(steps: Any, overdue: Q) -> dict[str, Any]:
    """Progress of the departure-audit and handover steps, per step (one query)."""
    rows = list(
        steps.filter(stage__template__code__in=AUDIT_HANDOVER_STAGES)
        .values(
            "template_id",
            stage_title=F("stage__template__title"),
            step_title=F("template__title"),
        )
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=PlanStep.Status.DONE)),
            overdue=Count("pk", filter=overdue),
            red=Count("pk", filter=Q(is_red=True)),
            stage_order=Min("stage__template__order"),
            order=Min("template__order"),
        )
        .order_by("stage_order", "order")
    )
    for row in rows:
        row["stage"] = row.pop("stage_title")
        row["step"] = row.pop("step_title")
        row["pct"] = _pct(row["done"], row["total"])
    return {"rows": rows}


def change(
    campaign: Campaign,
    street: Street | None,
    steps: Any,
    headline: dict[str, Any],
    as_of: date,
) -> dict[str, Any]:
    """This week's steps done, overdue and red against a week earlier (one query).

    The district's figures come from the daily CampaignSnapshot (the latest on or before each
    day; without one on `as_of`, this week's are the rollups'). A street has no snapshot: its
    done and overdue counts a week ago are counted from the steps' dates, and its red count a
    week ago is unknown (None).
    """
    before = as_of - timedelta(days=7)
    previous: dict[str, int | None] | None
    if street is None:
        snaps = {
            s.on: s
            for s in CampaignSnapshot.objects.filter(
                campaign=campaign, on__lte=as_of, on__gt=before - timedelta(days=7)
            )
        }
        now = snaps.get(as_of)
        prev = max((s for on, s in snaps.items() if on <= before), key=lambda s: s.on, default=None)
        current = {
            "done": now.steps_done if now else headline["steps_done"],
            "overdue": now.steps_overdue if now else headline["steps_overdue_as_of"],
            "red": now.steps_red if now else headline["steps_red"],
        }
        previous = (
            {"done": prev.steps_done, "overdue": prev.steps_overdue, "red": prev.steps_red}
            if prev
            else None
        )
        previous_on = prev.on if prev else None
    else:
        was_overdue = Q(due_on__lt=before) & (
            ~Q(status=PlanStep.Status.DONE) | Q(done_on__gt=before)
        )
        figures = steps.aggregate(
            done=Count("pk", filter=Q(status=PlanStep.Status.DONE, done_on__lte=before)),
            overdue=Count("pk", filter=was_overdue),
        )
        current = {
            "done": headline["steps_done"],
            "overdue": headline["steps_overdue_as_of"],
            "red": headline["steps_red"],
        }
        previous = {
            "done": figures["done"],
            "overdue": figures["overdue"],
            "red": None,
        }
        previous_on = before
    labels = {
        "done": _("Steps done"),
        "overdue": _("Overdue steps"),
        "red": _("Steps breaking a time limit"),
    }
    rows = []
    for key, label in labels.items():
        old = previous[key] if previous else None
        rows.append(
            {
                "label": label,
                "now": current[key],
                "before": old,
                "delta": None if old is None else current[key] - old,
            }
        )
    return {"rows": rows, "previous_on": previous_on, "has_previous": previous is not None}
