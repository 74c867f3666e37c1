"""The accounts' part of the demo data (`manage.py seed_demo`, `seed_scale`, in the `demo` app):
the superuser, the member units and the demo accounts, all with the password `huanjie-demo`
(design.md §4). Display names and member units are data, in `accounts/demo_data.json`; the grants
that give the accounts their scope are the hierarchy's, in `communities/demo.py`.

Fictional data only; nothing here is used by the application at run time.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import check_password
from django.utils.translation import gettext as _

from .models import MemberUnit, User

DATA_PATH = Path(__file__).resolve().parent / "demo_data.json"
REASON = "demo data"

# every demo and scale account signs in with this password (design.md §4)
DEMO_PASSWORD = "huanjie-demo"  # noqa: S105 - a published demo password, not a secret

# the demo accounts with their role, and the member unit of a member-unit account
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("office", User.Role.OFFICE, ""),
    ("street1", User.Role.STREET, ""),
    ("street2", User.Role.STREET, ""),
    ("leader1", User.Role.LEADER, ""),
    ("police", User.Role.MEMBER_UNIT, "police"),
    ("discipline", User.Role.DISCIPLINE, ""),
    ("supervisor", User.Role.SUPERVISOR, ""),
]


@dataclass
class DemoAccounts:
    """What `demo_seed` made: the superuser who authors the rest of the demo data, the demo
    accounts by user name (in the order of `DEMO_ACCOUNTS`) and, for a member-unit account, the
    scope column of the summary table."""

    admin: User
    users: dict[str, User] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def demo_seed() -> DemoAccounts:
    """Create or complete the superuser `admin`, the member units and the demo accounts.

    Idempotent: what exists is kept; the accounts are brought back to their role, display name
    and the demo password. A second run writes nothing. Runs in the caller's transaction.
    """
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    names = data["accounts"]
    admin, _created = user_ensure(
        username="admin",
        display_name=names["admin"]["display_name"],
        role="",
        by=None,
        reason=REASON,
        is_superuser=True,
    )
    units = _member_units(data["member_units"], by=admin)
    result = DemoAccounts(admin=admin)
    for username, role, unit_code in DEMO_ACCOUNTS:
        unit = units[unit_code] if unit_code else None
        user, _created = user_ensure(
            username=username,
            display_name=names[username]["display_name"],
            role=role,
            by=admin,
            reason=REASON,
            member_unit=unit,
        )
        result.users[username] = user
        if unit is not None:
            result.notes[username] = _("member unit %(unit)s") % {"unit": unit.name}
    return result


def scale_seed(*, by: User | None, reason: str) -> tuple[User, User]:
    """The scale district's accounts `scale_office` and `scale_street` (password `huanjie-demo`),
    created or brought back to their role and name; their grants are given by the hierarchy's
    scale seeder."""
    office, _created = user_ensure(
        username="scale_office",
        display_name=_("Scale office"),
        role=User.Role.OFFICE,
        by=by,
        reason=reason,
    )
    street, _created = user_ensure(
        username="scale_street",
        display_name=_("Scale street official"),
        role=User.Role.STREET,
        by=by,
        reason=reason,
    )
    return office, street


def _member_units(specs: list[dict[str, str]], *, by: User) -> dict[str, MemberUnit]:
    units = {u.code: u for u in MemberUnit.objects.filter(code__in=[s["code"] for s in specs])}
    for spec in specs:
        if spec["code"] not in units:
            unit = MemberUnit(code=spec["code"], name=spec["name"])
            unit._history_user = by  # type: ignore[attr-defined]
            unit._change_reason = REASON  # type: ignore[attr-defined]
            unit.save()
            units[unit.code] = unit
    return units


def user_ensure(
    *,
    username: str,
    display_name: str,
    role: str,
    by: User | None,
    reason: str,
    member_unit: MemberUnit | None = None,
    is_superuser: bool = False,
) -> tuple[User, bool]:
    """Create the account, or bring it back to the given role, name and the demo password.

    Returns (user, created). A second call with the same arguments writes nothing. The password is
    not kept in the user's history, so a password reset alone adds no history row. `by=None`
    records the new user as its own author (used for the first superuser).
    """
    wanted: dict[str, Any] = {
        "display_name": display_name,
        "role": role,
        "member_unit_id": member_unit.pk if member_unit else None,
        "is_superuser": is_superuser,
        "is_staff": is_superuser,
        "is_active": True,
    }
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **wanted)
        user.set_password(DEMO_PASSWORD)
        user._history_user = by or user  # type: ignore[attr-defined]
        user._change_reason = reason  # type: ignore[attr-defined]
        user.save()
        return user, True
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, wanted[name])
        user._history_user = by or user  # type: ignore[attr-defined]
        user._change_reason = reason  # type: ignore[attr-defined]
        user.save(update_fields=[f.removesuffix("_id") for f in changed])
    # check without the upgrade callback: a rehash would save the user a second time
    if not check_password(DEMO_PASSWORD, user.password):
        user.set_password(DEMO_PASSWORD)
        user.skip_history_when_saving = True  # type: ignore[attr-defined]
        user.save(update_fields=["password"])
        del user.skip_history_when_saving  # type: ignore[attr-defined]
    return user, False
