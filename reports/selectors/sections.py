"""The sections of the weekly report, each built from the run's one `ReportSnapshot` in Python.

No function here queries the database: a figure that appears in two sections is computed once
from the same snapshot (see snapshot.py), so the report agrees with itself.
"""

from collections import defaultdict
from statistics import median
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from audits.models import Engagement
from election.models import SeatRule
from election.selectors.campaigns import FAR_ABOVE_MEDIAN_FACTOR, SURVEY_SUMS

from .discipline import EVENTS_LIMIT
from .snapshot import RED_FLAGS_LIMIT, PlanStageCount, ReportSnapshot

BEHIND_SCHEDULE_LIMIT = 50
SEAT_WARNINGS_LIMIT = 30


def _pct(part: int, whole: int) -> int | None:
    """Whole percent, rounded down so that 100 % means everything (None: nothing to count)."""
    return None if not whole else part * 100 // whole


def _sums(counts: list[PlanStageCount]) -> dict[str, int]:
    total = done = red = overdue = 0
    for c in counts:
        total += c.total
        done += c.done
        red += c.red
        overdue += c.overdue
    return {"total": total, "done": done, "red": red, "overdue": overdue}


def appendix(snap: ReportSnapshot) -> list[dict[str, Any]]:
    """One row per community of the district (or street), with its plan's counts."""
    per_plan: dict[int, list[PlanStageCount]] = defaultdict(list)
    for count in snap.plan_stages:
        per_plan[count.plan_id].append(count)
    rows = []
    for community in snap.communities:
        sums = _sums(per_plan.get(community["plan_id"], []))
        rows.append(
            {
                **community,
                "steps_total": sums["total"],
                "steps_done": sums["done"],
                "steps_red": sums["red"],
                "overdue": sums["overdue"],
                "finished": bool(community["plan_id"] and sums["total"])
                and sums["done"] == sums["total"],
            }
        )
    return rows


def streets_by_stages(snap: ReportSnapshot) -> dict[str, Any]:
    """Per street and stage: steps done of all (percent), overdue and red; per stage the same
    and the plans that completed it."""
    cells: dict[int, dict[int, list[PlanStageCount]]] = defaultdict(lambda: defaultdict(list))
    by_stage: dict[int, list[PlanStageCount]] = defaultdict(list)
    for count in snap.plan_stages:
        cells[count.street_id][count.stage_id].append(count)
        by_stage[count.stage_id].append(count)
    names = snap.street_names
    rows = []
    for street_id in sorted(cells, key=lambda pk: (names.get(pk, ""), pk)):
        row_cells = []
        for stage in snap.stages:
            sums = _sums(cells[street_id].get(stage["pk"], []))
            row_cells.append(
                {
                    "pct": _pct(sums["done"], sums["total"]),
                    "overdue": sums["overdue"],
                    "red": sums["red"],
                }
            )
        sums = _sums([c for by_stage in cells[street_id].values() for c in by_stage])
        rows.append(
            {
                "street": names.get(street_id, ""),
                "cells": row_cells,
                "steps_total": sums["total"],
                "steps_done": sums["done"],
                "pct": _pct(sums["done"], sums["total"]),
                "overdue": sums["overdue"],
                "red": sums["red"],
            }
        )
    per_stage = []
    for stage in snap.stages:
        counts = by_stage.get(stage["pk"], [])
        sums = _sums(counts)
        per_stage.append(
            {
                "title": stage["title"],
                "steps_total": sums["total"],
                "steps_done": sums["done"],
                "pct": _pct(sums["done"], sums["total"]),
                "overdue": sums["overdue"],
                "red": sums["red"],
                "plans_completed": sum(1 for c in counts if c.is_completed),
                "plans_total": len(counts),
            }
        )
    for s in per_stage:
        # the stage chart's bar: the share of the plans that completed the stage
        s["plans_pct"] = _pct(s["plans_completed"], s["plans_total"])
        s["bar_pct"] = s["plans_pct"] or 0
    return {"rows": rows, "per_stage": per_stage, "as_of": snap.as_of}


