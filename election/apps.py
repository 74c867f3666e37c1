from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ElectionConfig(AppConfig):
    name = "election"
    verbose_name = _("Election")

    def ready(self) -> None:
        post_migrate.connect(plans_refresh_after_migrate, sender=self)
        # a community's page (communities, below election) lists its plans
        from communities.selectors import community_page_part_register

        community_page_part_register(community_page_plans)


def community_page_plans(user: Any, community: Any) -> dict[str, Any]:
    """The plans part of a community's page (one query)."""
    from .selectors import plans_for_community

    return {"plans": plans_for_community(user, community)}


def plans_refresh_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After `migrate`: recompute the first plans an older rule engine computed (a bounded
    number, so a large district does not hold up a deployment; the periodic job and the plan
    page recompute the rest). Nothing to do on an empty database, nor when `migrate` stopped
    before the latest migrations (the models would not match the tables)."""
    if using != DEFAULT_DB_ALIAS:
        return
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return  # migrated to an earlier state: the models may not match the tables
    from .services.plans import STALE_AFTER_MIGRATE, plans_refresh_stale

    plans_refresh_stale(limit=STALE_AFTER_MIGRATE)
