"""The public posting of an audit's results: the engagement's postings with the plan's
`audit-posting` step (its due date and red flag), and for its editors the form to record one."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from core.forms import StyledFormMixin
from core.http import AuthenticatedHttpRequest
from core.uploads import UploadField
from election.forms import NOTICE_PLACES, DateInput
from election.selectors import plan_can_edit

from ..permissions import access_engagement, access_posting
from ..selectors.findings import engagement_postings
from ..services.postings import posting_add, posting_delete, posting_step

EDIT = "change_community"


class PostingForm(StyledFormMixin, forms.Form):
    posted_on = forms.DateField(label=gettext_lazy("Posted on"), widget=DateInput())
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "notice-places", "autocomplete": "off"}),
    )
    taken_down_on = forms.DateField(
        label=gettext_lazy("Taken down on"), required=False, widget=DateInput()
    )
    photo = UploadField(
        label=gettext_lazy("Photo of the notice board"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.heic"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        posted_on, taken_down_on = data.get("posted_on"), data.get("taken_down_on")
        if posted_on and taken_down_on and taken_down_on < posted_on:
            self.add_error("taken_down_on", _("A notice cannot come down before it went up."))
        return data


@require_http_methods(["GET", "POST"])
@login_required
def engagement_posting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the audit's postings and the plan's posting step. POST: record a posting (editors):
    a public notice on the step, the step done, the audit posted."""
    posting = request.method == "POST"
    engagement = access_engagement(request.user, pk, perm=EDIT if posting else "view_community")
    can_edit = posting or plan_can_edit(request.user, engagement.plan)
    form = PostingForm(request.POST or None, request.FILES or None) if can_edit else None
    if posting and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            posting_add(engagement=engagement, data=data, photo=data.get("photo"), by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Posting of the audit results recorded."))
            return redirect(reverse("audits:engagement-posting", args=[engagement.pk]))
    context = {
        "engagement": engagement,
        "plan": engagement.plan,
        "postings": engagement_postings(engagement),
        "step": posting_step(engagement.plan),
        "form": form,
        "can_edit": can_edit,
        "places": NOTICE_PLACES,
    }
    return render(request, "audits/postings/engagement_posting.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def posting_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: ask to confirm deleting a posting and its public notice (the audit's editors).
    POST: delete them; the audit is no longer posted if it was its only posting."""
    posting = access_posting(request.user, pk, perm=EDIT)
    engagement = posting.engagement
    back = reverse("audits:engagement-posting", args=[engagement.pk])
    if request.method == "POST":
        try:
            posting_delete(posting=posting, by=request.user)
        except DomainError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Posting deleted."))
        return redirect(back)
    notice = posting.notice
    context = {
        "engagement": engagement,
        "plan": engagement.plan,
        "title": _("Delete this posting?"),
        "what": f"{notice.title} · {notice.place} · {notice.posted_on:%Y-%m-%d}",
        "version": None,
        "refused": False,
        "consequence": _(
            "Its public notice is deleted with it; if it is the audit's only posting, the audit "
            "is no longer posted and the plan's posting step is open again."
        ),
        "back": back,
    }
    return render(request, "audits/findings/confirm_delete.html", context)
