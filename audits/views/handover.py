"""Pages of the handover (移交): the list in scope, a plan's handovers, one handover with its
checklist, inventory and refusals, and the refusals the office sees."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.permissions import OutOfScope, communities_for_user
from core.exceptions import ConflictError, DomainError
from core.forms import StyledFormMixin
from core.http import AuthenticatedHttpRequest, id_parse
from core.uploads import UploadField
from election.permissions import access_plan
from election.selectors import plan_can_edit

from ..models import Handover, HandoverItem, HandoverRefusal
from ..permissions import access_handover
from ..selectors import handover as selectors
from ..services import handover as services
from ..services.files import file_response

EDIT = "change_community"
PAGE_SIZE = 50


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class OpenForm(StyledFormMixin, forms.Form):
    body = forms.ChoiceField(label=gettext_lazy("committee"), choices=Handover.Body.choices)


class HandoverForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Handover
        fields = ["presided_by", "supervised_by", "handed_by", "received_by", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self) -> None:
        # handover_update validates and saves
        pass


class ItemForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = HandoverItem
        fields = ["kind", "description", "quantity", "is_handed_over"]

    def _post_clean(self) -> None:
        pass


class InventoryForm(StyledFormMixin, forms.Form):
    file = UploadField(
        label=gettext_lazy("Signed inventory (photo or PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.heic"}),
    )


class CompleteForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    completed_on = forms.DateField(label=gettext_lazy("handed over on"), widget=DateInput())


class RefusalForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = HandoverRefusal
        fields = ["occurred_on", "person", "description"]
        widgets = {"occurred_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self) -> None:
        pass


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ResolveForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    resolved_on = forms.DateField(label=gettext_lazy("resolved on"), widget=DateInput())
    resolution = forms.CharField(
        label=gettext_lazy("how it was resolved"), widget=forms.Textarea(attrs={"rows": 2})
    )


def _check_reach(request: AuthenticatedHttpRequest) -> None:
    """A user who reaches no community (a member unit) gets a 404, as on the plans."""
    if not communities_for_user(request.user).exists():
        raise OutOfScope


def _filters(request: AuthenticatedHttpRequest, states: set[str]) -> tuple[int | None, str]:
    street = id_parse(request.GET.get("street", ""))
    state = request.GET.get("state", "")
    return street, state if state in states else ""


# --- the list -------------------------------------------------------------------------------------


@require_GET
@login_required
def handover_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The handovers in scope: open ones first by due day, the overdue in red with their days
    past due; filters by street and state."""
    _check_reach(request)
    today = timezone.localdate()
    street, state = _filters(
        request, {selectors.STATE_DUE, selectors.STATE_OVERDUE, selectors.STATE_DONE}
    )
    page = Paginator(
        selectors.handover_list(request.user, today=today, street=street, state=state),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("street", street or ""), ("state", state)) if v})
    context = {
        "page": page,
        "rows": selectors.handover_rows(list(page.object_list), today=today),
        "streets": selectors.handover_streets(request.user),
        "street": street,
        "state": state,
        "states": [
            (selectors.STATE_DUE, pgettext("handover state", "due")),
            (selectors.STATE_OVERDUE, _("overdue")),
            (selectors.STATE_DONE, _("done")),
        ],
        "query": query,
    }
    return render(request, "audits/handover/list.html", context)


# --- a plan's handovers ---------------------------------------------------------------------------


def _defaults(request: AuthenticatedHttpRequest, plan: Any) -> dict[str, str]:
    """Who presides (the election committee) and supervises (the street) a new handover."""
    community = plan.community
    return {
        "presided_by": _("%(community)s election committee") % {"community": community.name},
        "supervised_by": str(community.street.name),
    }


