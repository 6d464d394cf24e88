"""The watched release directory: `crucible release --to DIR` drops bundles (`release-*.json`) and
`crucible rollback --releases DIR` drops requests (`rollback-*.json`), both written atomically
(temporary dot-file, then rename). The watcher handles them in name (= time) order and moves each
to `DIR/processed/`; the outcome goes to the change log. It also ticks the canary and runs the
health check."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.runtime.changelog import ChangeEvent
from pipeline.runtime.runtime import Runtime

__all__ = ["PROCESSED", "RollbackRequest", "decode_rollback_request", "encode_rollback_request", "rollback_file_name", "watch"]

PROCESSED: Final = "processed"
_REQUEST_FORMAT: Final = 1


@dataclass(frozen=True)
class RollbackRequest:
    to: int | None  # None: the version the live one replaced
    reason: str
    who: str
    created: str


def encode_rollback_request(request: RollbackRequest) -> bytes:
    payload = {"format": _REQUEST_FORMAT, "kind": "rollback", **vars(request)}
    return json.dumps(payload, sort_keys=True).encode("utf-8") + b"\n"


def rollback_file_name(request: RollbackRequest) -> str:
    stamp = request.created.replace("-", "").replace(":", "").replace("+0000", "Z")
    return f"rollback-{stamp}.json"


def decode_rollback_request(data: bytes) -> RollbackRequest:
    payload = json.loads(data.decode("utf-8"))
    if not isinstance(payload, dict) or payload.get("kind") != "rollback" or payload.get("format") != _REQUEST_FORMAT:
        raise ValueError("not a rollback request")
    to = payload.get("to")
    if to is not None and (isinstance(to, bool) or not isinstance(to, int)):
        raise ValueError("'to' must be a version number")
    return RollbackRequest(to, str(payload.get("reason", "")), str(payload.get("who", "unknown")),
                           str(payload.get("created", "")))


def watch(runtime: Runtime, directory: Path, *, poll_seconds: float = 0.2, health_seconds: float = 1.0) -> None:
    """Start the watcher thread (a daemon); `runtime.close()` stops it."""
    directory.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    watcher = _Watcher(runtime, directory, health_seconds)
    thread = threading.Thread(target=watcher.loop, args=(stop, poll_seconds), name="crucible-release-watcher",
                              daemon=True)
    thread.start()

    def stopper() -> None:
        stop.set()
        thread.join(timeout=10)

    runtime.on_close(stopper)


class _Watcher:
    def __init__(self, runtime: Runtime, directory: Path, health_seconds: float) -> None:
        self.runtime, self.directory, self.health_seconds = runtime, directory, health_seconds
        self.done: set[str] = set()  # handled but could not be moved
        self.last_health = time.monotonic()

    def loop(self, stop: threading.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            try:
                self.poll()
            except Exception:  # the watcher must outlive any one bad file or hook
                logging.getLogger("crucible.runtime").exception("release watcher")
            stop.wait(poll_seconds)

    def poll(self) -> None:
        entries = [p for p in self.directory.iterdir() if p.is_file() and p.suffix == ".json"
                   and p.name.startswith(("release-", "rollback-")) and p.name not in self.done]
        for path in sorted(entries, key=lambda p: p.name.split("-", 1)[1]):
            if not self._handle(path):
                break  # a release waits for the canary to end; later files wait behind it
        health_due = time.monotonic() - self.last_health >= self.health_seconds
        if health_due:
            self.last_health = time.monotonic()
        self.runtime.tick(health=health_due)

    def _handle(self, path: Path) -> bool:
        data = path.read_bytes()
        if path.name.startswith("release-"):
            outcome = self.runtime.submit(data, origin=str(path))
            if outcome.retry:
                return False
        else:
            self._rollback(data, path)
        self._archive(path)
        return True

    def _rollback(self, data: bytes, path: Path) -> None:
        try:
            request = decode_rollback_request(data)
        except (ValueError, UnicodeDecodeError) as exc:
            self.runtime.record(ChangeEvent("rollback-refused", "unknown", f"{path.name}: {exc}",
                                            version=self.runtime.live))
            return
        self.runtime.rollback(request.to, reason=request.reason or f"requested in {path.name}", who=request.who)

    def _archive(self, path: Path) -> None:
        try:
            (self.directory / PROCESSED).mkdir(exist_ok=True)
            path.rename(self.directory / PROCESSED / path.name)
        except OSError:
            self.done.add(path.name)

