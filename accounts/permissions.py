"""Who may read the security log, and which accounts the office looks after.

Who manages the grants and accounts of which district is the hierarchy's rule, in
`communities/permissions.py` (accounts sits below the hierarchy). Refusals raise `OutOfScope`, a
404 that the denial middleware writes to the security log.
"""

from core.http import OutOfScope

from .models import User

# roles whose accounts the office creates and looks after; office accounts stay with the superuser
MANAGED_ROLES = (User.Role.STREET, User.Role.LEADER, User.Role.MEMBER_UNIT)


def can_read_security_log(user: User) -> bool:
    """The district office and superusers read the security log; nobody else knows it exists."""
    if not user.is_active:
        return False
    return user.is_superuser or user.role == User.Role.OFFICE


def access_security_log(user: User) -> None:
    if not can_read_security_log(user):
        raise OutOfScope


def can_manage_account(actor: User, account: User) -> bool:
    """Whether the page offers actions on `account`: not one's own, and a role the office runs."""
    return account.pk != actor.pk and account.role in MANAGED_ROLES
