from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("generate/", views.generate, name="generate"),
    path("runs/<id:pk>/status/", views.run_status, name="run-status"),
    path("files/<uuid:pk>/", views.download, name="download"),
]
