"""The statistics table as a workbook laid out like the official table sent upward: one sheet per
committee (the Party organisation, the residents' committee), each with a title row, the 填报单位
and 填报日期 row, merged group headers, the column headers, a units row (人 / 个 / % / 岁), then two
rows per street (new term, previous term) and the total.

Counts carry a thousands separator, shares are percentages with one decimal (the cell holds 0.483
for 48.3 %), ages one decimal. The headers are frozen and the columns sized to their text. Never
an ID number: the table holds counts only.
"""

import unicodedata
from datetime import date
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from communities.exporters import is_formula_like

from .selectors.statistics import (
    BODIES,
    BODY_LABELS,
    CURRENT,
    PARTY,
    TERM_LABELS,
    TERMS,
    Column,
    StatisticsRow,
    StatisticsTable,
    column_groups,
    statistics_columns,
)

COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
AGE_FORMAT = "0.0"
LEAD_COLUMNS = 2  # the unit (street) and the term
HEADER_ROWS = 5  # title, reporting unit and date, group headers, headers, units
MIN_WIDTH = 6
MAX_WIDTH = 24

_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
BOLD = Font(bold=True)


def _put(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    """A text cell; a street named "=1+1" stays text (openpyxl would guess a formula)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _number_format(column: Column, value: int | float) -> str:
    if column.is_percent:
        return PERCENT_FORMAT
    if isinstance(value, float) and value != int(value):
        return AGE_FORMAT
    return COUNT_FORMAT


def _write_row(
    sheet: Worksheet,
    row_number: int,
    label: str,
    term: str,
    row: StatisticsRow,
    body: str,
    columns: list[Column],
    *,
    bold: bool,
) -> None:
    lead = _put(sheet, row_number, 1, label)
    term_cell = sheet.cell(row=row_number, column=2, value=str(TERM_LABELS[term]))
    for cell in (lead, term_cell):
        cell.border = BORDER
        cell.font = BOLD if bold else Font()
    figures = row.get(body, term)
    for offset, column in enumerate(columns):
        value = column.value(figures)
        # the previous term has no first rounds nor turnout in the product: left empty
        if term != CURRENT and column.figure in ("turnout", "first_round"):
            value = None
        cell = sheet.cell(row=row_number, column=LEAD_COLUMNS + 1 + offset)
        cell.border = BORDER
        if value is None:
            continue
        cell.value = value / 100 if column.is_percent else value
        cell.number_format = _number_format(column, value)
        if bold:
            cell.font = BOLD


def _write_sheet(
    workbook: Workbook, table: StatisticsTable, body: str, *, unit_name: str, today: date
) -> None:
    sheet = workbook.create_sheet(str(BODY_LABELS[body]))
    columns = statistics_columns(table, body)
    last = LEAD_COLUMNS + len(columns)
    title = _("%(campaign)s: statistics of the %(body)s") % {
        "campaign": table.campaign.name,
        "body": BODY_LABELS[body],
    }
    # 1. the title, over the whole width
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    cell = _put(sheet, 1, 1, title)
    cell.font = Font(bold=True, size=16)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    # 2. 填报单位 on the left half, 填报日期 on the right
    half = max(last // 2, LEAD_COLUMNS)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    _put(sheet, 2, 1, _("Reporting unit: %(unit)s") % {"unit": unit_name})
    if half < last:
        sheet.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=last)
    date_cell = sheet.cell(
        row=2,
        column=min(half + 1, last),
        value=_("Reporting date: %(date)s") % {"date": today.strftime("%Y-%m-%d")},
    )
    date_cell.alignment = Alignment(horizontal="right")
    # 3 to 5: the lead headers span the three header rows; then groups, headers, units
    for index, label in enumerate((_("Unit"), _("Term")), start=1):
        sheet.merge_cells(start_row=3, start_column=index, end_row=5, end_column=index)
        _put(sheet, 3, index, label)
    column_number = LEAD_COLUMNS + 1
    for group, span in column_groups(columns):
        if span > 1:
            sheet.merge_cells(
                start_row=3,
                start_column=column_number,
                end_row=3,
                end_column=column_number + span - 1,
            )
        _put(sheet, 3, column_number, group)
        column_number += span
    for offset, column in enumerate(columns):
        _put(sheet, 4, LEAD_COLUMNS + 1 + offset, column.label)
        sheet.cell(row=5, column=LEAD_COLUMNS + 1 + offset, value=column.unit)
    for row_number in range(3, HEADER_ROWS + 1):
        for column_number in range(1, last + 1):
            cell = sheet.cell(row=row_number, column=column_number)
            cell.font = BOLD
            cell.alignment = CENTER
            cell.border = BORDER
            cell.fill = HEADER_FILL
    # the streets, two rows each, then the total
    row_number = HEADER_ROWS + 1
    # the unit's cell spans its two rows, as on the paper form
    for row, label, bold in [
        *((r, r.name, False) for r in table.rows),
        (table.total, _("Total"), True),
    ]:
        first = row_number
        for term in TERMS:
            _write_row(sheet, row_number, label, term, row, body, columns, bold=bold)
            row_number += 1
        sheet.merge_cells(start_row=first, start_column=1, end_row=row_number - 1, end_column=1)
        sheet.cell(row=first, column=1).alignment = Alignment(vertical="center")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROWS + 1, column=LEAD_COLUMNS + 1)
    # widths: the longest text of the column's headers and of the street names
    names = [row.name for row in table.rows] + [_("Total")]
    sheet.column_dimensions["A"].width = min(
        max([MIN_WIDTH, *(_width(n) + 2 for n in names)]), MAX_WIDTH * 2
    )
    sheet.column_dimensions["B"].width = max(
        [MIN_WIDTH, *(_width(str(label)) + 2 for label in TERM_LABELS.values())]
    )
    for offset, column in enumerate(columns):
        width = max(_width(column.label), 8) + 2
        sheet.column_dimensions[get_column_letter(LEAD_COLUMNS + 1 + offset)].width = min(
            max(width, MIN_WIDTH), MAX_WIDTH
        )
    sheet.print_title_rows = f"3:{HEADER_ROWS}"
    sheet.page_setup.orientation = "landscape"


def statistics_workbook(table: StatisticsTable, *, unit_name: str, today: date) -> BytesIO:
    """The workbook of `table`: a sheet for the Party organisation, then the residents'."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for body in (PARTY, *[b for b in BODIES if b != PARTY]):
        _write_sheet(workbook, table, body, unit_name=unit_name, today=today)
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    return out
