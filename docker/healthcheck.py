"""Container health check: `python docker/healthcheck.py [URL]` exits 0 when URL answers 200.

The request carries a Host header taken from ALLOWED_HOSTS, because Django refuses any other host
(such as the container's own 127.0.0.1). /healthz is exempt from the HTTPS redirect, so plain HTTP
inside the container is enough.
"""

import http.client
import os
import sys
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def host_header(allowed_hosts: str) -> str:
    """The first name of ALLOWED_HOSTS that Django accepts as it is ("localhost" for "*")."""
    first = next((h.strip() for h in allowed_hosts.split(",") if h.strip()), "localhost")
    if first == "*":
        return "localhost"
    # ".example.org" allows example.org and its subdomains
    return first.lstrip(".")


def main(argv: list[str]) -> int:
    url = urlsplit(argv[0] if argv else DEFAULT_URL)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=10)
    try:
        conn.request(
            "GET",
            url.path or "/",
            headers={"Host": host_header(os.environ.get("ALLOWED_HOSTS", ""))},
        )
        response = conn.getresponse()
        body = response.read(2000).decode("utf-8", "replace")
    except OSError as e:
        sys.stderr.write(f"health check failed: {e}\n")
        return 1
    finally:
        conn.close()
    if response.status != 200:
        sys.stderr.write(f"health check failed: HTTP {response.status} {body}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
