"""Reading the data sheet of an audit import: the election import's reader (streamed and bounded,
the community import's file checks, text budget and formula checks), with amounts in yuan."""

from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from communities.importing import Problem, ProblemList, Progress, problems_merge, workbook_check
from communities.importing.results import ImportFileError, is_blank
from communities.importing.sheet import _data_rows, _formula_problems, _has_formulas, _TextBudget
from communities.importing.workbook import not_a_workbook
from core.text import text_clean
from election.importing.columns import value_aliases
from election.importing.reading import Rows, _map_header, _Reader

from .columns import AMOUNT_MAX, CTX, KINDS


class _AuditReader(_Reader):
    """The election import's row reader, with amounts of money."""

    def read_amount(self, column: Any, value: Any) -> Decimal | None:
        amount: Decimal | None = None
        if isinstance(value, bool):
            amount = None
        elif isinstance(value, int | float):
            amount = Decimal(str(value))
        else:
            text = str(value).strip().replace(",", "").replace("\uff0c", "").removesuffix("元")
            try:
                amount = Decimal(text.strip())
            except InvalidOperation:
                amount = None
        if amount is None or not amount.is_finite() or not 0 <= amount < AMOUNT_MAX:
            self.refuse(
                column,
                pgettext(
                    CTX, "Row %(row)s, “%(column)s”: “%(value)s” is not an amount such as 12800.50."
                )
                % self.params(column, value),
            )
            return None
        if amount != amount.quantize(Decimal("0.01")):
            self.refuse(
                column,
                pgettext(
                    CTX, "Row %(row)s, “%(column)s”: an amount has at most two decimal places."
                )
                % self.params(column, value),
            )
            return None
        return amount.quantize(Decimal("0.01"))


def _read_rows(data: Any, columns: list[Any], problems: ProblemList) -> Rows:
    aliases = {c.key: value_aliases(c) for c in columns if c.kind == "choice"}
    rows: Rows = []
    for number, values in data:
        reader = _AuditReader(number, problems, aliases)
        cells = {c.key: reader.read(c, value) for c, value in zip(columns, values, strict=True)}
        if reader.is_ok:
            rows.append((number, cells))
    return rows


def _parse(file: IO[bytes], kind: str, problems: ProblemList, progress: Progress | None) -> Rows:
    columns = KINDS[kind].sheets[0].columns
    try:
        workbook = load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as e:  # openpyxl and the XML parser raise many types for a damaged file
        raise not_a_workbook() from e
    try:
        sheet = workbook.worksheets[0]
        budget = _TextBudget()
        header = list(next(sheet.iter_rows(max_row=1, values_only=True), None) or [])
        for column, title in enumerate(header, start=1):
            budget.take(1, column, title)
        header = [text_clean(t) if isinstance(t, str) else t for t in header]
        while header and is_blank(header[-1]):
            header.pop()
        if not header:
            raise ImportFileError(_("The first sheet is empty: row 1 must hold the column titles."))
        positions = _map_header(header, columns, problems)
        if problems:
            return []
        data = _data_rows(sheet, [positions[c.key] for c in columns], budget, progress)
        rows = _read_rows(data, columns, problems)
        if _has_formulas(sheet):
            formula_problems = ProblemList()
            _formula_problems(sheet, set(range(1, len(header) + 1)), formula_problems)
            if formula_problems:
                problems_merge(problems, formula_problems)
                rows = []
        if not rows and not problems:
            raise ImportFileError(
                pgettext(
                    "election import column",
                    "The sheet has column titles but no data row below them.",
                )
            )
        return rows
    except ImportFileError:
        raise
    except Exception as e:  # a damaged sheet fails while it is read, not when it is opened
        raise not_a_workbook() from e
    finally:
        workbook.close()


def workbook_read(
    file: File,  # type: ignore[type-arg]
    kind: str,
    progress: Progress | None = None,
) -> tuple[Rows, ProblemList]:
    """The valid rows of the data sheet of an uploaded or stored workbook of `kind`, and the
    problems of the others. Touches no database table."""
    problems = ProblemList()
    try:
        workbook_check(file)
        rows = _parse(file, kind, problems, progress)
    except ImportFileError as e:
        return [], ProblemList.of(Problem(str(e)))
    return rows, problems