@require_http_methods(["GET", "POST"])
@login_required
def handover_plan(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    """GET: the plan's handovers (residents' committee, Party committee) and, for its editors, a
    form to open one. POST: open (or reopen the page of) the chosen committee's handover."""
    plan = access_plan(
        request.user, plan_pk, perm=EDIT if request.method == "POST" else "view_community"
    )
    form = OpenForm(request.POST or None, initial={"body": Handover.Body.RESIDENTS})
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.handover_open(
                plan=plan,
                body=form.cleaned_data["body"],
                by=request.user,
                defaults=_defaults(request, plan),
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            return redirect(reverse("audits:handover-detail", args=[handover.pk]))
    handovers = selectors.plan_handovers(plan.pk)
    today = timezone.localdate()
    rows = [
        (body, label, handovers.get(body), services.handover_overdue_days(handovers[body], today))
        if body in handovers
        else (body, label, None, 0)
        for body, label in Handover.Body.choices
    ]
    context = {
        "plan": plan,
        "rows": rows,
        "form": form,
        "can_edit": request.method == "POST" or plan_can_edit(request.user, plan),
        "days": services.handover_days(plan),
        "formed_on": services.handover_formed_on(plan, Handover.Body.RESIDENTS),
    }
    return render(request, "audits/handover/plan.html", context)


# --- one handover ---------------------------------------------------------------------------------


def _detail(
    request: AuthenticatedHttpRequest,
    handover: Handover,
    *,
    form: HandoverForm | None = None,
    item_form: ItemForm | None = None,
    inventory_form: InventoryForm | None = None,
    complete_form: CompleteForm | None = None,
    refusal_form: RefusalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    can_edit = plan_can_edit(request.user, handover.plan)
    initial = {"version": handover.version}
    context = {
        "handover": handover,
        "plan": handover.plan,
        "items": selectors.handover_items(handover),
        "refusals": selectors.handover_refusals(handover),
        "history": selectors.handover_history(handover),
        "overdue_days": services.handover_overdue_days(handover, today),
        "can_edit": can_edit,
        "is_open": handover.completed_on is None,
        "form": form or HandoverForm(instance=handover, initial=initial),
        "item_form": item_form or ItemForm(initial={"kind": HandoverItem.Kind.OTHER}),
        "inventory_form": inventory_form or InventoryForm(),
        "complete_form": complete_form or CompleteForm(initial={**initial, "completed_on": today}),
        "refusal_form": refusal_form or RefusalForm(initial={"occurred_on": today}),
        "kinds": HandoverItem.Kind.choices,
    }
    return render(request, "audits/handover/detail.html", context, status=status)


def _to_detail(handover: Handover, anchor: str = "") -> HttpResponse:
    url = reverse("audits:handover-detail", args=[handover.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_http_methods(["GET", "POST"])
@login_required
def handover_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the handover, its checklist, its inventory, its refusals and its history. POST
    (editors): save the people, the notes and the checklist's quantities and ticks."""
    if request.method == "GET":
        return _detail(request, access_handover(request.user, pk))
    handover = access_handover(request.user, pk, perm=EDIT)
    form = HandoverForm(request.POST, instance=handover)
    if form.is_valid():
        items = {
            item.pk: (
                request.POST.get(f"item-{item.pk}-quantity", item.quantity),
                f"item-{item.pk}-done" in request.POST,
            )
            for item in selectors.handover_items(handover)
        }
        data = {f: form.cleaned_data[f] for f in services.PEOPLE_FIELDS}
        try:
            services.handover_update(
                handover=handover,
                version=form.cleaned_data["version"],
                data=data,
                items=items,
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return _to_detail(handover)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Handover saved."))
            return _to_detail(handover)
    return _detail(request, handover, form=form)


@require_POST
@login_required
def handover_item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = access_handover(request.user, pk, perm=EDIT)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            services.handover_item_add(handover=handover, data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Row added to the checklist."))
            return _to_detail(handover, "checklist")
    return _detail(request, handover, item_form=form)


@require_POST
@login_required
def handover_inventory(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = access_handover(request.user, pk, perm=EDIT)
    form = InventoryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.handover_inventory_upload(
                handover=handover, file=form.cleaned_data["file"], by=request.user
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Signed inventory uploaded."))
            return _to_detail(handover, "inventory")
    return _detail(request, handover, inventory_form=form)


@require_GET
@login_required
def handover_inventory_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    handover = access_handover(request.user, pk)
    return file_response(handover.inventory, handover.inventory_name, handover.inventory_type)


@require_POST
@login_required
def handover_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = access_handover(request.user, pk, perm=EDIT)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.handover_complete(
                handover=handover,
                version=form.cleaned_data["version"],
                completed_on=form.cleaned_data["completed_on"],
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return _to_detail(handover)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Handover completed."))
            return _to_detail(handover)
    return _detail(request, handover, complete_form=form)


@require_POST
@login_required
def refusal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = access_handover(request.user, pk, perm=EDIT)
    form = RefusalForm(request.POST)
    if form.is_valid():
        try:
            services.refusal_record(handover=handover, data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Refusal recorded; the district office is told."))
            return _to_detail(handover, "refusals")
    return _detail(request, handover, refusal_form=form)


# --- refusals -------------------------------------------------------------------------------------

REFUSAL_STATES = {"unacknowledged", "open", "resolved"}


@require_GET
@login_required
def refusal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The refusals in scope (the office's district, the street's own), unacknowledged first."""
    _check_reach(request)
    street, state = _filters(request, REFUSAL_STATES)
    page = Paginator(
        selectors.refusal_list(request.user, street=street, state=state), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("street", street or ""), ("state", state)) if v})
    context = {
        "page": page,
        "streets": selectors.handover_streets(request.user),
        "street": street,
        "state": state,
        "states": [
            ("unacknowledged", _("unacknowledged")),
            ("open", _("unresolved")),
            ("resolved", _("resolved")),
        ],
        "query": query,
        "can_acknowledge": selectors.refusal_can_acknowledge(request.user),
        "editable": set(
            selectors.refusals_for_user(request.user, perm=EDIT)
            .filter(pk__in=[r.pk for r in page.object_list])
            .values_list("pk", flat=True)
        ),
        "today": timezone.localdate(),
    }
    return render(request, "audits/handover/refusal_list.html", context)


def _access_refusal(request: AuthenticatedHttpRequest, pk: int, *, perm: str) -> HandoverRefusal:
    refusal = selectors.refusals_for_user(request.user, perm=perm).filter(pk=pk).first()
    if refusal is None:
        raise OutOfScope
    return refusal


def _to_refusals() -> HttpResponse:
    return redirect(reverse("audits:handover-refusal-list"))


@require_POST
@login_required
def refusal_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office acknowledges a refusal of its district (anyone else: 404)."""
    refusal = _access_refusal(request, pk, perm="manage_campaigns")
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was saved."))
        return _to_refusals()
    try:
        services.refusal_acknowledge(
            refusal=refusal, version=form.cleaned_data["version"], by=request.user
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Refusal acknowledged."))
    return _to_refusals()


@require_POST
@login_required
def refusal_resolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Whoever edits the community records how the refusal was resolved."""
    refusal = _access_refusal(request, pk, perm=EDIT)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day and how the refusal was resolved."))
        return _to_refusals()
    try:
        services.refusal_resolve(
            refusal=refusal,
            version=form.cleaned_data["version"],
            resolved_on=form.cleaned_data["resolved_on"],
            resolution=form.cleaned_data["resolution"],
            by=request.user,
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Resolution recorded."))
    return _to_refusals()
