import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.runtime import CanaryPolicy, Runtime
from quoter.service import QuoteServer, health, make_server, parse_request, start_runtime


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    log = tmp_path_factory.mktemp("agent") / "changelog.jsonl"
    runtime = start_runtime(None, CanaryPolicy(), changelog=log)
    yield runtime
    runtime.close(restore=True)


@pytest.fixture
def server(runtime: Runtime) -> Iterator[QuoteServer]:
    server = make_server("127.0.0.1", 0, runtime)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _call(server: QuoteServer, method: str, path: str, body: object = None) -> tuple[int, dict[str, object], str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    conn.request(method, path, None if body is None else json.dumps(body))
    response = conn.getresponse()
    payload = json.loads(response.read())
    conn.close()
    return response.status, payload, response.getheader("X-Quoter-Version")


def test_quote_health_stats_and_status(server: QuoteServer) -> None:
    status, payload, version = _call(server, "POST", "/quote", {"items": [["A001", 2]], "currency": "EUR", "tier": "gold"})
    assert status == 200 and version == "0"
    assert payload["total_cents"] == 514 - 514 * 6 // 100
    assert _call(server, "GET", "/health")[:2] == (200, {"status": "ok", "version": 0})
    assert _call(server, "GET", "/stats")[1]["served"] != 0
    status, payload, _ = _call(server, "GET", "/admin/status")
    assert status == 200 and payload["live"] == 0


def test_bad_requests_and_refused_admin_input(server: QuoteServer) -> None:
    assert _call(server, "POST", "/quote", {"items": [["A001", 1]], "currency": "JPY"})[0] == 400
    assert _call(server, "POST", "/quote", {"items": "A001"})[0] == 400
    status, payload, _ = _call(server, "POST", "/admin/release", {"not": "a bundle"})
    assert status == 409 and payload["accepted"] is False
    status, payload, _ = _call(server, "POST", "/admin/rollback", {"kind": "rollback", "format": 1, "to": None})
    assert status == 409 and "no version" in str(payload["reason"])


def test_parse_request() -> None:
    assert parse_request(b'{"items": [["A001", 3]], "currency": "USD"}') == ([("A001", 3)], "USD", "standard")


def test_health_probes_pass() -> None:
    assert health() is None


def test_service_refuses_public_interfaces(runtime: Runtime) -> None:
    with pytest.raises(ValueError):
        make_server("0.0.0.0", 0, runtime)


def test_service_kernel_is_declared() -> None:
    from quoter import service

    assert Path(service.__file__).name == "service.py"
    assert "quoter.kernel" in service.KERNEL_MODULES
