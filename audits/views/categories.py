"""The district's finding categories (the office's data): the list with the form to add one,
renaming, moving up or down, retiring and bringing back. A district gets the default categories
the first time its list is opened."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from communities.permissions import OutOfScope
from core.exceptions import DomainError
from core.forms import StyledFormMixin
from core.http import AuthenticatedHttpRequest

from ..models import FindingCategory
from ..permissions import audit_districts, categories_for_user
from ..selectors.findings import district_categories
from ..services.findings import (
    categories_ensure,
    category_add,
    category_move,
    category_rename,
    category_retire,
)


class CategoryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Category name"), max_length=60)


def _access_category(request: AuthenticatedHttpRequest, pk: int) -> FindingCategory:
    category = categories_for_user(request.user).select_related("district").filter(pk=pk).first()
    if category is None:
        raise OutOfScope
    return category


def _list_url(category: FindingCategory) -> str:
    return reverse("audits:category-list") + f"#category-{category.pk}"


@require_http_methods(["GET", "POST"])
@login_required
def category_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the categories of the office's districts, each with its count of findings. POST:
    add a category (`district` names which, when the office runs several)."""
    districts = list(audit_districts(request.user).order_by("name"))
    if not districts:
        raise OutOfScope
    for district in districts:
        categories_ensure(district)
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        chosen = next((d for d in districts if str(d.pk) == request.POST.get("district", "")), None)
        if chosen is None and len(districts) == 1:
            chosen = districts[0]
        if chosen is None:
            raise OutOfScope
        if form.is_valid():
            try:
                category = category_add(
                    district=chosen, name=form.cleaned_data["name"], by=request.user
                )
            except DomainError as e:
                form.add_error("name", str(e))
            else:
                messages.success(request, _("Category added."))
                return redirect(_list_url(category))
    sections = [(d, district_categories(d)) for d in districts]
    return render(
        request, "audits/categories/category_list.html", {"sections": sections, "form": form}
    )


@require_http_methods(["GET", "POST"])
@login_required
def category_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Rename a category."""
    category = _access_category(request, pk)
    form = CategoryForm(request.POST or None, initial={"name": category.name})
    if request.method == "POST" and form.is_valid():
        try:
            category_rename(category=category, name=form.cleaned_data["name"], by=request.user)
        except DomainError as e:
            form.add_error("name", str(e))
        else:
            messages.success(request, _("Category renamed."))
            return redirect(_list_url(category))
    return render(
        request, "audits/categories/category_edit.html", {"category": category, "form": form}
    )


@require_POST
@login_required
def category_move_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a category one place up (`direction=up`) or down."""
    category = _access_category(request, pk)
    category_move(category=category, up=request.POST.get("direction") == "up", by=request.user)
    return redirect(_list_url(category))


@require_POST
@login_required
def category_retire_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Retire a category (`active=0`) or bring it back (`active=1`)."""
    category = _access_category(request, pk)
    active = request.POST.get("active") == "1"
    category_retire(category=category, active=active, by=request.user)
    messages.success(request, _("Category restored.") if active else _("Category retired."))
    return redirect(_list_url(category))
