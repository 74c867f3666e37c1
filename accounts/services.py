"""Writes for accounts: the security log, users and the access grants (guardian object
permissions)."""

from typing import Literal

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermissionBase

from communities.models import GRANT_MODELS, Community, District, Street
from core.exceptions import DomainError
from core.http import client_ip

from .models import SecurityEvent, User

GrantLevel = Literal["view", "edit", "manage"]
Scope = District | Street | Community

# what each grant level gives on the object it is granted on
LEVEL_CODENAMES: dict[str, list[str]] = {
    "view": ["view_community"],
    "edit": ["view_community", "change_community"],
    # the coordination office: everything in its district, including grants and imports
    "manage": [
        "view_community",
        "change_community",
        "manage_grants",
        "import_communities",
        "manage_campaigns",
    ],
}


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Append one entry to the security log. Never raises for a missing request or user."""
    request_user = getattr(request, "user", None) if request is not None else None
    if user is None and request_user is not None and request_user.is_authenticated:
        user = request_user
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.username if user else ""),
        ip_address=client_ip(request) if request else None,
        path=request.get_full_path()[:500] if request else "",
        detail=detail[:500],
    )


class GrantError(DomainError):
    pass


def _scope_level(obj: Scope) -> str:
    return obj._meta.model_name  # type: ignore[return-value]


@transaction.atomic
def grant_assign(
    *,
    user: User,
    obj: Scope,
    level: GrantLevel,
    by: User | None,
    request: HttpRequest | None = None,
    reason: str = "grant assigned",
) -> list[UserObjectPermissionBase]:
    """Give `user` the `level` grant on a district, street or community.

    Idempotent: permissions the user already holds on the object are kept, not duplicated. Raises
    GrantError for an inactive user, or for "manage" on anything but a district. Each permission
    row is history-tracked (who, when, reason) and the change is written to the security log.
    """
    if not user.is_active:
        raise GrantError(_("%(user)s is deactivated; activate the account first.") % {"user": user})
    if level == "manage" and not isinstance(obj, District):
        raise GrantError(_("The office grant can only be given on a whole district."))
    model = GRANT_MODELS[_scope_level(obj)]
    created = []
    for codename in LEVEL_CODENAMES[level]:
        permission = Permission.objects.get(
            content_type__app_label="communities",
            content_type__model=_scope_level(obj),
            codename=codename,
        )
        if model.objects.filter(user=user, permission=permission, content_object=obj).exists():
            continue
        # each concrete grant model adds its own `content_object`; the base class has none
        row = model(user=user, permission=permission, content_object=obj)  # type: ignore[misc]
        row._history_user = by  # type: ignore[attr-defined]
        row._change_reason = reason  # type: ignore[attr-defined]
        try:
            # the same grant given twice at once: the database keeps one, and this is idempotent
            with transaction.atomic():
                row.save()
        except IntegrityError:
            if not model.objects.filter(
                user=user, permission=permission, content_object=obj
            ).exists():
                raise
            continue
        created.append(row)
    if created:
        security_event_record(
            kind=SecurityEvent.Kind.GRANT,
            request=request,
            user=by,
            detail=f"assign {level} on {_scope_level(obj)}:{obj.pk} ({obj}) to {user.username}",
        )
    return created


@transaction.atomic
def grant_revoke(*, user: User, obj: Scope, by: User, request: HttpRequest | None = None) -> int:
    """Remove every grant `user` holds on `obj`. Returns how many permissions went; 0 is fine.

    Raises GrantError when `by` would revoke their own grant (an office could lock itself out);
    another office user or a superuser does it. Each removed row is history-tracked and the change
    is written to the security log.
    """
    if user.pk == by.pk and not by.is_superuser:
        raise GrantError(_("You cannot revoke your own access; ask another office user."))
    model = GRANT_MODELS[_scope_level(obj)]
    rows = list(model.objects.select_for_update().filter(user=user, content_object=obj))
    for row in rows:
        row._history_user = by
        row._change_reason = "grant revoked"
        row.delete()
    if rows:
        security_event_record(
            kind=SecurityEvent.Kind.GRANT,
            request=request,
            user=by,
            detail=f"revoke on {_scope_level(obj)}:{obj.pk} ({obj}) from {user.username}",
        )
    return len(rows)
