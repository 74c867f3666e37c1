"""The load test's users (locust), run by `tests/bench/load.py` (`make bench`), never by pytest.

Three kinds of simulated user, against the scale district of `seed_scale --communities 20000`:

- `StreetOfficial` signs in as `scale_street` (edits the district's first street, 40
  communities) and works through the worklist as the pages do it: opens the worklist, a plan, a
  step's editor in place (htmx), and posts the editor's form with its CSRF token. "Mark done"
  takes an open step from the worklist and marks it done today; "edit" takes any step of a plan
  and changes its notes and responsible person, and puts a done step back to "in progress" (a
  correction), so repeated runs do not use up the open steps.
- `OfficeUser` signs in as `scale_office` (manages the whole district: 500 streets, 20,000
  communities) and reads: the dashboard, the campaign's district dashboard (top streets, all
  streets, the overdue steps), the community list with filters and the worklist.
- `TrivialUser` asks only for `/healthz` (one `SELECT 1` and a small JSON answer, no session):
  the same server's throughput for a page that does almost nothing, for comparison.

Every request is checked: the status, that the answer is the page asked for and not the sign-in
page, and for a step's save, that the row came back saved. A save refused because someone saved
the same step meanwhile (two users on one account edit the same rows) is the application's
expected answer, its Chinese conflict message, and is counted under its own name, not as a
failure; any other answer to a save is a failure.
"""

import copy
import gettext
import html
import json
import logging
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, constant, events, task
from locust.contrib.fasthttp import ResponseContextManager
from locust.env import Environment

PASSWORD = "huanjie-demo"  # seed_scale's accounts
LOCALE = Path(__file__).resolve().parents[2] / "locale"

_zh = gettext.translation("django", localedir=LOCALE, languages=["zh_Hans"])
# the message of a save that lost to a concurrent one (core.locking.stale, form_refilled)
CONFLICT = html.escape(
    _zh.gettext(
        "Someone else saved this %(what)s while you were editing it, so your changes were not "
        "saved. The form now shows the current values."
    )
    % {"what": _zh.gettext("plan step")}
)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORKLIST_STEP = re.compile(r'href="/election/steps/(\d+)/edit/\?in=worklist"')
WORKLIST_PLAN = re.compile(r'href="/election/plans/(\d+)/#step-\d+"')
PLAN_STEP = re.compile(r'href="/election/steps/(\d+)/edit/"')
CAMPAIGN_DASHBOARD = re.compile(r'href="/election/campaigns/(\d+)/dashboard/"')
STREET_FILTER = re.compile(r'href="/communities/\?street=(\d+)"')
HIDDEN_VERSION = re.compile(r'name="version" value="(\d+)"')
CHECKED_STATUS = re.compile(r'name="status"[^>]*value="(\w+)"[^>]*checked')
INPUT_TAG = r'<input[^>]*name="{name}"[^>]*>'
INPUT_VALUE = re.compile(r'value="([^"]*)"')
TEXTAREA = re.compile(r'<textarea name="notes"[^>]*>(.*?)</textarea>', re.S)

HTMX = {"HX-Request": "true"}
LOGIN = "/accounts/login/"


def _fail(response: ResponseContextManager, why: str) -> None:
    response.failure(why)


def _page_ok(response: ResponseContextManager, marker: str) -> bool:
    """200, not the sign-in page, and `marker` in the body; otherwise a failure."""
    if response.status_code != 200:
        _fail(response, f"HTTP {response.status_code}")
        return False
    if LOGIN in (response.url or "") or 'name="password"' in (response.text or ""):
        _fail(response, "answered with the sign-in page")
        return False
    if marker not in (response.text or ""):
        _fail(response, f"{marker!r} not in the page")
        return False
    return True


class _SignIns:
    """When the last user has signed in, the figures start again from zero (the sign-in rows and
    every failure so far are kept): the table then shows the working load, not the first minute's
    queue of 100 password checks (Argon2, about a quarter of a second of CPU each)."""

    started = 0.0
    done = 0


