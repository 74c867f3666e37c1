from typing import Any

from django.test import RequestFactory

from core.http import client_ip


def test_without_proxies_the_connection_address_counts(settings: Any) -> None:
    settings.PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    # a header the client can forge is ignored when no proxy is declared
    assert client_ip(request) == "10.0.0.5"


def test_behind_one_proxy_the_last_forwarded_address_counts(settings: Any) -> None:
    settings.PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.168.3.20"
    )
    # "6.6.6.6" was sent by the client itself; the proxy appended the real address
    assert client_ip(request) == "192.168.3.20"


def test_missing_header_behind_a_proxy_falls_back_to_the_connection(settings: Any) -> None:
    settings.PROXY_COUNT = 2
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_ip(request) == "10.0.0.1"
