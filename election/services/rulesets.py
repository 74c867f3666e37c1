"""Writes for rule sets: load one from its JSON file, clone it to a new version, edit a step's
time limit or a committee's seat range.

A rule set used by a running campaign is frozen: its plans' due dates and red flags were computed
from it, and changing it under them would rewrite what the streets already did. To change the
rules, clone the set to a new version and edit the clone.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Committee
from core.exceptions import DomainError
from core.text import text_truncate

from ..models import (
    DEFAULT_BANDS,
    Applies,
    RuleSet,
    SeatRule,
    StageTemplate,
    StatisticsBand,
    StepTemplate,
    VotingMode,
    VotingRule,
)
from ..rulesets.selectors import ruleset_is_locked


class RuleSetError(DomainError):
    pass


# --- loading from data ---------------------------------------------------------------------------

RULESET_FIELDS = [
    "name",
    "region",
    "source",
    "notes",
    "is_default",
    "is_demonstration",
    "term_years",
    "term_basis",
    "households_min",
    "households_max",
    "households_basis",
    "postpone_max_months",
    "postpone_basis",
    "party_quorum_numerator",
    "party_quorum_denominator",
    "party_quorum_basis",
    "allows_party_direct_election",
    "party_surplus_percent",
    "residents_surplus_min",
    "competition_basis",
    "review_feedback_days",
    "report_case_days",
    "case_days",
]
BAND_FIELDS = ["kind", "order", "label", "min_value", "max_value"]
RULESET_DATES = ["effective_on", "effective_to"]
STEP_FIELDS = [
    "title",
    "applies_to",
    "anchor",
    "offset_days",
    "check_kind",
    "check_days",
    "checked_date",
    "check_anchor",
    "day_unit",
    "requires_notice",
    "notice_days",
    "rule_text",
    "legal_basis",
    "legal_basis_village",
]
SEAT_FIELDS = [
    "body",
    "party_type",
    "min_seats",
    "max_seats",
    "usual_max_seats",
    "secretary_only_below",
    "requires_woman",
    "legal_basis",
]
VOTING_FIELDS = [
    "mode",
    "applies_to",
    "valid_numerator",
    "valid_denominator",
    "win_numerator",
    "win_denominator",
    "runoff_numerator",
    "runoff_denominator",
    "rule_text",
    "legal_basis",
]


@dataclass(frozen=True)
class _Models:
    """The model classes to write through: the real ones, or a migration's historical ones."""

    rule_set: Any
    stage: Any
    step: Any
    seat_rule: Any
    voting_rule: Any  # None in a migration older than voting rules


def _models(apps: Any = None) -> _Models:
    if apps is None:
        return _Models(RuleSet, StageTemplate, StepTemplate, SeatRule, VotingRule)
    try:
        voting_rule = apps.get_model("election", "VotingRule")
    except LookupError:
        voting_rule = None
    return _Models(
        apps.get_model("election", "RuleSet"),
        apps.get_model("election", "StageTemplate"),
        apps.get_model("election", "StepTemplate"),
        apps.get_model("election", "SeatRule"),
        voting_rule,
    )


