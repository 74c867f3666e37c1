"""The part of the check that reads the district: the communities and plans the rows name, the
importer's scope, the district's firms and finding categories, and the audits already recorded.
Each kind turns its valid rows into the records the import would create; nothing is written.

Every lookup is one query for the whole file, so a check's queries do not grow with its rows.
"""

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import pgettext

from communities.importing import Problem, ProblemList, problems_merge
from communities.importing.results import value_shown
from communities.models import Community
from communities.permissions import communities_for_user
from core.exceptions import DomainError
from election.importing.columns import Column, label_of
from election.importing.reading import Rows
from election.models import Campaign, CommunityPlan

from ..models import AuditFirm, Engagement, FindingCategory
from ..models_imports import AuditImport
from .columns import AUDIT_KINDS, CTX, ENGAGEMENT_COLUMNS, FINDING_COLUMNS, KIND_COLUMN

Kind = AuditImport.Kind
State = Engagement.State
ROWS_KEPT = 200
_SEPARATORS = re.compile(r"[、，,；;/\n]+")  # noqa: RUF001

ENGAGEMENT = {c.key: c for c in ENGAGEMENT_COLUMNS}
FINDING = {c.key: c for c in FINDING_COLUMNS}
# the dates of an audit, in the order they happen
DATE_KEYS = [
    "engaged_on",
    "fieldwork_started_on",
    "fieldwork_ended_on",
    "draft_received_on",
    "report_received_on",
]


@dataclass
class Checked:
    """What a workbook would do: the records to create, the rows shown in the preview, and the
    problems."""

    records: list[dict[str, Any]] = field(default_factory=list)
    shown: list[dict[str, Any]] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)

    @property
    def is_ok(self) -> bool:
        return not self.problems and bool(self.records)


def engagement_service(name: str) -> Callable[..., Any] | None:
    """A function of the engagements' service (`audits.services.engagements`: the dates' rules,
    the plan's steps that follow the engagements), when it is there."""
    try:
        module = importlib.import_module("audits.services.engagements")
    except ImportError:
        return None
    found = getattr(module, name, None)
    return found if callable(found) else None


def state_from_dates(fields: dict[str, Any]) -> str:
    """How far an audit has gone, from the dates recorded (a posting is never imported)."""
    if fields.get("report_received_on"):
        return State.REPORTED
    if fields.get("draft_received_on"):
        return State.DRAFT
    if fields.get("fieldwork_started_on"):
        return State.FIELDWORK
    return State.ENGAGED


def _add(problems: ProblemList, number: int, column: Column, message: str) -> None:
    problems.add(Problem(message, row=number, column=str(column.title)))


class _Context:
    """The district's communities, plans, firms, categories and audits, and the importer's
    scope, each read once."""

    def __init__(self, audit_import: AuditImport) -> None:
        district_id = audit_import.district_id
        self.places: dict[tuple[str, str], int] = {
            (street, name): pk
            for pk, street, name in Community.objects.filter(
                street__district_id=district_id
            ).values_list("pk", "street__name", "name")
        }
        # each community's plan in the district's latest running campaign
        self.plans: dict[int, int] = {}
        for community_id, plan_id in (
            CommunityPlan.objects.filter(campaign__district_id=district_id)
            .filter(campaign__status=Campaign.Status.RUNNING)
            .order_by("community_id", "-campaign__starts_on", "-campaign_id")
            .values_list("community_id", "pk")
        ):
            self.plans.setdefault(community_id, plan_id)
        self.scope: set[int] | None = None
        if audit_import.street_id is not None:
            self.scope = set(
                communities_for_user(audit_import.created_by, perm="change_community")
                .filter(street__district_id=district_id)
                .values_list("pk", flat=True)
            )
        self.district_id = district_id

    def plan(self, number: int, cells: dict[str, Any], problems: ProblemList) -> int | None:
        """The plan of the community a row names, or None with a problem (the same problem for
        an unknown community and for one outside the importer's scope)."""
        column = ENGAGEMENT["community"]
        community_id = self.places.get((cells["street"], cells["community"]))
        params = {
            "row": number,
            "column": column.title,
            "community": value_shown(cells["community"]),
            "street": value_shown(cells["street"]),
        }
        if self.scope is not None and (community_id is None or community_id not in self.scope):
            _add(
                problems,
                number,
                column,
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: “%(community)s” in “%(street)s” is not a community "
                    "of your street; you may import only your own communities.",
                )
                % params,
            )
            return None
        if community_id is None:
            _add(
                problems,
                number,
                column,
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: the district has no community “%(community)s” in "
                    "“%(street)s”; write both names as the community list shows them.",
                )
                % params,
            )
            return None
        plan_id = self.plans.get(community_id)
        if plan_id is None:
            _add(
                problems,
                number,
                column,
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: “%(community)s” has no plan in a running "
                    "campaign; its audits are recorded on the plan.",
                )
                % params,
            )
        return plan_id


