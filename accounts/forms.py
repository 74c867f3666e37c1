import re
from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.forms import InputRulesMixin, StyledFormMixin
from core.http import id_parse

from .models import MemberUnit, SecurityEvent, User
from .permissions import MANAGED_ROLES
from .selectors import LEVEL_LABELS, SecurityLogFilters

# ASCII digits only: `\d` would also match "٣" and other scripts' digits
SCOPE_RE = re.compile(r"^(district|street|community):([0-9]{1,19})$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SecurityLogFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Event"),
        choices=[("", _("All events")), *SecurityEvent.Kind.choices],
        required=False,
    )
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def filters(self) -> SecurityLogFilters:
        if not self.is_valid():
            return SecurityLogFilters()
        data = self.cleaned_data
        return SecurityLogFilters(
            kind=data["kind"], user=data["user"].strip(), since=data["since"], until=data["until"]
        )


class UserPickerInput(forms.TextInput):
    """A text box that suggests users by user name and display name (an HTML datalist).

    The field's choices are rendered once, as the datalist's options; the browser filters them
    as the user types, so no script is needed.
    """

    choices: Any = ()

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        list_id = f"{(attrs or {}).get('id', 'id_' + name)}-options"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((str(v), label) for v, label in self.choices if v != ""),
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
        )


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        if obj.display_name:
            return f"{obj.display_name} ({obj.username})"
        return str(obj.username)


def parse_scope(value: str) -> tuple[str, int]:
    match = SCOPE_RE.fullmatch(value)
    pk = id_parse(match.group(2)) if match is not None else None
    if match is None or pk is None:
        raise forms.ValidationError(_("Choose a district, street or community."), code="invalid")
    return match.group(1), pk


class ScopeField(forms.CharField):
    """`kind:pk` of a district, street or community; the view checks the object is in scope."""

    widget = forms.Select

    def to_python(self, value: Any) -> tuple[str, int] | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        return parse_scope(value)


class GrantAddForm(StyledFormMixin, forms.Form):
    user = UserChoiceField(
        label=_("User"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        widget=UserPickerInput,
        help_text=_("Type a user name or a name and pick from the list."),
        error_messages={"invalid_choice": _("No active user with this user name.")},
    )
    scope = ScopeField(label=_("Scope"))
    community = ScopeField(
        label=_("Community (optional)"),
        required=False,
        help_text=_("To grant access to one community only, choose its street above, then it."),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=list(LEVEL_LABELS.items()),
        help_text=_(
            "View reads, edit also enters data; manage gives the office's rights and only goes on "
            "a whole district."
        ),
    )

    def __init__(
        self,
        *args: Any,
        scope_choices: Any = (),
        community_choices: Any = (),
        communities_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.choices = [("", "---------"), *scope_choices]
        self.fields["community"].widget.choices = [
            ("", _("— the whole district or street —")),
            *community_choices,
        ]
        # choosing a street loads its communities into the second select (htmx)
        self.fields["scope"].widget.attrs.update(
            {"hx-get": communities_url, "hx-target": "#id_community", "hx-trigger": "change"}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        community, scope = data.get("community"), data.get("scope")
        if community:
            if not scope or scope[0] != "street":
                self.add_error("community", _("Choose the community's street first."))
            else:
                # the view checks that the community lies in a district the actor manages
                data["scope"] = community
        return data


class GrantRevokeForm(InputRulesMixin, forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.all())
    scope = ScopeField()


class AccountCreateForm(GrantAddForm):
    """A new account and its first grant, in one form (prefix "account" beside the grant form)."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only; the user signs in with it."),
    )
    display_name = forms.CharField(label=_("Full name"), max_length=60)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "---------"), *((r.value, r.label) for r in MANAGED_ROLES)],
    )
    member_unit = forms.ModelChoiceField(
        label=_("Member unit"),
        queryset=MemberUnit.objects.order_by("name"),
        required=False,
        help_text=_("Only for a member unit's account."),
    )

    field_order = ["username", "display_name", "role", "member_unit", "scope", "community", "level"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="account", **kwargs)
        del self.fields["user"]
        self.order_fields(self.field_order)
        self.fields["scope"].widget.attrs["hx-target"] = "#id_account-community"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("role") == User.Role.MEMBER_UNIT and not data.get("member_unit"):
            self.add_error("member_unit", _("A member-unit user must belong to a member unit."))
        return data
