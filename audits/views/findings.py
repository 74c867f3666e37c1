"""Pages of an audit's findings and their rectification items: the engagement's findings with the
form to add one, a finding's edit page, opening and closing a rectification item, its evidence,
and the list of rectification items in the user's scope (open and overdue filters)."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from communities.permissions import OutOfScope, communities_for_user
from core.exceptions import ConflictError, DomainError
from core.forms import StyledFormMixin
from core.http import AuthenticatedHttpRequest
from core.uploads import UploadField
from election.forms import DateInput
from election.selectors import plan_can_edit

from ..models import Engagement, Finding, FindingCategory, Rectification
from ..permissions import access_engagement, access_finding, access_rectification
from ..selectors.engagements import engagement_streets
from ..selectors.findings import (
    RECTIFICATION_FILTERS,
    FindingFilters,
    finding_categories_for,
    finding_list_categories,
    findings_for_user,
    overdue_days,
    rectification_counts,
    rectifications_for_user,
)
from ..selectors.findings import (
    engagement_findings as findings_of,
)
from ..services.files import file_response
from ..services.findings import (
    categories_ensure,
    finding_add,
    finding_delete,
    finding_update,
    rectification_add,
    rectification_close,
)

EDIT = "change_community"
CTX = "audit findings"
PAGE_SIZE = 50


class FindingForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Finding
        fields = ["category", "description", "amount", "person"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "person": forms.TextInput(attrs={"list": "audit-subjects", "autocomplete": "off"}),
            "amount": forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
        }
        labels = {
            "category": pgettext_lazy(CTX, "Category"),
            "description": pgettext_lazy(CTX, "Description"),
            "amount": pgettext_lazy(CTX, "Amount involved (yuan)"),
            "person": pgettext_lazy(CTX, "Person concerned"),
        }
        help_texts = {
            "person": gettext_lazy("Choose an audited official or type any name."),
        }

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = finding_categories_for(engagement)
        current = self.instance.category_id if self.instance.pk else None
        if current:
            # a retired category stays on the finding that has it
            categories = FindingCategory.objects.filter(
                Q(is_active=True) | Q(pk=current),
                district_id=engagement.plan.community.street.district_id,
            ).order_by("order", "name")
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = categories

    def clean_amount(self) -> Any:
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("The amount involved cannot be negative."))
        return amount

    def _post_clean(self) -> None:
        # the services validate and save
        pass


class RectificationForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Rectification
        fields = ["action", "owner", "deadline"]
        widgets = {"action": forms.Textarea(attrs={"rows": 2}), "deadline": DateInput()}
        labels = {
            "action": gettext_lazy("What must be done"),
            "owner": gettext_lazy("Owner"),
            "deadline": gettext_lazy("Deadline"),
        }

    def _post_clean(self) -> None:
        pass


class RectificationCloseForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = forms.DateField(label=gettext_lazy("Completed on"), widget=DateInput())
    note = forms.CharField(
        label=gettext_lazy("How it was put right"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = UploadField(
        label=gettext_lazy("Close-out evidence (photo or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.heic"}),
    )


def _int(value: Any) -> int | None:
    """A filter's id from the query string; anything else (or out of a key's range) is none."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _findings_url(engagement_id: int) -> str:
    return reverse("audits:engagement-findings", args=[engagement_id])


