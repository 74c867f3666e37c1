from django.urls import path

from . import views
from .views import candidates as candidate_views
from .views import imports as import_views
from .views import results as result_views
from .views import review as review_views
from .views import statistics as statistics_views

app_name = "election"

urlpatterns = [
    # rule sets (views/rules.py)
    path("rules/", views.ruleset_list, name="ruleset-list"),
    path("rules/<id:pk>/", views.ruleset_detail, name="ruleset-detail"),
    path("rules/<id:pk>/clone/", views.ruleset_clone, name="ruleset-clone"),
    # negative lists of candidate vetting (views/negative_lists.py)
    path("negative-lists/", views.negative_list_list, name="negative-list-list"),
    path("negative-lists/<id:pk>/", views.negative_list_detail, name="negative-list-detail"),
    path(
        "negative-lists/<id:pk>/clone/",
        views.negative_list_clone_view,
        name="negative-list-clone",
    ),
    # a negative list's criteria, edited while no campaign using it has started its joint review
    path(
        "negative-lists/<id:pk>/criteria/new/",
        views.negative_lists.negative_criterion_add,
        name="negative-criterion-add",
    ),
    path(
        "negative-lists/criteria/<id:pk>/edit/",
        views.negative_lists.negative_criterion_edit,
        name="negative-criterion-edit",
    ),
    path(
        "negative-lists/criteria/<id:pk>/delete/",
        views.negative_lists.negative_criterion_delete,
        name="negative-criterion-delete",
    ),
    path(
        "negative-lists/criteria/<id:pk>/move/",
        views.negative_lists.negative_criterion_move,
        name="negative-criterion-move",
    ),
    path("rules/steps/<id:pk>/edit/", views.step_template_edit, name="step-template-edit"),
    path("rules/seats/<id:pk>/edit/", views.seat_rule_edit, name="seat-rule-edit"),
    # campaigns, survey, seats, assignments (views/campaigns.py)
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<id:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<id:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<id:pk>/start/", views.campaign_start_view, name="campaign-start"),
    path("campaigns/<id:pk>/survey/", views.survey_summary, name="survey-summary"),
    path("campaigns/<id:pk>/seats/", views.seats_summary, name="seats-summary"),
    path("plans/<id:pk>/survey/", views.survey_edit, name="survey-edit"),
    path("plans/<id:pk>/seats/", views.seats_edit, name="seats-edit"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/add/", views.assignment_add, name="assignment-add"),
    path(
        "assignments/communities/",
        views.assignment_communities,
        name="assignment-communities",
    ),
    path("assignments/<id:pk>/end/", views.assignment_end, name="assignment-end"),
    path("assignments/<id:pk>/visits/new/", views.visit_add, name="visit-add"),
    # the district dashboard (views/dashboard.py)
    path("campaigns/<id:pk>/dashboard/", views.campaign_dashboard, name="dashboard"),
    path("campaigns/<id:pk>/steps/", views.campaign_steps, name="dashboard-steps"),
    # plans and steps (views/plans.py)
    path("worklist/", views.worklist, name="worklist"),
    path("plans/<id:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<id:pk>/dates/", views.plan_dates, name="plan-dates"),
    path("plans/<id:pk>/voting/", views.plan_voting, name="plan-voting"),
    path("plans/<id:pk>/postpone/", views.plan_postpone_view, name="plan-postpone"),
    path("plans/<id:pk>/objections/", views.objection_list, name="plan-objections"),
    path("objections/<id:pk>/decide/", views.objection_decide_view, name="objection-decide"),
    path("steps/<id:pk>/edit/", views.step_edit, name="step-edit"),
    path("steps/<id:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("evidence/<id:pk>/", views.evidence_download, name="evidence-download"),
    path("steps/<id:pk>/notices/new/", views.notice_add, name="notice-add"),
    path("notices/<id:pk>/photo/", views.notice_photo, name="notice-photo"),
    path("stages/<id:pk>/close/", views.stage_close_view, name="stage-close"),
    path("stages/<id:pk>/reopen/", views.stage_reopen_view, name="stage-reopen"),
    # competition, candidate list notice, results, forming the committee (views/results.py)
    path(
        "plans/<id:pk>/candidates/notice/",
        result_views.candidate_notice,
        name="candidate-notice",
    ),
    path(
        "plans/<id:pk>/candidates/print/",
        result_views.candidate_list_print,
        name="candidate-list-print",
    ),
    path("plans/<id:pk>/results/", result_views.result_list, name="result-list"),
    path("plans/<id:pk>/results/new/", result_views.result_new, name="result-new"),
    path("plans/<id:pk>/results/form/", result_views.committee_form_view, name="committee-form"),
    path("plans/<id:pk>/members/", result_views.plan_members_view, name="plan-members"),
    # candidate register and joint review (views/candidates.py, views/review.py)
    path(
        "plans/<id:pk>/candidates/",
        candidate_views.plan_candidates,
        name="plan-candidates",
    ),
    path(
        "plans/<id:pk>/candidates/new/",
        candidate_views.candidate_add,
        name="candidate-add",
    ),
    path(
        "plans/<id:pk>/candidates/review/",
        candidate_views.candidates_review_send,
        name="candidates-review-send",
    ),
    path(
        "campaigns/<id:pk>/candidates/",
        candidate_views.campaign_candidates_view,
        name="campaign-candidates",
    ),
    path("candidates/<id:pk>/", candidate_views.candidate_detail, name="candidate-detail"),
    path("candidates/<id:pk>/edit/", candidate_views.candidate_edit, name="candidate-edit"),
    path("candidates/<id:pk>/formal/", candidate_views.candidate_formal, name="candidate-formal"),
    path(
        "candidates/<id:pk>/approve/",
        candidate_views.candidate_approve,
        name="candidate-approve",
    ),
    path(
        "candidates/<id:pk>/withdraw/",
        candidate_views.candidate_withdraw,
        name="candidate-withdraw",
    ),
    path(
        "candidates/<id:pk>/decide/",
        candidate_views.candidate_decide_view,
        name="candidate-decide",
    ),
    path("review/", review_views.review_queue_view, name="review-queue"),
    path("review/<id:pk>/", review_views.review_answer_view, name="review-answer"),
    path("review/<id:pk>/reopen/", review_views.review_reopen_view, name="review-reopen"),
    path(
        "review/answers/<id:pk>/evidence/",
        review_views.review_evidence,
        name="review-evidence",
    ),
    # statistics reported upward (views/statistics.py)
    path("statistics/", statistics_views.statistics_latest, name="statistics-latest"),
    path("campaigns/<id:pk>/statistics/", statistics_views.statistics_page, name="statistics"),
    path(
        "campaigns/<id:pk>/statistics/people/",
        statistics_views.statistics_people_view,
        name="statistics-people",
    ),
    path(
        "campaigns/<id:pk>/statistics.xlsx",
        statistics_views.statistics_xlsx,
        name="statistics-xlsx",
    ),
    # Excel imports of nominees, results and previous-term members (views/imports.py)
    path("imports/", import_views.import_hub, name="import-hub"),
    path(
        "campaigns/<id:pk>/imports/<slug:kind>/",
        import_views.import_upload,
        name="import-upload",
    ),
    path(
        "campaigns/<id:pk>/imports/<slug:kind>/template.xlsx",
        import_views.import_template,
        name="import-template",
    ),
    path("imports/<uuid:token>/", import_views.import_detail, name="import-detail"),
    path("imports/<uuid:token>/status/", import_views.import_status, name="import-status"),
]