def _known(model: Any, data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The values of `fields` given in `data` that `model` has: a migration's historical model
    may predate a field the current files carry (the file is then completed by a later data
    migration, see `ruleset_reload_shipped`)."""
    have = {f.name for f in model._meta.get_fields()}
    return {f: data[f] for f in fields if f in data and f in have}


def _history(obj: Any, by: User | None, reason: str) -> Any:
    # historical models of a migration have no history tracking; the attributes are then inert
    obj._history_user = by
    obj._change_reason = reason
    return obj


# a check compares with a day of the plan, never with another step's (that is the due anchor)
_CHECK_ANCHORS = [a for a in StepTemplate.Anchor.values if a != StepTemplate.Anchor.STEP]


def _check_choice(value: str, choices: Any, what: str) -> None:
    if value not in choices.values:
        raise RuleSetError(
            _("Unknown %(what)s “%(value)s” in the rule set file.") % {"what": what, "value": value}
        )


def _validate_data(data: dict[str, Any]) -> None:
    """Refuse a file with unknown values, steps counting from later steps, or bad ranges."""
    seen: set[str] = set()
    for stage in data["stages"]:
        _check_choice(stage.get("applies_to", "all"), Applies, "applies_to")
        for step in stage["steps"]:
            _check_choice(step.get("applies_to", "all"), Applies, "applies_to")
            _check_choice(step.get("anchor", "election"), StepTemplate.Anchor, "anchor")
            _check_choice(step.get("check_kind", ""), StepTemplate.Check, "check_kind")
            _check_choice(step.get("day_unit", "calendar"), StepTemplate.DayUnit, "day_unit")
            check_anchor = step.get("check_anchor", "")
            if check_anchor and check_anchor not in _CHECK_ANCHORS:
                raise RuleSetError(
                    _("Unknown %(what)s “%(value)s” in the rule set file.")
                    % {"what": "check_anchor", "value": check_anchor}
                )
            _check_choice(
                step.get("checked_date", "done"), StepTemplate.CheckedDate, "checked_date"
            )
            if step["code"] in seen:
                raise RuleSetError(
                    _("Step code “%(code)s” appears twice in the rule set file.")
                    % {"code": step["code"]}
                )
            is_after_step = step.get("anchor") == StepTemplate.Anchor.STEP
            if is_after_step and step.get("anchor_step") not in seen:
                raise RuleSetError(
                    _("Step “%(code)s” counts from “%(anchor)s”, which is not an earlier step.")
                    % {"code": step["code"], "anchor": step.get("anchor_step", "")}
                )
            if int(step.get("check_days", 0)) < 0:
                raise RuleSetError(
                    _("Step “%(code)s” has a negative number of days.") % {"code": step["code"]}
                )
            seen.add(step["code"])
    seat_keys: set[tuple[str, str]] = set()
    for seat in data.get("seat_rules", []):
        _check_choice(seat["body"], SeatRule.Body, "body")
        key = (seat["body"], seat.get("party_type", ""))
        if key[1]:
            if key[0] != SeatRule.Body.PARTY:
                raise RuleSetError(
                    _("Only the Party committee's seat rules name an organisation type.")
                )
            _check_choice(key[1], Committee.PartyType, "party_type")
        if key in seat_keys:
            raise RuleSetError(
                _("The seat rule of %(body)s appears twice in the rule set file.")
                % {"body": " ".join(key).strip()}
            )
        seat_keys.add(key)
        if seat["min_seats"] > seat["max_seats"]:
            raise RuleSetError(
                _("The fewest seats cannot exceed the most seats (%(body)s).")
                % {"body": seat["body"]}
            )
    for voting in data.get("voting_rules", []):
        _check_choice(voting["mode"], VotingMode, "mode")
        _check_choice(voting.get("applies_to", "all"), Applies, "applies_to")
    start, end = (data.get(f) for f in RULESET_DATES)
    if start and end and date.fromisoformat(end) < date.fromisoformat(start):
        raise RuleSetError(_("The rules cannot stop being in force before they start."))


@transaction.atomic
def ruleset_load(
    data: dict[str, Any], *, by: User | None = None, apps: Any = None
) -> tuple[RuleSet, bool]:
    """Create a rule set with its stages, steps and seat rules from `data` (a parsed JSON file).

    Idempotent by (code, version): when that version exists already it is returned untouched,
    with False, so loading a file twice creates nothing twice and never rewrites rules a campaign
    may be using (to change rules, ship a new version). Stages and steps get their order from
    their position in the file; a step anchored on another step names it by code, and that step
    must come earlier. `apps` is a migration's app registry, to write through historical models.
    Raises RuleSetError for an invalid file. History reason: "rule set loaded".
    """
    m = _models(apps)
    existing = m.rule_set.objects.filter(code=data["code"], version=data["version"]).first()
    if existing is not None:
        return existing, False
    _validate_data(data)
    reason = "rule set loaded"
    dates = {f: date.fromisoformat(data[f]) if data.get(f) else None for f in RULESET_DATES}
    rule_set = m.rule_set(
        code=data["code"],
        version=data["version"],
        **_known(m.rule_set, {**data, **dates}, [*RULESET_DATES, *RULESET_FIELDS]),
    )
    _history(rule_set, by, reason).save()
    steps_by_code: dict[str, Any] = {}
    for stage_order, stage_data in enumerate(data["stages"], start=1):
        stage = m.stage(
            rule_set=rule_set,
            order=stage_order,
            code=stage_data["code"],
            title=stage_data["title"],
            applies_to=stage_data.get("applies_to", Applies.ALL),
        )
        _history(stage, by, reason).save()
        for step_order, step_data in enumerate(stage_data["steps"], start=1):
            step = m.step(
                stage=stage,
                order=step_order,
                code=step_data["code"],
                anchor_step=steps_by_code.get(step_data.get("anchor_step") or ""),
                **_known(m.step, step_data, STEP_FIELDS),
            )
            _history(step, by, reason).save()
            steps_by_code[step.code] = step
    by_type = "party_type" in {f.name for f in m.seat_rule._meta.get_fields()}
    for seat_data in data.get("seat_rules", []):
        if seat_data.get("party_type") and not by_type:
            continue  # a migration older than ranges by Party organisation type: one per body
        seat = m.seat_rule(rule_set=rule_set, **_known(m.seat_rule, seat_data, SEAT_FIELDS))
        _history(seat, by, reason).save()
    if m.voting_rule is not None:
        for voting_data in data.get("voting_rules", []):
            fields = _known(m.voting_rule, voting_data, VOTING_FIELDS)
            _history(m.voting_rule(rule_set=rule_set, **fields), by, reason).save()
    bands_load(rule_set, data.get("statistics_bands", DEFAULT_BANDS), by=by, apps=apps)
    return rule_set, True


def bands_load(
    rule_set: Any, bands: list[dict[str, Any]], *, by: User | None = None, apps: Any = None
) -> None:
    """Give `rule_set` its statistics bands (age and education), unless it has some already.
    Skipped in a migration older than the bands."""
    try:
        band_model = apps.get_model("election", "StatisticsBand") if apps else StatisticsBand
    except LookupError:
        return
    if band_model.objects.filter(rule_set=rule_set).exists():
        return
    for band in bands:
        row = band_model(rule_set=rule_set, **{f: band.get(f) for f in BAND_FIELDS})
        _history(row, by, "rule set loaded").save()


def ruleset_load_file(
    path: Path, *, by: User | None = None, apps: Any = None
) -> tuple[RuleSet, bool]:
    """Load one rule set file (UTF-8 JSON); see `ruleset_load`."""
    return ruleset_load(json.loads(path.read_text(encoding="utf-8")), by=by, apps=apps)


def _delete(rule_set: Any, step_model: Any) -> None:
    # a step is protected while a later step counts from it: delete the later ones first
    for step in step_model.objects.filter(stage__rule_set=rule_set).order_by(
        "-stage__order", "-order"
    ):
        step.delete()
    rule_set.delete()


def ruleset_reload_shipped(paths: list[Path], *, apps: Any = None) -> list[tuple[str, int]]:
    """Bring the shipped rule sets of `paths` to their files' content, for a data migration.

    A version no campaign uses is deleted and loaded again from its file (an earlier migration
    may have loaded it before the fields it now carries existed); a version a campaign uses is
    left as it is; a missing version is loaded. The rule set a file marks as the default becomes
    the only default. Returns the (code, version) pairs (re)loaded. Unlike `ruleset_load`, this
    rewrites unused shipped versions: it is meant for migrations, not for the office.
    """
    m = _models(apps)
    loaded = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        existing = m.rule_set.objects.filter(code=data["code"], version=data["version"]).first()
        if existing is not None:
            if existing.campaigns.exists():
                continue
            _delete(existing, m.step)
        rule_set, _created = ruleset_load(data, apps=apps)
        loaded.append((rule_set.code, rule_set.version))
        if rule_set.is_default:
            for other in m.rule_set.objects.filter(is_default=True).exclude(pk=rule_set.pk):
                other.is_default = False
                _history(other, None, "default rule set changed").save(update_fields=["is_default"])
    return loaded


def ruleset_file_keys(paths: list[Path]) -> list[tuple[str, int]]:
    """(code, version) of each file, to undo a load."""
    keys = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys.append((data["code"], int(data["version"])))
    return keys


# --- editing -------------------------------------------------------------------------------------


def _guard_editable(rule_set: RuleSet) -> None:
    if ruleset_is_locked(rule_set):
        raise RuleSetError(
            _(
                "“%(name)s” is used by a campaign that has started and cannot be edited. Clone it "
                "to a new version and edit the clone."
            )
            % {"name": str(rule_set)}
        )


@transaction.atomic
def ruleset_clone(*, rule_set: RuleSet, by: User) -> RuleSet:
    """Copy a rule set, with all its stages, steps and seat rules, to the next free version of
    its code.

    The copy is not the default and no campaign uses it, so it can be edited. Steps anchored on
    another step point at the copy of that step. History reason "rule set cloned" on every row.
    Calling it twice makes two versions.
    """
    # lock the code's versions so that two clones at once do not pick the same number
    versions = RuleSet.objects.select_for_update().filter(code=rule_set.code)
    next_version = (versions.aggregate(v=Max("version"))["v"] or 0) + 1
    reason = "rule set cloned"
    source = RuleSet.objects.get(pk=rule_set.pk)
    clone = RuleSet(
        code=source.code,
        version=next_version,
        **{f: getattr(source, f) for f in [*RULESET_DATES, *RULESET_FIELDS]},
    )
    clone.is_default = False
    try:
        # the lock above holds on PostgreSQL; SQLite serializes writers, and any other race ends
        # here rather than as a server error
        with transaction.atomic():
            _history(clone, by, reason).save()
    except IntegrityError as e:
        raise RuleSetError(
            _("Version %(version)s of “%(name)s” was just created by someone else; try again.")
            % {"version": next_version, "name": text_truncate(source.name)}
        ) from e
    stage_copies: dict[int, StageTemplate] = {}
    for stage in StageTemplate.objects.filter(rule_set=source).order_by("order"):
        stage_copy = StageTemplate(
            rule_set=clone,
            order=stage.order,
            code=stage.code,
            title=stage.title,
            applies_to=stage.applies_to,
        )
        _history(stage_copy, by, reason).save()
        stage_copies[stage.pk] = stage_copy
    step_copies: dict[int, StepTemplate] = {}
    steps = StepTemplate.objects.filter(stage__rule_set=source).order_by("stage__order", "order")
    for step in steps:
        step_copy = StepTemplate(
            stage=stage_copies[step.stage_id],
            order=step.order,
            code=step.code,
            anchor_step=step_copies[step.anchor_step_id] if step.anchor_step_id else None,
            **{f: getattr(step, f) for f in STEP_FIELDS},
        )
        _history(step_copy, by, reason).save()
        step_copies[step.pk] = step_copy
    for seat in SeatRule.objects.filter(rule_set=source):
        seat_copy = SeatRule(rule_set=clone, **{f: getattr(seat, f) for f in SEAT_FIELDS})
        _history(seat_copy, by, reason).save()
    for voting in VotingRule.objects.filter(rule_set=source):
        voting_copy = VotingRule(rule_set=clone, **{f: getattr(voting, f) for f in VOTING_FIELDS})
        _history(voting_copy, by, reason).save()
    for band in StatisticsBand.objects.filter(rule_set=source):
        band_copy = StatisticsBand(rule_set=clone, **{f: getattr(band, f) for f in BAND_FIELDS})
        _history(band_copy, by, reason).save()
    return clone


STEP_EDITABLE = [
    "title",
    "anchor",
    "anchor_step",
    "offset_days",
    "check_kind",
    "check_days",
    "checked_date",
    "check_anchor",
    "day_unit",
    "requires_notice",
    "notice_days",
    "rule_text",
    "legal_basis",
    "legal_basis_village",
]


def _is_earlier(a: StepTemplate, b: StepTemplate) -> bool:
    return (a.stage.order, a.order) < (b.stage.order, b.order)


@transaction.atomic
def step_template_update(
    *, step: StepTemplate, data: dict[str, Any], by: User, reason: str = ""
) -> StepTemplate:
    """Change a step's title, due-date rule, check, rule text or legal basis.

    `data` holds any of STEP_EDITABLE. Raises RuleSetError if a running campaign uses the rule
    set, if a step due after another step does not name an earlier step of the same rule set,
    or if the check has a negative number of days. An anchor other than "step" clears the anchor
    step; no check clears its days. Idempotent: unchanged data saves nothing. History reason:
    `reason`, else "step rule edited".
    """
    step = (
        StepTemplate.objects.select_for_update().select_related("stage__rule_set").get(pk=step.pk)
    )
    _guard_editable(step.stage.rule_set)
    before = {f: getattr(step, f) for f in STEP_EDITABLE}
    for f in STEP_EDITABLE:
        if f in data:
            setattr(step, f, data[f])
    if step.anchor == StepTemplate.Anchor.STEP:
        anchor = (
            StepTemplate.objects.select_related("stage").filter(pk=step.anchor_step_id).first()
            if step.anchor_step_id
            else None
        )
        if (
            anchor is None
            or anchor.stage.rule_set_id != step.stage.rule_set_id
            or not _is_earlier(anchor, step)
        ):
            raise RuleSetError(
                _("A step due after another step must name an earlier step of the same rules.")
            )
    else:
        step.anchor_step = None
    if step.check_days is None or step.check_days < 0:
        raise RuleSetError(_("The days of the check cannot be negative."))
    if not step.check_kind:
        step.check_days = 0
    changed = [f for f in STEP_EDITABLE if getattr(step, f) != before[f]]
    if not changed:
        return step
    _history(step, by, reason or "step rule edited")
    step.save(update_fields=changed)
    return step


SEAT_EDITABLE = ["min_seats", "max_seats", "requires_woman", "legal_basis"]


@transaction.atomic
def seat_rule_update(
    *, seat_rule: SeatRule, data: dict[str, Any], by: User, reason: str = ""
) -> SeatRule:
    """Change a committee's seat range, the woman-member requirement or the legal basis.

    Raises RuleSetError if a running campaign uses the rule set or if the fewest seats exceed
    the most (or are zero). Idempotent. History reason: `reason`, else "seat rule edited".
    """
    seat_rule = SeatRule.objects.select_for_update().select_related("rule_set").get(pk=seat_rule.pk)
    _guard_editable(seat_rule.rule_set)
    before = {f: getattr(seat_rule, f) for f in SEAT_EDITABLE}
    for f in SEAT_EDITABLE:
        if f in data:
            setattr(seat_rule, f, data[f])
    if seat_rule.min_seats < 1 or seat_rule.min_seats > seat_rule.max_seats:
        raise RuleSetError(
            _("The fewest seats must be at least 1 and no more than the most seats.")
        )
    changed = [f for f in SEAT_EDITABLE if getattr(seat_rule, f) != before[f]]
    if not changed:
        return seat_rule
    _history(seat_rule, by, reason or "seat rule edited")
    seat_rule.save(update_fields=changed)
    return seat_rule
