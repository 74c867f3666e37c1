"""Forms of the public reporting channel (绿色通道): the report and the receipt look-up.

Whatever the public types is kept as text (shown escaped everywhere); control characters, NUL
included (PostgreSQL refuses it), are removed. Files are checked by their content (a photo or a
PDF within the size limit) before anything is stored. A hidden field that people never see and
bots fill in (`website`) refuses the submission.
"""

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from core.exceptions import DomainError
from core.forms import StyledFormMixin
from core.http import id_parse
from core.uploads import UploadField

from .models import Report
from .services.files import file_check
from .services.reports import MAX_ATTACHMENTS

TEXT_MAX = 5000
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


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleUploadField(UploadField):
    """Several files in one input; each goes through UploadField's checks."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf,.heic"})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(count)s files may be attached to a report."),
                code="too_many",
                params={"count": MAX_ATTACHMENTS},
            )
        return [super(MultipleUploadField, self).clean(f, initial) for f in files]


def community_choices(communities: QuerySet[Community]) -> list[tuple[str, Any]]:
    """The communities grouped by district and street, for a select with optgroups."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for community in communities:
        street = community.street
        groups.setdefault(f"{street.district.name} · {street.name}", []).append(
            (community.pk, community.name)
        )
    return [("", _("Please choose")), *groups.items()]


class PublicReportForm(StyledFormMixin, forms.Form):
    community = forms.ChoiceField(label=_("Community concerned"))
    category = forms.ChoiceField(label=_("What kind of misconduct"), choices=())
    text = PublicTextField(
        label=_("What is being reported"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Say what is being reported.")},
    )
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False, initial=True)
    reporter_name = PublicTextField(label=_("Your name"), max_length=60, required=False)
    reporter_phone = PublicTextField(
        label=_("Your phone"),
        max_length=30,
        required=False,
        validators=[
            RegexValidator(
                r"^[0-9+\-() ]{5,30}$", _("Enter a phone number (digits, spaces, + and -).")
            )
        ],
    )
    reporter_address = PublicTextField(label=_("Your address"), max_length=200, required=False)
    attachments = MultipleUploadField(
        label=_("Photos or PDF files"),
        required=False,
    )
    # never shown to people (hidden by the page); bots fill every field in
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = gettext(
            "Who did what, when and where; name the people concerned. At most %(max)s characters."
        ) % {"max": TEXT_MAX}
        self.fields["attachments"].help_text = gettext(
            "Up to %(count)s photos (JPEG, PNG, HEIC, WebP) or PDF files."
        ) % {"count": MAX_ATTACHMENTS}
        self._communities = {c.pk: c for c in communities}
        community_field: Any = self.fields["community"]
        community_field.choices = community_choices(communities)
        category_field: Any = self.fields["category"]
        category_field.choices = [("", _("Please choose")), *Report.Category.choices]
        honeypot = self.fields["website"].widget
        honeypot.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_community(self) -> Community:
        pk = id_parse(self.cleaned_data["community"])
        community = self._communities.get(pk) if pk is not None else None
        if community is None:
            raise forms.ValidationError(_("Choose the community from the list."), code="invalid")
        return community

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        errors = []
        for upload in files:
            try:
                file_check(upload)
            except DomainError as e:
                errors.append(str(e))
        if errors:
            raise forms.ValidationError(errors)
        return files

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
