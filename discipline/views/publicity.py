"""Pages of the publicity of the discipline rules: the campaign's discipline texts and the
tallies (district total, a row per street, a street's communities), editing a community's tally,
and the office's uploads and deletions of the texts."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.permissions import OutOfScope, communities_for_user
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest, id_parse

from ..forms_publicity import DocumentForm, TallyForm
from ..permissions import office_districts
from ..selectors import publicity as selectors
from ..services import publicity as services
from ..services.files import file_response


def _publicity_url(campaign_pk: int, street_pk: int | None = None) -> str:
    query = {"campaign": campaign_pk}
    if street_pk is not None:
        query["street"] = street_pk
    return f"{reverse('discipline:publicity')}?{urlencode(query)}"


@require_GET
@login_required
def publicity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The campaign's discipline texts and the tallies of the communities in scope: the total,
    a row per street, and the chosen street's communities."""
    if not communities_for_user(request.user).exists():
        raise OutOfScope
    campaign = selectors.campaign_current(request.user, id_parse(request.GET.get("campaign", "")))
    context: dict[str, object] = {
        "campaign": campaign,
        "labels": _labels(),
        "campaigns": selectors.campaign_choices(request.user),
    }
    if campaign is not None:
        street_pk = id_parse(request.GET.get("street", ""))
        streets = selectors.street_totals(request.user, campaign)
        street = next((s for s in streets if s.pk == street_pk), None)
        context.update(
            documents=selectors.campaign_documents(campaign),
            can_manage=selectors.can_manage_documents(request.user, campaign),
            total=selectors.district_totals(request.user, campaign),
            streets=streets,
            street=street,
            rows=(
                selectors.community_rows(request.user, campaign, street.pk)
                if street and street.pk
                else []
            ),
            editable=(
                selectors.editable_ids(request.user, campaign, street.pk)
                if street and street.pk
                else set()
            ),
        )
    return render(request, "discipline/publicity/page.html", context)


def _labels() -> list[str]:
    return [selectors.count_label(name) for name in selectors.COUNTS]


@require_http_methods(["GET", "POST"])
@login_required
def publicity_tally(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit community `pk`'s tally in its district's running campaign (the street's officials,
    the office)."""
    community, campaign = selectors.access_tally(request.user, pk)
    tally = selectors.tally_get(campaign, community)
    initial: dict[str, int] = {"version": tally.version if tally else 0}
    for name in selectors.COUNTS:
        initial[name] = getattr(tally, name) if tally else 0
    form = TallyForm(request.POST or None, initial=initial)
    back = _publicity_url(campaign.pk, community.street_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tally_save(
                campaign=campaign,
                community=community,
                version=data["version"],
                counts={name: data[name] for name in selectors.COUNTS},
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(request.path)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Tally saved."))
            return redirect(back)
    context = {"community": community, "campaign": campaign, "form": form, "back": back}
    return render(request, "discipline/publicity/tally.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def document_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office uploads one of the district's discipline texts to a running campaign."""
    if not office_districts(request.user).exists():
        raise OutOfScope
    campaigns = selectors.running_campaigns(request.user)
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        campaigns=campaigns,
        initial={"campaign": campaigns.first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_add(
                campaign=data["campaign"],
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                upload=data["file"],
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Discipline text uploaded."))
            return redirect(_publicity_url(document.campaign_id))
    context = {"form": form, "has_campaign": campaigns.exists()}
    return render(request, "discipline/publicity/document_new.html", context)


@require_GET
@login_required
def document_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return file_response(selectors.access_document(request.user, pk))


@require_POST
@login_required
def document_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = selectors.access_document_to_manage(request.user, pk)
    services.document_delete(document=document, by=request.user)
    messages.success(request, _("Discipline text deleted."))
    return redirect(_publicity_url(document.campaign_id))
