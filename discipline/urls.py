from django.urls import path  # noqa: F401

app_name = "discipline"

# each part adds its block: reports and cases, the public channel, supervision and joint meetings,
# publicity, major events
urlpatterns: list = []  # type: ignore[type-arg]
