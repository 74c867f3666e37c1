"""The security log in words: one sentence per event, built from the event's stored fields.

Events store what they were about (`object_type`, `object_id`, `object_name`) and the facts their
sentence needs (`params`); events written before those fields existed fall back to their text.
Nothing here queries the database, so a page of events costs no more than its one query.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from core.text import text_truncate

from .models import SecurityEvent
from .selectors import LEVEL_LABELS

# pages an event's object opens on, by `object_type`, for a link without a query
OBJECT_URLS = {
    "communities.community": "communities:community-detail",
    "election.communityplan": "election:plan-detail",
}


@dataclass(frozen=True)
class EventDescription:
    text: str
    url: str = ""


@dataclass(frozen=True)
class EventRow:
    event: SecurityEvent
    description: EventDescription


def _type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return ""


def _object_url(event: SecurityEvent) -> str:
    name = OBJECT_URLS.get(event.object_type)
    if name is None or event.object_id is None:
        return ""
    try:
        return reverse(name, args=[event.object_id])
    except NoReverseMatch:
        return ""


def _accounts_url() -> str:
    return reverse("accounts:grant-list") + "#accounts"


def _fallback(label: str, event: SecurityEvent) -> EventDescription:
    """An old event: its kind and its text, whatever it was."""
    text = event.detail or event.path
    if not text:
        return EventDescription(label)
    return EventDescription(_("%(event)s: %(detail)s") % {"event": label, "detail": text})


def _login(event: SecurityEvent) -> EventDescription:
    return EventDescription(_("Signed in"))


def _logout(event: SecurityEvent) -> EventDescription:
    return EventDescription(_("Signed out"))


def _login_failed(event: SecurityEvent) -> EventDescription:
    return EventDescription(
        _("Failed sign-in as “%(name)s”") % {"name": text_truncate(event.username)}
    )


def _locked_out(event: SecurityEvent) -> EventDescription:
    return EventDescription(
        _("Locked out after repeated failed sign-ins as “%(name)s”")
        % {"name": text_truncate(event.username)}
    )


def _password_changed(event: SecurityEvent) -> EventDescription:
    return EventDescription(_("Changed own password"))


def _denied(event: SecurityEvent) -> EventDescription:
    if event.object_name:
        names = {"type": _type_label(event.object_type), "name": event.object_name}
        if event.params.get("of_community"):
            text = _("Access denied: the %(type)s of %(name)s") % names
        else:
            text = _("Access denied: %(type)s %(name)s") % names
        return EventDescription(text, event.path)
    return EventDescription(
        _("Access denied: %(address)s") % {"address": event.path or "—"}, event.path
    )


def _export(event: SecurityEvent) -> EventDescription:
    p = event.params
    if "iso_week" in p:
        text = _("Downloaded weekly report: week %(week)s of %(year)s, %(scope)s") % {
            "year": p["iso_year"],
            "week": p["iso_week"],
            "scope": p.get("scope", ""),
        }
        return EventDescription(text, reverse("reports:archive"))
    if "rows" in p:
        text = _("Exported the community list: %(count)s rows") % {"count": p["rows"]}
        return EventDescription(text, reverse("communities:community-list"))
    return _fallback(_("Export"), event)


def _import(event: SecurityEvent) -> EventDescription:
    return _fallback(_("Import"), event)


def _grant(event: SecurityEvent) -> EventDescription:
    p = event.params
    if not event.object_name or "action" not in p:
        return _fallback(_("Access changed"), event)
    names = {
        "account": p.get("account", ""),
        "scope": f"{_type_label(event.object_type)} {event.object_name}",
        "level": LEVEL_LABELS.get(p.get("level", ""), p.get("level", "")),
    }
    if p["action"] == "assign":
        text = _("Gave %(account)s %(level)s access to %(scope)s") % names
    else:
        text = _("Revoked the access of %(account)s to %(scope)s") % names
    return EventDescription(text, reverse("accounts:grant-list"))


def _account_created(event: SecurityEvent) -> EventDescription:
    text = _("Created the account of %(name)s") % {"name": event.object_name}
    return EventDescription(text, _accounts_url())


def _account_disabled(event: SecurityEvent) -> EventDescription:
    text = _("Disabled the account of %(name)s") % {"name": event.object_name}
    return EventDescription(text, _accounts_url())


def _account_enabled(event: SecurityEvent) -> EventDescription:
    text = _("Enabled the account of %(name)s") % {"name": event.object_name}
    return EventDescription(text, _accounts_url())


def _password_reset(event: SecurityEvent) -> EventDescription:
    text = _("Reset the password of %(name)s") % {"name": event.object_name}
    return EventDescription(text, _accounts_url())


Kind = SecurityEvent.Kind
DESCRIBERS: dict[str, Callable[[SecurityEvent], EventDescription]] = {
    Kind.LOGIN: _login,
    Kind.LOGOUT: _logout,
    Kind.LOGIN_FAILED: _login_failed,
    Kind.LOCKED_OUT: _locked_out,
    Kind.DENIED: _denied,
    Kind.EXPORT: _export,
    Kind.IMPORT: _import,
    Kind.GRANT: _grant,
    Kind.PASSWORD_CHANGED: _password_changed,
    Kind.ACCOUNT_CREATED: _account_created,
    Kind.ACCOUNT_DISABLED: _account_disabled,
    Kind.ACCOUNT_ENABLED: _account_enabled,
    Kind.PASSWORD_RESET: _password_reset,
}


def security_event_describe(event: SecurityEvent) -> EventDescription:
    """One sentence, in the active language, saying what happened, and where to look at it."""
    describe = DESCRIBERS.get(event.kind)
    if describe is None:
        return _fallback(event.get_kind_display(), event)
    return describe(event)


def security_event_rows(events: Iterable[SecurityEvent]) -> list[EventRow]:
    """The events of a page with their sentences (no query beyond the events' own)."""
    return [EventRow(event=e, description=security_event_describe(e)) for e in events]


def _model_for(app_label: str, entity: str) -> type[models.Model] | None:
    """The model a URL name's entity part names: "plan" → Plan, "step" → PlanStep."""
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return None
    key = entity.replace("-", "")
    names = {
        str(m._meta.model_name): m
        for m in config.get_models()
        if not str(m._meta.model_name).startswith("historical")
    }
    found = [m for n, m in names.items() if n == key]
    found = found or [m for n, m in names.items() if n.endswith(key)]
    return found[0] if len(found) == 1 else None


def denied_object(request: HttpRequest) -> dict[str, Any]:
    """What a refused request was after, as `security_event_record` arguments: the object its
    address names (`app:entity-action` with a `pk`), or nothing. One query, on refusals only."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return {}
    pk = match.kwargs.get("pk")
    if not match.namespace or not isinstance(pk, int) or not match.url_name:
        return {}
    model = _model_for(match.namespace.split(":")[0], match.url_name.split("-")[0])
    obj = model._default_manager.filter(pk=pk).first() if model is not None else None
    if obj is None:
        return {}
    community = getattr(obj, "community", None)
    if community is not None and not isinstance(obj, apps.get_model("communities.Community")):
        # "the plan of 东湖社区" says more than the plan's own name
        return {"obj": obj, "name": str(community), "params": {"of_community": True}}
    return {"obj": obj}
