"""Forms of the public reporting channel (绿色通道): the report and the receipt look-up.

Whatever the public types is kept as text (shown escaped everywhere); control characters, NUL
included (PostgreSQL refuses it), are removed. Files are checked by their content (a photo or a
PDF within the size limit) before anything is stored. A hidden field that people never see and
bots fill in (`website`) refuses the submission.
"""

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.forms import CommunityChoiceField
from communities.models import Community
from core.forms import StyledFormMixin

from .forms_reports import TEXT_MAX, ReportFieldsForm
from .models import Report
from .services.reports import MAX_ATTACHMENTS

# C0 control characters and DEL, except tab, line feed and carriage return
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_strip(value: str) -> str:
    return _CONTROL.sub("", value)


class PublicTextField(forms.CharField):
    """Text typed by the public: control characters (NUL included) removed before any check."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = control_strip(value)
        return super().to_python(value)


# the reporter's own fields, whose text the public types: control characters removed first
_TYPED = ("text", "reporter_name", "reporter_phone", "reporter_address")


def _control_stripping(to_python: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def strip(value: Any) -> Any:
        return to_python(control_strip(value) if isinstance(value, str) else value)

    return strip


class PublicReportForm(ReportFieldsForm):
    """The report's fields (`ReportFieldsForm`) worded for the reporter, with a community chosen
    from a grouped list, the name and phone required unless the report is anonymous, and a
    hidden field for bots (`website`)."""

    field_order = [
        "community",
        "category",
        "text",
        "anonymous",
        "reporter_name",
        "reporter_phone",
        "reporter_address",
        "attachments",
        "website",
    ]
    labels = {
        "category": _("What kind of misconduct"),
        "text": _("What is being reported"),
        "anonymous": _("Report anonymously"),
        "reporter_name": _("Your name"),
        "reporter_phone": _("Your phone"),
        "reporter_address": _("Your address"),
    }

    community = CommunityChoiceField(
        label=_("Community concerned"),
        queryset=Community.objects.none(),
        empty_label=_("Please choose"),
        error_messages={"invalid_choice": _("Choose the community from the list.")},
    )
    # never shown to people (hidden by the page); bots fill every field in
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields is this form's own copy: changing a field here changes no other form
        for name in _TYPED:
            field = self.fields[name]
            field.to_python = _control_stripping(field.to_python)  # type: ignore[method-assign,assignment]
        self.fields["anonymous"].initial = True
        self.fields["reporter_phone"].validators.insert(
            0,
            RegexValidator(
                r"^[0-9+\-() ]{5,30}$", _("Enter a phone number (digits, spaces, + and -).")
            ),
        )
        self.fields["text"].help_text = gettext(
            "Who did what, when and where; name the people concerned. At most %(max)s characters."
        ) % {"max": TEXT_MAX}
        self.fields["attachments"].help_text = gettext(
            "Up to %(count)s photos (JPEG, PNG, HEIC, WebP) or PDF files."
        ) % {"count": MAX_ATTACHMENTS}
        community_field: Any = self.fields["community"]
        community_field.queryset = communities
        category_field: Any = self.fields["category"]
        category_field.choices = [("", _("Please choose")), *Report.Category.choices]
        honeypot = self.fields["website"].widget
        honeypot.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(
                _("The report could not be sent. Leave the last field empty and send it again."),
                code="honeypot",
            )
        if not data.get("anonymous"):
            if not data.get("reporter_name") and "reporter_name" not in self.errors:
                self.add_error(
                    "reporter_name", _("Give your name, or choose to report anonymously.")
                )
            if not data.get("reporter_phone") and "reporter_phone" not in self.errors:
                self.add_error(
                    "reporter_phone", _("Give a phone number, or choose to report anonymously.")
                )
        return data


class ReceiptForm(StyledFormMixin, forms.Form):
    code = PublicTextField(
        label=_("Receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("The code shown when the report was sent, e.g. ABCD-EFGH-JKMN."),
        error_messages={"required": _("Enter the receipt code.")},
    )
