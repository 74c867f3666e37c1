"""The audits overview as a workbook: a sheet per street (audits by state, rectification items,
handovers, postings) and a sheet of the findings by category, each with a title row, the date row,
the headers and a units row (个 / 项 / 元), counts with a thousands separator and amounts in yuan
with two decimals. The headers are frozen and the columns sized to their text."""

import unicodedata
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from communities.exporters import is_formula_like

from .models import Engagement
from .selectors.overview import STATES, Overview, StreetRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNT_FORMAT = "#,##0"
AMOUNT_FORMAT = "#,##0.00"
HEADER_ROWS = 4  # title, date, headers, units
MIN_WIDTH = 8
MAX_WIDTH = 30

_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
BOLD = Font(bold=True)


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """A cell; a text such as "=1+1" (a street's name) stays text."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _head(sheet: Worksheet, title: str, overview: Overview, headers: list[tuple[str, str]]) -> None:
    last = len(headers)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    cell = _put(sheet, 1, 1, title)
    cell.font = Font(bold=True, size=16)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    _put(
        sheet,
        2,
        1,
        pgettext("audits overview", "As of %(date)s") % {"date": overview.today.isoformat()},
    )
    for column, (header, unit) in enumerate(headers, start=1):
        for row, text in ((3, header), (4, unit)):
            cell = _put(sheet, row, column, text)
            cell.font = BOLD
            cell.alignment = CENTER
            cell.border = BORDER
            cell.fill = HEADER_FILL
        width = max(_width(header), _width(unit)) + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width, MIN_WIDTH), MAX_WIDTH
        )
    sheet.freeze_panes = sheet.cell(row=HEADER_ROWS + 1, column=2)


def _line(sheet: Worksheet, row: int, values: list[Any], *, bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = _put(sheet, row, column, value)
        cell.border = BORDER
        if isinstance(value, Decimal):
            cell.value = float(value)
            cell.number_format = AMOUNT_FORMAT
        elif isinstance(value, int):
            cell.number_format = COUNT_FORMAT
        if bold:
            cell.font = BOLD
    name = values[0]
    if isinstance(name, str):
        letter = get_column_letter(1)
        current = sheet.column_dimensions[letter].width or MIN_WIDTH
        sheet.column_dimensions[letter].width = min(max(current, _width(name) + 2), MAX_WIDTH)


def _street_values(name: str, row: StreetRow) -> list[Any]:
    return [
        name,
        *[row.states[state] for state in STATES],
        row.engagements,
        row.postings_late,
        row.postings_missing,
        row.rectifications_open,
        row.rectifications_overdue,
        row.handovers_done,
        row.handovers_open,
        row.handovers_overdue,
    ]


def overview_workbook(overview: Overview) -> bytes:
    """The overview's workbook (no query: everything is in `overview`)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    audits_unit, items_unit = (
        pgettext("audits overview", "audits"),
        pgettext("audits overview", "items"),
    )
    labels = dict(Engagement.State.choices)

    sheet = workbook.create_sheet(_("By street"))
    headers = [
        (_("Street"), ""),
        *[(str(labels[state]), audits_unit) for state in STATES],
        (pgettext("audits overview", "All audits"), audits_unit),
        (pgettext("audits overview", "Postings late"), audits_unit),
        (pgettext("audits overview", "Postings missing"), audits_unit),
        (pgettext("audits overview", "Rectification items open"), items_unit),
        (pgettext("audits overview", "Rectification items overdue"), items_unit),
        (pgettext("audits overview", "Handovers done"), _("committees")),
        (pgettext("audits overview", "Handovers not yet due"), _("committees")),
        (pgettext("audits overview", "Handovers overdue"), _("committees")),
    ]
    _head(
        sheet,
        pgettext("audits overview", "Departure audits and handovers by street"),
        overview,
        headers,
    )
    row_number = HEADER_ROWS + 1
    for row in overview.rows:
        _line(sheet, row_number, _street_values(row.name, row))
        row_number += 1
    _line(sheet, row_number, _street_values(_("Total"), overview.total), bold=True)

    sheet = workbook.create_sheet(pgettext("audits overview", "Findings by category"))
    _head(
        sheet,
        pgettext("audits overview", "Audit findings by category"),
        overview,
        [
            (pgettext("audits overview", "Category"), ""),
            (pgettext("audits overview", "Findings"), items_unit),
            (pgettext("audits overview", "Amount involved"), pgettext("audits overview", "yuan")),
        ],
    )
    row_number = HEADER_ROWS + 1
    for category in overview.categories:
        _line(sheet, row_number, [category["name"], category["count"], category["amount"]])
        row_number += 1
    _line(
        sheet,
        row_number,
        [_("Total"), overview.findings, Decimal(overview.findings_amount)],
        bold=True,
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