def _shown(number: int, cells: dict[str, Any]) -> dict[str, Any]:
    return {
        "row": number,
        "street": cells["street"],
        "community": cells["community"],
        "kind": label_of(AUDIT_KINDS, cells["kind"]),
    }


def _people(number: int, cells: dict[str, Any], problems: ProblemList) -> list[tuple[str, str]]:
    names = [n.strip() for n in _SEPARATORS.split(cells["subjects"] or "") if n.strip()]
    posts = [p.strip() for p in _SEPARATORS.split(cells["posts"] or "") if p.strip()]
    column = ENGAGEMENT["subjects"]
    params = {"row": number, "column": column.title}
    if not names:
        if cells["kind"] == Engagement.Kind.DEPARTURE:
            _add(
                problems,
                number,
                column,
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: a departure audit names the outgoing officials "
                    "it covers.",
                )
                % params,
            )
        return []
    if len(posts) == 1:
        posts = posts * len(names)
    if len(posts) != len(names):
        _add(
            problems,
            number,
            ENGAGEMENT["posts"],
            pgettext(
                CTX,
                "Row %(row)s, “%(column)s”: give one post for every official (%(names)s "
                "officials, %(posts)s posts), or one post for all.",
            )
            % {
                "row": number,
                "column": ENGAGEMENT["posts"].title,
                "names": len(names),
                "posts": len(posts),
            },
        )
        return []
    too_long = [text for text in (*names, *posts) if len(text) > 60]
    if too_long:
        _add(
            problems,
            number,
            column,
            pgettext(
                CTX,
                "Row %(row)s, “%(column)s”: a name or a post is longer than 60 characters.",
            )
            % params,
        )
        return []
    return list(zip(names, posts, strict=True))


def _dates_in_order(number: int, cells: dict[str, Any], problems: ProblemList) -> None:
    before = problems.count
    today = timezone.localdate()
    previous: tuple[str, date] | None = None
    for key in DATE_KEYS:
        day = cells.get(key)
        if day is None:
            continue
        if day > today:
            _add(
                problems,
                number,
                ENGAGEMENT[key],
                pgettext(CTX, "Row %(row)s, “%(column)s”: %(date)s has not come yet.")
                % {"row": number, "column": ENGAGEMENT[key].title, "date": day.isoformat()},
            )
        elif previous is not None and day < previous[1]:
            _add(
                problems,
                number,
                ENGAGEMENT[key],
                pgettext(
                    CTX, "Row %(row)s, “%(column)s”: %(date)s is before “%(earlier)s” (%(then)s)."
                )
                % {
                    "row": number,
                    "column": ENGAGEMENT[key].title,
                    "date": day.isoformat(),
                    "earlier": ENGAGEMENT[previous[0]].title,
                    "then": previous[1].isoformat(),
                },
            )
        previous = (key, day)
    if cells.get("fieldwork_ended_on") and not cells.get("fieldwork_started_on"):
        _add(
            problems,
            number,
            ENGAGEMENT["fieldwork_started_on"],
            pgettext(
                CTX,
                "Row %(row)s, “%(column)s”: the audit's end is filled in, so its start must "
                "be too.",
            )
            % {"row": number, "column": ENGAGEMENT["fieldwork_started_on"].title},
        )
    dates_check = engagement_service("dates_check")
    if problems.count == before and dates_check is not None:
        # the engagement page's own rules, so that an imported audit can be edited there
        try:
            dates_check(cells)
        except DomainError as e:
            problems.add(
                Problem(
                    pgettext(CTX, "Row %(row)s: %(problem)s") % {"row": number, "problem": e},
                    row=number,
                )
            )