def headline(snap: ReportSnapshot, appendix_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Section one: the district's (or street's) totals."""
    sums = _sums(snap.plan_stages)
    return {
        "communities": len(appendix_rows),
        "plans": sum(1 for r in appendix_rows if r["plan_id"]),
        "plans_finished": sum(1 for r in appendix_rows if r["finished"]),
        "plans_red": sum(1 for r in appendix_rows if r["steps_red"]),
        "steps_total": sums["total"],
        "steps_done": sums["done"],
        "pct_done": _pct(sums["done"], sums["total"]),
        "steps_red": sums["red"],
        "steps_overdue": sums["overdue"],
        # the name the templates have always used; the same number
        "steps_overdue_as_of": sums["overdue"],
        "steps_done_this_week": sum(c.done_in_week for c in snap.plan_stages),
    }


def behind_schedule(appendix_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The communities with overdue steps, most overdue first (from the appendix rows)."""
    behind = sorted(
        (r for r in appendix_rows if r["overdue"]),
        key=lambda r: (-r["overdue"], r["street"], r["community"]),
    )
    return {
        "rows": behind[:BEHIND_SCHEDULE_LIMIT],
        "count": len(behind),
        "steps": sum(r["overdue"] for r in behind),
        "limit": BEHIND_SCHEDULE_LIMIT,
    }


def red_flags(snap: ReportSnapshot, head: dict[str, Any]) -> dict[str, Any]:
    """Steps breaking a time limit, with the rule broken; oldest due first. Their number is the
    headline's."""
    return {"rows": snap.red_rows, "count": head["steps_red"], "limit": RED_FLAGS_LIMIT}


def survey(snap: ReportSnapshot) -> dict[str, Any]:
    """The survey counts per street and in total."""
    return {
        "per_street": snap.survey_per_street,
        "totals": snap.survey_totals,
        "fields": SURVEY_SUMS,
    }


