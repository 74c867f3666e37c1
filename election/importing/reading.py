"""Reading the data sheets of an election import: streamed and bounded like the community import
(whose file checks, text budget, formula checks and row reader this reuses), every cell
converted or refused with a problem naming its row and column."""

import re
from datetime import date, datetime
from typing import IO, Any

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from communities.import_columns import normalise
from communities.importing import Problem, ProblemList, Progress, problems_merge, workbook_check
from communities.importing.results import ImportFileError, is_blank, value_shown
from communities.importing.sheet import (
    _data_rows,
    _formula_problems,
    _has_formulas,
    _RowReader,
    _TextBudget,
)
from communities.importing.workbook import not_a_workbook
from core.text import text_clean

from ..models import mask_id_number
from .columns import CTX, KINDS, VOTES_MAX, Column, choice_labels, header_aliases, value_aliases

# a sheet's valid rows: (Excel row number, {column key: value})
Rows = list[tuple[int, dict[str, Any]]]

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_is_valid(value: str) -> bool:
    """An 18-character resident ID number with a correct check character."""
    if not _ID_NUMBER.fullmatch(value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11] == value[17]


def id_number_birth_date(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


class _Reader(_RowReader):
    """The community import's row reader, with dates, ID numbers and the election's choices."""

    def read_choice(self, column: Any, value: Any) -> Any:
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

    def read_date(self, column: Any, value: Any) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
        if match:
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                day = None
            if day is not None and date(1900, 1, 1) <= day <= date(2100, 12, 31):
                return day
        self.refuse(
            column,
            pgettext(
                CTX, "Row %(row)s, “%(column)s”: “%(value)s” is not a date such as 1985-03-12."
            )
            % self.params(column, value),
        )
        return None

    def read_id_number(self, column: Any, value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip().upper().replace(" ", "")
        if not id_number_is_valid(text):
            # never quoted whole: the message shows the last four characters
            self.refuse(
                column,
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: “%(value)s” is not a valid 18-character ID "
                    "number (check its digits and its last character).",
                )
                % {**self.params(column), "value": mask_id_number(value_shown(text))},
            )
            return ""
        return text

    def read_count(self, column: Any, value: Any) -> int | None:
        number = self._whole_number(value)
        if number is None or not 0 <= number <= VOTES_MAX:
            self.refuse(
                column,
                _(
                    "Row %(row)s, “%(column)s”: expected a whole number of 0 or more, "
                    "got “%(value)s”."
                )
                % self.params(column, value),
            )
            return None
        return number


def _map_header(header: list[Any], columns: list[Column], problems: ProblemList) -> dict[str, int]:
    """The 0-based position of each column; a problem for each unknown, repeated or missing one."""
    aliases = header_aliases(columns)
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
    missing = [str(c.title) for c in columns if c.key not in positions]
    if missing:
        problems.add(
            Problem(
                _("Row 1: these columns are missing: %(columns)s.")
                % {"columns": _(", ").join(missing)},
                row=1,
            )
        )
    return positions


def _sheet_named(problem: Problem, sheet_title: str, several: bool) -> Problem:
    if not several:
        return problem
    return Problem(f"{sheet_title} · {problem.message}", row=problem.row, column=problem.column)


def _parse(
    file: IO[bytes], kind: str, problems: ProblemList, progress: Progress | None
) -> list[Rows]:
    spec = KINDS[kind]
    try:
        workbook = load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as e:  # openpyxl and the XML parser raise many types for a damaged file
        raise not_a_workbook() from e
    try:
        several = len(spec.sheets) > 1
        if len(workbook.worksheets) < len(spec.sheets):
            raise ImportFileError(
                pgettext(
                    CTX,
                    "The workbook needs %(count)s data sheets, in the order of the template; "
                    "download the template and fill it in.",
                )
                % {"count": len(spec.sheets)}
            )
        budget = _TextBudget()
        found: list[Rows] = []
        total = 0
        for number, sheet_spec in enumerate(spec.sheets):
            sheet = workbook.worksheets[number]
            columns = sheet_spec.columns
            sheet_problems = ProblemList()
            header = list(next(sheet.iter_rows(max_row=1, values_only=True), None) or [])
            for column, title in enumerate(header, start=1):
                budget.take(1, column, title)
            header = [text_clean(t) if isinstance(t, str) else t for t in header]
            while header and is_blank(header[-1]):
                header.pop()
            if not header:
                raise ImportFileError(
                    _("The first sheet is empty: row 1 must hold the column titles.")
                )
            positions = _map_header(header, columns, sheet_problems)
            rows: Rows = []
            if not sheet_problems:
                sheet_progress = None
                if progress is not None and number == 0:
                    sheet_progress = progress
                data = _data_rows(
                    sheet, [positions[c.key] for c in columns], budget, sheet_progress
                )
                rows = _read_rows(data, columns, sheet_problems)
                formula_problems = ProblemList()
                if _has_formulas(sheet):
                    _formula_problems(sheet, set(range(1, len(header) + 1)), formula_problems)
                problems_merge(sheet_problems, formula_problems)
                if formula_problems:
                    rows = []
            for problem in sheet_problems.kept:
                problems.add(_sheet_named(problem, str(sheet_spec.title), several))
            problems.count += sheet_problems.count - len(sheet_problems.kept)
            total += len(rows)
            found.append(rows)
        if not total and not problems:
            raise ImportFileError(
                pgettext(CTX, "The sheet has column titles but no data row below them.")
            )
        return found
    except ImportFileError:
        raise
    except Exception as e:  # a damaged sheet fails while it is read, not when it is opened
        raise not_a_workbook() from e
    finally:
        workbook.close()


def _read_rows(data: Any, columns: list[Any], problems: ProblemList) -> Rows:
    # the columns are the election's, read by the community import's reader (duck-typed)
    aliases = {c.key: value_aliases(c) for c in columns if c.kind in {"choice", "yes_no"}}
    rows: Rows = []
    today = timezone.localdate()
    birth = next((c for c in columns if c.key == "birth_date"), None)
    id_column = next((c for c in columns if c.key == "id_number"), None)
    for number, values in data:
        reader = _Reader(number, problems, aliases)
        cells = {c.key: reader.read(c, value) for c, value in zip(columns, values, strict=True)}
        if birth is not None and cells.get("birth_date") and cells["birth_date"] >= today:
            reader.refuse(
                birth,
                pgettext(CTX, "Row %(row)s, “%(column)s”: the date of birth is not in the past.")
                % reader.params(birth),
            )
        if (
            id_column is not None
            and birth is not None
            and cells.get("id_number")
            and cells.get("birth_date")
            and id_number_birth_date(cells["id_number"]) != cells["birth_date"]
        ):
            reader.refuse(
                id_column,
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: the ID number does not match the date of birth.",
                )
                % reader.params(id_column),
            )
        if reader.is_ok:
            rows.append((number, cells))
    return rows


def workbook_read(
    file: File,  # type: ignore[type-arg]
    kind: str,
    progress: Progress | None = None,
) -> tuple[list[Rows], ProblemList]:
    """The valid rows of each data sheet of an uploaded or stored workbook of `kind`, and the
    problems of the others (a header or formula problem: no row of that sheet). Touches no
    database table."""
    problems = ProblemList()
    try:
        workbook_check(file)
        rows = _parse(file, kind, problems, progress)
    except ImportFileError as e:
        return [], ProblemList.of(Problem(str(e)))
    return rows, problems
