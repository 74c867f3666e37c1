"""The parts of the check that read the campaign: communities and plans named by the rows, the
importer's scope, and the people already recorded. Each kind turns its valid rows into the
records the import would create; nothing is written here.

Every lookup is one query for the whole file (communities, plans, committees, the people already
there), so a check's queries do not grow with its rows.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import pgettext

from communities.importing import Problem, ProblemList, problems_merge
from communities.importing.results import ImportFileError, value_shown
from communities.models import Committee, Community
from communities.permissions import communities_for_user
from core.exceptions import DomainError

from ..models import (
    Campaign,
    Candidate,
    CommitteeMember,
    CommunityPlan,
    ElectionImport,
    ElectionResult,
    SeatRule,
    mask_id_number,
)
from .columns import (
    BODIES,
    CTX,
    KINDS,
    PARTY_POSTS,
    POSTS,
    RESIDENTS_POSTS,
    ROUNDS,
    Column,
    label_of,
)
from .reading import Rows

Body = SeatRule.Body
Kind = ElectionImport.Kind
ROWS_KEPT = 200


@dataclass
class Checked:
    """What a workbook would do: the records to create (field values), the rows shown in the
    preview (ID numbers masked), and the problems."""

    records: list[dict[str, Any]] = field(default_factory=list)
    shown: list[dict[str, Any]] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_ok(self) -> bool:
        return not self.problems and bool(self.records)


@dataclass
class Place:
    community_id: int
    track: str
    plan_id: int | None


class _Context:
    """The campaign's communities and plans, and the importer's scope, each read once."""

    def __init__(self, election_import: ElectionImport) -> None:
        self.campaign = election_import.campaign
        self.places: dict[tuple[str, str], Place] = {}
        plans = dict(
            CommunityPlan.objects.filter(campaign=self.campaign).values_list("community_id", "pk")
        )
        communities = (
            Community.objects.filter(street__district_id=self.campaign.district_id)
            .with_track()
            .values_list("pk", "street__name", "name", "track")  # type: ignore[misc]
        )
        for pk, street, name, track in communities:
            self.places[(street, name)] = Place(pk, track, plans.get(pk))
        # a street official imports for the communities it may edit; the office for all
        self.scope: set[int] | None = None
        if election_import.street_id is not None:
            self.scope = set(
                communities_for_user(election_import.created_by, perm="change_community")
                .filter(street__district_id=self.campaign.district_id)
                .values_list("pk", flat=True)
            )

    def place(
        self, number: int, cells: dict[str, Any], column: Column, problems: ProblemList
    ) -> Place | None:
        """The community a row names, or None with a problem (the same problem for an unknown
        community and for one outside the importer's scope: the file reveals nothing)."""
        place = self.places.get((cells["street"], cells["community"]))
        params = {
            "row": number,
            "column": column.title,
            "community": value_shown(cells["community"]),
            "street": value_shown(cells["street"]),
        }
        if self.scope is not None and (place is None or place.community_id not in self.scope):
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
        if place is None:
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
        return place

    def plan_of(
        self,
        number: int,
        place: Place,
        cells: dict[str, Any],
        column: Column,
        problems: ProblemList,
    ) -> int | None:
        if place.plan_id is None:
            _add(
                problems,
                number,
                column,
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: “%(community)s” takes no part in this campaign "
                    "(it has no plan); start the campaign for it first.",
                )
                % {
                    "row": number,
                    "column": column.title,
                    "community": value_shown(cells["community"]),
                },
            )
        return place.plan_id


def _add(problems: ProblemList, number: int, column: Column, message: str) -> None:
    problems.add(Problem(message, row=number, column=str(column.title)))


def _body(place: Place, chosen: str) -> str:
    """The committee a row names: 居委会 of a community under the villagers' rules is its
    villagers' committee, and the other way round."""
    if chosen == Body.PARTY:
        return Body.PARTY
    return Body.VILLAGERS if place.track == Community.Track.VILLAGE else Body.RESIDENTS


