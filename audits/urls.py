from django.urls import path  # noqa: F401

app_name = "audits"

# each part adds its block: engagements and firms, findings and postings, handovers, the district
# overview, imports
urlpatterns: list = []  # type: ignore[type-arg]
