from django.contrib.admin.apps import AdminConfig


class ProjectAdminConfig(AdminConfig):
    """`django.contrib.admin`, with `core.admin_site.ProjectAdminSite` as `admin.site`.

    A module of its own: the app registry imports it before any model exists.
    """

    default_site = "core.admin_site.ProjectAdminSite"
