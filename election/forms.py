from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.forms import IdField, InputRulesMixin, StyledFormMixin
from core.history import REASON_MAX
from core.http import id_parse
from core.uploads import UploadField

from .models import (
    CommunityPlan,
    PlanStep,
    Postponement,
    PublicNotice,
    StageTemplate,
    VoterObjection,
    VotingMode,
)
from .selectors.worklist import WorklistFilters

# --- plans ----------------------------------------------------------------------------------------

# suggestions for where a public notice went up (the user may type any other place)
NOTICE_PLACES = [
    _("Residents' affairs notice board"),
    _("Party affairs notice board"),
    _("Community office entrance"),
    _("Residential compound gate"),
    _("Community WeChat group"),
]


class DateInput(forms.DateInput):
    """A native date picker (type=date wants ISO dates)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ConfirmChangeMixin(forms.Form):
    """A hidden `confirm` field for a change that asks for confirmation when it breaks a time
    limit (services.changes): the first submit shows what breaks and fills `confirm` with the key
    of the proposed days; a second submit of the same days confirms it. Changing a day after the
    warning changes the key, so the new days are checked again."""

    confirm_fields: tuple[str, ...] = ()
    confirm = forms.CharField(required=False, widget=forms.HiddenInput)

    def change_key(self) -> str:
        return "|".join(str(self.cleaned_data.get(f) or "") for f in self.confirm_fields)

    def is_confirmed(self) -> bool:
        return bool(self.cleaned_data.get("confirm")) and (
            self.cleaned_data["confirm"] == self.change_key()
        )

    def ask_confirmation(self) -> None:
        """Render the form again with `confirm` set to the proposed days' key."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data[self.add_prefix("confirm")] = self.change_key()
        self.data = data


