"""Loopback JSON quote service with hot reload (protected: see specs/kernel.toml).

    python -m quoter.service --port 0 --releases releases/

`POST /quote {"items": [["A001", 3]], "currency": "EUR", "tier": "gold"}` -> the quote, with the
code version that computed it in `X-Quoter-Version`; `GET /health`; `GET /stats`.
Admin (loopback only, like everything here): `GET /admin/status`, `POST /admin/release` (a bundle
from `crucible release --agent`), `POST /admin/rollback` (`crucible rollback --agent`).

At start-up the service hands its mutable modules to Crucible's runtime, which then takes admitted
releases from the watched directory. This module is kernel: no release can change how it checks
quotes, binds, or embeds the runtime.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipeline.runtime import CanaryPolicy, Pin, Runtime, RuntimeConfig, decode_rollback_request, watch
from quoter import history, pricing
from quoter.kernel import LOOPBACK, KernelViolation, QuoteError, check_quote

ROOT = Path(__file__).resolve().parent.parent
MUTABLE_MODULES = ("quoter.catalog", "quoter.fx", "quoter.discounts", "quoter.pricing", "quoter.history")
KERNEL_MODULES = ("quoter.kernel", "quoter.service")
ENTRY_POINT = "quoter.pricing:quote"
MAX_BODY_BYTES = 64 * 1024
MAX_RELEASE_BYTES = 20 * 1024 * 1024
# The health check: reference baskets every version must still quote within the kernel.
PROBES: tuple[tuple[list[tuple[str, int]], str, str], ...] = (
    ([("A001", 1)], "EUR", "standard"),
    ([("B010", 12), ("C005", 3)], "USD", "gold"),
    ([("E059", 150)], "GBP", "silver"),
)


def health() -> str | None:
    """None when every probe quotes within the kernel's limits, else what went wrong."""
    for items, currency, tier in PROBES:
        try:
            check_quote(pricing.quote(items, currency, tier))
        except (QuoteError, KernelViolation) as exc:
            return f"probe {items} {currency} {tier}: {type(exc).__name__}: {exc}"
    return None


def start_runtime(releases: Path | None, canary: CanaryPolicy, changelog: Path | None = None) -> Runtime:
    runtime = Runtime.start(RuntimeConfig(
        root=ROOT, modules=MUTABLE_MODULES, kernel_modules=KERNEL_MODULES, entry_points=(ENTRY_POINT,),
        canary=canary, health_check=health, changelog=changelog, agent="service-agent",
    ))
    if releases is not None:
        watch(runtime, releases)
    return runtime


class QuoteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], runtime: Runtime | None) -> None:
        super().__init__(address, QuoteHandler)
        self.runtime = runtime