def _post_fits(
    number: int,
    cells: dict[str, Any],
    key: str,
    body: str,
    columns: dict[str, Column],
    problems: ProblemList,
) -> bool:
    post = cells.get(key)
    allowed = PARTY_POSTS if body == Body.PARTY else RESIDENTS_POSTS
    if post is None or post in allowed:
        return True
    _add(
        problems,
        number,
        columns[key],
        pgettext(
            CTX,
            "Row %(row)s, “%(column)s”: “%(post)s” is not a post of the %(body)s; use one of: "
            "%(posts)s.",
        )
        % {
            "row": number,
            "column": columns[key].title,
            "post": label_of(POSTS, post),
            "body": label_of(BODIES, Body.PARTY if body == Body.PARTY else Body.RESIDENTS),
            "posts": "、".join(p.label for p in POSTS if p.value in allowed),
        },
    )
    return False


def _person_key(cells: dict[str, Any]) -> tuple[str, date]:
    return (cells["name"], cells["birth_date"])


def _duplicate(
    number: int,
    cells: dict[str, Any],
    column: Column,
    problems: ProblemList,
    *,
    first: int | None,
    existing: bool,
) -> bool:
    params = {
        "row": number,
        "column": column.title,
        "name": value_shown(cells["name"]),
        "born": cells["birth_date"].isoformat(),
        "first": first,
    }
    if first is not None:
        _add(
            problems,
            number,
            column,
            pgettext(
                CTX,
                "Row %(row)s, “%(column)s”: %(name)s (born %(born)s) is already in row %(first)s "
                "of this file for the same committee.",
            )
            % params,
        )
        return True
    if existing:
        _add(
            problems,
            number,
            column,
            pgettext(
                CTX,
                "Row %(row)s, “%(column)s”: %(name)s (born %(born)s) is already recorded for this "
                "committee.",
            )
            % params,
        )
        return True
    return False


def _provided(module: str, name: str) -> Callable[..., Any] | None:
    """A function of another part of the register (the nominee's validation, the recording
    of a result), when it is there."""
    try:
        found = getattr(importlib.import_module(f"election.services.{module}"), name, None)
    except ImportError:
        return None
    return found if callable(found) else None


def _shown(number: int, cells: dict[str, Any], place_body: str) -> dict[str, Any]:
    shown = {
        "row": number,
        "street": cells["street"],
        "community": cells["community"],
        "body": label_of(BODIES, place_body) if place_body != Body.VILLAGERS else "村委会",
        "name": cells["name"],
        "birth_date": cells["birth_date"].isoformat(),
    }
    return shown