@events.test_start.add_listener
def _test_start(environment: Environment, **kwargs: Any) -> None:
    _SignIns.started, _SignIns.done = time.monotonic(), 0


def _signed_in(environment: Environment) -> None:
    _SignIns.done += 1
    options = environment.parsed_options
    if options is None or _SignIns.done != options.num_users:
        return
    stats = environment.stats
    kept = {k: copy.copy(e) for k, e in stats.entries.items() if k[0].startswith("sign in")}
    errors = dict(stats.errors)
    stats.reset_all()
    stats.entries.update(kept)
    stats.errors.update(errors)
    seconds = time.monotonic() - _SignIns.started
    logging.warning(
        "all %s users signed in after %.1f s; figures from now on", _SignIns.done, seconds
    )
    if path := os.environ.get("LOAD_SIGNIN_FILE"):
        Path(path).write_text(json.dumps({"users": _SignIns.done, "seconds": round(seconds, 1)}))


class SignedInUser(FastHttpUser):
    abstract = True
    username = ""
    # a brisk person: reads a page, then clicks
    wait_time = between(3, 10)
    # a request not answered within a minute failed, for its user as for a reverse proxy in front
    # (nginx's proxy_read_timeout is 60 s)
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        with self.client.get(LOGIN, name="sign in (form)", catch_response=True) as r:
            token = CSRF_INPUT.search(r.text or "")
            if r.status_code != 200 or token is None:
                _fail(r, "no sign-in form")
                return
        data = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        }
        with self.client.post(LOGIN, data=data, name="sign in", catch_response=True) as r:
            if r.status_code != 200 or LOGIN in (r.url or ""):
                _fail(r, "sign-in refused")
                return
        self.ready()

    def ready(self) -> None:
        _signed_in(self.environment)

    def _get(self, url: str, *, name: str, marker: str, **kwargs: Any) -> str | None:
        with self.client.get(url, name=name, catch_response=True, **kwargs) as r:
            return (r.text or "") if _page_ok(r, marker) else None


class StreetOfficial(SignedInUser):
    """A street official's updates: the worklist, a plan, a step's editor, its save."""

    username = "scale_street"
    weight = 3

    def _worklist(self) -> str | None:
        page = random.choice(["", "", "?page=2", "?page=3", "?flag=late"])
        return self._get(f"/election/worklist/{page}", name="street: worklist", marker='id="step-')

    def _save(self, step: int, *, query: str, change: str) -> None:
        """Open the step's editor in place and post its form with `change` applied."""
        editor = self._get(
            f"/election/steps/{step}/edit/{query}",
            name="street: step editor",
            marker='name="version"',
            headers=HTMX,
        )
        if editor is None:
            return
        self.wait()  # fills in the form
        data = _editor_form(editor)
        if change == "done":
            data.update(status="done", done_on="")
        else:
            data["responsible"] = random.choice(["王芳", "李强", "张伟", "刘洋"])
            data["notes"] = f"入户走访第 {random.randint(1, 99)} 轮"
            if data.get("status") == "done":
                data.update(status="in_progress", done_on="")
        headers = {**HTMX, "X-CSRFToken": data["csrfmiddlewaretoken"]}
        with self.client.post(
            f"/election/steps/{step}/edit/{query}",
            data=data,
            headers=headers,
            name=f"street: step save ({change})",
            catch_response=True,
        ) as r:
            body = r.text or ""
            if r.status_code != 200:
                _fail(r, f"HTTP {r.status_code}")
            elif "list-group-item-success" in body and f'id="step-{step}"' in body:
                pass  # the row came back, saved
            elif CONFLICT in body:
                # a concurrent save of the same step won: the expected Chinese message
                r.request_meta["name"] = "street: step save (conflict, expected)"
            else:
                _fail(r, "the save answered neither the saved row nor the conflict message")

    @task(3)
    def mark_done(self) -> None:
        worklist = self._worklist()
        if worklist is None:
            return
        steps = WORKLIST_STEP.findall(worklist)
        if steps:
            self.wait()
            self._save(int(random.choice(steps)), query="?in=worklist", change="done")

    @task(3)
    def edit_step(self) -> None:
        worklist = self._worklist()
        plans = WORKLIST_PLAN.findall(worklist or "")
        if not plans:
            return
        plan = random.choice(plans)
        self.wait()
        page = self._get(f"/election/plans/{plan}/", name="street: plan", marker='id="step-')
        steps = PLAN_STEP.findall(page or "")
        if steps:
            self.wait()
            self._save(int(random.choice(steps)), query="", change="edit")

    @task(1)
    def browse_plan(self) -> None:
        worklist = self._worklist()
        plans = WORKLIST_PLAN.findall(worklist or "")
        if plans:
            plan = random.choice(plans)
            self.wait()
            self._get(f"/election/plans/{plan}/", name="street: plan", marker='id="step-')


