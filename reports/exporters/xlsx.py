"""The weekly report as a workbook: the same content as the PDF, one sheet per part.

Each sheet is a header row and rows, written by a streaming (write-only) workbook. The header row
is frozen; each column is as wide as its longest value (a Chinese character counts twice, within
bounds); counts carry a thousands separator ("#,##0"), shares are percentages ("0%", the cell
holds 0.48 for 48 %) and dates read 2026-12-03. Text cells go through the community export's
formula-safe cell, so a community named "=1+1" stays text.
"""

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from communities.exporters import _cell
from core import formatting

Rows = Iterator[Sequence[Any]]

COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
PERCENT_FORMAT = "0%"
DATE_FORMAT = "yyyy-mm-dd"
# column widths, in characters of the default font
MIN_WIDTH = 6
MAX_WIDTH = 60
# a header wraps onto a second line rather than widening a column of small numbers past this
MAX_HEADER_WIDTH = 16


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Rows


@dataclass(frozen=True)
class Pct:
    """A share in whole percent (48 for 48 %); None: nothing to count."""

    value: int | float | None


def _dash(value: Any) -> Any:
    return "" if value is None else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _display(value: Any) -> str:
    """The text a cell shows, for its column's width."""
    if isinstance(value, Pct):
        return formatting.percent(value.value) if value.value is not None else ""
    if isinstance(value, datetime | date):
        return "2026-12-03"
    if _is_number(value):
        return formatting.thousands(value)
    return "" if value is None else str(value)