def nominees_check(election_import: ElectionImport, sheets: list[Rows]) -> Checked:
    context = _Context(election_import)
    columns = {c.key: c for c in KINDS[Kind.NOMINEES].sheets[0].columns}
    checked = Checked()
    existing = set(
        Candidate.objects.filter(plan__campaign=context.campaign).values_list(
            "plan_id", "body", "name", "birth_date"
        )
    )
    validate = _provided("candidates", "candidate_validate")
    plans: dict[int, CommunityPlan] = {}
    if validate is not None:
        plans = {
            p.pk: p
            for p in CommunityPlan.objects.filter(campaign=context.campaign).select_related(
                "community"
            )
        }
    first_seen: dict[tuple[int, str, str, date], int] = {}
    for number, cells in sheets[0]:
        place = context.place(number, cells, columns["community"], checked.problems)
        if place is None:
            continue
        plan_id = context.plan_of(number, place, cells, columns["community"], checked.problems)
        if plan_id is None:
            continue
        body = _body(place, cells["body"])
        post_sought = cells["post_sought"] or "member"
        if not _post_fits(
            number,
            {**cells, "post_sought": post_sought},
            "post_sought",
            body,
            columns,
            checked.problems,
        ):
            continue
        key = (plan_id, body, *_person_key(cells))
        if _duplicate(
            number,
            cells,
            columns["name"],
            checked.problems,
            first=first_seen.get(key),
            existing=key in existing,
        ):
            continue
        first_seen[key] = number
        record = {
            "plan_id": plan_id,
            "body": body,
            "name": cells["name"],
            "gender": cells["gender"],
            "birth_date": cells["birth_date"],
            "education": cells["education"],
            "party_member": bool(cells["party_member"]),
            "ethnicity": cells["ethnicity"] or "汉族",
            "current_post": cells["current_post"] or "",
            "is_incumbent": bool(cells["is_incumbent"]),
            "post_sought": post_sought,
            "id_number": cells["id_number"] or "",
            "nominated_on": cells["nominated_on"],
            "nominated_by": cells["nominated_by"] or "",
        }
        if validate is not None:
            fields = {k: v for k, v in record.items() if k != "plan_id"}
            errors = validate(plans[plan_id], fields)
            if errors:
                for name, message in errors.items():
                    column = columns.get(name, columns["name"])
                    _add(
                        checked.problems,
                        number,
                        column,
                        pgettext(CTX, "Row %(row)s, “%(column)s”: %(message)s")
                        % {"row": number, "column": column.title, "message": message},
                    )
                continue
        checked.records.append(record)
        if len(checked.shown) < ROWS_KEPT:
            checked.shown.append(
                {
                    **_shown(number, cells, body),
                    "post": label_of(POSTS, post_sought),
                    "id_number": _masked(record["id_number"]),
                }
            )
    return checked


def _masked(value: str) -> str:
    return mask_id_number(value)


def previous_term_check(election_import: ElectionImport, sheets: list[Rows]) -> Checked:
    context = _Context(election_import)
    columns = {c.key: c for c in KINDS[Kind.PREVIOUS_TERM].sheets[0].columns}
    checked = Checked()
    district_id = context.campaign.district_id
    committees = {
        (community_id, kind): pk
        for community_id, kind, pk in Committee.objects.filter(
            community__street__district_id=district_id
        ).values_list("community_id", "kind", "pk")
    }
    existing = set(
        CommitteeMember.objects.filter(
            committee__community__street__district_id=district_id, ended_on__isnull=True
        ).values_list("committee_id", "name", "birth_date")
    )
    first_seen: dict[tuple[int, str, date], int] = {}
    for number, cells in sheets[0]:
        place = context.place(number, cells, columns["community"], checked.problems)
        if place is None:
            continue
        body = _body(place, cells["body"])
        kind = Committee.Kind.PARTY if body == Body.PARTY else Committee.Kind.RESIDENTS
        committee_id = committees.get((place.community_id, kind))
        if committee_id is None:
            _add(
                checked.problems,
                number,
                columns["body"],
                pgettext(CTX, "Row %(row)s, “%(column)s”: the community has no such committee.")
                % {"row": number, "column": columns["body"].title},
            )
            continue
        if not _post_fits(number, cells, "post", body, columns, checked.problems):
            continue
        key = (committee_id, *_person_key(cells))
        if _duplicate(
            number,
            cells,
            columns["name"],
            checked.problems,
            first=first_seen.get(key),
            existing=key in existing,
        ):
            continue
        first_seen[key] = number
        checked.records.append(
            {
                "committee_id": committee_id,
                "name": cells["name"],
                "gender": cells["gender"],
                "birth_date": cells["birth_date"],
                "education": cells["education"],
                "party_member": bool(cells["party_member"]),
                "ethnicity": cells["ethnicity"] or "汉族",
                "post": cells["post"],
                "started_on": cells["started_on"],
            }
        )
        if len(checked.shown) < ROWS_KEPT:
            checked.shown.append(
                {**_shown(number, cells, body), "post": label_of(POSTS, cells["post"])}
            )
    return checked


