"""The change history of one report and its case: who changed what, and when.

Read from the history tables of the report and the case (the officers on the case are the case's
many-to-many history) and from the case's entries, which have no history of their own: an entry
is added once and never edited, so its row says who added it and when. A fixed number of queries,
whatever the number of changes.

The identity fields are not in the history tables; this page also never shows the text of the
report, of an entry, nor the measures and the reply (named as changed, their values left out).
Call only after `can_see_identity`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import pgettext_lazy

from accounts.models import User
from core.history import reason_label

from ..models import Case, CaseEntry, Report

# the report's and the case's columns a change is shown for, old → new
REPORT_FIELDS = ("state", "channel", "category", "received_at", "open_due_on")
CASE_FIELDS = ("stage", "due_on", "opened_at", "outcome", "concluded_at")
# confidential to the case: their change is named, their values are not shown
CASE_HIDDEN_FIELDS = ("measures", "reply")
OFFICERS = "officers"

REASONS = {
    "report received": pgettext_lazy("discipline", "report received"),
    "case opened": pgettext_lazy("discipline", "case opened"),
    "officers changed": pgettext_lazy("discipline", "officers changed"),
    "investigation started": pgettext_lazy("discipline", "investigation started"),
    "case concluded": pgettext_lazy("discipline", "case concluded"),
}
ENTRY_ADDED = pgettext_lazy("discipline", "case entry added")
# "report" alone is the audit report's word
REPORT = pgettext_lazy("discipline", "Report")


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    hidden: bool = False  # confidential: the values are not shown


@dataclass
class HistoryRow:
    at: datetime
    user: User | None
    subject: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    order: tuple[int, int] = (0, 0)  # the table and the row, for changes at the same moment


def _reason(code: str | None) -> str:
    if code in REASONS:
        return str(REASONS[code])
    return reason_label(code)


def _shown(model: type[Any], name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return date_format(value, "Y-m-d")
    return str(value)


def _state(record: Any, names: Sequence[str], officers: dict[int, str] | None) -> dict[str, Any]:
    state = {name: getattr(record, name) for name in names}
    if officers is not None:
        state[OFFICERS] = officers.get(record.history_id, "")
    return state


def _changes(model: type[Any], old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    changes = []
    for name, value in new.items():
        before = old.get(name) if old is not None else None
        if before == value or (old is None and value in (None, "")):
            continue
        label = str(model._meta.get_field(name).verbose_name)
        if name in CASE_HIDDEN_FIELDS:
            changes.append(Change(label, "", "", hidden=True))
        elif name == OFFICERS:
            changes.append(Change(label, before or "—", value or "—"))
        else:
            changes.append(Change(label, _shown(model, name, before), _shown(model, name, value)))
    return changes


def _rows(
    model: type[Any],
    records: Iterable[Any],
    names: Sequence[str],
    *,
    table: int,
    officers: dict[int, str] | None = None,
) -> list[HistoryRow]:
    """One row per change of one object, oldest first. A service call bumps the version once but
    may write several records (the case saved, then one per change of its officers): records
    of the same version, user and reason are one row. A record that changed nothing shown is
    left out, except the creation."""
    rows: list[HistoryRow] = []
    subject = str(REPORT if model is Report else model._meta.verbose_name)
    before: dict[str, Any] | None = None  # the state before the row being built
    state: dict[str, Any] | None = None
    last: Any = None
    for record in records:
        new = _state(record, names, officers)
        same = (
            last is not None
            and record.version == last.version
            and record.history_user_id == last.history_user_id
            and record.history_change_reason == last.history_change_reason
        )
        if same and rows:
            rows[-1].changes = _changes(model, before, new)
        else:
            before = state
            rows.append(
                HistoryRow(
                    at=record.history_date,
                    user=record.history_user,
                    subject=subject,
                    reason=_reason(record.history_change_reason),
                    changes=_changes(model, before, new),
                    order=(table, record.history_id),
                )
            )
            if before is None:
                rows[-1].reason = rows[-1].reason or str(record.get_history_type_display())
        state, last = new, record
    return [row for i, row in enumerate(rows) if row.changes or i == 0]


def _officer_names(records: Iterable[Any]) -> dict[int, str]:
    names = {}
    for record in records:
        users = sorted(str(row.user) for row in record.historicalcase_officers_set.all())
        names[record.history_id] = "、".join(users)
    return names


def report_history(report: Report) -> list[HistoryRow]:
    """The report's and its case's changes, newest first: the report received and its state,
    the case opened, its officers, its stage, its conclusion, and each entry added (4 queries)."""
    report_records = list(
        Report.history.filter(id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    officer_rows = Case.history.model._meta.get_field(
        "historicalcase_officers"
    ).related_model.objects.select_related("user")
    case_records = list(
        Case.history.filter(report_id=report.pk)
        .select_related("history_user")
        .prefetch_related(Prefetch("historicalcase_officers_set", queryset=officer_rows))
        .order_by("history_date", "history_id")
    )
    entries = list(
        CaseEntry.objects.filter(case__report_id=report.pk)
        .select_related("created_by")
        .only("created_at", "kind", "created_by")
        .order_by("created_at", "pk")
    )
    rows = _rows(Report, report_records, REPORT_FIELDS, table=1)
    rows += _rows(
        Case,
        case_records,
        CASE_FIELDS + CASE_HIDDEN_FIELDS,
        table=2,
        officers=_officer_names(case_records),
    )
    kind = CaseEntry._meta.get_field("kind")
    for entry in entries:
        rows.append(
            HistoryRow(
                at=entry.created_at,
                user=entry.created_by,
                subject=str(CaseEntry._meta.verbose_name),
                reason=str(ENTRY_ADDED),
                changes=[Change(str(kind.verbose_name), "—", entry.get_kind_display())],
                order=(3, entry.pk),
            )
        )
    rows.sort(key=lambda row: (row.at, row.order), reverse=True)
    return rows