def _width(text: str) -> int:
    # a wide (CJK) character takes about two columns of the default font
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, Pct):
        if value.value is None:
            return ""
        cell = WriteOnlyCell(sheet, value=value.value / 100)
        cell.number_format = PERCENT_FORMAT if value.value == int(value.value) else "0.0%"
        return cell
    if isinstance(value, datetime | date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if _is_number(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = COUNT_FORMAT if value == int(value) else DECIMAL_FORMAT
        return cell
    return _cell(sheet, value)


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
    yield [_("Share done"), Pct(h["pct_done"])]
    yield [_("Steps done this week"), h["steps_done_this_week"]]
    yield [_("Overdue steps"), h["steps_overdue_as_of"]]
    yield [_("Steps breaking a time limit"), h["steps_red"]]
    yield [ctx["headings"]["change"], ""]
    for r in ctx["change"]["rows"]:
        yield [r["label"], r["now"], _dash(r["before"]), _dash(r["delta"])]
    vetting = ctx.get("vetting")
    if vetting:
        yield [ctx["headings"]["vetting"], ""]
        for f in vetting["figures"]:
            yield [f["label"], f["value"]]
    results = ctx.get("results")
    if results:
        total = results["total"]
        yield [ctx["headings"]["results"], ""]
        yield [_("Elections recorded"), total["elections_held"]]
        yield [_("First-round success"), total["first_round"]]
        yield [_("Runoffs"), total["runoff"]]
        yield [_("New elections"), total["new_election"]]
        yield [_("Seats filled"), total["seats_filled"]]
        yield [_("Seats planned"), total["seats_planned"]]
        yield [_("Turnout"), Pct(total["turnout_percent"])]
    for section in ctx["pending_sections"]:
        yield [ctx["headings"][section["key"]], section["note"] if section["pending"] else ""]
        for f in section["figures"]:
            yield [f["label"], _dash(f["value"])]
    # counts only: a reporter's identity never enters the report
    for key in ("discipline", "supervision"):
        section = ctx.get(key)
        if section:
            yield [ctx["headings"][key], ""]
            for f in section["figures"]:
                yield [f["label"], f["value"]]
    events = ctx.get("events")
    if events:
        yield [ctx["headings"]["events"], ""]
        yield [_("Major events this week"), events["count"]]
        yield [_("Major events not acknowledged"), events["open"]]


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
                *[Pct(c["pct"]) for c in r["cells"]],
                Pct(r["pct"]),
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
                Pct(s["pct"]),
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
    yield from _candidate_sheets(ctx)
    audits = ctx["audits"]
    if audits.get("figures"):
        yield Sheet(
            pgettext("audits overview", "Audit and handover figures"),
            [pgettext("audits overview", "Figure"), _("Value")],
            iter(
                [
                    *(
                        [
                            pgettext("audits overview", "Audits: %(state)s")
                            % {"state": s["label"]},
                            s["value"],
                        ]
                        for s in audits["states"]
                    ),
                    *([f["label"], f["value"]] for f in audits["figures"]),
                ]
            ),
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
            [r["stage"], r["step"], r["total"], r["done"], Pct(r["pct"]), r["overdue"], r["red"]]
            for r in ctx["audits"]["rows"]
        ),
    )
    yield from _discipline_sheets(ctx)
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


def _candidate_sheets(ctx: dict[str, Any]) -> Iterator[Sheet]:
    """The joint review by member unit and the candidates by street (once the campaign has
    candidates), the results by committee (once an election is recorded) and the statistics
    table (when it exists). Counts only: no name, no ID number."""
    vetting = ctx.get("vetting")
    if vetting:
        yield Sheet(
            _("Joint review"),
            [_("Member unit"), _("Sent"), _("Answered"), _("Awaited"), _("Overdue")],
            (
                [u["unit"], u["sent"], u["answered"], u["awaited"], u["overdue"]]
                for u in vetting["units"]
            ),
        )
        yield Sheet(
            _("Candidates"),
            [
                _("Street"),
                _("Nominated"),
                _("Not yet sent to the joint review"),
                _("Under joint review"),
                _("Feedback overdue"),
                _("Disqualified"),
                _("Withdrawn"),
                _("Formal candidates"),
                _("Elected"),
            ],
            (
                [
                    r["street"],
                    r["nominated"],
                    r["nominee"],
                    r["under_review"],
                    r["reviews_overdue"],
                    r["disqualified"],
                    r["withdrawn"],
                    r["formal"] + r["elected"] + r["not_elected"],
                    r["elected"],
                ]
                for r in vetting["streets"]
            ),
        )
    results = ctx.get("results")
    if results:
        yield Sheet(
            _("Results"),
            [
                _("Committee"),
                _("Elections recorded"),
                _("First-round success"),
                _("Runoffs"),
                _("New elections"),
                _("Seats filled"),
                _("Seats planned"),
                _("Turnout"),
            ],
            (
                [
                    r["label"],
                    r["held"],
                    r["first_round"],
                    r["runoff"],
                    r["new_election"],
                    r["seats_filled"],
                    r["seats_planned"],
                    Pct(r["turnout_pct"]),
                ]
                for r in results["rows"]
            ),
        )
    statistics = ctx.get("statistics")
    if statistics:
        yield Sheet(
            _("Statistics"),
            ["", *statistics["columns"]],
            (
                [r["label"], *[Pct(v) if r["pct"] else _dash(v) for v in r["values"]]]
                for r in statistics["rows"]
            ),
        )


def _discipline_sheets(ctx: dict[str, Any]) -> Iterator[Sheet]:
    """Reports by category (counts only) and the week's major events (titles, never the facts)."""
    discipline = ctx.get("discipline")
    if discipline and discipline["categories"]:
        yield Sheet(
            _("Reports by category"),
            [
                _("Category"),
                _("Reports received"),
                _("Reports investigated"),
                _("Reports substantiated"),
                _("Cases closed"),
            ],
            (
                [c["label"], c["received"], c["investigated"], c["substantiated"], c["concluded"]]
                for c in discipline["categories"]
            ),
        )
    events = ctx.get("events")
    if events and events["rows"]:
        yield Sheet(
            _("Major events"),
            [
                _("Event"),
                _("Street"),
                _("Community"),
                _("Severity"),
                _("Occurred"),
                _("Acknowledged on"),
                _("Hours to acknowledge"),
            ],
            (
                [
                    e["title"],
                    e["street"],
                    e["community"],
                    e["severity"],
                    e["occurred_at"].replace(tzinfo=None),
                    e["acknowledged_at"].replace(tzinfo=None) if e["acknowledged_at"] else "",
                    _dash(e["hours_to_acknowledge"]),
                ]
                for e in events["rows"]
            ),
        )


def sheet_titles(ctx: dict[str, Any]) -> list[str]:
    """The workbook's sheet names, in order (for tests and downloads)."""
    return [s.title[:31] for s in _sheets(ctx)]


def _column_widths(headers: list[str], rows: list[Sequence[Any]]) -> list[float]:
    widths = [min(_width(h), MAX_HEADER_WIDTH) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], _width(_display(value)))
            else:
                widths.append(_width(_display(value)))
    return [float(min(max(w + 2, MIN_WIDTH), MAX_WIDTH)) for w in widths]


def xlsx_report_write(context: dict[str, Any], path: Path, progress: Callable[[int], None]) -> None:
    workbook = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_alignment = Alignment(wrap_text=True, vertical="top")
    for sheet in _sheets(context):
        ws = workbook.create_sheet(title=sheet.title[:31])
        # a write-only sheet takes its widths before its first row: read the rows first
        rows = list(sheet.rows)
        for i, width in enumerate(_column_widths(sheet.headers, rows), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        header = []
        for title in sheet.headers:
            cell = _cell(ws, title, bold=True)
            cell.font = header_font
            cell.alignment = header_alignment
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_xlsx_cell(ws, v) for v in row])
    progress(80)
    workbook.save(path)
