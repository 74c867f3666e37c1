from django.contrib import admin
from django.urls import include, path, register_converter

from core import views as core_views
from core.converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("config.urls_accounts")),
    path("communities/", include("communities.urls")),
    path("election/", include("election.urls")),
    path("audits/", include("audits.urls")),
    path("discipline/", include("discipline.urls")),
    path("reports/", include("reports.urls")),
    # the signed-in user's home page, by role (URL name "dashboard")
    path("", include("home.urls")),
]

# No route serves MEDIA_ROOT, in any settings: every uploaded or generated file is streamed by its
# own view after the access check (evidence, notice photos, report files).

# the database unreachable outside a view (a middleware loads the session): the 503 page too
handler500 = "core.errors.server_error"
