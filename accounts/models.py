from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class MemberUnit(TimeStampedModel):
    """A department of the coordination group (member unit) that takes part in the joint review."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        OFFICE = "office", _("district office")
        STREET = "street", _("street official")
        LEADER = "leader", _("leader")
        MEMBER_UNIT = "member_unit", _("member unit")
        DISCIPLINE = "discipline", _("discipline officer")
        SUPERVISOR = "supervisor", _("supervisor")

    # Chinese names are one string; first_name/last_name stay empty
    display_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    member_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # set when the office creates the account or resets its password: the temporary password
    # works for one sign-in, after which the user is kept on the password-change page
    must_change_password = models.BooleanField(_("must change password"), default=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="member_unit") | models.Q(member_unit__isnull=False),
                name="member_unit_user_has_unit",
                violation_error_message=_("A member-unit user must belong to a member unit."),
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class SecurityEvent(models.Model):
    """An append-only security log entry: logins, failures, lock-outs, denials, exports, grants."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGOUT = "logout", _("signed out")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOCKED_OUT = "locked_out", _("locked out")
        DENIED = "denied", _("access denied")
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")
        GRANT = "grant", _("grant changed")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        ACCOUNT_CREATED = "account_created", _("account created")
        ACCOUNT_DISABLED = "account_disabled", _("account disabled")
        ACCOUNT_ENABLED = "account_enabled", _("account enabled")
        PASSWORD_RESET = "password_reset", _("password reset")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
    )
    # kept even if the user row goes, and for failed sign-ins with unknown names
    username = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    # what the event was about, so the log can describe it in words and link to it; events
    # written before these fields existed keep only `path` and `detail`
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    object_name = models.CharField(_("object name"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # append-only: an entry is written once and never changed
        if self.pk is not None:
            raise ValueError("security events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("security events are append-only")
