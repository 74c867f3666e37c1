"""Forms of the publicity pages and of the major events. They parse input only; the services
check the rules (counts not negative, a time not still to come) and save."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from communities.forms import CommunityChoiceField
from communities.models import Community
from core.forms import StyledFormMixin
from core.uploads import UploadField
from election.models import Campaign

from .models import MajorEvent, PublicityDocument, PublicityTally
from .selectors.publicity import count_label

# what a datetime-local input sends, with or without seconds
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class TallyForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PublicityTally.COUNTS:
            self.fields[name] = forms.IntegerField(
                label=count_label(name),
                min_value=0,
                max_value=2147483647,
                initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )
        # the StyledFormMixin classes, for the fields added above
        for name in PublicityTally.COUNTS:
            self.fields[name].widget.attrs["class"] = "form-control"


class DocumentForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=PublicityDocument.Kind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    summary = forms.CharField(
        label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = UploadField(
        label=_("File (photo or PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.heic"}),
    )

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns  # type: ignore[type-arg]


class EventForm(StyledFormMixin, forms.Form):
    community = CommunityChoiceField(label=_("community"), queryset=Community.objects.none())
    severity = forms.ChoiceField(
        label=_("severity"),
        choices=MajorEvent.Severity.choices,
        initial=MajorEvent.Severity.SERIOUS,
    )
    occurred_at = forms.DateTimeField(
        label=_("occurred at"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    title = forms.CharField(label=_("title"), max_length=200)
    facts = forms.CharField(label=_("facts"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CommunityChoiceField, self.fields["community"]).queryset = communities


class AcknowledgeForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    handling = forms.CharField(
        label=_("handling"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class HandlingForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    handling = forms.CharField(
        label=_("handling"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
