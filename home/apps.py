from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Each role's home page: reads every app, and no app imports it (design.md §2)."""

    name = "home"
