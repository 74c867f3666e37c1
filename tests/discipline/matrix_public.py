"""URL-matrix cases of the public reporting channel (绿色通道).

The form and the receipt look-up need no sign-in: every role, anonymous included, gets them. The
page of the receipt code shows it only right after a report was sent; without one in the session
it sends everyone back to the form. The look-up (a POST) shows a report's status and nothing of
its reporter, text or community, and changes nothing.
"""

from typing import Any

from discipline.models import Report
from discipline.services.reports import report_receive
from discipline.throttle import throttle_reset
from tests.url_matrix import FOUND, OK, Case, World, everyone

SECRET_TEXT = "矩阵测试的举报内容"
SECRET_NAME = "矩阵测试举报人"


def _receipt_data(world: World) -> dict[str, Any]:
    # the matrix's client always comes from the same address: earlier tests may have used up
    # its look-ups for this hour
    throttle_reset("127.0.0.1")
    received = report_receive(
        community=world.community,
        channel=Report.Channel.ONLINE,
        category=Report.Category.THREATS,
        text=SECRET_TEXT,
        reporter_name=SECRET_NAME,
        reporter_phone="13700000000",
    )
    world.extra["public_report"] = received.report
    return {"code": received.receipt_code}


def _receipt_after(world: World, role: str, response: Any) -> None:
    report = world.extra["public_report"]
    html = response.content.decode()
    assert report.number in html
    for secret in (SECRET_TEXT, SECRET_NAME, "13700000000", world.community.name):
        assert secret not in html, (role, secret)
    # a look-up writes nothing
    assert Report.objects.count() == 1
    assert Report.objects.get().state == Report.State.RECEIVED


PUBLIC_ENTRIES: dict[str, Case] = {
    "discipline:public-report": Case(expect=everyone(OK, anonymous=OK)),
    "discipline:public-report-done": Case(expect=everyone(FOUND, anonymous=FOUND)),
    "discipline:public-receipt": Case(
        expect=everyone(OK, anonymous=OK),
        method="post",
        data=_receipt_data,
        after=_receipt_after,
    ),
}
