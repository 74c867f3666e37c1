"""The public reporting channel (绿色通道): the form without sign-in, the receipt code shown once,
the look-up by receipt code, the flood limits and hostile input."""

# ruff: noqa: RUF001

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from discipline.forms_public import TEXT_MAX
from discipline.models import Case, Report, ReportAttachment
from discipline.services.reports import receipt_digest, report_receive
from discipline.throttle import throttle_reset
from tests.factories import CommunityFactory, StreetFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
ADDRESS = "127.0.0.1"

REPORT = "discipline:public-report"
DONE = "discipline:public-report-done"
RECEIPT = "discipline:public-receipt"


@pytest.fixture(autouse=True)
def _fresh_counts() -> Any:
    """Each test starts with no flood counts for the test client's addresses."""
    for address in (ADDRESS, "10.0.0.7"):
        throttle_reset(address)
    yield
    for address in (ADDRESS, "10.0.0.7"):
        throttle_reset(address)


def form_data(community: Community, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "community": str(community.pk),
        "category": Report.Category.VOTE_BUYING,
        "text": "有人在小区门口发购物卡拉票。",
        "anonymous": "on",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_address": "",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def photo(name: str = "photo.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def send(client: Client, community: Community, **overrides: Any) -> Any:
    return client.post(reverse(REPORT), form_data(community, **overrides))


def no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


# --- the form ---------------------------------------------------------------------------------


def test_form_opens_without_sign_in_grouped_by_street(
    client: Client, community: Community, other_community: Community
) -> None:
    response = client.get(reverse(REPORT))
    assert response.status_code == 200
    html = response.content.decode()
    assert "换届风气问题举报（绿色通道）" in html
    # one district: its streets; several: district and street
    assert f'<optgroup label="{community.street.name}">' in html
    assert f'<option value="{other_community.pk}">{other_community.name}</option>' in html
    far = CommunityFactory(street=StreetFactory(name="Far Street"))
    html = client.get(reverse(REPORT)).content.decode()
    assert f'<optgroup label="{far.street.district.name} · Far Street">' in html
    assert f'<optgroup label="{community.street.district.name} · {community.street.name}">' in html
    # anonymous by default, the honeypot hidden from people, the look-up linked
    assert 'name="anonymous"' in html and "checked" in html.split('name="anonymous"')[1][:80]
    assert '<div class="visually-hidden" aria-hidden="true">' in html
    assert reverse(RECEIPT) in html
    assert 'enctype="multipart/form-data"' in html
    assert no_store(response)


def test_sign_in_page_links_the_public_channel(client: Client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert reverse(REPORT) in html
    assert "举报 / 查询举报办理结果" in html


def test_form_queries_do_not_grow_with_communities(
    client: Client, community: Community, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6) as few:
        client.get(reverse(REPORT))
    for i in range(30):
        CommunityFactory(street=community.street, name=f"社区{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(REPORT))
    assert response.content.decode().count("<option value=") >= 31


# --- a valid report ---------------------------------------------------------------------------


def test_anonymous_report_gives_a_receipt_code_shown_once(
    client: Client, community: Community
) -> None:
    response = client.post(
        reverse(REPORT), {**form_data(community), "attachments": [photo(), photo("b.jpg")]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(DONE)
    report = Report.objects.get()
    assert report.channel == Report.Channel.ONLINE
    assert report.anonymous and report.community == community
    assert report.text == "有人在小区门口发购物卡拉票。"
    assert report.created_by is None
    assert (report.reporter_name, report.reporter_phone, report.reporter_address) == ("", "", "")
    # the sender is kept only as a keyed hash, never as the address
    assert len(report.sender_digest) == 64 and ADDRESS not in report.sender_digest
    assert ReportAttachment.objects.filter(report=report).count() == 2

    done = client.get(reverse(DONE))
    assert done.status_code == 200
    assert no_store(done)
    html = done.content.decode()
    code = html.split('id="receipt-code">')[1].split("<")[0].strip()
    assert receipt_digest(code) == report.receipt_digest
    assert report.number in html
    assert "它只显示这一次" in html
    assert code not in response["Location"]

    # shown once: the next visit has no code and goes back to the form with a note
    again = client.get(reverse(DONE))
    assert again.status_code == 302 and again["Location"] == reverse(REPORT)
    follow = client.get(again["Location"])
    assert code not in follow.content.decode()
    assert "回执码只在举报提交后显示一次" in follow.content.decode()


def test_named_report_keeps_the_identity(client: Client, community: Community) -> None:
    response = send(
        client,
        community,
        anonymous=None,
        reporter_name="张三",
        reporter_phone="138 0000 0000",
        reporter_address="幸福路1号",
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert not report.anonymous
    assert (report.reporter_name, report.reporter_phone, report.reporter_address) == (
        "张三",
        "138 0000 0000",
        "幸福路1号",
    )


def test_named_report_needs_a_name_and_a_phone(client: Client, community: Community) -> None:
    response = send(client, community, anonymous=None, reporter_address="幸福路1号")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写您的姓名，或选择匿名举报。" in html
    assert "请填写联系电话，或选择匿名举报。" in html
    assert not Report.objects.exists()
    # what was typed is shown again
    assert "幸福路1号" in html and "有人在小区门口发购物卡拉票。" in html


def test_anonymous_report_drops_a_typed_identity(client: Client, community: Community) -> None:
    send(client, community, reporter_name="张三", reporter_phone="13800000000")
    report = Report.objects.get()
    assert report.anonymous and report.reporter_name == "" and report.reporter_phone == ""


def test_signed_in_user_sends_through_the_public_channel_as_nobody(
    as_user: Any, office: Any, community: Community
) -> None:
    response = send(as_user(office), community)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.created_by is None and report.channel == Report.Channel.ONLINE


def test_csrf_stays_on(community: Community) -> None:
    client = Client(enforce_csrf_checks=True)
    response = send(client, community)
    assert response.status_code == 403
    assert not Report.objects.exists()


# --- hostile input ----------------------------------------------------------------------------


def test_script_is_stored_as_text_and_shown_escaped(client: Client, community: Community) -> None:
    script = "<script>alert(1)</script>"
    # refused for another reason: the text comes back escaped, never as markup
    response = send(client, community, text=script, category="")
    html = response.content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # accepted: stored exactly as typed
    send(client, community, text=script)
    assert Report.objects.get().text == script


def test_wrong_type_file_is_refused_and_the_text_kept(client: Client, community: Community) -> None:
    fake = SimpleUploadedFile("scan.pdf", EXE, content_type="application/pdf")
    response = client.post(reverse(REPORT), {**form_data(community), "attachments": [fake]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "不是照片" in html or "scan.pdf" in html
    assert "附件需要重新选择" in html
    assert "有人在小区门口发购物卡拉票。" in html
    assert f'value="{community.pk}" selected' in html
    assert not Report.objects.exists() and not ReportAttachment.objects.exists()


def test_text_file_named_pdf_is_refused(client: Client, community: Community) -> None:
    fake = SimpleUploadedFile("evidence.pdf", b"just some text\n", content_type="application/pdf")
    response = client.post(reverse(REPORT), {**form_data(community), "attachments": [fake]})
    assert "附件需要重新选择" in response.content.decode()
    assert not Report.objects.exists()


def test_oversized_file_is_refused(client: Client, community: Community, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 100
    big = SimpleUploadedFile("big.jpg", JPEG + b"\x00" * 200, content_type="image/jpeg")
    response = client.post(reverse(REPORT), {**form_data(community), "attachments": [big]})
    html = response.content.decode()
    assert "big.jpg" in html and "附件需要重新选择" in html
    assert not Report.objects.exists()


def test_too_many_files_are_refused(client: Client, community: Community) -> None:
    files = [photo(f"p{i}.jpg") for i in range(6)]
    response = client.post(reverse(REPORT), {**form_data(community), "attachments": files})
    assert "最多" in response.content.decode()
    assert not Report.objects.exists()


def test_a_pdf_is_accepted(client: Client, community: Community) -> None:
    pdf = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse(REPORT), {**form_data(community), "attachments": [pdf]})
    assert response.status_code == 302
    attachment = ReportAttachment.objects.get()
    assert attachment.file_type == "application/pdf" and attachment.file_name == "letter.pdf"


@pytest.mark.parametrize("text", ["", "   ", "\x00\x00"])
def test_empty_text_is_refused(client: Client, community: Community, text: str) -> None:
    response = send(client, community, text=text)
    assert response.status_code == 200
    assert "举报内容" in response.content.decode()
    assert "请填写举报内容。" in response.content.decode()
    assert not Report.objects.exists()


def test_over_long_text_is_refused_and_kept(client: Client, community: Community) -> None:
    response = send(client, community, text="长" * (TEXT_MAX + 1))
    html = response.content.decode()
    assert str(TEXT_MAX) in html and "长" * 100 in html
    assert not Report.objects.exists()
    assert send(client, community, text="长" * TEXT_MAX).status_code == 302


def test_nul_and_control_characters_are_removed(client: Client, community: Community) -> None:
    response = send(
        client,
        community,
        text="有人\x00拉票\x07\n第二行",
        anonymous=None,
        reporter_name="张\x00三",
        reporter_phone="13800000000",
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.text == "有人拉票\n第二行"
    assert report.reporter_name == "张三"


def test_honeypot_refuses_and_stores_nothing(client: Client, community: Community) -> None:
    response = send(client, community, website="http://spam.example")
    assert response.status_code == 200
    assert "举报未能提交" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize("value", ["", "0", "abc", "²", str(2**64), "-1", "99999999"])
def test_odd_community_is_refused(client: Client, community: Community, value: str) -> None:
    response = client.post(reverse(REPORT), {**form_data(community), "community": value})
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_odd_category_is_refused(client: Client, community: Community) -> None:
    response = send(client, community, category="bribes")
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_bad_phone_is_refused(client: Client, community: Community) -> None:
    response = send(client, community, anonymous=None, reporter_name="张三", reporter_phone="x")
    assert "请填写电话号码" in response.content.decode()
    assert not Report.objects.exists()


# --- flood limits -----------------------------------------------------------------------------


def test_reports_per_address_are_limited(
    client: Client, community: Community, settings: Any
) -> None:
    settings.PUBLIC_REPORT_LIMIT = 2
    assert send(client, community).status_code == 302
    assert send(client, community).status_code == 302
    response = send(client, community, text="第三次举报的内容")
    assert response.status_code == 429
    html = response.content.decode()
    assert "过去一小时内从该网络提交的举报过多" in html
    # nothing lost: the text is shown again to be kept
    assert "第三次举报的内容" in html
    assert Report.objects.count() == 2
    # another address is not affected
    other = Client(REMOTE_ADDR="10.0.0.7")
    assert send(other, community).status_code == 302
    assert Report.objects.count() == 3


def test_attempts_per_address_are_limited(
    client: Client, community: Community, settings: Any
) -> None:
    settings.PUBLIC_REPORT_ATTEMPT_LIMIT = 3
    for _ in range(3):
        assert send(client, community, text="").status_code == 200
    response = send(client, community)
    assert response.status_code == 429
    assert not Report.objects.exists()


def test_limit_follows_the_forwarded_address_behind_a_proxy(
    community: Community, settings: Any
) -> None:
    settings.PROXY_COUNT = 1
    settings.PUBLIC_REPORT_LIMIT = 1
    first = Client(HTTP_X_FORWARDED_FOR="10.0.0.7")
    second = Client(HTTP_X_FORWARDED_FOR="10.0.0.8")
    try:
        assert send(first, community).status_code == 302
        assert send(first, community).status_code == 429
        assert send(second, community).status_code == 302
    finally:
        throttle_reset("10.0.0.8")


# --- the receipt look-up ----------------------------------------------------------------------


def received(community: Community, **kwargs: Any) -> Any:
    return report_receive(
        community=community,
        channel=Report.Channel.ONLINE,
        category=Report.Category.TREATS,
        text=kwargs.pop("text", "村委会主任请客吃饭"),
        **kwargs,
    )


def test_receipt_page_opens_and_a_query_string_shows_nothing(
    client: Client, community: Community
) -> None:
    got = received(community)
    response = client.get(reverse(RECEIPT) + f"?code={got.receipt_code}")
    assert response.status_code == 200
    assert got.report.number not in response.content.decode()
    assert no_store(response)


def test_receipt_shows_the_state_of_a_received_report(client: Client, community: Community) -> None:
    got = received(community)
    # case and spaces do not matter
    code = got.receipt_code.lower().replace("-", " ")
    response = client.post(reverse(RECEIPT), {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert got.report.number in html
    assert "已受理" in html
    assert timezone.localdate().strftime("%Y-%m-%d") in html
    assert no_store(response)


def test_receipt_shows_only_the_allowed_fields_of_a_concluded_report(
    client: Client, community: Community, admin_user: Any
) -> None:
    got = received(
        community,
        text="秘密的举报内容",
        anonymous=False,
        reporter_name="李四秘密",
        reporter_phone="13912345678",
        reporter_address="秘密路9号",
        attachments=[photo("secret-evidence.jpg")],
    )
    report = got.report
    now = timezone.now()
    case = Case.objects.create(
        report=report,
        opened_at=now,
        due_on=timezone.localdate(),
        stage=Case.Stage.CONCLUDED,
        outcome=Case.Outcome.PARTLY,
        reply="经查，部分属实，已责令整改。<script>alert(1)</script>",
        measures="秘密的处理措施",
        concluded_at=now,
    )
    case.officers.add(admin_user)
    Report.objects.filter(pk=report.pk).update(state=Report.State.CONCLUDED)

    response = client.post(reverse(RECEIPT), {"code": got.receipt_code})
    html = response.content.decode()
    assert report.number in html
    assert "已办结" in html and "部分属实" in html
    assert "经查，部分属实，已责令整改。&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    for secret in (
        "秘密的举报内容",
        "李四秘密",
        "13912345678",
        "秘密路9号",
        "secret-evidence",
        "秘密的处理措施",
        community.name,
        admin_user.username,
    ):
        assert secret not in html, secret
    # the code itself is not shown back
    assert got.receipt_code not in html


def test_receipt_of_an_open_case_shows_no_outcome_yet(client: Client, community: Community) -> None:
    got = received(community)
    Case.objects.create(
        report=got.report,
        opened_at=timezone.now(),
        due_on=timezone.localdate(),
        stage=Case.Stage.INVESTIGATING,
        outcome=Case.Outcome.UNFOUNDED,
        reply="尚未答复的草稿",
    )
    Report.objects.filter(pk=got.report.pk).update(state=Report.State.OPEN)
    html = client.post(reverse(RECEIPT), {"code": got.receipt_code}).content.decode()
    assert "办理中" in html
    assert "不属实" not in html and "尚未答复的草稿" not in html


@pytest.mark.parametrize(
    "code", ["ABCD-EFGH-JKMN", "x" * 41, "<script>", "\x00\x00", "２３４５", "'; --"]
)
def test_wrong_code_gives_a_plain_message(client: Client, community: Community, code: str) -> None:
    got = received(community)
    response = client.post(reverse(RECEIPT), {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "没有与该回执码对应的举报" in html or "请输入回执码" in html or "40" in html
    # no report is shown: neither its number nor its state (the CSRF token is random
    # text, so the check names the report rather than a bare prefix)
    assert got.report.number not in html
    assert 'id="receipt"' not in html


def test_empty_code_asks_for_one(client: Client) -> None:
    response = client.post(reverse(RECEIPT), {"code": " "})
    assert "请输入回执码。" in response.content.decode()


def test_lookups_per_address_are_limited(
    client: Client, community: Community, settings: Any
) -> None:
    settings.RECEIPT_LOOKUP_LIMIT = 2
    got = received(community)
    for _ in range(2):
        client.post(reverse(RECEIPT), {"code": "ABCD-EFGH-JKMN"})
    response = client.post(reverse(RECEIPT), {"code": got.receipt_code})
    assert response.status_code == 429
    html = response.content.decode()
    assert "过去一小时内从该网络查询回执码的次数过多" in html
    assert got.report.number not in html


def test_done_page_without_a_report_goes_to_the_form(client: Client) -> None:
    response = client.get(reverse(DONE))
    assert response.status_code == 302 and response["Location"] == reverse(REPORT)


def test_public_pages_refuse_other_methods(client: Client) -> None:
    assert client.put(reverse(REPORT)).status_code == 405
    assert client.post(reverse(DONE)).status_code == 405
    assert client.delete(reverse(RECEIPT)).status_code == 405


def test_anonymous_user_is_not_shown_a_menu(client: Client, community: Community) -> None:
    html = client.get(reverse(REPORT)).content.decode()
    assert 'id="main-nav"' not in html