@require_http_methods(["GET", "POST"])
@login_required
def engagement_findings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the audit's findings by category with their rectification items (overdue ones
    flagged), and for its editors a form to add a finding. POST: add it (editors only)."""
    posting = request.method == "POST"
    engagement = access_engagement(request.user, pk, perm=EDIT if posting else "view_community")
    can_edit = posting or plan_can_edit(request.user, engagement.plan)
    form = None
    if can_edit:
        categories_ensure(engagement.plan.community.street.district)
        form = FindingForm(request.POST or None, engagement=engagement)
    if posting and form is not None and form.is_valid():
        try:
            finding_add(engagement=engagement, data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Finding recorded."))
            return redirect(_findings_url(engagement.pk))
    rows, summary = findings_of(engagement, today=timezone.localdate())
    context = {
        "engagement": engagement,
        "plan": engagement.plan,
        "rows": rows,
        "summary": summary,
        "form": form,
        "can_edit": can_edit,
        "subjects": list(engagement.subjects.values_list("name", "post")),
    }
    return render(request, "audits/findings/engagement_findings.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def finding_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = access_finding(request.user, pk, perm=EDIT)
    engagement = finding.engagement
    form = FindingForm(
        request.POST or None,
        instance=finding,
        engagement=engagement,
        initial={"version": finding.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            finding_update(
                finding=finding,
                version=form.cleaned_data.get("version") or 0,
                data=form.cleaned_data,
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("audits:finding-edit", args=[finding.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Finding saved."))
            return redirect(_findings_url(engagement.pk))
    context = {
        "finding": finding,
        "engagement": engagement,
        "plan": engagement.plan,
        "form": form,
        "subjects": list(engagement.subjects.values_list("name", "post")),
    }
    return render(request, "audits/findings/finding_edit.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def rectification_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open a rectification item of a finding (editors)."""
    finding = access_finding(request.user, pk, perm=EDIT)
    form = RectificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rectification_add(finding=finding, data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Rectification item opened."))
            return redirect(_findings_url(finding.engagement_id) + f"#finding-{finding.pk}")
    context = {
        "finding": finding,
        "engagement": finding.engagement,
        "plan": finding.engagement.plan,
        "form": form,
    }
    return render(request, "audits/findings/rectification_add.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def rectification_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close a rectification item with the day, a note and evidence (editors)."""
    item = access_rectification(request.user, pk, perm=EDIT)
    form = RectificationCloseForm(
        request.POST or None,
        request.FILES or None,
        initial={"version": item.version, "closed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rectification_close(
                item=item,
                version=data["version"],
                closed_on=data["closed_on"],
                note=data["note"],
                evidence=data.get("evidence"),
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("audits:rectification-close", args=[item.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Rectification item closed."))
            anchor = f"#finding-{item.finding_id}"
            return redirect(_findings_url(item.finding.engagement_id) + anchor)
    engagement = item.finding.engagement
    context = {
        "item": item,
        "finding": item.finding,
        "engagement": engagement,
        "plan": engagement.plan,
        "form": form,
        "overdue": overdue_days(item, timezone.localdate()),
    }
    return render(request, "audits/findings/rectification_close.html", context)


@require_GET
@login_required
def rectification_evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    item = access_rectification(request.user, pk)
    return file_response(item.evidence, item.evidence_name, item.evidence_type)


@require_GET
@login_required
def rectification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rectification items of the audits in the user's scope, overdue first; filters: open,
    overdue, closed, and a street (for those who see more than one). A user who sees no
    community gets a 404."""
    if not communities_for_user(request.user).exists():
        raise OutOfScope
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state not in RECTIFICATION_FILTERS:
        state = ""
    street = _int(request.GET.get("street"))
    items = rectifications_for_user(request.user, state=state, street=street, today=today)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(item, overdue_days(item, today)) for item in page.object_list]
    filters = [
        ("", _("All")),
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("closed", _("Closed")),
    ]
    context = {
        "page": page,
        "rows": rows,
        "state": state,
        "filters": filters,
        "counts": rectification_counts(request.user, today=today, street=street),
        "street": street,
        "streets": engagement_streets(request.user),
        "street_query": f"street={street}&" if street else "",
        "query": urlencode({k: v for k, v in {"state": state, "street": street}.items() if v}),
    }
    return render(request, "audits/findings/rectification_list.html", context)


@require_GET
@login_required
def finding_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The findings of the audits in the user's scope, across communities, with the amounts and
    the rectification items open and overdue; filters: street, category. The overview's
    findings by category open it. A user who sees no community gets a 404."""
    if not communities_for_user(request.user).exists():
        raise OutOfScope
    today = timezone.localdate()
    filters = FindingFilters(
        street=_int(request.GET.get("street")), category=_int(request.GET.get("category"))
    )
    rows = findings_for_user(request.user, filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": filters.as_query(),
        "streets": engagement_streets(request.user),
        "categories": finding_list_categories(request.user),
    }
    return render(request, "audits/findings/finding_list.html", context)


class DeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
@login_required
def finding_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: ask to confirm deleting a finding (its editors). POST: delete it with its open
    rectification items; refused, with the reason, when one of its items is closed."""
    finding = access_finding(request.user, pk, perm=EDIT)
    engagement = finding.engagement
    back = _findings_url(engagement.pk)
    if request.method == "POST":
        form = DeleteForm(request.POST)
        try:
            if not form.is_valid():
                raise ConflictError(_("Reload the page and try again."))
            finding_delete(finding=finding, version=form.cleaned_data["version"], by=request.user)
        except DomainError as e:
            messages.error(request, str(e))
            return redirect(back + f"#finding-{finding.pk}")
        messages.success(request, _("Finding deleted."))
        return redirect(back)
    items = list(finding.rectifications.order_by("deadline", "pk"))
    context = {
        "engagement": engagement,
        "plan": engagement.plan,
        "title": _("Delete this finding?"),
        "what": f"{finding.category.name} · {finding.description}",
        "version": finding.version,
        "refused": any(item.closed_on is not None for item in items),
        "refusal": _(
            "A rectification item of this finding is closed; a finding with a closed item "
            "cannot be deleted."
        ),
        "consequence": _("Its %(count)s open rectification items are deleted with it.")
        % {"count": len(items)}
        if items
        else "",
        "back": back + f"#finding-{finding.pk}",
    }
    return render(request, "audits/findings/confirm_delete.html", context)
