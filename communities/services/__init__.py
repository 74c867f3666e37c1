"""Writes for the hierarchy. Every save is history-tracked with the user and a reason, and every
edit made from a form carries the version the form was loaded at, so that two officials saving the
same record never overwrite each other silently."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ConflictError, DomainError
from core.text import text_clean, text_truncate

from ..models import Committee, Community

# profile fields an official may edit from the community page
PROFILE_FIELDS = [
    "name",
    "kind",
    "is_reform_finished",
    "track_override",
    "track_override_reason",
    "population",
    "households",
    "registered_voters",
    "is_demolition_underway",
    "is_difficult",
    "difficult_reason",
]
COMMITTEE_FIELDS = ["party_type", "full_members", "seats", "term_started_on"]

M = TypeVar("M", Community, Committee)


class CommunityError(DomainError):
    pass


def _verbose_names(model: type[models.Model], fields: list[str]) -> str:
    return _(", ").join(str(getattr(model._meta.get_field(f), "verbose_name", f)) for f in fields)


def _lock_and_check_version(model: type[M], pk: int, version: int, fields: list[str]) -> M:
    """Lock the row; raise ConflictError naming what others changed since `version`."""
    current = model.objects.select_for_update().get(pk=pk)
    if current.version == version:
        return current
    base = current.history.filter(version=version).order_by("-history_date").first()
    theirs = [f for f in fields if base is None or getattr(base, f) != getattr(current, f)]
    raise ConflictError(
        _(
            "Someone else saved this record while you were editing it, so your changes were not "
            "saved. The form now shows the current values; changed meanwhile: %(fields)s."
        )
        % {"fields": _verbose_names(model, theirs) or _("none of the fields on this form")},
        changed=theirs,
    )


def _save_changes(
    instance: M, data: dict[str, Any], fields: list[str], *, by: User, reason: str
) -> M:
    before = {f: getattr(instance, f) for f in fields}
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])
    if isinstance(instance, Community):
        _check_profile(instance)
    elif isinstance(instance, Committee):
        _check_committee(instance)
    changes: list[str] = [f for f in fields if getattr(instance, f) != before[f]]
    if not changes:
        return instance
    # the row is locked: a plain increment is safe and keeps history rows concrete
    instance.version += 1
    instance._history_user = by  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    with _unique_name_guard(instance):
        instance.save(update_fields=[*changes, "version", "updated_at"])
    return instance


@contextmanager
def _unique_name_guard(instance: Community | Committee) -> Iterator[None]:
    """Turn a duplicate name that got past the form (two saves at once) into a CommunityError.

    The savepoint keeps the surrounding transaction usable on PostgreSQL after the refusal.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as e:
        if isinstance(instance, Community) and (
            Community.objects.filter(street_id=instance.street_id, name=instance.name)
            .exclude(pk=instance.pk)
            .exists()
        ):
            raise CommunityError(
                _("%(street)s already has a community named “%(name)s”.")
                % {"street": text_truncate(instance.street), "name": text_truncate(instance.name)}
            ) from e
        raise


def _check_profile(community: Community) -> None:
    # names also arrive from imports and scripts, not only from forms
    community.name = text_clean(community.name)
    community.track_override_reason = community.track_override_reason.strip()
    community.difficult_reason = community.difficult_reason.strip()
    if community.track_override == community.derived_track:
        # an override equal to the law's own track says nothing
        community.track_override = ""
    if not community.track_override:
        community.track_override_reason = ""
    elif not community.track_override_reason:
        raise CommunityError(_("Overriding the election track needs a reason."))
    if not community.is_difficult:
        community.difficult_reason = ""
    elif not community.difficult_reason:
        raise CommunityError(_("A difficult community needs a reason."))


def _check_committee(committee: Committee) -> None:
    if committee.kind != Committee.Kind.PARTY:
        committee.party_type = ""
        committee.full_members = None  # only a Party organisation counts its full members
    elif not committee.party_type:
        raise CommunityError(_("Choose the type of the party organisation."))


@transaction.atomic
def community_update(
    *, community: Community, version: int, data: dict[str, Any], by: User, reason: str = ""
) -> Community:
    """Save profile changes made from a form that was loaded at `version`.

    Raises ConflictError naming the fields someone else changed if the row moved on since `version`
    (nothing is written), and CommunityError when a rule is broken (a track override or a difficult
    flag without a reason). A save that changes nothing writes nothing. History reason: `reason`,
    else "profile edited".
    """
    current = _lock_and_check_version(Community, community.pk, version, PROFILE_FIELDS)
    return _save_changes(current, data, PROFILE_FIELDS, by=by, reason=reason or "profile edited")


@transaction.atomic
def committee_update(
    *, committee: Committee, version: int, data: dict[str, Any], by: User, reason: str = ""
) -> Committee:
    """Save a committee's type, full members (Party), seats and term start, like
    `community_update`."""
    current = _lock_and_check_version(Committee, committee.pk, version, COMMITTEE_FIELDS)
    return _save_changes(current, data, COMMITTEE_FIELDS, by=by, reason=reason or "seats edited")


@transaction.atomic
def community_create(
    *,
    street_id: int,
    data: dict[str, Any],
    party_type: str = Committee.PartyType.BRANCH,
    party_seats: int = 0,
    residents_seats: int = 0,
    by: User | None,
    reason: str = "community created",
) -> Community:
    """Create a community with its two committees. Raises CommunityError on a broken rule."""
    community = Community(
        street_id=street_id, **{f: v for f, v in data.items() if f in PROFILE_FIELDS}
    )
    _check_profile(community)
    community._history_user = by  # type: ignore[attr-defined]
    community._change_reason = reason  # type: ignore[attr-defined]
    with _unique_name_guard(community):
        community.save()
    for kind, ptype, seats in [
        (Committee.Kind.PARTY, party_type, party_seats),
        (Committee.Kind.RESIDENTS, "", residents_seats),
    ]:
        committee = Committee(community=community, kind=kind, party_type=ptype, seats=seats)
        committee._history_user = by  # type: ignore[attr-defined]
        committee._change_reason = reason  # type: ignore[attr-defined]
        committee.save()
    return community