def seat_warnings(snap: ReportSnapshot, appendix_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Residents per planned seat far above the district median, and seat plans outside the
    rule set's range or without a woman where one is required."""
    in_scope = {r["community_id"] for r in appendix_rows}
    rows = [
        {
            **r,
            "per_seat": r["population"] / r["seats"] if r["population"] and r["seats"] else None,
        }
        for r in snap.seat_per_community
    ]
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
        for v in snap.seat_out_of_range
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


def audits_handovers(snap: ReportSnapshot) -> dict[str, Any]:
    """The departure audits and handovers: the audits by state, the postings late or missing,
    the findings and their amount, the rectification items open and overdue, the handovers done
    and overdue and the refusals (`figures`, from the audits' own records), then the progress of
    the plans' audit and handover steps, per step (`rows`)."""
    rows = [{**r, "pct": _pct(r["done"], r["total"])} for r in snap.audit_rows]
    a = snap.audits
    if a is None:
        return {"rows": rows, "figures": [], "states": []}
    states = [
        {"key": key, "label": str(label), "value": a.states.get(key, 0)}
        for key, label in Engagement.State.choices
    ]
    figures = [
        {
            "key": "engagements",
            "label": pgettext("audits overview", "Audits engaged"),
            "value": a.engagements,
        },
        {
            "key": "postings_late",
            "label": pgettext("audits overview", "Audit results posted late"),
            "value": a.postings_late,
        },
        {
            "key": "postings_missing",
            "label": pgettext("audits overview", "Audit results not posted in time"),
            "value": a.postings_missing,
        },
        {
            "key": "findings",
            "label": pgettext("audits overview", "Audit findings"),
            "value": a.findings,
        },
        {
            "key": "findings_amount",
            "label": pgettext("audits overview", "Amount involved in the findings (yuan)"),
            "value": a.findings_amount,
            "amount": True,
        },
        {
            "key": "rectifications_open",
            "label": pgettext("audits overview", "Rectification items open"),
            "value": a.rectifications_open,
        },
        {
            "key": "rectifications_overdue",
            "label": pgettext("audits overview", "Rectification items overdue"),
            "value": a.rectifications_overdue,
        },
        {
            "key": "handovers_done",
            "label": pgettext("audits overview", "Handovers done"),
            "value": a.handovers_done,
        },
        {
            "key": "handovers_overdue",
            "label": pgettext("audits overview", "Handovers overdue"),
            "value": a.handovers_overdue,
        },
        {"key": "refusals", "label": _("Refusals to hand over"), "value": a.refusals},
        {
            "key": "refusals_unacknowledged",
            "label": pgettext("audits overview", "Refusals not yet acknowledged by the office"),
            "value": a.refusals_unacknowledged,
        },
    ]
    # the figures are shown once the district records audits or handovers
    recorded = bool(a.engagements or a.handovers or a.refusals)
    return {"rows": rows, "figures": figures if recorded else [], "states": states}


def change(snap: ReportSnapshot, head: dict[str, Any]) -> dict[str, Any]:
    """This week's steps done, overdue and red (the headline's) against a week earlier."""
    current = {
        "done": head["steps_done"],
        "overdue": head["steps_overdue"],
        "red": head["steps_red"],
    }
    labels = {
        "done": _("Steps done"),
        "overdue": _("Overdue steps"),
        "red": _("Steps breaking a time limit"),
    }
    previous = snap.previous
    rows = []
    for key, label in labels.items():
        old = previous[key] if previous else None
        rows.append(
            {
                "key": key,
                "label": label,
                "now": current[key],
                "before": old,
                "delta": None if old is None else current[key] - old,
            }
        )
    return {"rows": rows, "previous_on": snap.previous_on, "has_previous": previous is not None}


# the candidates' states as the vetting section lists them, in the register's order
VETTING_STATES = (
    "nominee",
    "under_review",
    "formal",
    "disqualified",
    "withdrawn",
    "elected",
    "not_elected",
)


def vetting(snap: ReportSnapshot) -> dict[str, Any] | None:
    """The candidates by state (in total and per street), the joint review's feedback per member
    unit (awaited and overdue as of the report's day) and the competition shortfalls; None while
    the campaign has no candidate and no review (the section then says "not yet recorded")."""
    figures = snap.candidates
    if figures is None or not (figures.by_street_status or figures.by_unit):
        return None
    totals = dict.fromkeys(VETTING_STATES, 0)
    streets: dict[int, dict[str, Any]] = {}
    for street_id, street_name, status, count in figures.by_street_status:
        row = streets.setdefault(
            street_id,
            {"street": street_name, "nominated": 0, **dict.fromkeys(VETTING_STATES, 0)},
        )
        row[status] = row.get(status, 0) + count
        row["nominated"] += count
        totals[status] = totals.get(status, 0) + count
    for street_id, row in streets.items():
        row["reviews_overdue"] = figures.overdue_by_street.get(street_id, 0)
    for street_id, overdue in figures.overdue_by_street.items():
        if street_id not in streets and overdue:
            streets[street_id] = {
                "street": snap.street_names.get(street_id, ""),
                "nominated": 0,
                **dict.fromkeys(VETTING_STATES, 0),
                "reviews_overdue": overdue,
            }
    units = sorted(figures.by_unit, key=lambda u: (-u["overdue"], -u["awaited"], u["unit"]))
    awaited = sum(u["awaited"] for u in units)
    overdue = sum(u["overdue"] for u in units)
    nominated = sum(totals.values())
    formal = totals["formal"] + totals["elected"] + totals["not_elected"]
    labels = [
        ("nominated", _("Nominated"), nominated),
        ("nominee", _("Not yet sent to the joint review"), totals["nominee"]),
        ("under_review", _("Under joint review"), totals["under_review"]),
        ("reviews_awaited", _("Joint-review feedback awaited"), awaited),
        ("reviews_overdue", _("Joint-review feedback overdue"), overdue),
        ("disqualified", _("Disqualified"), totals["disqualified"]),
        ("office_decisions", _("Unsuitable cases decided by the office"), figures.office_decisions),
        ("withdrawn", _("Withdrawn"), totals["withdrawn"]),
        ("formal", _("Formal candidates"), formal),
        ("shortfalls", _("Committees short of competition"), figures.shortfalls),
    ]
    return {
        "figures": [{"key": k, "label": label, "value": v} for k, label, v in labels],
        "totals": {**totals, "nominated": nominated, "formal_all": formal},
        "reviews_awaited": awaited,
        "reviews_overdue": overdue,
        "shortfalls": figures.shortfalls,
        "units": units,
        "streets": sorted(streets.values(), key=lambda r: r["street"]),
        "as_of": snap.as_of,
    }


def results(snap: ReportSnapshot) -> dict[str, Any] | None:
    """The elections held by the report's day, per committee and in total; None before the
    first."""
    figures = snap.candidates
    if figures is None or figures.results_total is None:
        return None
    total = dict(figures.results_total)
    if not total.get("elections_held"):
        return None
    rows = [
        {
            **r,
            "first_round_pct": _pct(r["first_round"], r["held"]),
            "seats_pct": _pct(r["seats_filled"], r["seats_planned"]),
            "turnout_pct": _pct(r["returned"], r["registered"]),
        }
        for r in figures.results_by_body
    ]
    total["first_round_pct"] = _pct(total.get("first_round") or 0, total["elections_held"])
    total["seats_pct"] = _pct(total.get("seats_filled") or 0, total.get("seats_planned") or 0)
    return {"rows": rows, "total": total}


def statistics(snap: ReportSnapshot) -> dict[str, Any] | None:
    """The statistics table, when the statistics part exists and a committee of the new term has
    members (once elections happen): for
    the district (or street) each figure of each committee, new term against the previous one,
    and per street the committees due and done. None otherwise."""
    figures = snap.candidates
    table = None if figures is None else figures.statistics
    if table is None:
        return None
    total = table.total
    columns = [(body, term) for body in ("party", "residents") for term in ("current", "previous")]
    cells = [total.figures.get(key) for key in columns]
    # once elections happen: a committee of the new term has members
    if not any(
        c is not None and c.members
        for c, (_b, term) in zip(cells, columns, strict=True)
        if term == "current"
    ):
        return None

    def row(label: str, value: Any, *, pct: bool = False) -> dict[str, Any]:
        return {
            "label": label,
            "pct": pct,
            "values": [None if c is None else value(c) for c in cells],
        }

    rows = [
        row(_("Committees due"), lambda c: c.due),
        row(_("Committees done"), lambda c: c.done),
        row(_("Share done"), lambda c: c.done_pct, pct=True),
        row(_("Members"), lambda c: c.members),
        row(_("One person as both secretary and director"), lambda c: c.one_shoulder_pct, pct=True),
        row(_("Cross-appointed members"), lambda c: c.cross_pct, pct=True),
        row(_("Women"), lambda c: c.women_pct, pct=True),
        row(_("Women heads"), lambda c: c.women_heads),
        row(_("Party members"), lambda c: c.party_members_pct, pct=True),
        row(_("Ethnic minorities"), lambda c: c.minorities_pct, pct=True),
        row(_("Average age"), lambda c: c.average_age),
    ]
    for i, band in enumerate(table.age_bands):
        rows.append(row(band.label, lambda c, i=i: c.age_band_pct(i), pct=True))
    for i, band in enumerate(table.education_bands):
        rows.append(row(band.label, lambda c, i=i: c.education_band_pct(i), pct=True))
    rows += [
        row(_("First term"), lambda c: c.first_time_pct, pct=True),
        row(_("Re-elected"), lambda c: c.re_elected_pct, pct=True),
        row(_("Turnout"), lambda c: c.turnout_pct, pct=True),
        row(_("First-round success"), lambda c: c.first_round_pct, pct=True),
    ]
    streets = [
        {
            "street": r.name,
            "party_due": r.figures[("party", "current")].due,
            "party_done": r.figures[("party", "current")].done,
            "residents_due": r.figures[("residents", "current")].due,
            "residents_done": r.figures[("residents", "current")].done,
        }
        for r in table.rows
        if not r.is_total
    ]
    return {
        "columns": [
            _("Party organisation, new term"),
            _("Party organisation, previous term"),
            _("Residents' (villagers') committee, new term"),
            _("Residents' (villagers') committee, previous term"),
        ],
        "rows": rows,
        "streets": streets,
        "as_of": table.as_of,
    }


def _figures(rows: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    return [{"key": key, "label": label, "value": value} for key, label, value in rows]


def discipline(snap: ReportSnapshot) -> dict[str, Any]:
    """Reports and cases (counts only, never an identity: discipline.py), and per category."""
    d = snap.discipline
    r = d.reports if d is not None else {}
    figures = _figures(
        [
            ("received", _("Reports received"), r.get("received", 0)),
            ("received_week", _("Reports received this week"), r.get("received_week", 0)),
            ("online", _("Reports from the public form"), r.get("online", 0)),
            ("investigated", _("Reports investigated"), r.get("investigated", 0)),
            ("substantiated", _("Reports substantiated"), r.get("substantiated", 0)),
            ("concluded", _("Cases closed"), r.get("concluded", 0)),
            (
                "reports_overdue",
                _("Reports with no case opened in time"),
                r.get("reports_overdue", 0),
            ),
            ("cases_overdue", _("Cases overdue"), r.get("cases_overdue", 0)),
        ]
    )
    return {
        "figures": figures,
        "categories": list(d.categories) if d is not None else [],
        "as_of": snap.as_of,
    }


def supervision(snap: ReportSnapshot) -> dict[str, Any]:
    """Inspections (weekly and joint), their findings, the rectification orders."""
    d = snap.discipline
    ins = d.inspections if d is not None else {}
    fin = d.findings if d is not None else {}
    ords = d.orders if d is not None else {}
    figures = _figures(
        [
            ("inspections", _("Inspections held"), ins.get("total", 0)),
            ("inspections_week", _("Inspections held this week"), ins.get("week", 0)),
            ("weekly", _("Weekly inspections"), ins.get("weekly", 0)),
            ("joint", _("Joint inspections"), ins.get("joint", 0)),
            ("findings", _("Inspection findings"), fin.get("total", 0)),
            ("findings_week", _("Inspection findings this week"), fin.get("week", 0)),
            ("orders", _("Rectification orders"), ords.get("total", 0)),
            ("orders_open", _("Rectification orders open"), ords.get("open", 0)),
            ("orders_overdue", _("Rectification orders overdue"), ords.get("overdue", 0)),
            ("orders_closed", _("Rectification orders closed"), ords.get("closed", 0)),
            (
                "orders_closed_week",
                _("Rectification orders closed this week"),
                ords.get("closed_week", 0),
            ),
        ]
    )
    return {"figures": figures, "as_of": snap.as_of}


def events(snap: ReportSnapshot) -> dict[str, Any]:
    """The week's major events (title, place, severity, when, acknowledged), capped, with their
    number and the events not acknowledged as of the report's day."""
    d = snap.discipline
    counts = d.events_counts if d is not None else {}
    return {
        "rows": list(d.events) if d is not None else [],
        "count": counts.get("week", 0),
        "serious": counts.get("serious_week", 0),
        "open": counts.get("open", 0),
        "limit": EVENTS_LIMIT,
    }
