"""Reading the first sheet: streamed, within bounds, every cell converted or refused."""

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from core.text import text_clean, text_truncate

from ..import_columns import (
    COLUMNS,
    COUNT_MAX,
    SEATS_MAX,
    SEATS_MIN,
    Column,
    choice_labels,
    header_aliases,
    normalise,
    value_aliases,
)
from .results import (
    VALUE_SHOWN_CHARS,
    ImportFileError,
    ImportRow,
    Problem,
    ProblemList,
    Progress,
    is_blank,
    problems_merge,
    value_shown,
)
from .workbook import not_a_workbook, workbook_check

# how often (in data rows) reading a sheet reports its progress
PROGRESS_EVERY_ROWS = 500


class _TextBudget:
    """Counts the text read from a sheet and refuses the file at the first limit passed.

    A cell value that comes from the shared-string table is one object however many cells use
    it, so a small file can make the check handle gigabytes of text; counting every cell read
    bounds the work whatever the file's size says.
    """

    def __init__(self) -> None:
        self.left = settings.IMPORT_MAX_TEXT_CHARS
        self.cell_limit = settings.IMPORT_MAX_CELL_CHARS

    def take(self, row: int, column: int, value: Any) -> None:
        """Count one cell (1-based row and column); raise ImportFileError past a limit."""
        if not isinstance(value, str):
            return
        length = len(value)
        if length > self.cell_limit:
            raise ImportFileError(
                _(
                    "Cell %(cell)s holds %(length)s characters; no column of the template takes "
                    "more than %(limit)s. The file is refused: correct that cell and upload it "
                    "again."
                )
                % {
                    "cell": f"{get_column_letter(column)}{row}",
                    "length": length,
                    "limit": self.cell_limit,
                }
            )
        self.left -= length
        if self.left < 0:
            raise ImportFileError(
                _(
                    "The sheet holds more than %(limit)s characters of text, far more than the "
                    "communities of a district need. The file is refused: check that it holds only "
                    "the template's columns, or split it into several files."
                )
                % {"limit": settings.IMPORT_MAX_TEXT_CHARS}
            )


# the start of a formula element, with or without a namespace prefix
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _has_formulas(sheet: ReadOnlyWorksheet) -> bool:
    """Whether the sheet's XML holds any formula: a quick byte search, so that a sheet without
    formulas (the template has none) is not parsed a second time."""
    tail = b""
    with sheet._get_source() as source:  # openpyxl 3.1: the sheet's XML in the archive
        while chunk := source.read(1024 * 1024):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_problems(sheet: ReadOnlyWorksheet, columns: set[int], problems: ProblemList) -> None:
    """Add a problem for each cell of `columns` (1-based) holding a formula without a calculated
    result, or whose result is an error (#REF!, #DIV/0! ...).

    openpyxl reads the result Excel saved with the formula; a program that writes formulas
    without calculating them leaves none, and the cell would read as empty. openpyxl does not
    say which cells those are, so the sheet's XML is read once more, streamed, to find them.
    """
    cell_tag, formula_tag, value_tag = (f"{{{SHEET_MAIN_NS}}}{t}" for t in ("c", "f", "v"))
    row_tag = f"{{{SHEET_MAIN_NS}}}row"
    with sheet._get_source() as source:  # openpyxl 3.1: the sheet's XML in the archive
        for _event, element in iterparse(source):
            if element.tag == row_tag:
                element.clear()  # keep memory flat over a long sheet
                continue
            if element.tag != cell_tag:
                continue
            coordinate = element.get("r")
            if not coordinate or element.find(formula_tag) is None:
                continue
            row, column = coordinate_to_tuple(coordinate)
            if column not in columns:
                continue
            value = element.findtext(value_tag)
            cell = text_truncate(coordinate, 12)
            if not value:
                problems.add(
                    Problem(
                        _(
                            "%(cell)s: the formula has no calculated result. Open the file in "
                            "Excel, let it calculate, save it, and upload it again; or type the "
                            "value instead of the formula."
                        )
                        % {"cell": cell},
                        row=row,
                        column=get_column_letter(column),
                    )
                )
            elif element.get("t") == "e":
                problems.add(
                    Problem(
                        _("%(cell)s: the formula gives the error “%(value)s”.")
                        % {"cell": cell, "value": text_truncate(value, VALUE_SHOWN_CHARS)},
                        row=row,
                        column=get_column_letter(column),
                    )
                )


