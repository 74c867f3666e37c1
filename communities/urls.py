from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="community-list"),
    path("export.xlsx", views.community_export, name="community-export"),
    path("import/", views.import_upload, name="import-upload"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<uuid:token>/", views.import_preview, name="import-preview"),
    path("import/<uuid:token>/status/", views.import_status, name="import-status"),
    path("<id:pk>/", views.community_detail, name="community-detail"),
    path("<id:pk>/edit/", views.community_edit, name="community-edit"),
    path(
        "<id:pk>/committees/<id:committee_pk>/edit/",
        views.committee_edit,
        name="committee-edit",
    ),
    path("<id:pk>/history/", views.community_history, name="community-history"),
]
