"""The columns of the two kinds of audit import (engagements, findings) and their templates.

Built on the election import's columns (`election.importing.columns`): the same Column and
Choice, the street and community columns themselves, titles recognised in every language of the
site and as their keys, and a 说明 sheet explaining every column.
"""

from io import BytesIO
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from communities.import_columns import NO, YES
from election.importing.columns import (
    PLACE,
    TEMPLATE_ROWS,
    Choice,
    Column,
    KindSpec,
    SheetSpec,
    choice_labels,
)

from ..models import Engagement
from ..models_imports import AuditImport

CTX = "audit import column"
AMOUNT_MAX = 10**12  # yuan: the model keeps 14 digits, 2 of them decimals

Kind = AuditImport.Kind

STREET, COMMUNITY = PLACE[0], PLACE[1]

AUDIT_KINDS = (
    Choice(
        Engagement.Kind.DEPARTURE,
        "离任",
        ("离任审计", "离任经济责任审计", "任期和离任经济责任审计", "任期经济责任审计", "departure"),
    ),
    Choice(
        Engagement.Kind.FINANCE,
        "财务收支",
        ("财务收支审计", "收支审计", "财务审计", "finance"),
    ),
)

KIND_COLUMN = Column(
    "kind",
    pgettext_lazy(CTX, "Audit type"),
    "choice",
    pgettext_lazy(
        CTX,
        "离任 for the term and departure economic-responsibility audit; 财务收支 for the audit of "
        "the committee's income and spending.",
    ),
    required=True,
    choices=AUDIT_KINDS,
    example=lambda: "离任",
)


def _date(key: str, title: Promise, help_text: Promise, example: str, required: bool) -> Column:
    return Column(key, title, "date", help_text, required=required, example=lambda: example)


ENGAGEMENT_COLUMNS = [
    STREET,
    COMMUNITY,
    KIND_COLUMN,
    Column(
        "firm",
        pgettext_lazy(CTX, "Audit firm"),
        "text",
        pgettext_lazy(
            CTX,
            "The firm's name exactly as the district's list of audit firms has it; add the firm "
            "there first.",
        ),
        required=True,
        max_length=100,
        example=lambda: "明信会计师事务所",
    ),
    _date(
        "engaged_on",
        pgettext_lazy(CTX, "Engaged on"),
        pgettext_lazy(CTX, "The day the firm was engaged, such as 2026-09-01."),
        "2026-09-01",
        True,
    ),
    _date(
        "fieldwork_started_on",
        pgettext_lazy(CTX, "Fieldwork started on"),
        pgettext_lazy(CTX, "The day the auditors arrived; may be left empty."),
        "2026-09-10",
        False,
    ),
    _date(
        "fieldwork_ended_on",
        pgettext_lazy(CTX, "Audit ended on"),
        pgettext_lazy(CTX, "The day the fieldwork ended; needs the day it started."),
        "2026-09-25",
        False,
    ),
    _date(
        "draft_received_on",
        pgettext_lazy(CTX, "Draft report on"),
        pgettext_lazy(CTX, "The day the draft report was received; may be left empty."),
        "2026-10-08",
        False,
    ),
    _date(
        "report_received_on",
        pgettext_lazy(CTX, "Report on"),
        pgettext_lazy(CTX, "The day the final report was received; may be left empty."),
        "2026-10-20",
        False,
    ),
    Column(
        "subjects",
        pgettext_lazy(CTX, "Audited officials"),
        "text",
        pgettext_lazy(
            CTX,
            "The outgoing officials the audit covers, separated by 、 (required for a 离任 audit).",
        ),
        max_length=300,
        example=lambda: "王建国、李秀兰",
    ),
    Column(
        "posts",
        pgettext_lazy(CTX, "Posts"),
        "text",
        pgettext_lazy(
            CTX,
            "Their posts in the same order, separated by 、; one post applies to every official.",
        ),
        max_length=300,
        example=lambda: "党委书记、居委会主任",
    ),
]