def _data_rows(
    sheet: ReadOnlyWorksheet,
    positions: list[int],
    budget: _TextBudget,
    progress: Progress | None,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The non-empty data rows of the sheet (row 2 on), as the values at `positions` (0-based)
    with their Excel row numbers. Counts their text in `budget`, and raises ImportFileError past
    IMPORT_MAX_ROWS rows or a text limit, as soon as it is passed."""
    max_rows = settings.IMPORT_MAX_ROWS
    width = max(positions) + 1
    # the declared size; a workbook written by another program may not declare it
    last_row = min(sheet.max_row or 0, max_rows + 1)
    found = 0
    # openpyxl fills the rows a sheet skips with empty ones: a sheet with one cell in its last
    # row (1,048,576) yields a million of them, passed over here as fast as possible
    empty = (None,) * width
    for number, values in enumerate(
        sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
    ):
        if values == empty:
            continue
        if progress is not None and last_row and number % PROGRESS_EVERY_ROWS == 0:
            progress(min(100, 100 * number // last_row))
        picked = tuple(values[i] if i < len(values) else None for i in positions)
        if all(is_blank(v) for v in picked):
            continue
        found += 1
        if found > max_rows:
            raise ImportFileError(
                _("The sheet has more than %(limit)s rows of data; split it into several files.")
                % {"limit": max_rows}
            )
        for index, value in zip(positions, picked, strict=True):
            budget.take(number, index + 1, value)
        yield number, picked


def _parse_sheet(
    file: IO[bytes], problems: ProblemList, progress: Progress | None
) -> list[ImportRow]:
    """Read the first sheet of a checked workbook: its header, then its rows one at a time.

    Returns the valid rows and adds every problem to `problems` (none are read when the header
    or a formula is wrong). Raises ImportFileError for a problem of the whole file: not a
    workbook openpyxl can read, an empty sheet, too many rows, or too much text.
    """
    try:
        workbook = load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as e:  # openpyxl and the XML parser raise many types for a damaged file
        raise not_a_workbook() from e
    try:
        if not workbook.worksheets:
            raise ImportFileError(_empty_sheet())
        sheet = workbook.worksheets[0]
        budget = _TextBudget()
        header = list(next(sheet.iter_rows(max_row=1, values_only=True), None) or [])
        for column, title in enumerate(header, start=1):
            budget.take(1, column, title)
        header = [text_clean(t) if isinstance(t, str) else t for t in header]
        while header and is_blank(header[-1]):
            header.pop()
        if not header:
            raise ImportFileError(_empty_sheet())
        positions = _map_header(header, problems)
        if problems:
            return []
        rows = _data_rows(sheet, [positions[c.key] for c in COLUMNS], budget, progress)
        row_problems = ProblemList()
        found = _read_rows(rows, row_problems)
        # after the rows, so that a file past a limit is refused before a second reading
        formula_problems = ProblemList()
        if _has_formulas(sheet):
            _formula_problems(sheet, set(range(1, len(header) + 1)), formula_problems)
        problems_merge(problems, formula_problems, row_problems)
        if formula_problems:
            return []  # a cell without its result reads as empty: no row can be trusted
        if not found and not problems:
            raise ImportFileError(_("The sheet has column titles but no community below them."))
        return found
    except ImportFileError:
        raise
    except Exception as e:  # a damaged sheet fails while it is read, not when it is opened
        raise not_a_workbook() from e
    finally:
        workbook.close()


def _empty_sheet() -> str:
    return _("The first sheet is empty: row 1 must hold the column titles.")


# --- cells ----------------------------------------------------------------------------------------


class _RowReader:
    """Converts the cells of one row, collecting a problem for each bad cell."""

    def __init__(self, number: int, problems: ProblemList, aliases: dict[str, dict[str, Any]]):
        self.number = number
        self.problems = problems
        self.aliases = aliases
        self.is_ok = True

    def refuse(self, column: Column, message: str) -> None:
        self.problems.add(Problem(message=message, row=self.number, column=str(column.title)))
        self.is_ok = False

    def params(self, column: Column, value: Any = "") -> dict[str, Any]:
        return {"row": self.number, "column": column.title, "value": value_shown(value)}

    def read(self, column: Column, value: Any) -> Any:
        if isinstance(value, str):
            # no invisible or direction-changing characters in names (nor in any value)
            value = text_clean(value)
        if is_blank(value):
            if column.required:
                self.refuse(
                    column,
                    _("Row %(row)s, “%(column)s”: this cell must be filled in.")
                    % self.params(column),
                )
            return {"text": "", "yes_no": False}.get(column.kind)
        return getattr(self, f"read_{column.kind}")(column, value)

    def read_text(self, column: Column, value: Any) -> str:
        text = value_shown(value) if isinstance(value, float | datetime | date) else str(value)
        if column.max_length and len(text) > column.max_length:
            self.refuse(
                column,
                _(
                    "Row %(row)s, “%(column)s”: at most %(max)s characters are allowed, "
                    "got %(length)s."
                )
                % {**self.params(column), "max": column.max_length, "length": len(text)},
            )
        return text

    def _whole_number(self, value: Any) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value) if value.is_integer() else None
        if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", value.strip()):
            return int(value.strip())
        return None

    def read_count(self, column: Column, value: Any) -> int | None:
        number = self._whole_number(value)
        if number is None or number < 0:
            self.refuse(
                column,
                _(
                    "Row %(row)s, “%(column)s”: expected a whole number of 0 or more, "
                    "got “%(value)s”."
                )
                % self.params(column, value),
            )
            return None
        if number > COUNT_MAX:
            self.refuse(
                column,
                _("Row %(row)s, “%(column)s”: “%(value)s” is too large.")
                % self.params(column, value),
            )
            return None
        return number

    def read_seats(self, column: Column, value: Any) -> int:
        number = self._whole_number(value)
        if number is None or not SEATS_MIN <= number <= SEATS_MAX:
            self.refuse(
                column,
                _(
                    "Row %(row)s, “%(column)s”: expected a whole number from %(min)s to %(max)s, "
                    "got “%(value)s”."
                )
                % {**self.params(column, value), "min": SEATS_MIN, "max": SEATS_MAX},
            )
            return 0
        return number

    def read_choice(self, column: Column, value: Any) -> Any:
        if isinstance(value, bool) and column.kind == "yes_no":
            return value
        found = self.aliases[column.key].get(normalise(value))
        if found is None:
            self.refuse(
                column,
                _("Row %(row)s, “%(column)s”: “%(value)s” is not one of: %(choices)s.")
                % {**self.params(column, value), "choices": _(", ").join(choice_labels(column))},
            )
        return found

    read_yes_no = read_choice


# --- the sheet ------------------------------------------------------------------------------------


def _map_header(header: list[Any], problems: ProblemList) -> dict[str, int]:
    """The 0-based position of each column of the template; adds a problem for each unknown,
    duplicated or missing column."""
    aliases = header_aliases()
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        if is_blank(title):
            continue
        key = aliases.get(normalise(title))
        if key is None:
            problems.add(
                Problem(
                    _("Row 1: “%(column)s” is not a column of the import template.")
                    % {"column": value_shown(title)},
                    row=1,
                    column=value_shown(title),
                )
            )
        elif key in positions:
            problems.add(
                Problem(
                    _(
                        "Row 1: the column “%(column)s” appears twice, in columns %(first)s "
                        "and %(second)s."
                    )
                    % {
                        "column": value_shown(title),
                        "first": get_column_letter(positions[key] + 1),
                        "second": get_column_letter(index + 1),
                    },
                    row=1,
                    column=value_shown(title),
                )
            )
        else:
            positions[key] = index
    missing = [str(c.title) for c in COLUMNS if c.key not in positions]
    if missing:
        problems.add(
            Problem(
                _("Row 1: these columns are missing: %(columns)s.")
                % {"columns": _(", ").join(missing)},
                row=1,
            )
        )
    return positions


def _read_rows(
    rows: Iterable[tuple[int, tuple[Any, ...]]], problems: ProblemList
) -> list[ImportRow]:
    """Convert data rows (the values of COLUMNS, in order) one at a time: the valid rows are
    returned, a problem is added for each bad cell and each row already seen in the file."""
    aliases = {c.key: value_aliases(c) for c in COLUMNS if c.kind in {"choice", "yes_no"}}
    by_key = {c.key: c for c in COLUMNS}
    result = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, values in rows:
        reader = _RowReader(number, problems, aliases)
        cells = {c.key: reader.read(c, value) for c, value in zip(COLUMNS, values, strict=True)}
        if cells["is_difficult"] and not cells["difficult_reason"]:
            reader.refuse(
                by_key["difficult_reason"],
                _("Row %(row)s, “%(column)s”: a difficult community needs a reason.")
                % reader.params(by_key["difficult_reason"]),
            )
        if cells["street"] and cells["name"]:
            key = (cells["street"], cells["name"])
            if key in first_seen:
                reader.refuse(
                    by_key["name"],
                    _(
                        "Row %(row)s, “%(column)s”: “%(name)s” in “%(street)s” is already in row "
                        "%(first)s of this file."
                    )
                    % {
                        **reader.params(by_key["name"]),
                        "name": value_shown(cells["name"]),
                        "street": value_shown(cells["street"]),
                        "first": first_seen[key],
                    },
                )
            else:
                first_seen[key] = number
        if reader.is_ok:
            result.append(ImportRow(row=number, **cells))
    return result


def workbook_parse(
    file: File,  # type: ignore[type-arg]
    progress: Progress | None = None,
) -> tuple[list[ImportRow], ProblemList]:
    """Parse an uploaded or stored workbook into valid rows and the problems of the others.

    Checks the file (`workbook_check`), the header (unknown, duplicated and missing columns),
    formulas without a result, and every cell; a file with a header or formula problem yields no
    rows, and one that passes a limit (rows, text) yields only that problem. Touches no database
    table. Reading the sheet (most of the time) is reported to `progress`.
    """
    problems = ProblemList()
    try:
        workbook_check(file)
        rows = _parse_sheet(file, problems, progress)
    except ImportFileError as e:
        return [], ProblemList.of(Problem(str(e)))
    return rows, problems
