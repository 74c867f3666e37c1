from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`seed_demo` and `seed_scale`: the top of the house, calling each app's own demo data."""

    name = "demo"
    verbose_name = _("Demo data")