def round_label(value: str) -> str:
    return label_of(ROUNDS, value)


ROUND_ORDER = {"first": 0, "new": 1, "runoff": 2}


class _DryRun(Exception):
    """Rolls back the trial recording of the results."""


def results_check(election_import: ElectionImport, sheets: list[Rows]) -> Checked:
    """The ballot rows (first sheet) with the votes of their candidates (second sheet). The
    figures and the winners are checked by recording every round for real, in order, in a
    transaction that is then rolled back: the preview refuses exactly what the import would."""
    context = _Context(election_import)
    spec = KINDS[Kind.RESULTS]
    ballots = {c.key: c for c in spec.sheets[0].columns}
    vote_columns = {c.key: c for c in spec.sheets[1].columns}
    checked = Checked()
    record_result = _provided("results", "result_record")
    if record_result is None:
        checked.problems.add(Problem(pgettext(CTX, "This kind of import is not available yet.")))
        return checked
    existing = set(
        ElectionResult.objects.filter(plan__campaign=context.campaign).values_list(
            "plan_id", "body", "round"
        )
    )
    records: dict[tuple[int, str, str], dict[str, Any]] = {}
    rows_of: dict[tuple[int, str, str], int] = {}
    for number, cells in sheets[0]:
        place = context.place(number, cells, ballots["community"], checked.problems)
        if place is None:
            continue
        plan_id = context.plan_of(number, place, cells, ballots["community"], checked.problems)
        if plan_id is None:
            continue
        key = (plan_id, _body(place, cells["body"]), cells["round"] or "first")
        params = {"row": number, "column": ballots["round"].title, "first": rows_of.get(key)}
        if key in rows_of:
            _add(
                checked.problems,
                number,
                ballots["round"],
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: this round of this committee is already in row "
                    "%(first)s of this file.",
                )
                % params,
            )
            continue
        if key in existing:
            _add(
                checked.problems,
                number,
                ballots["round"],
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: the result of this round of this committee is "
                    "already recorded.",
                )
                % params,
            )
            continue
        rows_of[key] = number
        records[key] = {
            "row": number,
            "plan_id": key[0],
            "body": key[1],
            "round": key[2],
            "held_on": cells["held_on"],
            **{
                name: cells[name]
                for name in (
                    "registered_voters",
                    "ballots_issued",
                    "ballots_returned",
                    "valid_ballots",
                    "invalid_ballots",
                    "seats_to_fill",
                )
            },
            "votes": {},
        }
        checked.shown.append(
            {
                **{k: cells[k] for k in ("street", "community")},
                "row": number,
                "body": label_of(BODIES, Body.PARTY if key[1] == Body.PARTY else Body.RESIDENTS),
                "round": round_label(key[2]),
                "valid_ballots": cells["valid_ballots"],
                "seats_to_fill": cells["seats_to_fill"],
            }
        )
    candidates = {
        (plan_id, body, name, birth): pk
        for pk, plan_id, body, name, birth in Candidate.objects.filter(
            plan__campaign=context.campaign
        ).values_list("pk", "plan_id", "body", "name", "birth_date")
    }
    # the second sheet's problems name it: its row numbers are its own
    vote_problems = ProblemList()
    for number, cells in sheets[1] if len(sheets) > 1 else []:
        place = context.place(number, cells, vote_columns["community"], vote_problems)
        if place is None:
            continue
        if place.plan_id is None:
            context.plan_of(number, place, cells, vote_columns["community"], vote_problems)
            continue
        key = (place.plan_id, _body(place, cells["body"]), cells["round"] or "first")
        params = {
            "row": number,
            "column": vote_columns["name"].title,
            "name": value_shown(cells["name"]),
            "born": cells["birth_date"].isoformat(),
        }
        record = records.get(key)
        if record is None:
            if key not in rows_of:
                _add(
                    vote_problems,
                    number,
                    vote_columns["round"],
                    pgettext(
                        CTX,
                        "Row %(row)s, “%(column)s”: the first sheet has no ballot row for this "
                        "community, committee and round.",
                    )
                    % {**params, "column": vote_columns["round"].title},
                )
            continue
        candidate_id = candidates.get((key[0], key[1], cells["name"], cells["birth_date"]))
        if candidate_id is None:
            _add(
                vote_problems,
                number,
                vote_columns["name"],
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: %(name)s (born %(born)s) is not a candidate of "
                    "this committee in the register.",
                )
                % params,
            )
            continue
        if candidate_id in record["votes"]:
            _add(
                vote_problems,
                number,
                vote_columns["name"],
                pgettext(
                    CTX,
                    "Row %(row)s, “%(column)s”: %(name)s (born %(born)s) is listed twice for "
                    "this round.",
                )
                % params,
            )
            continue
        record["votes"][candidate_id] = cells["votes"]
    sheet_title = str(spec.sheets[1].title)
    for problem in vote_problems.kept:
        checked.problems.add(
            Problem(f"{sheet_title} · {problem.message}", row=problem.row, column=problem.column)
        )
    checked.problems.count += vote_problems.count - len(vote_problems.kept)
    ordered = sorted(records.values(), key=lambda r: (ROUND_ORDER[r["round"]], r["row"]))
    if not checked.problems and ordered:
        results_record(ordered, by=election_import.created_by, problems=checked.problems)
    checked.records = ordered
    return checked