FINDING_COLUMNS = [
    STREET,
    COMMUNITY,
    KIND_COLUMN,
    Column(
        "category",
        pgettext_lazy(CTX, "Finding category"),
        "text",
        pgettext_lazy(CTX, "One of the district's finding categories, as the system names it."),
        required=True,
        max_length=60,
        example=lambda: "财务管理不规范",
    ),
    Column(
        "amount",
        pgettext_lazy(CTX, "Amount (yuan)"),
        "amount",
        pgettext_lazy(CTX, "The amount involved in yuan, such as 12800.50; may be left empty."),
        example=lambda: "12800.50",
    ),
    Column(
        "description",
        pgettext_lazy(CTX, "Description of the finding"),
        "text",
        pgettext_lazy(CTX, "What the audit report says was wrong."),
        required=True,
        max_length=2000,
        example=lambda: "部分支出凭证缺少经办人签字",
    ),
    Column(
        "person",
        pgettext_lazy(CTX, "Person concerned"),
        "text",
        pgettext_lazy(CTX, "Who was responsible; may be left empty."),
        max_length=60,
        example=lambda: "王建国",
    ),
    Column(
        "action",
        pgettext_lazy(CTX, "Rectification measure"),
        "text",
        pgettext_lazy(
            CTX,
            "What must be put right; with it, the rectification owner and deadline are required. "
            "Empty: no rectification item.",
        ),
        max_length=2000,
        example=lambda: "补齐签字手续并建立报销审核制度",
    ),
    Column(
        "owner",
        pgettext_lazy(CTX, "Rectification owner"),
        "text",
        pgettext_lazy(CTX, "Who must put it right."),
        max_length=60,
        example=lambda: "李秀兰",
    ),
    _date(
        "deadline",
        pgettext_lazy(CTX, "Rectification deadline"),
        pgettext_lazy(CTX, "By when, such as 2026-12-31."),
        "2026-12-31",
        False,
    ),
]

KINDS: dict[str, KindSpec] = {
    Kind.ENGAGEMENTS: KindSpec(
        [SheetSpec(pgettext_lazy(CTX, "Audit engagements"), ENGAGEMENT_COLUMNS)],
        pgettext_lazy(CTX, "audit-engagements-template.xlsx"),
        pgettext_lazy(
            CTX,
            "One audit per row: a community's audit of one type by one of the district's firms, "
            "with its dates and the officials it covers. A community that already has an audit "
            "of that type is refused; its state follows the dates filled in.",
        ),
    ),
    Kind.FINDINGS: KindSpec(
        [SheetSpec(pgettext_lazy(CTX, "Audit findings"), FINDING_COLUMNS)],
        pgettext_lazy(CTX, "audit-findings-template.xlsx"),
        pgettext_lazy(
            CTX,
            "One finding per row, on the community's audit of that type (record or import the "
            "audit first); a rectification measure opens a rectification item.",
        ),
    ),
}


def _example(column: Column) -> Any:
    value = column.example() if column.example else ""
    return str(value) if isinstance(value, Promise) else value


def template_workbook(kind: str) -> BytesIO:
    """The template of `kind` in the active language: the titles, one example row and the
    drop-downs; then a 说明 sheet explaining every column."""
    spec = KINDS[kind]
    workbook = Workbook()
    bold = Font(bold=True)
    sheet = workbook.worksheets[0]
    sheet_spec = spec.sheets[0]
    sheet.title = str(sheet_spec.title)
    columns = sheet_spec.columns
    sheet.append([str(c.title) for c in columns])
    sheet.append([_example(c) for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = bold
        sheet.column_dimensions[letter].width = max(12, len(str(column.title)) * 2 + 4)
        if column.kind == "choice":
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choice_labels(column)) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
            )
            validation.error = _("Pick a value from the list.")
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
        elif column.kind == "date":
            # kept as text, so that Excel does not reformat the dates
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(str(pgettext_lazy("election import column", "Notes")))
    help_sheet.append([_("Column"), _("Required"), _("What to enter")])
    for index in range(1, 4):
        help_sheet.cell(row=1, column=index).font = bold
    if spec.intro:
        help_sheet.append([str(spec.intro)])
    help_sheet.append([])
    for column in columns:
        help_sheet.append(
            [str(column.title), str(YES if column.required else NO), str(column.help)]
        )
    help_sheet.append([])
    help_sheet.append(
        [
            str(
                pgettext_lazy(
                    "election import column",
                    "Replace the example row; keep the titles as they are. Upload the file as "
                    ".xlsx: it is checked first and nothing is saved until you confirm.",
                )
            )
        ]
    )
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 90
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


# what the preview lists of each kind's rows (the keys the checks store), in order
def _titles(columns: list[Column], *keys: str) -> list[tuple[str, Promise]]:
    by_key = {c.key: c.title for c in columns}
    return [(key, by_key[key]) for key in keys]


PREVIEW_COLUMNS: dict[str, list[tuple[str, Promise]]] = {
    Kind.ENGAGEMENTS: [
        *_titles(ENGAGEMENT_COLUMNS, "street", "community", "kind", "firm", "engaged_on"),
        ("state", pgettext_lazy(CTX, "State")),
        *_titles(ENGAGEMENT_COLUMNS, "subjects"),
    ],
    Kind.FINDINGS: _titles(
        FINDING_COLUMNS,
        "street",
        "community",
        "kind",
        "category",
        "amount",
        "description",
        "deadline",
    ),
}