class QuoteHandler(BaseHTTPRequestHandler):
    server: QuoteServer
    protocol_version = "HTTP/1.1"  # keep-alive: a client may send many requests on one connection
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

    def _send(self, status: int, payload: object, version: int | None = None) -> None:
        body = json.dumps(payload, sort_keys=True).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if version is not None:
            self.send_header("X-Quoter-Version", str(version))
        self.end_headers()
        self.wfile.write(body)

    def _body(self, limit: int) -> bytes | None:
        length = self.headers.get("Content-Length", "")
        if not length.isdigit() or not 0 < int(length) <= limit:
            self._send(400, {"error": "body missing or too large"})
            return None
        return self.rfile.read(int(length))

    def do_GET(self) -> None:
        runtime = self.server.runtime
        if self.path == "/health":
            problem = health()
            live = runtime.live if runtime else 0
            self._send(200 if problem is None else 503, {"status": problem or "ok", "version": live})
        elif self.path == "/stats":
            self._send(200, history.snapshot())
        elif self.path == "/admin/status" and runtime is not None:
            self._send(200, asdict(runtime.status()))
        else:
            self._send(404, {"error": f"no route {self.path}"})

    def do_POST(self) -> None:
        if self.path == "/quote":
            self._quote()
        elif self.path in ("/admin/release", "/admin/rollback") and self.server.runtime is not None:
            self._admin(self.server.runtime)
        else:
            self._send(404, {"error": f"no route {self.path}"})

    def _quote(self) -> None:
        body = self._body(MAX_BODY_BYTES)
        if body is None:
            return
        try:
            items, currency, tier = parse_request(body)
        except QuoteError as exc:
            self._send(400, {"error": str(exc)})
            return
        runtime = self.server.runtime
        if runtime is None:
            self._answer(items, currency, tier, None)
            return
        with runtime.pin() as pin:  # the whole request on one version
            self._answer(items, currency, tier, pin)

    def _answer(self, items: list[tuple[str, int]], currency: str, tier: str, pin: Pin | None) -> None:
        try:
            quote = pricing.quote(items, currency, tier)
            check_quote(quote)
            history.record(quote)
        except QuoteError as exc:
            self._send(400, {"error": str(exc)}, _version(pin))
            return
        except KernelViolation as exc:
            self._send(500, {"error": f"refused by the kernel: {exc}"}, _version(pin))
            return
        self._send(200, quote.to_dict(), _version(pin))  # read after: the canary may have moved it

    def _admin(self, runtime: Runtime) -> None:
        body = self._body(MAX_RELEASE_BYTES)
        if body is None:
            return
        if self.path == "/admin/release":
            outcome = runtime.submit(body, origin=f"admin endpoint {self.client_address[0]}")
        else:
            try:
                request = decode_rollback_request(body)
            except (ValueError, UnicodeDecodeError) as exc:
                self._send(400, {"accepted": False, "reason": f"not a rollback request: {exc}"})
                return
            outcome = runtime.rollback(request.to, reason=request.reason or "admin endpoint", who=request.who)
        self._send(200 if outcome.accepted else 409, asdict(outcome))

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: no access log on stderr


def _version(pin: Pin | None) -> int | None:
    return pin.version if pin is not None else None


def parse_request(body: bytes) -> tuple[list[tuple[str, int]], str, str]:
    try:
        request = json.loads(body)
    except ValueError:
        raise QuoteError("body is not JSON") from None
    if not isinstance(request, dict):
        raise QuoteError("body must be a JSON object")
    items, currency, tier = request.get("items"), request.get("currency"), request.get("tier", "standard")
    if not isinstance(items, list) or not all(
        isinstance(i, list) and len(i) == 2 and isinstance(i[0], str) and type(i[1]) is int for i in items
    ):
        raise QuoteError("'items' must be a list of [sku, quantity] pairs")
    if not isinstance(currency, str) or not isinstance(tier, str):
        raise QuoteError("'currency' and 'tier' must be strings")
    return [(str(sku), int(quantity)) for sku, quantity in items], currency, tier


def make_server(host: str, port: int, runtime: Runtime | None) -> QuoteServer:
    if host not in LOOPBACK:
        raise ValueError(f"refusing to bind to non-loopback host {host!r}")
    return QuoteServer((host, port), runtime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="quoter.service", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8780, help="0 picks a free port")
    parser.add_argument("--releases", type=Path, help="the watched release directory (none: no hot reload)")
    parser.add_argument("--changelog", type=Path, help="default: <agent>/.crucible/changelog.jsonl")
    parser.add_argument("--canary-share", type=float, default=0.25, help="share of quotes also run on the previous version")
    parser.add_argument("--canary-calls", type=int, default=50, help="quotes before a canary can pass")
    parser.add_argument("--canary-seconds", type=float, default=2.0, help="and seconds")
    options = parser.parse_args(argv)
    try:
        canary = CanaryPolicy(share=options.canary_share, min_calls=options.canary_calls,
                              min_seconds=options.canary_seconds)
        runtime = start_runtime(options.releases, canary, options.changelog)
        server = make_server(options.host, options.port, runtime)
    except (ValueError, OSError) as exc:
        parser.error(str(exc))
    print(f"quoter service on http://{options.host}:{server.server_address[1]} (version {runtime.live})", flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        runtime.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
