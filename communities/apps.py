from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        # accounts, below the hierarchy, gives and takes grants on its objects without importing
        # it: tell it which guardian table holds the grants on each level
        from accounts.services import grant_scope_register

        from .models import GRANT_MODELS

        for model_name, table in GRANT_MODELS.items():
            grant_scope_register(
                model_name=model_name, table=table, takes_office_grant=model_name == "district"
            )
