"""The columns of each kind of election import, and the template workbooks built from them.

Titles are translated (the template is written in the active language) and recognised in every
language of the site and as their keys. The choice columns (gender, education, committee, post,
yes / no) also take the words a street office writes in its own sheets (男, 本科, 居委会, 书记 …):
they are the vocabulary of the forms this import replaces, kept here as data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from communities.import_columns import NO, YES, normalise

from ..models import Education, ElectionImport, Gender, Post, SeatRule

CTX = "election import column"
TEMPLATE_ROWS = 1000  # rows of the template that carry the drop-downs
VOTES_MAX = 10_000_000

Kind = ElectionImport.Kind
Body = SeatRule.Body


@dataclass(frozen=True)
class Choice:
    """One value of a choice column: what is stored, what the template shows, other spellings."""

    value: Any
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    key: str
    title: Promise
    kind: str  # "text", "date", "id_number", "count", "choice" or "yes_no"
    help: Promise
    required: bool = False
    max_length: int = 0
    choices: tuple[Choice, ...] = ()
    example: Callable[[], Any] | None = None


GENDERS = (
    Choice(Gender.MALE, "男", ("男性", "male", "m")),
    Choice(Gender.FEMALE, "女", ("女性", "female", "f")),
)
EDUCATIONS = (
    Choice(Education.PRIMARY, "小学及以下", ("小学", "文盲", "primary")),
    Choice(Education.JUNIOR, "初中", ("junior",)),
    Choice(Education.SENIOR, "高中/中专", ("高中", "中专", "中职", "职高", "技校", "senior")),
    Choice(Education.COLLEGE, "大专", ("专科", "高职", "college")),
    Choice(Education.BACHELOR, "本科", ("大学本科", "学士", "bachelor")),
    Choice(Education.POSTGRADUATE, "研究生", ("硕士", "博士", "硕士研究生", "postgraduate")),
)
# 居委会 in a community electing under the villagers' rules is its villagers' committee: the
# check puts each row on the committee the community's election track gives it
BODIES = (
    Choice(Body.PARTY, "党组织", ("党委", "党总支", "党支部", "社区党组织", "party")),
    Choice(Body.RESIDENTS, "居委会", ("居民委员会", "residents")),
    Choice(Body.VILLAGERS, "村委会", ("村民委员会", "villagers")),
)
POSTS = (
    Choice(Post.SECRETARY, "书记", ("党组织书记", "党委书记", "党总支书记", "党支部书记")),
    Choice(Post.DEPUTY_SECRETARY, "副书记", ("党组织副书记",)),
    Choice(Post.DIRECTOR, "主任", ("居委会主任", "村委会主任")),
    Choice(Post.DEPUTY_DIRECTOR, "副主任", ("居委会副主任", "村委会副主任")),
    Choice(Post.MEMBER, "委员", ("成员",)),
)
# what the committee column takes: 村委会 is read as the community's elected committee too
BODY_CHOICES = (
    BODIES[0],
    Choice(
        Body.RESIDENTS,
        "居委会",
        ("居民委员会", "村委会", "村民委员会", "residents", "villagers"),
    ),
)
PARTY_POSTS = {Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.MEMBER}
RESIDENTS_POSTS = {Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER}
YES_NO = (
    Choice(True, "是", ("yes", "y", "true", "1")),
    Choice(False, "否", ("no", "n", "false", "0")),
)


def _person_columns() -> list[Column]:
    """Where and who: street, community, committee, then the person (name to ethnicity)."""
    return [
        Column(
            "street",
            pgettext_lazy(CTX, "Street"),
            "text",
            pgettext_lazy(
                CTX, "The street (or township) of the community, as the system names it."
            ),
            required=True,
            max_length=60,
            example=lambda: "东湖街道",
        ),
        Column(
            "community",
            pgettext_lazy(CTX, "Community"),
            "text",
            pgettext_lazy(CTX, "The community, as the system names it."),
            required=True,
            max_length=60,
            example=lambda: "柳岸社区",
        ),
        Column(
            "body",
            pgettext_lazy(CTX, "Committee"),
            "choice",
            pgettext_lazy(
                CTX,
                "党组织 for the Party organisation; 居委会 (or 村委会) for the residents' or "
                "villagers' committee.",
            ),
            required=True,
            choices=BODY_CHOICES,
            example=lambda: "居委会",
        ),
        Column(
            "name",
            pgettext_lazy(CTX, "Name"),
            "text",
            pgettext_lazy(CTX, "Full name."),
            required=True,
            max_length=60,
            example=lambda: "张晓梅",
        ),
        Column(
            "gender",
            pgettext_lazy(CTX, "Gender"),
            "choice",
            pgettext_lazy(CTX, "男 or 女."),
            required=True,
            choices=GENDERS,
            example=lambda: "女",
        ),
        Column(
            "birth_date",
            pgettext_lazy(CTX, "Date of birth"),
            "date",
            pgettext_lazy(CTX, "A date, such as 1985-03-12."),
            required=True,
            example=lambda: "1985-03-12",
        ),
        Column(
            "education",
            pgettext_lazy(CTX, "Education"),
            "choice",
            pgettext_lazy(CTX, "The highest level completed; pick it from the list."),
            required=True,
            choices=EDUCATIONS,
            example=lambda: "本科",
        ),
        Column(
            "party_member",
            pgettext_lazy(CTX, "Party member"),
            "yes_no",
            pgettext_lazy(CTX, "是 or 否; empty means 否."),
            choices=YES_NO,
            example=lambda: "是",
        ),
        Column(
            "ethnicity",
            pgettext_lazy(CTX, "Ethnicity"),
            "text",
            pgettext_lazy(CTX, "Such as 汉族 or 回族; empty means 汉族."),
            max_length=20,
            example=lambda: "汉族",
        ),
    ]


PERSON = _person_columns()
PLACE = PERSON[:3]  # street, community, committee
NAME, BIRTH_DATE = PERSON[3], PERSON[5]


NOMINEE_COLUMNS = [
    *PERSON,
    Column(
        "current_post",
        pgettext_lazy(CTX, "Current post"),
        "text",
        pgettext_lazy(CTX, "The nominee's post now, as free text; may be left empty."),
        max_length=60,
        example=lambda: "社区居委会委员",
    ),
    Column(
        "is_incumbent",
        pgettext_lazy(CTX, "Standing again"),
        "yes_no",
        pgettext_lazy(CTX, "是 for a member of the outgoing committee; empty means 否."),
        choices=YES_NO,
        example=lambda: "是",
    ),
    Column(
        "post_sought",
        pgettext_lazy(CTX, "Post stood for"),
        "choice",
        pgettext_lazy(
            CTX,
            "书记 or 副书记 (Party organisation), 主任 or 副主任 (residents' committee), or 委员; "
            "empty means 委员.",
        ),
        choices=POSTS,
        example=lambda: "副主任",
    ),
    Column(
        "id_number",
        pgettext_lazy(CTX, "ID number"),
        "id_number",
        pgettext_lazy(
            CTX,
            "Optional: the 18-character resident ID number. Pages show only its last four "
            "characters.",
        ),
        max_length=18,
    ),
    Column(
        "nominated_on",
        pgettext_lazy(CTX, "Nominated on"),
        "date",
        pgettext_lazy(CTX, "A date, such as 2026-11-20; may be left empty."),
        example=lambda: "2026-11-20",
    ),
    Column(
        "nominated_by",
        pgettext_lazy(CTX, "Nominated by"),
        "text",
        pgettext_lazy(CTX, "How the nominee was put forward, such as 组织推荐 or 居民联名推荐."),
        max_length=60,
        example=lambda: "组织推荐",
    ),
]

PREVIOUS_TERM_COLUMNS = [
    *PERSON,
    Column(
        "post",
        pgettext_lazy(CTX, "Post"),
        "choice",
        pgettext_lazy(CTX, "书记, 副书记, 主任, 副主任 or 委员."),
        required=True,
        choices=POSTS,
        example=lambda: "书记",
    ),
    Column(
        "started_on",
        pgettext_lazy(CTX, "Term started on"),
        "date",
        pgettext_lazy(
            CTX, "The day the member took office, such as 2021-11-28; may be left empty."
        ),
        example=lambda: "2021-11-28",
    ),
]


def _count(key: str, title: Promise, example: int) -> Column:
    return Column(
        key,
        title,
        "count",
        pgettext_lazy(CTX, "A whole number of 0 or more."),
        required=True,
        example=lambda: example,
    )


ROUNDS = (
    Choice("first", "首次选举", ("首轮", "第一轮", "first")),
    Choice("runoff", "另行选举", ("runoff",)),
    Choice("new", "重新选举", ("new",)),
)

ROUND_COLUMN = Column(
    "round",
    pgettext_lazy(CTX, "Round"),
    "choice",
    pgettext_lazy(CTX, "首次选举, 另行选举 or 重新选举; empty means 首次选举."),
    choices=ROUNDS,
    example=lambda: "首次选举",
)

RESULT_COLUMNS = [
    *PLACE,
    ROUND_COLUMN,
    Column(
        "held_on",
        pgettext_lazy(CTX, "Held on"),
        "date",
        pgettext_lazy(CTX, "The day of the vote, such as 2027-01-10."),
        required=True,
        example=lambda: "2027-01-10",
    ),
    _count("registered_voters", pgettext_lazy(CTX, "Registered voters"), 8600),
    _count("ballots_issued", pgettext_lazy(CTX, "Ballots issued"), 7000),
    _count("ballots_returned", pgettext_lazy(CTX, "Ballots returned"), 6900),
    _count("valid_ballots", pgettext_lazy(CTX, "Valid ballots"), 6850),
    _count("invalid_ballots", pgettext_lazy(CTX, "Invalid ballots"), 50),
    _count("seats_to_fill", pgettext_lazy(CTX, "Seats to fill"), 7),
]

VOTE_COLUMNS = [
    *PLACE,
    ROUND_COLUMN,
    NAME,
    BIRTH_DATE,
    _count("votes", pgettext_lazy(CTX, "Votes"), 5200),
]


@dataclass(frozen=True)
class SheetSpec:
    title: Promise
    columns: list[Column]


@dataclass(frozen=True)
class KindSpec:
    """What a kind of import reads: its data sheets, in order, and its file name."""

    sheets: list[SheetSpec] = field(default_factory=list)
    filename: Promise | None = None
    intro: Promise | None = None


KINDS: dict[str, KindSpec] = {
    Kind.NOMINEES: KindSpec(
        [SheetSpec(pgettext_lazy(CTX, "Nominees"), NOMINEE_COLUMNS)],
        pgettext_lazy(CTX, "nominees-template.xlsx"),
        pgettext_lazy(
            CTX,
            "One nominee per row: the import adds them to the register as nominees. A person "
            "already registered for the same committee of the same community (same name and date "
            "of birth) is refused.",
        ),
    ),
    Kind.RESULTS: KindSpec(
        [
            SheetSpec(pgettext_lazy(CTX, "Ballots"), RESULT_COLUMNS),
            SheetSpec(pgettext_lazy(CTX, "Votes received"), VOTE_COLUMNS),
        ],
        pgettext_lazy(CTX, "results-template.xlsx"),
        pgettext_lazy(
            CTX,
            "First sheet: one row per community, committee and round with the ballot figures. "
            "Second sheet: one row per candidate of that round with the votes received. The "
            "candidates must be in the register.",
        ),
    ),
    Kind.PREVIOUS_TERM: KindSpec(
        [SheetSpec(pgettext_lazy(CTX, "Previous term"), PREVIOUS_TERM_COLUMNS)],
        pgettext_lazy(CTX, "previous-term-template.xlsx"),
        pgettext_lazy(
            CTX,
            "One member of the outgoing committees per row: the term this campaign replaces. A "
            "member already recorded on the same committee (same name and date of birth) is "
            "refused.",
        ),
    ),
}


def _in_every_language(label: Any) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(normalise(label))
    return names


def header_aliases(columns: list[Column]) -> dict[str, str]:
    aliases = {}
    for column in columns:
        aliases[normalise(column.key)] = column.key
        for title in _in_every_language(column.title):
            aliases[title] = column.key
    return aliases


def value_aliases(column: Column) -> dict[str, Any]:
    aliases: dict[str, Any] = {}
    for choice in column.choices:
        for spelling in (str(choice.value), choice.label, *choice.aliases):
            aliases[normalise(spelling)] = choice.value
    if column.kind == "yes_no":
        for value, label in ((True, YES), (False, NO)):
            for name in _in_every_language(label):
                aliases[name] = value
    return aliases


def choice_labels(column: Column) -> list[str]:
    return [choice.label for choice in column.choices]


def label_of(choices: tuple[Choice, ...], value: Any) -> str:
    for choice in choices:
        if choice.value == value:
            return choice.label
    return str(value)


def _example(column: Column) -> Any:
    value = column.example() if column.example else ""
    return str(value) if isinstance(value, Promise) else value


def template_workbook(kind: str) -> BytesIO:
    """The template of `kind` in the active language: for each data sheet the titles, one
    example row and the drop-downs; then a 说明 sheet explaining every column."""
    spec = KINDS[kind]
    workbook = Workbook()
    bold = Font(bold=True)
    for number, sheet_spec in enumerate(spec.sheets):
        sheet = workbook.worksheets[0] if number == 0 else workbook.create_sheet()
        sheet.title = str(sheet_spec.title)
        columns = sheet_spec.columns
        sheet.append([str(c.title) for c in columns])
        sheet.append([_example(c) for c in columns])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.cell(row=1, column=index).font = bold
            sheet.column_dimensions[letter].width = max(12, len(str(column.title)) * 2 + 4)
            if column.kind in {"choice", "yes_no"}:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(choice_labels(column)) + '"',
                    allow_blank=not column.required,
                    showErrorMessage=True,
                )
                validation.error = _("Pick a value from the list.")
                validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
                sheet.add_data_validation(validation)
            elif column.kind in {"date", "id_number"}:
                # kept as text, so that Excel neither reformats dates nor rounds an ID number
                for row in range(2, TEMPLATE_ROWS + 2):
                    sheet.cell(row=row, column=index).number_format = "@"
        sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(str(pgettext_lazy(CTX, "Notes")))
    help_sheet.append([_("Column"), _("Required"), _("What to enter")])
    for index in range(1, 4):
        help_sheet.cell(row=1, column=index).font = bold
    if spec.intro:
        help_sheet.append([str(spec.intro)])
    for sheet_spec in spec.sheets:
        help_sheet.append([])
        help_sheet.append([str(sheet_spec.title)])
        help_sheet.cell(row=help_sheet.max_row, column=1).font = bold
        for column in sheet_spec.columns:
            help_sheet.append(
                [str(column.title), str(YES if column.required else NO), str(column.help)]
            )
    help_sheet.append([])
    help_sheet.append(
        [
            str(
                pgettext_lazy(
                    CTX,
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
PREVIEW_COLUMNS: dict[str, list[tuple[str, Promise]]] = {
    Kind.NOMINEES: [
        ("street", pgettext_lazy(CTX, "Street")),
        ("community", pgettext_lazy(CTX, "Community")),
        ("body", pgettext_lazy(CTX, "Committee")),
        ("name", pgettext_lazy(CTX, "Name")),
        ("birth_date", pgettext_lazy(CTX, "Date of birth")),
        ("post", pgettext_lazy(CTX, "Post stood for")),
        ("id_number", pgettext_lazy(CTX, "ID number")),
    ],
    Kind.PREVIOUS_TERM: [
        ("street", pgettext_lazy(CTX, "Street")),
        ("community", pgettext_lazy(CTX, "Community")),
        ("body", pgettext_lazy(CTX, "Committee")),
        ("name", pgettext_lazy(CTX, "Name")),
        ("birth_date", pgettext_lazy(CTX, "Date of birth")),
        ("post", pgettext_lazy(CTX, "Post")),
    ],
    Kind.RESULTS: [
        ("street", pgettext_lazy(CTX, "Street")),
        ("community", pgettext_lazy(CTX, "Community")),
        ("body", pgettext_lazy(CTX, "Committee")),
        ("round", pgettext_lazy(CTX, "Round")),
        ("valid_ballots", pgettext_lazy(CTX, "Valid ballots")),
        ("seats_to_fill", pgettext_lazy(CTX, "Seats to fill")),
    ],
}
