from django.urls import path

app_name = "audits"

# each part adds its block: engagements and firms, findings and postings, handovers, the district
# overview, imports
urlpatterns: list = []  # type: ignore[type-arg]

# the district overview of the audits and handovers, and its workbook
from .views import overview as overview_views  # noqa: E402

urlpatterns += [
    path("overview/", overview_views.overview_page, name="overview"),
    path("overview.xlsx", overview_views.overview_xlsx, name="overview-xlsx"),
]

# the handover to the new committee (移交) and the refusals to hand over
from .views import handover as handover_views  # noqa: E402

urlpatterns += [
    path("handovers/", handover_views.handover_list, name="handover-list"),
    path("plans/<id:plan_pk>/handover/", handover_views.handover_plan, name="handover-plan"),
    path("handovers/<id:pk>/", handover_views.handover_detail, name="handover-detail"),
    path("handovers/<id:pk>/items/", handover_views.handover_item_add, name="handover-item-add"),
    path(
        "handovers/<id:pk>/inventory/",
        handover_views.handover_inventory,
        name="handover-inventory",
    ),
    path(
        "handovers/<id:pk>/inventory/download/",
        handover_views.handover_inventory_download,
        name="handover-inventory-download",
    ),
    path("handovers/<id:pk>/complete/", handover_views.handover_complete, name="handover-complete"),
    path("handovers/<id:pk>/refusals/", handover_views.refusal_add, name="handover-refusal-add"),
    path("handover-refusals/", handover_views.refusal_list, name="handover-refusal-list"),
    path(
        "handover-refusals/<id:pk>/acknowledge/",
        handover_views.refusal_acknowledge,
        name="handover-refusal-acknowledge",
    ),
    path(
        "handover-refusals/<id:pk>/resolve/",
        handover_views.refusal_resolve,
        name="handover-refusal-resolve",
    ),
]

# findings, rectification items, finding categories and the posting of the results
from .views import categories as category_views  # noqa: E402
from .views import findings as finding_views  # noqa: E402
from .views import postings as posting_views  # noqa: E402

urlpatterns += [
    path(
        "engagements/<id:pk>/findings/",
        finding_views.engagement_findings,
        name="engagement-findings",
    ),
    path("findings/", finding_views.finding_list, name="findings-list"),
    path("findings/<id:pk>/edit/", finding_views.finding_edit, name="finding-edit"),
    path("findings/<id:pk>/delete/", finding_views.finding_delete_view, name="finding-delete"),
    path(
        "findings/<id:pk>/rectifications/new/",
        finding_views.rectification_add_view,
        name="rectification-add",
    ),
    path("rectifications/", finding_views.rectification_list, name="rectification-list"),
    path(
        "rectifications/<id:pk>/close/",
        finding_views.rectification_close_view,
        name="rectification-close",
    ),
    path(
        "rectifications/<id:pk>/evidence/",
        finding_views.rectification_evidence,
        name="rectification-evidence",
    ),
    path(
        "engagements/<id:pk>/posting/", posting_views.engagement_posting, name="engagement-posting"
    ),
    path("postings/<id:pk>/delete/", posting_views.posting_delete_view, name="posting-delete"),
    path("categories/", category_views.category_list, name="category-list"),
    path("categories/<id:pk>/edit/", category_views.category_edit, name="category-edit"),
    path("categories/<id:pk>/move/", category_views.category_move_view, name="category-move"),
    path("categories/<id:pk>/retire/", category_views.category_retire_view, name="category-retire"),
]

# audit firms and engagements: engaging firms for many communities at once, an engagement's
# dates, audited officials and final report
from .views import engagements as engagement_views  # noqa: E402
from .views import firms as firm_views  # noqa: E402

urlpatterns += [
    path("firms/", firm_views.firm_list, name="firm-list"),
    path("firms/new/", firm_views.firm_add, name="firm-add"),
    path("firms/<id:pk>/edit/", firm_views.firm_edit, name="firm-edit"),
    path("engagements/", engagement_views.engagement_list, name="engagement-list"),
    path("engagements/engage/", engagement_views.engage, name="engage"),
    path("engagements/<id:pk>/", engagement_views.engagement_detail, name="engagement-detail"),
    path("engagements/<id:pk>/dates/", engagement_views.engagement_dates, name="engagement-dates"),
    path(
        "engagements/<id:pk>/subjects/",
        engagement_views.subject_add_view,
        name="engagement-subject-add",
    ),
    path(
        "audit-subjects/<id:pk>/delete/",
        engagement_views.subject_delete,
        name="engagement-subject-delete",
    ),
    path(
        "engagements/<id:pk>/report/",
        engagement_views.report_upload_view,
        name="engagement-report",
    ),
    path(
        "engagements/<id:pk>/report/download/",
        engagement_views.report_download,
        name="engagement-report-download",
    ),
]

# Excel imports of engagements and findings (views/imports.py)
from .views import imports as import_views  # noqa: E402

urlpatterns += [
    path("imports/", import_views.import_hub, name="import-hub"),
    path("imports/<slug:kind>/", import_views.import_upload, name="import-upload"),
    path("imports/<slug:kind>/template.xlsx", import_views.import_template, name="import-template"),
    path("import/<uuid:token>/", import_views.import_detail, name="import-detail"),
    path("import/<uuid:token>/status/", import_views.import_status, name="import-status"),
]
