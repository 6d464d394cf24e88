import http.client
import json
import threading

import pytest

from planner.service import make_server


def test_service_health_and_plan() -> None:
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        conn.request("GET", "/health")
        resp = conn.getresponse()
        assert resp.status == 200 and json.loads(resp.read())["status"] == "ok"

        body = json.dumps({"goal": "compute 6*7 then email bob@example.com"})
        conn.request("POST", "/plan", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        plan = json.loads(resp.read())
        assert resp.status == 200
        assert [s["action"] for s in plan["steps"]] == ["calculator", "send_email"]

        conn.request("POST", "/plan", json.dumps({"goal": 3}))
        resp = conn.getresponse()
        assert resp.status == 400 and "goal" in json.loads(resp.read())["error"]
        conn.close()
    finally:
        server.shutdown()
        server.server_close()


def test_service_refuses_public_interfaces() -> None:
    with pytest.raises(ValueError):
        make_server("0.0.0.0", 0)