def engagements_check(audit_import: AuditImport, rows: Rows) -> Checked:
    checked = Checked()
    problems = checked.problems
    context = _Context(audit_import)
    firms = dict(
        AuditFirm.objects.filter(district_id=context.district_id, is_active=True).values_list(
            "name", "pk"
        )
    )
    recorded = set(
        Engagement.objects.filter(plan_id__in=set(context.plans.values())).values_list(
            "plan_id", "kind"
        )
    )
    in_file: dict[tuple[int, str], int] = {}
    for number, cells in rows:
        before = problems.count
        plan_id = context.plan(number, cells, problems)
        firm_id = firms.get(cells["firm"])
        if firm_id is None:
            _add(
                problems,
                number,
                ENGAGEMENT["firm"],
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: the district has no audit firm “%(firm)s”; add "
                    "it to the list of audit firms first, or write its name as the list shows it.",
                )
                % {
                    "row": number,
                    "column": ENGAGEMENT["firm"].title,
                    "firm": value_shown(cells["firm"]),
                },
            )
        _dates_in_order(number, cells, problems)
        people = _people(number, cells, problems)
        if plan_id is not None:
            key = (plan_id, cells["kind"])
            params = {
                "row": number,
                "column": KIND_COLUMN.title,
                "community": value_shown(cells["community"]),
                "kind": label_of(AUDIT_KINDS, cells["kind"]),
            }
            if key in recorded:
                _add(
                    problems,
                    number,
                    KIND_COLUMN,
                    pgettext(
                        CTX,
                        "Row %(row)s, “%(column)s”: “%(community)s” already has a %(kind)s "
                        "audit; change it on its page.",
                    )
                    % params,
                )
                plan_id = None
            elif key in in_file:
                _add(
                    problems,
                    number,
                    KIND_COLUMN,
                    pgettext(
                        CTX,
                        "Row %(row)s, “%(column)s”: row %(first)s already has the %(kind)s audit "
                        "of “%(community)s”.",
                    )
                    % {**params, "first": in_file[key]},
                )
                plan_id = None
            else:
                in_file[key] = number
        if problems.count > before or plan_id is None or firm_id is None:
            continue
        fields = {
            "plan_id": plan_id,
            "firm_id": firm_id,
            "kind": cells["kind"],
            **{key: cells[key] for key in DATE_KEYS},
        }
        fields["state"] = state_from_dates(fields)
        checked.records.append(
            {"engagement": fields, "subjects": people, "community": cells["community"]}
        )
        if len(checked.shown) < ROWS_KEPT:
            checked.shown.append(
                {
                    **_shown(number, cells),
                    "firm": cells["firm"],
                    "engaged_on": cells["engaged_on"].isoformat(),
                    "state": str(State(fields["state"]).label),
                    "subjects": "、".join(f"{n}（{p}）" for n, p in people),  # noqa: RUF001
                }
            )
    return checked


def findings_check(audit_import: AuditImport, rows: Rows) -> Checked:
    checked = Checked()
    problems = checked.problems
    context = _Context(audit_import)
    categories = dict(
        FindingCategory.objects.filter(district_id=context.district_id, is_active=True).values_list(
            "name", "pk"
        )
    )
    engagements = {
        (plan_id, kind): pk
        for pk, plan_id, kind in Engagement.objects.filter(
            plan_id__in=set(context.plans.values())
        ).values_list("pk", "plan_id", "kind")
    }
    for number, cells in rows:
        before = problems.count
        plan_id = context.plan(number, cells, problems)
        engagement_id = None
        if plan_id is not None:
            engagement_id = engagements.get((plan_id, cells["kind"]))
            if engagement_id is None:
                _add(
                    problems,
                    number,
                    KIND_COLUMN,
                    pgettext(
                        CTX,
                        "Row %(row)s, “%(column)s”: “%(community)s” has no %(kind)s audit yet; "
                        "record or import the audit first.",
                    )
                    % {
                        "row": number,
                        "column": KIND_COLUMN.title,
                        "community": value_shown(cells["community"]),
                        "kind": label_of(AUDIT_KINDS, cells["kind"]),
                    },
                )
        category_id = categories.get(cells["category"])
        if category_id is None:
            _add(
                problems,
                number,
                FINDING["category"],
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: “%(value)s” is not one of the district's finding "
                    "categories: %(categories)s.",
                )
                % {
                    "row": number,
                    "column": FINDING["category"].title,
                    "value": value_shown(cells["category"]),
                    "categories": "、".join(sorted(categories)) or "—",
                },
            )
        rectification = None
        if cells["action"]:
            for key in ("owner", "deadline"):
                if not cells[key]:
                    _add(
                        problems,
                        number,
                        FINDING[key],
                        pgettext(
                            CTX,
                            "Row %(row)s, “%(column)s”: a rectification measure needs its owner "
                            "and its deadline.",
                        )
                        % {"row": number, "column": FINDING[key].title},
                    )
            rectification = {
                "action": cells["action"],
                "owner": cells["owner"],
                "deadline": cells["deadline"],
            }
        elif cells["owner"] or cells["deadline"]:
            _add(
                problems,
                number,
                FINDING["action"],
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: the rectification owner or deadline is filled in "
                    "but not the measure itself.",
                )
                % {"row": number, "column": FINDING["action"].title},
            )
        if problems.count > before or engagement_id is None or category_id is None:
            continue
        checked.records.append(
            {
                "finding": {
                    "engagement_id": engagement_id,
                    "category_id": category_id,
                    "description": cells["description"],
                    "amount": cells["amount"],
                    "person": cells["person"],
                },
                "rectification": rectification,
            }
        )
        if len(checked.shown) < ROWS_KEPT:
            checked.shown.append(
                {
                    **_shown(number, cells),
                    "category": cells["category"],
                    "amount": str(cells["amount"]) if cells["amount"] is not None else "",
                    "description": cells["description"],
                    "deadline": cells["deadline"].isoformat() if cells["deadline"] else "",
                }
            )
    return checked


def import_check(audit_import: AuditImport, rows: Rows, problems: ProblemList) -> Checked:
    """The rows checked against the district as it is now; the file's problems come first."""
    check = engagements_check if audit_import.kind == Kind.ENGAGEMENTS else findings_check
    checked = check(audit_import, rows)
    if problems:
        problems_merge(problems, checked.problems)
        checked.problems = problems
    return checked