class PlanDatesForm(ConfirmChangeMixin, StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    confirm_fields = ("election_on", "party_election_on", "committee_formed_on")
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Optional; kept in the history."),
    )

    class Meta:
        model = CommunityPlan
        fields = ["election_on", "party_election_on", "committee_formed_on"]
        widgets = {
            "election_on": DateInput(),
            "party_election_on": DateInput(),
            "committee_formed_on": DateInput(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        election_on, party_on = data.get("election_on"), data.get("party_election_on")
        if election_on and party_on and party_on > election_on:
            self.add_error(
                "party_election_on",
                _("The party organisation is elected before the residents' committee."),
            )
        formed_on = data.get("committee_formed_on")
        if election_on and formed_on and formed_on < election_on:
            self.add_error(
                "committee_formed_on", _("A committee is formed on election day or later.")
            )
        return data

    def _post_clean(self) -> None:
        # the service validates and saves; the model's own checks would need the whole row
        pass


class StepForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PlanStep
        fields = ["status", "done_on", "responsible", "notes"]
        widgets = {
            "status": forms.RadioSelect(),
            "done_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"done_on": _("Leave empty for today when the step is done.")}

    def _post_clean(self) -> None:
        # step_update applies the rules (a done step gets a date, never one still to come)
        pass


class EvidenceForm(StyledFormMixin, forms.Form):
    file = UploadField(
        label=_("Photo or PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.heic"}),
    )


class NoticeForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    photo = UploadField(
        label=_("Photo of the notice"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.heic"}),
    )

    class Meta:
        model = PublicNotice
        fields = ["title", "place", "posted_on", "taken_down_on"]
        widgets = {
            "place": forms.TextInput(attrs={"list": "notice-places", "autocomplete": "off"}),
            "posted_on": DateInput(),
            "taken_down_on": DateInput(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        posted_on, taken_down_on = data.get("posted_on"), data.get("taken_down_on")
        if posted_on and taken_down_on and taken_down_on < posted_on:
            self.add_error("taken_down_on", _("A notice cannot come down before it went up."))
        return data

    def _post_clean(self) -> None:
        # notice_add validates and saves; the instance has no step yet
        pass


class ObjectionForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = VoterObjection
        fields = ["received_on", "raised_by", "summary"]
        widgets = {"received_on": DateInput()}

    def _post_clean(self) -> None:
        # objection_add validates and saves; the instance has no plan yet
        pass


class ObjectionDecideForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = VoterObjection
        fields = ["decided_on", "outcome"]
        widgets = {"decided_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].required = True
        self.fields["outcome"].required = True

    def _post_clean(self) -> None:
        # objection_decide validates and saves
        pass


class StageReopenForm(InputRulesMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it?"),
        max_length=REASON_MAX,
        error_messages={"required": _("Say why the stage is reopened.")},
    )


class WorklistFilterForm(StyledFormMixin, forms.Form):
    FLAGS = [
        ("", _("All open steps")),
        ("late", _("Red or overdue")),
        ("red", _("Breaking a time limit")),
        ("overdue", _("Overdue")),
    ]

    community = forms.CharField(label=_("Community"), required=False, max_length=60)
    stage = forms.ModelChoiceField(
        label=_("Stage"),
        queryset=StageTemplate.objects.none(),
        required=False,
        empty_label=_("All stages"),
    )
    flag = forms.ChoiceField(label=_("Flags"), choices=FLAGS, required=False)

    def __init__(self, *args: Any, stages: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if stages is not None:
            self.fields["stage"].queryset = stages  # type: ignore[attr-defined]

    def filters(self) -> WorklistFilters:
        if not self.is_valid():
            return WorklistFilters()
        data = self.cleaned_data
        return WorklistFilters(
            community=data["community"].strip(),
            stage=data["stage"].pk if data["stage"] else None,
            flag=data["flag"],
        )


# --- campaigns ------------------------------------------------------------------------------------
# Campaign creation, survey, seats, assignments and visits (views/campaigns.py). The imports sit
# here because this part is appended below the plan forms.

from accounts.forms import UserChoiceField  # noqa: E402
from accounts.models import User  # noqa: E402
from communities.models import Community, Street  # noqa: E402

from .models import Campaign, LeaderAssignment, RuleSet, SurveyLedger, Visit  # noqa: E402
from .services.negative_lists import campaign_review_started  # noqa: E402
from .services.survey import SURVEY_FIELDS  # noqa: E402


class CampaignForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A new campaign. The district field appears only for a user who runs several districts."""

    class Meta:
        model = Campaign
        fields = [
            "district",
            "rule_set",
            "negative_list",
            "name",
            "starts_on",
            "party_election_on",
            "election_on",
        ]
        widgets = {
            "starts_on": DateInput(),
            "party_election_on": DateInput(),
            "election_on": DateInput(),
        }

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(districts)
        self.only_district = choices[0] if len(choices) == 1 else None
        if self.only_district is not None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["rule_set"].empty_label = None  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["rule_set"] = RuleSet.objects.filter(is_default=True).first()

    def chosen_district(self) -> Any:
        return self.only_district or self.cleaned_data["district"]

    def _post_clean(self) -> None:
        # campaign_create checks the dates and saves
        pass


class CampaignEditForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A campaign's name, period, rule set and negative list; the rule set is fixed once the
    campaign runs, the negative list once its candidates are sent to the joint review."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Optional; kept in the history."),
    )

    class Meta:
        model = Campaign
        fields = [
            "rule_set",
            "negative_list",
            "name",
            "starts_on",
            "party_election_on",
            "election_on",
        ]
        widgets = {
            "starts_on": DateInput(),
            "party_election_on": DateInput(),
            "election_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].empty_label = None  # type: ignore[attr-defined]
        if self.instance.status != Campaign.Status.DRAFT:
            self.fields["rule_set"].disabled = True
            self.fields["rule_set"].help_text = _(
                "Fixed while the campaign runs: its plans were made from these rules."
            )
        if self.instance.pk and campaign_review_started(self.instance):
            self.fields["negative_list"].disabled = True
            self.fields["negative_list"].help_text = _(
                "Fixed since candidates were sent to the joint review: the member units answer "
                "this list's criteria."
            )

    def _post_clean(self) -> None:
        # campaign_update checks the dates and the rule set's period, and saves
        pass


class SurveyForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Optional; kept in the history."),
    )

    class Meta:
        model = SurveyLedger
        fields = SURVEY_FIELDS

    def _post_clean(self) -> None:
        # survey_update checks the counts against each other and saves
        pass


class SeatsForm(StyledFormMixin, forms.Form):
    """Planned seats and women per committee of a plan, with the version each was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    one_shoulder = forms.BooleanField(
        label=_("Secretary and director one person (planned)"), required=False
    )
    cross_appointments = forms.IntegerField(
        label=_("Cross-appointments (planned)"), min_value=0, max_value=30
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Optional; kept in the history."),
    )

    def __init__(self, *args: Any, seat_plans: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bodies = []
        for seat_plan, rule in seat_plans:
            body = seat_plan.body
            label = seat_plan.get_body_display()
            seats = forms.IntegerField(
                label=_("%(committee)s: planned seats") % {"committee": label},
                min_value=0,
                max_value=99,
                initial=seat_plan.planned_seats,
            )
            if rule is not None:
                seats.help_text = _("Rule: %(min)s to %(max)s seats.") % {
                    "min": rule.min_seats,
                    "max": rule.max_seats,
                }
            women = forms.IntegerField(
                label=_("%(committee)s: women planned") % {"committee": label},
                min_value=0,
                max_value=99,
                initial=seat_plan.planned_women,
            )
            if rule is not None and rule.requires_woman:
                women.help_text = _("This committee must include a woman.")
            self.fields[f"seats_{body}"] = seats
            self.fields[f"women_{body}"] = women
            self.fields[f"version_{body}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=seat_plan.version
            )
            self.bodies.append(body)
        # keep the plan-wide questions after the committees
        for name in ["one_shoulder", "cross_appointments", "reason"]:
            self.fields[name] = self.fields.pop(name)
        # StyledFormMixin styled the declared fields only; style the ones added here
        for name in self.fields:
            widget = self.fields[name].widget
            if not isinstance(widget, forms.HiddenInput | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-control")

    def versions(self) -> dict[str, int]:
        data = self.cleaned_data
        return {"plan": data["version"], **{b: data[f"version_{b}"] for b in self.bodies}}

    def seats(self) -> dict[str, tuple[int, int]]:
        data = self.cleaned_data
        return {b: (data[f"seats_{b}"], data[f"women_{b}"]) for b in self.bodies}


class AssignmentForm(StyledFormMixin, forms.Form):
    """Street first, then one of its communities (loaded with htmx): a district may have tens of
    thousands of communities, too many for one drop-down."""

    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none())
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    user = UserChoiceField(label=_("Person"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("As"), choices=LeaderAssignment.Kind.choices)

    def __init__(
        self,
        *args: Any,
        streets: Any,
        communities: Any,
        people: Any,
        communities_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets  # type: ignore[attr-defined]
        self.fields["street"].widget.attrs.update(
            {"hx-get": communities_url, "hx-target": "#id_community", "hx-trigger": "change"}
        )
        # validated against every community in scope, rendered with the chosen street's only
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        street = id_parse(self.data.get("street")) if self.is_bound else None
        shown = communities.filter(street_id=street) if street is not None else []
        self.fields["community"].widget = forms.Select(
            attrs={"class": "form-select"},
            choices=[("", "---------"), *((c.pk, c.name) for c in shown)],
        )
        self.fields["user"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        street, community = data.get("street"), data.get("community")
        if street and community and community.street_id != street.pk:
            self.add_error("community", _("Choose a community of the chosen street."))
        return data


class AssignmentEndForm(StyledFormMixin, forms.Form):
    # kept as the history's reason: a supervisor asks why a leader stopped following a community
    reason = forms.CharField(label=_("Why does it end?"), max_length=REASON_MAX)


class VisitForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Visit
        fields = ["visited_on", "summary", "instructions", "follow_up", "follow_up_done_on"]
        widgets = {
            "visited_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "instructions": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "follow_up_done_on": DateInput(),
        }
        help_texts = {"follow_up_done_on": _("Only once the follow-up is done.")}

    def _post_clean(self) -> None:
        # visit_create checks the dates and saves
        pass


class FollowUpDoneForm(InputRulesMixin, forms.Form):
    visit = IdField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Done on"), widget=DateInput())


# --- voting and postponement ----------------------------------------------------------------------

# the voter figures that belong to each track (see services.voting)
CITY_VOTER_FIELDS = ["voters_by_residence", "voters_community_workers"]
VILLAGE_VOTER_FIELDS = ["voters_village_admitted"]


class PlanVotingForm(ConfirmChangeMixin, StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Voter figures by registration ground, voting mode, runoff, new election, Party meeting.

    `track` drops the other track's voter figures; `modes` are the voting modes the rule set
    gives the track; `direct_election` whether it provides for 公推直选.
    """

    confirm_fields = ("runoff_on", "reelection_on")
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Optional; kept in the history."),
    )

    class Meta:
        model = CommunityPlan
        fields = [
            "voters_by_register",
            "voters_by_residence",
            "voters_community_workers",
            "voters_village_admitted",
            "voting_mode",
            "runoff_on",
            "reelection_ground",
            "reelection_on",
            "party_members_entitled",
            "party_members_present",
            "is_party_direct_election",
        ]
        widgets = {"runoff_on": DateInput(), "reelection_on": DateInput()}

    def __init__(
        self,
        *args: Any,
        track: str,
        modes: list[str],
        direct_election: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in VILLAGE_VOTER_FIELDS if track == "residents" else CITY_VOTER_FIELDS:
            del self.fields[name]
        mode = self.fields["voting_mode"]
        mode.choices = [("", "---------")] + [  # type: ignore[attr-defined]
            (m.value, m.label) for m in VotingMode if m.value in modes
        ]
        if not direct_election:
            del self.fields["is_party_direct_election"]

    def _post_clean(self) -> None:
        # plan_voting_update checks the figures against the rule set and saves
        pass


class PostponementForm(ConfirmChangeMixin, StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    confirm_fields = ("new_on",)
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Postponement
        fields = ["new_on", "approved_by_body", "approved_on", "reason"]
        labels = {"new_on": _("postponed to")}
        widgets = {
            "new_on": DateInput(),
            "approved_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self) -> None:
        # plan_postpone checks the dates against the rule set and saves
        pass


# --- negative lists ----------------------------------------------------------------------------

from accounts.models import MemberUnit  # noqa: E402

from .models import NegativeCriterion  # noqa: E402
from .services.negative_lists import LOOKBACK_MAX, criterion_fingerprint  # noqa: E402


class NegativeCriterionForm(StyledFormMixin, forms.Form):
    """A criterion of a negative list: its text, tier, look-back period and the member unit that
    checks it (chosen by name, stored by code). Editing one carries a digest of the values shown,
    so a save over someone else's newer change is refused."""

    text = forms.CharField(
        label=_("criterion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    tier = forms.ChoiceField(label=_("tier"), choices=NegativeCriterion.Tier.choices)
    lookback_years = forms.IntegerField(
        label=_("look-back period (years)"),
        required=False,
        min_value=1,
        max_value=LOOKBACK_MAX,
        help_text=_("How many years back the check reaches; empty: no limit."),
    )
    unit_code = forms.ChoiceField(label=_("Checked by"))
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Kept in the history of the negative list."),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self, *args: Any, criterion: NegativeCriterion | None = None, **kwargs: Any
    ) -> None:
        initial: dict[str, Any] = {}
        if criterion is not None:
            initial = {
                "text": criterion.text,
                "tier": criterion.tier,
                "lookback_years": criterion.lookback_years,
                "unit_code": criterion.unit_code,
                "fingerprint": criterion_fingerprint(criterion),
            }
        super().__init__(*args, initial=initial, **kwargs)
        units = list(MemberUnit.objects.order_by("name").values_list("code", "name"))
        choices: list[tuple[str, Any]] = [("", _("Please choose")), *units]
        current = criterion.unit_code if criterion is not None else ""
        if current and current not in {code for code, _name in units}:
            # a shipped list may name a unit not set up here yet: keep it choosable as it is
            choices.append((current, current))
        self.fields["unit_code"].choices = choices  # type: ignore[attr-defined]
        if criterion is None:
            del self.fields["fingerprint"]
