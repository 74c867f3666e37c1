"""Writes for negative lists: load a shipped version from its JSON file, clone a list to a new
version (which the office then edits in the admin).

A list is data like a rule set: a campaign picks one version, and a change is made on a clone so
that the version a campaign vetted against stays as it was.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.text import text_truncate

from ..models import NegativeCriterion, NegativeList


class NegativeListError(DomainError):
    pass


LIST_FIELDS = ["name", "effective_on", "effective_to", "source", "notes"]
CRITERION_FIELDS = ["order", "text", "tier", "lookback_years", "unit_code"]


def _history(obj: Any, by: User | None, reason: str) -> Any:
    # historical models of a migration have no history tracking; the attributes are then inert
    obj._history_user = by
    obj._change_reason = reason
    return obj


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def negative_list_load_file(path: Path, *, apps: Any = None) -> Any:
    """Create the list version in `path` (code and version from the file) with its criteria.

    Idempotent: a version that exists already is left as it is (the office may have edited it,
    and a campaign may have vetted against it). `apps`: a migration's app registry, whose
    historical models are then used. Returns the list.
    """
    list_model = apps.get_model("election", "NegativeList") if apps else NegativeList
    criterion_model = apps.get_model("election", "NegativeCriterion") if apps else NegativeCriterion
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = list_model.objects.filter(code=data["code"], version=int(data["version"])).first()
    if existing is not None:
        return existing
    reason = "negative list loaded"
    negative_list = list_model(
        code=data["code"],
        version=int(data["version"]),
        name=data["name"],
        source=data.get("source", ""),
        notes=data.get("notes", ""),
        effective_on=_date(data.get("effective_on")),
        effective_to=_date(data.get("effective_to")),
    )
    _history(negative_list, None, reason).save()
    for row in data["criteria"]:
        criterion = criterion_model(
            negative_list=negative_list,
            order=row["order"],
            text=row["text"],
            tier=row["tier"],
            lookback_years=row.get("lookback_years"),
            unit_code=row.get("unit_code", ""),
        )
        _history(criterion, None, reason).save()
    return negative_list


def negative_list_file_keys(paths: list[Path]) -> list[tuple[str, int]]:
    """(code, version) of each file, to undo a load."""
    keys = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys.append((data["code"], int(data["version"])))
    return keys


@transaction.atomic
def negative_list_clone(*, negative_list: NegativeList, by: User) -> NegativeList:
    """Copy a list with all its criteria to the next free version of its code.

    No campaign uses the copy, so the office can edit it. History reason "negative list cloned"
    on the list and every criterion, with `by`. Raises NegativeListError if someone else took
    the version number at the same moment. Calling it twice makes two versions.
    """
    # lock the code's versions so that two clones at once do not pick the same number
    versions = NegativeList.objects.select_for_update().filter(code=negative_list.code)
    next_version = (versions.aggregate(v=Max("version"))["v"] or 0) + 1
    source = NegativeList.objects.get(pk=negative_list.pk)
    reason = "negative list cloned"
    clone = NegativeList(
        code=source.code,
        version=next_version,
        **{f: getattr(source, f) for f in LIST_FIELDS},
    )
    try:
        with transaction.atomic():
            _history(clone, by, reason).save()
    except IntegrityError as e:
        raise NegativeListError(
            _("Version %(version)s of “%(name)s” was just created by someone else; try again.")
            % {"version": next_version, "name": text_truncate(source.name)}
        ) from e
    for criterion in NegativeCriterion.objects.filter(negative_list=source).order_by("order"):
        copy = NegativeCriterion(
            negative_list=clone, **{f: getattr(criterion, f) for f in CRITERION_FIELDS}
        )
        _history(copy, by, reason).save()
    return clone
