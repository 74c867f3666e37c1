"""Rule-set screens for the office: list, detail, clone, and edits of a step's time limit and a
committee's seat range. A rule set used by a running campaign is read-only; the pages say so and
offer to clone it."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.forms import StyledFormMixin, column_range
from core.history import REASON_MAX
from core.http import AuthenticatedHttpRequest

from ..models import SeatRule, StepTemplate
from ..permissions import access_rule_set, access_rule_sets, access_seat_rule, access_step_template
from ..rulesets import selectors
from ..rulesets.order import ruleset_order_warnings
from ..services import rulesets as services


def _field(model: Any, name: str) -> forms.Field:
    field = model._meta.get_field(name).formfield()
    assert field is not None  # noqa: S101 -- every field named here is editable
    # the column's range too: these forms are not model forms, and the model never checks it
    field.validators = [*field.validators, *column_range(model, name, field)]
    return field  # type: ignore[no-any-return]


class _ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=gettext_lazy("Kept in the history of the rule set."),
    )


class StepTemplateForm(StyledFormMixin, _ReasonMixin):
    """A step's title, due-date rule and check; the anchor step is one of the earlier steps."""

    title = _field(StepTemplate, "title")
    anchor = _field(StepTemplate, "anchor")
    anchor_step = _field(StepTemplate, "anchor_step")
    offset_days = _field(StepTemplate, "offset_days")
    check_kind = _field(StepTemplate, "check_kind")
    check_days = _field(StepTemplate, "check_days")
    checked_date = _field(StepTemplate, "checked_date")
    check_anchor = _field(StepTemplate, "check_anchor")
    day_unit = _field(StepTemplate, "day_unit")
    requires_notice = _field(StepTemplate, "requires_notice")
    notice_days = _field(StepTemplate, "notice_days")
    rule_text = _field(StepTemplate, "rule_text")
    legal_basis = _field(StepTemplate, "legal_basis")
    legal_basis_village = _field(StepTemplate, "legal_basis_village")

    field_order = [*services.STEP_EDITABLE, "reason"]

    def __init__(self, *args: Any, step: StepTemplate, **kwargs: Any) -> None:
        initial = {f: getattr(step, f) for f in services.STEP_EDITABLE}
        super().__init__(*args, initial=initial, **kwargs)
        earlier = [
            s.pk
            for s in StepTemplate.objects.filter(stage__rule_set_id=step.stage.rule_set_id)
            .select_related("stage")
            .only("pk", "order", "stage__order")
            if (s.stage.order, s.order) < (step.stage.order, step.order)
        ]
        anchor_step = self.fields["anchor_step"]
        assert isinstance(anchor_step, forms.ModelChoiceField)  # noqa: S101 -- a foreign key
        anchor_step.queryset = StepTemplate.objects.filter(pk__in=earlier).order_by(
            "stage__order", "order"
        )


class SeatRuleForm(StyledFormMixin, _ReasonMixin):
    min_seats = _field(SeatRule, "min_seats")
    max_seats = _field(SeatRule, "max_seats")
    requires_woman = _field(SeatRule, "requires_woman")
    legal_basis = _field(SeatRule, "legal_basis")

    field_order = [*services.SEAT_EDITABLE, "reason"]

    def __init__(self, *args: Any, seat_rule: SeatRule, **kwargs: Any) -> None:
        initial = {f: getattr(seat_rule, f) for f in services.SEAT_EDITABLE}
        super().__init__(*args, initial=initial, **kwargs)


def _data(form: forms.Form) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k != "reason"}


@login_required
def ruleset_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    access_rule_sets(request.user)
    return render(request, "election/ruleset_list.html", {"rule_sets": selectors.ruleset_list()})


@login_required
def ruleset_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule_set = access_rule_set(request.user, pk)
    campaigns = list(selectors.ruleset_campaigns(rule_set))
    context = {
        "rule_set": rule_set,
        "stages": selectors.ruleset_stages(rule_set),
        "seat_rules": selectors.ruleset_seat_rules(rule_set),
        "voting_rules": list(rule_set.voting_rules.all()),
        "campaigns": campaigns,
        "is_locked": any(c.status in selectors.LOCKING_STATUSES for c in campaigns),
        "order_warnings": ruleset_order_warnings(rule_set),
    }
    return render(request, "election/ruleset_detail.html", context)


@require_POST
@login_required
def ruleset_clone(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule_set = access_rule_set(request.user, pk)
    clone = services.ruleset_clone(rule_set=rule_set, by=request.user)
    messages.success(
        request,
        _("Copied “%(name)s” to version %(version)s. This version can be edited.")
        % {"name": rule_set.name, "version": clone.version},
    )
    return redirect("election:ruleset-detail", pk=clone.pk)


@login_required
def step_template_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    step = access_step_template(request.user, pk)
    form = StepTemplateForm(request.POST or None, step=step)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_template_update(
                step=step, data=_data(form), by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("“%(step)s” saved.") % {"step": step.title})
            url = reverse("election:ruleset-detail", args=[step.stage.rule_set_id])
            return redirect(f"{url}#step-{step.pk}")
    context = {
        "form": form,
        "step": step,
        "rule_set": step.stage.rule_set,
        "is_locked": selectors.ruleset_is_locked(step.stage.rule_set),
    }
    return render(request, "election/rules/step_template_edit.html", context)


@login_required
def seat_rule_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat_rule = access_seat_rule(request.user, pk)
    form = SeatRuleForm(request.POST or None, seat_rule=seat_rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_rule_update(
                seat_rule=seat_rule,
                data=_data(form),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("“%(body)s” saved.") % {"body": seat_rule.get_body_display()}
            )
            url = reverse("election:ruleset-detail", args=[seat_rule.rule_set_id])
            return redirect(f"{url}#seats")
    context = {
        "form": form,
        "seat_rule": seat_rule,
        "rule_set": seat_rule.rule_set,
        "is_locked": selectors.ruleset_is_locked(seat_rule.rule_set),
    }
    return render(request, "election/rules/seat_rule_edit.html", context)
