"""Optimistic locking of edit forms: a form carries the `version` of the row it was opened on; the
save locks the row, refuses it if someone saved the row since, and moves the version on with the
change (with the history's user and reason).

Used inside a service's transaction, for any model with an integer `version` and an `updated_at`
column.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _

from .exceptions import ConflictError

M = TypeVar("M", bound=models.Model)


def stale(model: type[models.Model], *, form_refilled: bool = False) -> ConflictError:
    """The error for a save from a page opened before someone else saved the same `model` row.

    The message asks to reload the page, or with `form_refilled` (the view shows the form again
    with the current values) says so instead.
    """
    if form_refilled:
        return ConflictError(
            _(
                "Someone else saved this %(what)s while you were editing it, so your changes were "
                "not saved. The form now shows the current values."
            )
            % {"what": str(model._meta.verbose_name)}
        )
    return ConflictError(
        _("Someone else saved this %(model)s since you opened it; reload the page and try again.")
        % {"model": model._meta.verbose_name}
    )


def locked(
    source: type[M] | QuerySet[M],
    pk: Any,
    version: int | None,
    *,
    conflict: ConflictError | None = None,
) -> M:
    """The row `pk` of `source` (a model, or a queryset with its `select_related`), locked until
    the transaction ends, checked to be still at `version` (None: not checked).

    A queryset that has its own `select_for_update(...)` (say `of=("self",)`) keeps it; anything
    else gets a plain one. Call inside a transaction (TransactionManagementError otherwise, on
    every database). Raises DoesNotExist for a row gone, and `conflict` (by default
    `stale(model)`) for a row saved since `version`.
    """
    queryset = source._default_manager.all() if isinstance(source, type) else source
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise TransactionManagementError("locked() needs a transaction to hold the row lock.")
    if not queryset.query.select_for_update:
        queryset = queryset.select_for_update()
    obj = queryset.get(pk=pk)
    if version is not None and obj.version != version:  # type: ignore[attr-defined]
        raise conflict if conflict is not None else stale(queryset.model)
    return obj


def save_changes(
    obj: models.Model,
    values: Mapping[str, Any],
    *,
    by: AbstractBaseUser,
    reason: str,
    also: Iterable[str] = (),
    force: bool = False,
) -> list[str]:
    """Set on `obj` the `values` that differ from its own and save them, with the version moved
    on, the history's user `by` and reason `reason`, and `updated_at`.

    `also` names fields the caller has set itself (a stored file, a state that follows the
    values): they are saved too, and make the save happen. `force` saves the version (and
    `also`) when no value changed, for a change elsewhere (a many-to-many set, a child row).
    Otherwise, with nothing changed, nothing is saved and the version stays.

    Returns the names of the fields saved besides the version (those of `values` that changed,
    then `also`); empty when nothing changed.
    """
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    extra = list(also)
    if not changed and not extra and not force:
        return []
    for name in changed:
        setattr(obj, name, values[name])
    obj.version += 1  # type: ignore[attr-defined]
    obj._history_user = by  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    obj.save(update_fields=[*changed, *extra, "version", "updated_at"])
    return [*changed, *extra]