class OfficeUser(SignedInUser):
    """The district office's reading: dashboards, the community list, the worklist."""

    username = "scale_office"
    weight = 1
    campaign = 0
    streets: list[str] = []

    def ready(self) -> None:
        # the dashboard's links: the campaign and the streets
        page = self._get("/", name="office: dashboard", marker="/communities/") or ""
        found = CAMPAIGN_DASHBOARD.search(page)
        self.campaign = int(found.group(1)) if found else 0
        self.streets = STREET_FILTER.findall(page)
        if not self.campaign:
            # a district without a running campaign: seed_scale needs the default rule set
            with self.client.get("/", name="office: dashboard", catch_response=True) as r:
                _fail(r, "no campaign dashboard linked from the dashboard")
        super().ready()

    @task(2)
    def dashboard(self) -> None:
        self._get("/", name="office: dashboard", marker="/communities/")

    @task(3)
    def campaign_dashboard(self) -> None:
        if not self.campaign:
            return
        base = f"/election/campaigns/{self.campaign}"
        view = random.choice(["", "", "?streets=all&page=2", "steps"])
        if view == "steps":
            self._get(
                f"{base}/steps/?flag=overdue",
                name="office: campaign overdue steps",
                marker="<table",
            )
        else:
            self._get(
                f"{base}/dashboard/{view}", name="office: campaign dashboard", marker="<table"
            )

    @task(3)
    def community_list(self) -> None:
        street = random.choice(self.streets) if self.streets else ""
        query = random.choice(
            [
                "",
                "?kind=village_converted&q=1",
                f"?street={street}",
                "?difficult=yes",
                f"?page={random.randint(2, 400)}",
            ]
        )
        self._get(f"/communities/{query}", name="office: community list", marker="<table")

    @task(2)
    def worklist(self) -> None:
        query = random.choice(["", "?flag=late", f"?page={random.randint(2, 100)}"])
        self._get(f"/election/worklist/{query}", name="office: worklist", marker='id="step-')


class TrivialUser(FastHttpUser):
    """The comparison: `/healthz` as fast as the server answers (no think time)."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        with self.client.get("/healthz", name="trivial: /healthz", catch_response=True) as r:
            if r.status_code != 200 or '"status": "ok"' not in (r.text or ""):
                _fail(r, f"HTTP {r.status_code}")


def _editor_form(editor: str) -> dict[str, str]:
    """The fields of a step editor's form as a browser would post them."""

    def value(name: str) -> str:
        tag = re.search(INPUT_TAG.format(name=name), editor)
        found = INPUT_VALUE.search(tag.group(0)) if tag else None
        return html.unescape(found.group(1)) if found else ""

    token = CSRF_INPUT.search(editor)
    version = HIDDEN_VERSION.search(editor)
    status = CHECKED_STATUS.search(editor)
    notes = TEXTAREA.search(editor)
    return {
        "csrfmiddlewaretoken": token.group(1) if token else "",
        "version": version.group(1) if version else "",
        "status": status.group(1) if status else "not_started",
        "done_on": value("done_on"),
        "responsible": value("responsible"),
        "notes": html.unescape(notes.group(1)).strip("\n") if notes else "",
    }