def results_record(
    records: list[dict[str, Any]],
    *,
    by: Any,
    problems: ProblemList | None = None,
    column: str = "",
) -> int:
    """Record each round (in order) through the register's `result_record`. With `problems`,
    a trial: every refusal is added to them and everything is rolled back; without, the first
    refusal propagates (and the caller's transaction rolls back)."""
    record_result = _provided("results", "result_record")
    if record_result is None:
        raise ImportFileError(pgettext(CTX, "This kind of import is not available yet."))
    plans = CommunityPlan.objects.in_bulk({r["plan_id"] for r in records})
    try:
        with transaction.atomic():
            for record in records:
                fields = {k: v for k, v in record.items() if k not in ("row", "plan_id")}
                try:
                    with transaction.atomic():
                        record_result(plan=plans[record["plan_id"]], by=by, **fields)
                except DomainError as e:
                    if problems is None:
                        raise
                    found = getattr(e, "problems", None) or [str(e)]
                    for message in found:
                        problems.add(
                            Problem(
                                pgettext(CTX, "Row %(row)s: %(message)s")
                                % {"row": record["row"], "message": message},
                                row=record["row"],
                                column=column,
                            )
                        )
            if problems is not None:
                raise _DryRun
    except _DryRun:
        pass
    return len(records)


CHECKS: dict[str, Callable[[ElectionImport, list[Rows]], Checked]] = {
    Kind.NOMINEES: nominees_check,
    Kind.PREVIOUS_TERM: previous_term_check,
    Kind.RESULTS: results_check,
}


def campaign_check(
    election_import: ElectionImport, sheets: list[Rows], file_problems: ProblemList
) -> Checked:
    """Check the rows read from the file against the campaign as it is now; the problems of the
    file itself come first by row. No record to create when there is any problem."""
    if election_import.campaign.status == Campaign.Status.CLOSED:
        checked = Checked(
            problems=ProblemList.of(
                Problem(pgettext(CTX, "This campaign is closed; nothing more can be imported."))
            )
        )
    elif sheets:
        checked = CHECKS[election_import.kind](election_import, sheets)
    else:
        checked = Checked()
    problems = ProblemList(kept=list(file_problems.kept), count=file_problems.count)
    problems_merge(problems, checked.problems)
    checked.problems = problems
    if checked.problems:
        checked.records = []
    return checked
