from django.urls import path

from . import views

# no namespace: "dashboard" is the name the whole project (LOGIN_REDIRECT_URL, the navigation,
# the error pages) uses for the signed-in user's home page
urlpatterns = [
    path("", views.home, name="dashboard"),
]
