"""The admin site with the project's input rules, for every model admin registered on it.

Our own model admins, and those of the packages we install (celery-beat's schedules, axes, guardian
grants), get the same rules as the project's forms (`core.forms.InputRulesMixin`): names without
invisible characters, ids only in range, duplicates reported on the form. Ids in the admin's paths
and filters obey `core.http.id_parse` too: an odd one is a 404 or Django's "invalid filter"
notice, never a server error. `core.admin_apps.ProjectAdminConfig` makes it `admin.site`.
"""

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern

from core.forms import InputRulesMixin
from core.http import id_parse

# the keyword arguments under which the admin's views (Django's, simple-history's, guardian's)
# receive the id of the object they show
_OBJECT_ID_KWARGS = ("object_id", "object_pk")


def with_input_rules(form_class: type[Any]) -> type[Any]:
    """`form_class`, or a subclass of it that obeys the input rules."""
    if issubclass(form_class, InputRulesMixin):
        return form_class
    return type(
        form_class.__name__, (InputRulesMixin, form_class), {"__module__": form_class.__module__}
    )


def _guard_object_id(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        for key in _OBJECT_ID_KWARGS:
            if key in kwargs and id_parse(unquote(kwargs[key])) is None:
                raise Http404
        return view(request, *args, **kwargs)

    return guarded


class InputRulesAdminMixin:
    """Mixed into every model admin by `ProjectAdminSite.register`."""

    model: type[models.Model]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> type[Any]:
        return with_input_rules(super().get_form(request, obj, **kwargs))  # type: ignore[misc]

    def get_formsets_with_inlines(
        self, request: HttpRequest, obj: Any = None
    ) -> Iterator[tuple[Any, Any]]:
        for formset, inline in super().get_formsets_with_inlines(request, obj):  # type: ignore[misc]
            # each call builds a new formset class: setting its form changes no other
            formset.form = with_input_rules(formset.form)
            yield formset, inline

    def get_urls(self) -> list[Any]:
        urls: list[Any] = super().get_urls()  # type: ignore[misc]
        if isinstance(self.model._meta.pk, models.IntegerField | models.AutoField):
            for pattern in urls:
                if isinstance(pattern, URLPattern):
                    pattern.callback = _guard_object_id(pattern.callback)
        return urls

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        try:
            return super().get_changelist_instance(request)  # type: ignore[misc]
        except OverflowError as e:
            # a filter on a foreign key with a number past 2**63 (SQLite cannot bind it): the
            # admin then redirects with its own "invalid filter" notice
            raise IncorrectLookupParameters(e) from e


class ProjectAdminSite(admin.AdminSite):
    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, InputRulesAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (InputRulesAdminMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)
