"""The weekly report as a workbook: the same content as the PDF, one sheet per part.

Each sheet is a title, a header row and rows, written by a streaming (write-only) workbook; text
cells go through the community export's formula-safe cell, so a community named "=1+1" stays text.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from communities.exporters import _cell

Rows = Iterator[Sequence[Any]]


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Rows


def _dash(value: Any) -> Any:
    return "" if value is None else value


def _summary(ctx: dict[str, Any]) -> Rows:
    yield [_("Report"), ctx["title"]]
    yield [_("Week"), ctx["week_label"]]
    yield [_("From"), ctx["week_start"]]
    yield [_("To"), ctx["week_end"]]
    yield [_("Figures as of"), ctx["as_of"]]
    yield [_("Generated on"), ctx["generated_on"]]
    campaign = ctx.get("campaign")
    if not campaign:
        yield [_("Campaign"), ctx.get("no_campaign_note", "")]
        return
    yield [_("Campaign"), campaign["name"]]
    yield [_("Rules"), campaign["rule_set"]]
    yield [_("Party election day"), campaign["party_election_on"]]
    yield [_("Election day"), campaign["election_on"]]
    h = ctx["headline"]
    yield [ctx["headings"]["headline"], ""]
    yield [_("Communities"), h["communities"]]
    yield [_("Communities with a plan"), h["plans"]]
    yield [_("Plans with every step done"), h["plans_finished"]]
    yield [_("Plans with a time limit broken"), h["plans_red"]]
    yield [_("Steps"), h["steps_total"]]
    yield [_("Steps done"), h["steps_done"]]
    yield [_("Share done"), _dash(h["pct_done"])]
    yield [_("Steps done this week"), h["steps_done_this_week"]]
    yield [_("Overdue steps"), h["steps_overdue_as_of"]]
    yield [_("Steps breaking a time limit"), h["steps_red"]]
    yield [ctx["headings"]["change"], ""]
    for r in ctx["change"]["rows"]:
        yield [r["label"], r["now"], _dash(r["before"]), _dash(r["delta"])]
    for section in ctx["pending_sections"]:
        yield [ctx["headings"][section["key"]], section["note"] if section["pending"] else ""]
        for f in section["figures"]:
            yield [f["label"], _dash(f["value"])]


def _sheets(ctx: dict[str, Any]) -> Iterator[Sheet]:
    yield Sheet(
        _("Summary"), [_("Item"), _("Value"), _("A week earlier"), _("Change")], _summary(ctx)
    )
    if not ctx.get("campaign"):
        return
    stages = ctx["stages"]
    matrix = ctx["matrix"]
    yield Sheet(
        _("Streets by stage"),
        [
            _("Street"),
            *[s["title"] for s in stages],
            _("All stages"),
            _("Overdue"),
            _("Time limit broken"),
        ],
        (
            [
                r["street"],
                *[_dash(c["pct"]) for c in r["cells"]],
                _dash(r["pct"]),
                r["overdue"],
                r["red"],
            ]
            for r in matrix["rows"]
        ),
    )
    yield Sheet(
        _("Stages"),
        [
            _("Stage"),
            _("Steps"),
            _("Steps done"),
            _("Share done"),
            _("Communities that completed the stage"),
            _("Overdue"),
            _("Time limit broken"),
        ],
        (
            [
                s["title"],
                s["steps_total"],
                s["steps_done"],
                _dash(s["pct"]),
                s["plans_completed"],
                s["overdue"],
                s["red"],
            ]
            for s in matrix["per_stage"]
        ),
    )
    yield Sheet(
        _("Behind schedule"),
        [
            _("Street"),
            _("Community"),
            _("Current stage"),
            _("Overdue steps"),
            _("Steps done"),
            _("Steps"),
        ],
        (
            [
                r["street"],
                r["community"],
                r["stage"],
                r["overdue"],
                r["steps_done"],
                r["steps_total"],
            ]
            for r in ctx["behind"]["rows"]
        ),
    )
    yield Sheet(
        _("Red flags"),
        [_("Street"), _("Community"), _("Step"), _("Due"), _("Done on"), _("Time limit broken")],
        (
            [r["street"], r["community"], r["step"], r["due_on"], r["done_on"], r["red_reason"]]
            for r in ctx["red_flags"]["rows"]
        ),
    )
    survey = ctx["survey"]
    survey_headers = [
        _("Forums held"),
        _("Households visited"),
        _("Questionnaires issued"),
        _("Questionnaires returned"),
        _("Problems found"),
        _("Problems resolved"),
    ]

    def survey_rows() -> Rows:
        for r in survey["per_street"]:
            yield [r["street"], *[r[f] for f in survey["fields"]]]
        yield [_("Total"), *[survey["totals"][f] for f in survey["fields"]]]

    yield Sheet(_("Survey"), [_("Street"), *survey_headers], survey_rows())
    seats = ctx["seats"]

    def seat_rows() -> Rows:
        for r in seats["outliers"]:
            yield [
                _("Residents per seat far above the median"),
                r["street"],
                r["community"],
                r["population"],
                r["seats"],
                round(r["per_seat"] or 0),
                "",
            ]
        for r in seats["out_of_range"]:
            yield [r["body"], r["street"], r["community"], "", r["planned_seats"], "", r["problem"]]

    yield Sheet(
        _("Seats"),
        [
            _("Warning"),
            _("Street"),
            _("Community"),
            _("Residents"),
            _("Planned seats"),
            _("Residents per seat"),
            _("Problem"),
        ],
        seat_rows(),
    )
    yield Sheet(
        _("Audits and handovers"),
        [
            _("Stage"),
            _("Step"),
            _("Steps"),
            _("Steps done"),
            _("Share done"),
            _("Overdue"),
            _("Time limit broken"),
        ],
        (
            [r["stage"], r["step"], r["total"], r["done"], _dash(r["pct"]), r["overdue"], r["red"]]
            for r in ctx["audits"]["rows"]
        ),
    )
    yield Sheet(
        _("Appendix"),
        [
            _("Street"),
            _("Community"),
            _("Election track"),
            _("Election day"),
            _("Steps done"),
            _("Steps"),
            _("Overdue"),
            _("Time limit broken"),
            _("Current stage"),
        ],
        (
            [
                r["street"],
                r["community"],
                r["track"],
                r["election_on"],
                r["steps_done"],
                r["steps_total"],
                r["overdue"],
                r["steps_red"],
                r["stage"],
            ]
            for r in ctx["appendix"]
        ),
    )


def sheet_titles(ctx: dict[str, Any]) -> list[str]:
    """The workbook's sheet names, in order (for tests and downloads)."""
    return [s.title[:31] for s in _sheets(ctx)]


def xlsx_report_write(context: dict[str, Any], path: Path, progress: Callable[[int], None]) -> None:
    workbook = Workbook(write_only=True)
    for sheet in _sheets(context):
        ws = workbook.create_sheet(title=sheet.title[:31])
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, h, bold=True) for h in sheet.headers])
        for row in sheet.rows:
            ws.append([_cell(ws, v) for v in row])
    progress(80)
    workbook.save(path)
