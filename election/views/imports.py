"""Excel imports into a campaign: nominees, election results and the previous term's members.

The district office imports every kind for its campaigns; a street official imports nominees for
its own street's communities (the check refuses the rows of any other). Anyone else, and another
district's campaign or another user's import, gets a 404.
"""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from communities.exporters import XLSX_CONTENT_TYPE
from communities.importing import workbook_check
from communities.importing.pages import job_page
from communities.importing.results import ImportFileError
from communities.models import Street
from communities.permissions import OutOfScope, districts_for_user, streets_for_user
from core.forms import StyledFormMixin
from core.http import AuthenticatedHttpRequest
from core.text import text_truncate
from core.uploads import UploadField

from ..importing.columns import CTX, KINDS, PREVIEW_COLUMNS, template_workbook
from ..importing.services import (
    ElectionImportError,
    election_import_confirm,
    election_import_create,
    progress_cache_key,
)
from ..models import Campaign, ElectionImport
from ..permissions import campaigns_for_user

RECENT = 10
Kind = ElectionImport.Kind
Status = ElectionImport.Status
# the kinds a street official may import (for its own street's communities)
STREET_KINDS = {Kind.NOMINEES}

KIND_HELP: dict[str, Any] = {
    Kind.NOMINEES: pgettext_lazy(
        CTX, "Add the nominees of many communities at once; they enter the register as nominees."
    ),
    Kind.RESULTS: pgettext_lazy(
        CTX,
        "Record the ballots of each community's election and the votes of its formal candidates.",
    ),
    Kind.PREVIOUS_TERM: pgettext_lazy(
        CTX,
        "Record the members of the outgoing committees, whom this campaign's statistics compare "
        "with the new term.",
    ),
}


class ElectionImportForm(StyledFormMixin, forms.Form):
    file = UploadField(
        label=gettext_lazy("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if not (file.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("“%(name)s” is not an Excel workbook; upload a file saved as .xlsx."),
                params={"name": text_truncate(file.name)},
            )
        try:
            workbook_check(file)
        except ImportFileError as e:
            raise forms.ValidationError(str(e)) from e
        return file


# --- access -----------------------------------------------------------------------------------


def _official_streets(user: User) -> QuerySet[Street]:
    return streets_for_user(user, perm="change_community")


def import_campaigns(user: User) -> list[tuple[Campaign, list[str]]]:
    """The campaigns the user may import into, each with the kinds it may import (two queries)."""
    managed = list(campaigns_for_user(user).exclude(status=Campaign.Status.CLOSED))
    found = [(c, list(Kind.values)) for c in managed]
    seen = {c.pk for c in managed}
    streets = _official_streets(user).values("district_id")
    for campaign in (
        Campaign.objects.filter(district__in=streets, status=Campaign.Status.RUNNING)
        .exclude(pk__in=seen)
        .select_related("district")
    ):
        found.append((campaign, sorted(STREET_KINDS)))
    return found


def access_import_campaign(user: User, pk: int, kind: str) -> tuple[Campaign, Street | None]:
    """The campaign and the street the user's import of `kind` is limited to (None: the office,
    the whole district); Http404 for anyone else."""
    if kind not in Kind.values:
        raise OutOfScope
    campaign = campaigns_for_user(user).filter(pk=pk).first()
    if campaign is not None:
        return campaign, None
    if kind not in STREET_KINDS:
        raise OutOfScope
    campaign = Campaign.objects.filter(pk=pk, status=Campaign.Status.RUNNING).first()
    if campaign is None:
        raise OutOfScope
    street = _official_streets(user).filter(district_id=campaign.district_id).first()
    if street is None:
        raise OutOfScope
    return campaign, street


def access_election_import(user: User, pk: UUID) -> ElectionImport:
    """An import of a campaign the user runs, or the user's own; Http404 otherwise."""
    election_import = (
        ElectionImport.objects.select_related("campaign", "created_by", "street")
        .filter(pk=pk)
        .first()
    )
    if election_import is None:
        raise OutOfScope
    # a street official's own import, while it still runs a street of the campaign's district
    if (
        election_import.street_id is not None
        and election_import.created_by_id == user.pk
        and _official_streets(user)
        .filter(district_id=election_import.campaign.district_id)
        .exists()
    ):
        return election_import
    if campaigns_for_user(user).filter(pk=election_import.campaign_id).exists():
        return election_import
    raise OutOfScope


# --- pages ------------------------------------------------------------------------------------


def _page(election_import: ElectionImport) -> dict[str, Any]:
    context = job_page(
        election_import,
        columns=PREVIEW_COLUMNS[election_import.kind],
        progress_cache_key=progress_cache_key,
        status_url=reverse("election:import-status", args=[election_import.pk]),
        upload_url=reverse(
            "election:import-upload", args=[election_import.campaign_id, election_import.kind]
        ),
        scope_label=_("Campaign"),
        scope_text=f"{election_import.campaign.name} · {election_import.get_kind_display()}",
    )
    context.update({"election_import": election_import, "campaign": election_import.campaign})
    return context


@require_GET
@login_required
def import_hub(request: AuthenticatedHttpRequest) -> HttpResponse:
    # the district office and the street officials import; nobody else has this page
    if not (
        districts_for_user(request.user, perm="manage_campaigns").exists()
        or _official_streets(request.user).exists()
    ):
        raise OutOfScope
    campaigns = import_campaigns(request.user)
    entries = [
        {
            "campaign": campaign,
            "kinds": [{"value": k, "label": Kind(k).label, "help": KIND_HELP[k]} for k in kinds],
        }
        for campaign, kinds in campaigns
    ]
    recent = ElectionImport.objects.filter(created_by=request.user).select_related("campaign")
    return render(
        request,
        "election/imports/hub.html",
        {"entries": entries, "recent": list(recent.order_by("-created_at")[:RECENT])},
    )


@require_GET
@login_required
def import_template(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponseBase:
    access_import_campaign(request.user, pk, kind)
    return FileResponse(
        template_workbook(kind),
        as_attachment=True,
        filename=str(KINDS[kind].filename),
        content_type=XLSX_CONTENT_TYPE,
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    campaign, street = access_import_campaign(request.user, pk, kind)
    form = ElectionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        election_import = election_import_create(
            campaign=campaign,
            kind=kind,
            file=form.cleaned_data["file"],
            by=request.user,
            street=street,
            request=request,
        )
        return redirect(election_import)
    recent = ElectionImport.objects.filter(campaign=campaign, kind=kind)
    if street is not None:
        recent = recent.filter(created_by=request.user)
    return render(
        request,
        "election/imports/upload.html",
        {
            "form": form,
            "campaign": campaign,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "intro": KINDS[kind].intro,
            "street": street,
            "recent": list(recent.select_related("created_by").order_by("-created_at")[:RECENT]),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_detail(request: AuthenticatedHttpRequest, token: UUID) -> HttpResponse:
    election_import = access_election_import(request.user, token)
    if request.method == "POST":
        try:
            election_import_confirm(election_import=election_import, by=request.user)
        except ElectionImportError as e:
            messages.error(request, str(e))
        return redirect(election_import)
    return render(request, "election/imports/detail.html", _page(election_import))


@require_GET
@login_required
def import_status(request: AuthenticatedHttpRequest, token: UUID) -> HttpResponse:
    election_import = access_election_import(request.user, token)
    return render(request, "imports/_job_status.html", _page(election_import))
