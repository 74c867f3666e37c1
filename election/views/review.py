"""The joint review (联审) for a member unit: its queue (pending first, overdue marked), the
answer page of one review, and the download of an answer's evidence.

Only a member-unit user has a queue, and only of its own unit: another unit's review is a 404.
Evidence is downloaded by that unit, or by whoever may read the candidate's community.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.permissions import OutOfScope, communities_for_user
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest

from ..models import CriterionAnswer, UnitReview
from ..permissions import access_unit_review, candidates_for_user, reviews_for_unit
from ..selectors.candidates import review_queue, review_rows
from ..services.evidence import download_name, sniff_type
from ..services.review import review_answer, review_criteria, review_reopen
from .candidate_forms import ReopenForm, ReviewAnswerForm
from .plans import _download

QUEUE_PAGE_SIZE = 50


@require_GET
@login_required
def review_queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.member_unit_id:
        raise OutOfScope
    today = timezone.localdate()
    page = Paginator(
        review_queue(reviews_for_unit(request.user), today=today), QUEUE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": review_rows(list(page.object_list), today=today),
        "unit": request.user.member_unit,
        "today": today,
    }
    return render(request, "election/candidates/review_queue.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def review_answer_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = access_unit_review(request.user, pk)
    review.candidate.plan.campaign  # noqa: B018 -- loaded with the review's candidate
    criteria = review_criteria(review)
    answered = review.answered_on is not None
    form = ReviewAnswerForm(
        request.POST or None if not answered else None,
        request.FILES or None,
        criteria=criteria,
        initial={"version": review.version},
    )
    if request.method == "POST" and not answered and form.is_valid():
        try:
            review_answer(
                review=review,
                by=request.user,
                version=form.cleaned_data["version"],
                answers=form.answers(),
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("election:review-answer", args=[review.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Feedback given."))
            return redirect(reverse("election:review-queue"))
    elif request.method == "POST" and answered:
        messages.error(request, _("This feedback was given already and can no longer be changed."))
    answers = (
        list(review.answers.select_related("criterion").order_by("criterion__order"))
        if answered
        else []
    )
    today = timezone.localdate()
    context = {
        "review": review,
        "candidate": review.candidate,
        "age": review.candidate.age_on(review.candidate.plan.election_on),
        "form": form,
        "answered": answered,
        "answers": answers,
        "overdue_days": max((today - review.due_on).days, 0) if not answered else 0,
    }
    return render(request, "election/candidates/review_answer.html", context)


@require_GET
@login_required
def review_evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """An answer's evidence file: for the unit that gave it, or a reader of the community."""
    user = request.user
    answer = (
        CriterionAnswer.objects.filter(pk=pk)
        .exclude(evidence="")
        .select_related("review__candidate__plan")
        .first()
    )
    if answer is None:
        raise OutOfScope
    own_unit = user.member_unit_id is not None and answer.review.unit_id == user.member_unit_id
    in_scope = (
        communities_for_user(user, perm="view_community")
        .filter(pk=answer.review.candidate.plan.community_id)
        .exists()
    )
    if not (own_unit or in_scope):
        raise OutOfScope
    with answer.evidence.open("rb") as f:
        content_type = sniff_type(f.read(16)) or "application/octet-stream"
    return _download(
        answer.evidence, download_name(answer.evidence_name or "evidence", content_type)
    )


@require_POST
@login_required
def review_reopen_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office reopens a unit's answered review, with a reason; the unit answers again."""
    managed = candidates_for_user(request.user, perm="manage_campaigns").values("pk")
    review = (
        UnitReview.objects.filter(pk=pk, candidate__in=managed)
        .select_related("candidate", "unit")
        .first()
    )
    if review is None:
        raise OutOfScope
    form = ReopenForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, errors)
    else:
        try:
            review_reopen(
                review=review,
                by=request.user,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Feedback reopened; the unit answers again."))
    return redirect(reverse("election:candidate-detail", args=[review.candidate_id]))
