"""The columns of the community import, and the template workbook built from them.

A column has a key (the field it fills), a translated title, a kind of value and a help text for
the template's second sheet. Titles and the yes/no and choice values are recognised in every
language of the site and as their English values, so a file filled in Chinese imports the same
when the office works in English.
"""

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .models import Committee, Community, Street

SEATS_MIN, SEATS_MAX = 0, 99
COUNT_MAX = 2_147_483_647  # the database's positive integer bound
TEMPLATE_ROWS = 1000  # rows of the template that carry the drop-downs

YES = pgettext_lazy("yes or no answer", "yes")
NO = pgettext_lazy("yes or no answer", "no")


def normalise(value: Any) -> str:
    """Compare titles and values without case or extra spaces."""
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class Column:
    key: str
    title: Promise
    kind: str  # "text", "count", "seats", "choice" or "yes_no"
    help: Promise
    required: bool = False
    max_length: int = 0
    choices: Callable[[], list[tuple[str, Any]]] | None = None
    example: Callable[[], Any] | None = None


def _kind_choices() -> list[tuple[str, Any]]:
    return list(Community.Kind.choices)


def _party_choices() -> list[tuple[str, Any]]:
    return list(Committee.PartyType.choices)


def _max_length(model: type[Community] | type[Street], name: str) -> int:
    return int(getattr(model._meta.get_field(name), "max_length", 0) or 0)


COLUMNS = [
    Column(
        "street",
        gettext_lazy("Street"),
        "text",
        gettext_lazy(
            "Name of the street or township. A street that the district does not have yet is "
            "created by the import."
        ),
        required=True,
        max_length=_max_length(Street, "name"),
        example=lambda: _("Example Street"),
    ),
    Column(
        "name",
        gettext_lazy("Community name"),
        "text",
        gettext_lazy(
            "Name of the community. It must be new in its street: the import creates communities, "
            "it never changes existing ones."
        ),
        required=True,
        max_length=_max_length(Community, "name"),
        example=lambda: _("Example Community"),
    ),
    Column(
        "kind",
        gettext_lazy("Kind"),
        "choice",
        gettext_lazy("City community or village-converted community; pick it from the list."),
        required=True,
        choices=_kind_choices,
        example=lambda: Community.Kind.VILLAGE_CONVERTED.label,
    ),
    Column(
        "is_reform_finished",
        gettext_lazy("Collective reform finished"),
        "yes_no",
        gettext_lazy(
            "Whether the collective-economy property reform is finished (yes or no; empty means "
            "no). An unreformed village-converted community elects under the villagers' rules."
        ),
        example=lambda: NO,
    ),
    Column(
        "population",
        gettext_lazy("Resident population"),
        "count",
        gettext_lazy("A whole number of 0 or more; may be left empty."),
        example=lambda: 12000,
    ),
    Column(
        "households",
        gettext_lazy("Households"),
        "count",
        gettext_lazy("A whole number of 0 or more; may be left empty."),
        example=lambda: 4100,
    ),
    Column(
        "registered_voters",
        gettext_lazy("Registered voters"),
        "count",
        gettext_lazy("A whole number of 0 or more; may be left empty."),
        example=lambda: 8600,
    ),
    Column(
        "is_demolition_underway",
        gettext_lazy("Demolition under way"),
        "yes_no",
        gettext_lazy("Yes or no; empty means no."),
        example=lambda: YES,
    ),
    Column(
        "is_difficult",
        gettext_lazy("Difficult community"),
        "yes_no",
        gettext_lazy("Whether it is a difficult community (yes or no; empty means no)."),
        example=lambda: YES,
    ),
    Column(
        "difficult_reason",
        gettext_lazy("Why difficult"),
        "text",
        gettext_lazy("Required when the community is difficult; ignored otherwise."),
        max_length=_max_length(Community, "difficult_reason"),
        example=lambda: _("Demolition disputes and many petitions"),
    ),
    Column(
        "party_type",
        gettext_lazy("Party organisation type"),
        "choice",
        gettext_lazy(
            "Party committee, general party branch or party branch; pick it from the list."
        ),
        required=True,
        choices=_party_choices,
        example=lambda: Committee.PartyType.GENERAL_BRANCH.label,
    ),
    Column(
        "party_seats",
        gettext_lazy("Party committee seats"),
        "seats",
        gettext_lazy(
            "Current seats of the party organisation's committee, a whole number 0 to 99."
        ),
        required=True,
        example=lambda: 7,
    ),
    Column(
        "residents_seats",
        gettext_lazy("Residents' committee seats"),
        "seats",
        gettext_lazy(
            "Current seats of the residents' (or villagers') committee, a whole number 0 to 99."
        ),
        required=True,
        example=lambda: 7,
    ),
]


def _in_every_language(label: Any) -> set[str]:
    """The label as written in each language of the site."""
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(normalise(label))
    return names


def header_aliases() -> dict[str, str]:
    aliases = {}
    for column in COLUMNS:
        aliases[normalise(column.key)] = column.key
        for title in _in_every_language(column.title):
            aliases[title] = column.key
    return aliases


def value_aliases(column: Column) -> dict[str, Any]:
    if column.kind == "yes_no":
        pairs: list[tuple[Any, Any]] = [(True, YES), (False, NO)]
    else:
        pairs = list(column.choices()) if column.choices else []
    aliases: dict[str, Any] = {}
    for value, label in pairs:
        aliases[normalise(value)] = value
        for name in _in_every_language(label):
            aliases[name] = value
    return aliases


def choice_labels(column: Column) -> list[str]:
    if column.kind == "yes_no":
        return [str(YES), str(NO)]
    return [str(label) for _value, label in (column.choices() if column.choices else [])]


def _example(column: Column) -> Any:
    value = column.example() if column.example else ""
    return str(value) if isinstance(value, Promise) else value


def import_template_workbook() -> BytesIO:
    """The import template in the active language: titles, one example row, drop-downs, help."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = _("Communities")
    bold = Font(bold=True)
    sheet.append([str(c.title) for c in COLUMNS])
    sheet.append([_example(c) for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = bold
        sheet.column_dimensions[letter].width = max(12, len(str(column.title)) * 2 + 2)
        if column.kind in {"choice", "yes_no"}:
            labels = [label.replace(",", " ") for label in choice_labels(column)]
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(labels).replace('"', "") + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
            )
            validation.error = _("Pick a value from the list.")
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
        elif column.kind in {"count", "seats"}:
            validation = DataValidation(
                type="whole",
                operator="between",
                formula1=str(SEATS_MIN if column.kind == "seats" else 0),
                formula2=str(SEATS_MAX if column.kind == "seats" else COUNT_MAX),
                allow_blank=not column.required,
                showErrorMessage=True,
            )
            validation.error = _("Enter a whole number in the allowed range.")
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet(_("How to fill in"))
    help_sheet.append([_("Column"), _("Required"), _("What to enter")])
    for index in range(1, 4):
        help_sheet.cell(row=1, column=index).font = bold
    for column in COLUMNS:
        help_sheet.append(
            [str(column.title), str(YES if column.required else NO), str(column.help)]
        )
    help_sheet.append([])
    help_sheet.append(
        [
            _(
                "Fill in one community per row on the first sheet, below the titles; replace the "
                "example row. Keep the titles as they are. Upload the file as .xlsx; nothing is "
                "saved until you confirm the preview."
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
