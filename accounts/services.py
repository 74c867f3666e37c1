"""Writes for accounts: the security log, users and the access grants (guardian object
permissions)."""

import secrets
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.contrib.auth.models import Permission
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermissionBase

from core.exceptions import DomainError
from core.http import client_ip

from .models import MemberUnit, SecurityEvent, User
from .permissions import MANAGED_ROLES

if TYPE_CHECKING:
    # types only: the hierarchy sits above accounts, which never imports it when running
    from communities.models import Community, District, Street

GrantLevel = Literal["view", "edit", "manage"]
Scope: TypeAlias = "District | Street | Community"

# What a grant may go on, by model name ("district", "street", "community"), and the guardian
# table that holds grants on it. The hierarchy (communities) sits above accounts: it registers its
# tables when it starts (`grant_scope_register` in its AppConfig.ready), so accounts never
# imports it.
GRANT_TABLES: dict[str, type[UserObjectPermissionBase]] = {}
# the model names that take the office grant ("manage"): the whole district only
OFFICE_SCOPES: set[str] = set()


def grant_scope_register(
    *, model_name: str, table: type[UserObjectPermissionBase], takes_office_grant: bool = False
) -> None:
    """Let grants go on objects of `model_name`, held in `table` (idempotent)."""
    GRANT_TABLES[model_name] = table
    if takes_office_grant:
        OFFICE_SCOPES.add(model_name)


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
    obj: models.Model | None = None,
    name: str = "",
    params: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one entry to the security log. Never raises for a missing request or user.

    `obj` is what the event was about (an account, a report, a plan): its type, id and name are
    stored so that the log can describe the event in words and link to it (`name` instead of
    the object's own, if given). `params` holds the
    other facts the description needs (a grant's level, a report's week).
    """
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
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        object_name=(name or str(obj))[:200] if obj is not None else "",
        params=params or {},
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
    if level == "manage" and _scope_level(obj) not in OFFICE_SCOPES:
        raise GrantError(_("The office grant can only be given on a whole district."))
    model = GRANT_TABLES[_scope_level(obj)]
    created = []
    for codename in LEVEL_CODENAMES[level]:
        permission = Permission.objects.get(
            content_type__app_label=obj._meta.app_label,
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
            obj=obj,
            params={"action": "assign", "level": level, "account": str(user)},
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
    model = GRANT_TABLES[_scope_level(obj)]
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
            obj=obj,
            params={"action": "revoke", "account": str(user)},
        )
    return len(rows)


# --- accounts ------------------------------------------------------------------------------------


class AccountError(DomainError):
    pass


# no look-alikes (0/O, 1/l/I): the password is read out or copied by hand
_TEMPORARY_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """Twelve characters without look-alikes, to be changed at the first sign-in."""
    return "".join(secrets.choice(_TEMPORARY_CHARS) for _ in range(12))


@transaction.atomic
def account_create(
    *,
    username: str,
    display_name: str,
    role: str,
    member_unit: MemberUnit | None,
    scope: Scope,
    level: GrantLevel,
    by: User,
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create an account with a temporary password and its first grant, in one transaction.

    Returns the user and the temporary password, which is shown once and stored only hashed; the
    user must change it at the first sign-in. Raises AccountError for a taken user name, a role
    the office does not manage, or a member-unit account without its unit; GrantError as
    `grant_assign` does. Not idempotent: a second call with the same name is refused.
    """
    if role not in MANAGED_ROLES:
        raise AccountError(_("The office creates street, leader and member-unit accounts only."))
    if role == User.Role.MEMBER_UNIT and member_unit is None:
        raise AccountError(_("A member-unit user must belong to a member unit."))
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("The user name %(name)s is taken.") % {"name": username})
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        member_unit=member_unit if role == User.Role.MEMBER_UNIT else None,
        must_change_password=True,
    )
    password = temporary_password()
    user.set_password(password)
    user._history_user = by  # type: ignore[attr-defined]
    user._change_reason = "account created"  # type: ignore[attr-defined]
    user.save()
    grant_assign(
        user=user, obj=scope, level=level, by=by, request=request, reason="account created"
    )
    security_event_record(
        kind=SecurityEvent.Kind.ACCOUNT_CREATED,
        request=request,
        user=by,
        obj=user,
        params={"role": role},
    )
    return user, password


def _guard_not_self(user: User, by: User) -> None:
    if user.pk == by.pk:
        raise AccountError(_("You cannot change your own account here."))


@transaction.atomic
def account_disable(*, user: User, by: User, request: HttpRequest | None = None) -> bool:
    """Disable an account: it can no longer sign in, and its open sessions end at their next
    request (the authentication backend refuses inactive users). Grants are kept, so enabling
    it again restores its access. Returns False if it was disabled already (idempotent).
    Raises AccountError when `by` would disable itself."""
    _guard_not_self(user, by)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return False
    user.is_active = False
    user._history_user = by  # type: ignore[attr-defined]
    user._change_reason = "account disabled"  # type: ignore[attr-defined]
    user.save(update_fields=["is_active"])
    security_event_record(
        kind=SecurityEvent.Kind.ACCOUNT_DISABLED, request=request, user=by, obj=user
    )
    return True


@transaction.atomic
def account_enable(*, user: User, by: User, request: HttpRequest | None = None) -> bool:
    """Enable a disabled account again. Returns False if it was active (idempotent)."""
    _guard_not_self(user, by)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        return False
    user.is_active = True
    user._history_user = by  # type: ignore[attr-defined]
    user._change_reason = "account enabled"  # type: ignore[attr-defined]
    user.save(update_fields=["is_active"])
    security_event_record(
        kind=SecurityEvent.Kind.ACCOUNT_ENABLED, request=request, user=by, obj=user
    )
    return True


@transaction.atomic
def account_password_reset(*, user: User, by: User, request: HttpRequest | None = None) -> str:
    """Give the account a new temporary password and return it (shown once). The old password
    stops working, its open sessions end (Django ties a session to the password hash), and the
    user must change the new one at the next sign-in. Raises AccountError for one's own account."""
    _guard_not_self(user, by)
    user = User.objects.select_for_update().get(pk=user.pk)
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user._history_user = by  # type: ignore[attr-defined]
    user._change_reason = "password reset"  # type: ignore[attr-defined]
    user.save(update_fields=["password", "must_change_password"])
    security_event_record(
        kind=SecurityEvent.Kind.PASSWORD_RESET, request=request, user=by, obj=user
    )
    return password


def account_password_changed(*, user: User, request: HttpRequest | None = None) -> None:
    """The user chose a new password: clear the must-change flag and log it. Idempotent."""
    if user.must_change_password:
        user.must_change_password = False
        user._history_user = user  # type: ignore[attr-defined]
        user._change_reason = "password changed"  # type: ignore[attr-defined]
        user.save(update_fields=["must_change_password"])
    security_event_record(
        kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=request, user=user, obj=user
    )
