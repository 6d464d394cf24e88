"""Loopback JSON service: ``python -m planner.service --port N``.

``GET /health`` -> ``{"status": "ok"}``; ``POST /plan {"goal": "..."}`` -> the plan.
"""

from __future__ import annotations

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from planner import __version__
from planner.config import SERVICE_HOST, SERVICE_PORT
from planner.planner import build_plan
from planner.tools import default_registry

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY_BYTES = 64 * 1024


class PlannerHandler(BaseHTTPRequestHandler):
    server_version = f"tool-planner/{__version__}"

    def _send_json(self, status: int, payload: dict[str, object]) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send_json(200, {"status": "ok", "version": __version__})
        else:
            self._send_json(404, {"error": f"no route {self.path}"})

    def do_POST(self) -> None:
        if self.path != "/plan":
            self._send_json(404, {"error": f"no route {self.path}"})
            return
        length = self.headers.get("Content-Length", "")
        if not length.isdigit() or not 0 < int(length) <= MAX_BODY_BYTES:
            self._send_json(400, {"error": "body missing or too large"})
            return
        try:
            request = json.loads(self.rfile.read(int(length)))
        except ValueError:
            self._send_json(400, {"error": "body is not JSON"})
            return
        goal = request.get("goal") if isinstance(request, dict) else None
        if not isinstance(goal, str) or not goal.strip():
            self._send_json(400, {"error": "'goal' must be a non-empty string"})
            return
        self._send_json(200, build_plan(goal, default_registry()).to_dict())

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: no access log on stderr


def make_server(host: str = SERVICE_HOST, port: int = SERVICE_PORT) -> ThreadingHTTPServer:
    if host not in LOOPBACK:
        raise ValueError(f"refusing to bind to non-loopback host {host!r}")
    return ThreadingHTTPServer((host, port), PlannerHandler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="planner.service", description=__doc__)
    parser.add_argument("--host", default=SERVICE_HOST)
    parser.add_argument("--port", type=int, default=SERVICE_PORT)
    options = parser.parse_args(argv)
    try:
        server = make_server(options.host, options.port)
    except (ValueError, OSError) as exc:
        parser.error(str(exc))
    print(f"planner service on http://{options.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
