"""Forms of the results pages: one round's ballot account with a votes field per formal
candidate, and the posts of those elected when the committee is formed."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from ..forms import DateInput
from ..models import Candidate, Post

ACCOUNT_FIELDS = [
    "registered_voters",
    "ballots_issued",
    "ballots_returned",
    "valid_ballots",
    "invalid_ballots",
    "seats_to_fill",
]


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, widget=forms.NumberInput(attrs={"min": 0}))


class ResultForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DateInput())
    registered_voters = _count(_("registered voters"))
    ballots_issued = _count(_("ballots issued"))
    ballots_returned = _count(_("ballots returned"))
    valid_ballots = _count(_("valid ballots"))
    invalid_ballots = _count(_("invalid ballots"))
    seats_to_fill = _count(_("seats to fill"))

    def __init__(self, *args: Any, candidates: Sequence[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for c in self.candidates:
            field = _count(_("Votes for %(name)s") % {"name": c.name})
            field.required = False
            # added after the mixin styled the fields
            field.widget.attrs["class"] = "form-control"
            self.fields[f"vote_{c.pk}"] = field

    def votes(self) -> dict[int, int]:
        """Candidate id → votes, for the candidates whose votes were entered."""
        votes = {}
        for c in self.candidates:
            value = self.cleaned_data.get(f"vote_{c.pk}")
            if value is not None:
                votes[c.pk] = value
        return votes


class CommitteeForm(StyledFormMixin, forms.Form):
    formed_on = forms.DateField(label=_("new committee formed on"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        candidates: Sequence[Candidate],
        posts: Sequence[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        labels = dict(Post.choices)
        for c in self.candidates:
            self.fields[f"post_{c.pk}"] = forms.ChoiceField(
                label=c.name,
                choices=[(p, labels[p]) for p in posts],
                initial=c.post_sought if c.post_sought in posts else Post.MEMBER,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def posts(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"post_{c.pk}"] for c in self.candidates}
