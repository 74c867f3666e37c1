"""No lost edits in the step editor: uploads and public notices are swapped in place without
touching the step's form, a save returns to where the user came from, and a step that needs a
public notice warns before it is marked done without one."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from election.models import Campaign, Evidence, PlanStep, PublicNotice
from election.services.notices import notice_add
from tests.election.conftest import E

TODAY = date(2026, 12, 10)
HTMX = {"HTTP_HX_REQUEST": "true"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
WORKLIST = "/election/worklist/?flag=overdue&community=River"


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def step_of(community: Any, code: str) -> PlanStep:
    return PlanStep.objects.select_related("stage", "plan", "template").get(
        plan__community=community, template__code=code
    )


def form_data(step: PlanStep, **changes: Any) -> dict[str, Any]:
    data = {
        "version": step.version,
        "status": step.status,
        "done_on": step.done_on or "",
        "responsible": step.responsible,
        "notes": step.notes,
    }
    data.update(changes)
    return data


def edit_url(step: PlanStep, query: str = "") -> str:
    return reverse("election:step-edit", args=[step.pk]) + query


def notice_url(step: PlanStep, query: str = "") -> str:
    return reverse("election:notice-add", args=[step.pk]) + query


# --- uploads and notices in place -----------------------------------------------------------------


def test_an_upload_swaps_only_the_evidence_part_of_the_editor(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    client = as_user(street_official)
    editor = client.get(edit_url(step), **HTMX).content.decode()
    # the upload targets its own part, not the editor that holds the step's form
    assert f'hx-target="#evidence-{step.pk}"' in editor

    response = client.post(
        reverse("election:evidence-add", args=[step.pk]),
        {"file": SimpleUploadedFile("minutes.jpg", JPEG, "image/jpeg")},
        **HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div id="evidence-{step.pk}">')
    assert "minutes.jpg" in body
    # no step form comes back to replace what the user typed
    assert 'name="notes"' not in body
    assert 'name="status"' not in body
    assert Evidence.objects.filter(step=step).count() == 1


def test_a_notice_is_recorded_inside_the_editor_and_updates_the_steps_flags(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "voter-list")
    client = as_user(street_official)
    editor = client.get(edit_url(step), **HTMX).content.decode()
    assert f'hx-target="#notices-{step.pk}"' in editor

    form = client.get(notice_url(step), **HTMX)
    assert form.status_code == 200
    assert "<html" not in form.content.decode()
    assert f'hx-post="{notice_url(step)}"' in form.content.decode()

    # posted 18 days before E: the notice is recorded and the step turns red
    response = client.post(
        notice_url(step),
        {"title": "Voter list", "place": "Board", "posted_on": (E - timedelta(days=18))},
        **HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div id="notices-{step.pk}">')
    assert "Voter list · Board" in body
    assert 'name="notes"' not in body
    # the flags above the step's form come along out of band, with the broken rule
    assert f'<div id="step-flags-{step.pk}" hx-swap-oob="true">' in body
    assert "Voter list posted at least 20 days before E" in body
    assert PublicNotice.objects.filter(step=step).count() == 1


def test_the_notice_forms_cancel_brings_the_notices_back(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "voter-list")
    response = as_user(street_official).get(notice_url(step, "?show=list"), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div id="notices-{step.pk}">')
    assert "<form" not in body.split(f'id="step-flags-{step.pk}"')[0]


def test_a_refused_notice_in_the_editor_shows_its_form_again(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "voter-list")
    response = as_user(street_official).post(
        notice_url(step),
        {"title": "Voter list", "place": "Board", "posted_on": TODAY + timedelta(days=1)},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not PublicNotice.objects.exists()


def test_another_streets_editor_parts_do_not_exist(
    running_campaign: Campaign, community: Any, outsider: User, as_user: Any
) -> None:
    step = step_of(community, "voter-list")
    client = as_user(outsider)
    assert client.get(notice_url(step), **HTMX).status_code == 404
    assert client.get(notice_url(step, "?show=list"), **HTMX).status_code == 404
    upload = {"file": SimpleUploadedFile("a.jpg", JPEG, "image/jpeg")}
    evidence_url = reverse("election:evidence-add", args=[step.pk])
    assert client.post(evidence_url, upload, **HTMX).status_code == 404


# --- the public notice warning --------------------------------------------------------------------


def test_a_step_that_needs_a_notice_warns_before_it_is_marked_done_without_one(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "voter-list")
    client = as_user(street_official)
    body = client.get(edit_url(step), **HTMX).content.decode()
    assert 'data-warning="notice"' in body
    # the rule is named (the CSS shows the warning once "done" is chosen)
    assert "Voter list posted at least 20 days before E" in body
    assert "needs-done" in body

    # saved anyway: the engine makes it red and the row names the rule
    response = client.post(edit_url(step), form_data(step, status="done"), **HTMX)
    row = response.content.decode()
    step.refresh_from_db()
    assert step.is_red
    # stored in the site's language: "须以公示为凭" (must be proved by a public notice)
    assert "须以公示为凭" in step.red_reason
    assert step.red_reason in row


def test_no_notice_warning_once_a_notice_is_recorded_or_where_none_is_needed(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    client = as_user(street_official)
    forums = step_of(community, "forums")
    assert 'data-warning="notice"' not in client.get(edit_url(forums), **HTMX).content.decode()
    voter_list = step_of(community, "voter-list")
    notice_add(
        step=voter_list,
        data={"title": "Voter list", "place": "Board", "posted_on": E - timedelta(days=21)},
        photo=None,
        by=street_official,
    )
    body = client.get(edit_url(voter_list), **HTMX).content.decode()
    assert 'data-warning="notice"' not in body


# --- returning where the user was -----------------------------------------------------------------


def test_a_save_from_the_worklist_returns_to_it_with_its_filters(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    query = f"?in=worklist&next={quote(WORKLIST)}"
    response = as_user(street_official).post(
        edit_url(step, query), form_data(step, status="in_progress", notes="two forums")
    )
    assert response.status_code == 302
    assert response["Location"] == f"{WORKLIST}#step-{step.pk}"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "evil.example"],
)
def test_a_next_address_off_the_site_is_ignored(
    running_campaign: Campaign,
    community: Any,
    street_official: User,
    as_user: Any,
    next_url: str,
) -> None:
    step = step_of(community, "forums")
    response = as_user(street_official).post(
        edit_url(step, f"?next={quote(next_url)}"), form_data(step, status="in_progress")
    )
    assert response["Location"] == f"{step.plan.get_absolute_url()}#step-{step.pk}"


def test_the_worklists_edit_links_carry_the_filters_back(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    body = as_user(street_official).get(WORKLIST).content.decode()
    expected = f"{edit_url(step)}?in=worklist&amp;next={quote(WORKLIST, safe='')}"
    assert f'href="{expected}"' in body
    # in place, the editor stays on the worklist: no return address needed
    assert f'hx-get="{edit_url(step)}?in=worklist"' in body


def test_the_editor_page_keeps_the_return_address_in_its_forms(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "voter-list")
    query = f"?in=worklist&next={quote(WORKLIST)}"
    body = as_user(street_official).get(edit_url(step, query)).content.decode()
    kept = f"?in=worklist&amp;next={quote(WORKLIST, safe='')}"
    assert f'action="{edit_url(step)}{kept}"' in body
    assert f'action="{reverse("election:evidence-add", args=[step.pk])}{kept}"' in body
    assert f'href="{notice_url(step)}{kept}"' in body
    # Cancel goes back to the worklist, at the step's row
    assert f'href="{WORKLIST.replace("&", "&amp;")}#step-{step.pk}"' in body
    # as a page, the step's form posts plainly (the save redirects back); its parts stay in place
    assert f'hx-post="{edit_url(step)}' not in body
    assert f'hx-post="{reverse("election:evidence-add", args=[step.pk])}' in body


def test_a_notice_recorded_on_its_own_page_returns_where_the_user_came_from(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "voter-list")
    response = as_user(street_official).post(
        notice_url(step, f"?next={quote(WORKLIST)}"),
        {"title": "Voter list", "place": "Board", "posted_on": E - timedelta(days=21)},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{WORKLIST}#step-{step.pk}"
