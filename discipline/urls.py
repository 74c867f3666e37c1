from django.urls import path

app_name = "discipline"

# each part adds its block: reports and cases, the public channel, supervision and joint meetings,
# publicity, major events
urlpatterns: list = []  # type: ignore[type-arg]

# the discipline and supervision landing page
from .views import index as index_views  # noqa: E402

urlpatterns += [
    path("", index_views.index, name="index"),
]

# publicity: the discipline texts and the tallies of materials, meetings and commitments
from .views import publicity as publicity_views  # noqa: E402

urlpatterns += [
    path("publicity/", publicity_views.publicity, name="publicity"),
    path(
        "publicity/communities/<id:pk>/tally/",
        publicity_views.publicity_tally,
        name="publicity-tally",
    ),
    path(
        "publicity/documents/new/",
        publicity_views.document_new,
        name="publicity-document-new",
    ),
    path(
        "publicity/documents/<id:pk>/",
        publicity_views.document_download,
        name="publicity-document",
    ),
    path(
        "publicity/documents/<id:pk>/delete/",
        publicity_views.document_delete,
        name="publicity-document-delete",
    ),
]

# major events and important information, acknowledged by the office
from .views import events as event_views  # noqa: E402

urlpatterns += [
    path("events/", event_views.event_list, name="events"),
    path("events/new/", event_views.event_new, name="event-new"),
    path("events/<id:pk>/", event_views.event_detail, name="event-detail"),
    path("events/<id:pk>/acknowledge/", event_views.event_acknowledge, name="event-acknowledge"),
    path("events/<id:pk>/handling/", event_views.event_handling, name="event-handling"),
]

# the public reporting channel (绿色通道): no sign-in, a receipt code to look the report up
from .views import public as public_views  # noqa: E402

urlpatterns += [
    path("public/report/", public_views.public_report, name="public-report"),
    path("public/report/sent/", public_views.public_report_done, name="public-report-done"),
    path("public/receipt/", public_views.public_receipt, name="public-receipt"),
]

# supervision: inspections (weekly and joint), findings, rectification orders; joint meetings
from .views import meetings as meeting_views  # noqa: E402
from .views import supervision as supervision_views  # noqa: E402

urlpatterns += [
    path("inspections/", supervision_views.inspections, name="inspections"),
    path("inspections/new/", supervision_views.inspection_new, name="inspection-new"),
    path("inspections/<id:pk>/", supervision_views.inspection_detail, name="inspection-detail"),
    path("inspections/<id:pk>/edit/", supervision_views.inspection_edit, name="inspection-edit"),
    path(
        "inspections/<id:pk>/findings/",
        supervision_views.inspection_finding_add,
        name="inspection-finding-add",
    ),
    path("inspection-findings/<id:pk>/orders/", supervision_views.order_add, name="order-add"),
    path("orders/", supervision_views.orders, name="orders"),
    path("orders/<id:pk>/", supervision_views.order_detail, name="order-detail"),
    path("orders/<id:pk>/close/", supervision_views.order_close_view, name="order-close"),
    path("orders/<id:pk>/evidence/", supervision_views.order_evidence, name="order-evidence"),
    path("meetings/", meeting_views.meetings, name="meetings"),
    path("meetings/new/", meeting_views.meeting_new, name="meeting-new"),
    path("meetings/<id:pk>/", meeting_views.meeting_detail, name="meeting-detail"),
    path("meetings/<id:pk>/edit/", meeting_views.meeting_edit, name="meeting-edit"),
    path("meetings/<id:pk>/decisions/", meeting_views.decision_add, name="decision-add"),
    path("meetings/<id:pk>/minutes/", meeting_views.meeting_minutes, name="meeting-minutes"),
    path("decisions/<id:pk>/", meeting_views.decision_update, name="decision-update"),
]

# reports (举报) entered by staff and their cases; the district's discipline leads
from .views import reports as report_views  # noqa: E402

urlpatterns += [
    path("reports/", report_views.reports, name="reports"),
    path("reports.xlsx", report_views.reports_xlsx, name="reports-xlsx"),
    path("reports/new/", report_views.report_new, name="report-new"),
    path("reports/<id:pk>/", report_views.report_detail, name="report-detail"),
    path(
        "reports/<id:pk>/attachments/<id:attachment_pk>/",
        report_views.report_attachment,
        name="report-attachment",
    ),
    path("reports/<id:pk>/case/open/", report_views.case_open_view, name="case-open"),
    path("reports/<id:pk>/case/officers/", report_views.case_officers_view, name="case-officers"),
    path("reports/<id:pk>/case/entries/", report_views.case_entry_view, name="case-entry"),
    path("reports/<id:pk>/case/stage/", report_views.case_stage_view, name="case-stage"),
    path("reports/<id:pk>/case/conclude/", report_views.case_conclude_view, name="case-conclude"),
    path("leads/", report_views.lead_list, name="lead-list"),
]

# the change history of a report and its case (for the officers on the case and the leads)
from .views import history as history_views  # noqa: E402

urlpatterns += [
    path("reports/<id:pk>/history/", history_views.report_history_view, name="report-history"),
]
