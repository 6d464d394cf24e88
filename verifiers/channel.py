"""The parent's end of the report channel of a sandboxed process (see `_harness.py`).

Two pipes are made before the process starts: one carries a fresh random key to it (written and
closed at once; the harness reads it before any code under judgement runs), the other carries its
reports back, each framed as length, HMAC-SHA256 of the payload under that key, JSON payload with a
sequence number. The parent reads the report pipe on a thread while the process runs (no pipe
buffer limit), and after it ends accepts only an unbroken, authentic sequence: a frame that fails
its MAC, a gap, or trailing bytes mean that something other than the harness wrote to the pipe,
or the process died mid-report — never a verdict.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["ChannelBroken", "Listener", "Message"]

ENV: Final = "CRUCIBLE_CHANNEL"
KEY_BYTES: Final = 32
MAC_BYTES: Final = 32
LIMIT: Final = 256 * 1024 * 1024  # bytes read from one process; more is a broken channel


class ChannelBroken(Exception):
    """The reports are not an authentic, complete sequence from the harness."""


@dataclass(frozen=True)
class Message:
    kind: str
    data: Any


class Listener:
    """Opens the two pipes; `child_fds` go to the process (pass_fds), `env` names them; call
    `started()` once the process is running, `messages()` once it has ended."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(KEY_BYTES)
        key_read, key_write = os.pipe()
        os.write(key_write, self._key)  # 32 bytes: always fits the pipe's buffer
        os.close(key_write)
        self._report_read, report_write = os.pipe()
        self.child_fds = (key_read, report_write)
        self._closing = threading.Lock()
        self._closed = False
        self._received = bytearray()
        self._overflow = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def env(self) -> dict[str, str]:
        return {ENV: f"{self.child_fds[0]},{self.child_fds[1]}"}

    def started(self) -> None:
        """The child holds its own copies now; ours go, so the reader sees the end of the stream.
        Once only: a second close could hit a number another thread has been given since."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
            for fd in self.child_fds:
                os.close(fd)

    def _read(self) -> None:
        while True:
            chunk = os.read(self._report_read, 1 << 16)
            if not chunk:
                break
            if len(self._received) + len(chunk) > LIMIT:
                self._overflow = True
                continue
            self._received += chunk
        os.close(self._report_read)

    def messages(self, timeout: float = 30.0) -> list[Message]:
        """Every report, in order. ChannelBroken when they are not authentic and complete."""
        self.started()
        self._reader.join(timeout)
        if self._reader.is_alive():
            raise ChannelBroken("the report pipe stayed open after the process ended (a descendant kept it)")
        if self._overflow:
            raise ChannelBroken(f"more than {LIMIT} bytes on the report pipe")
        return _frames(bytes(self._received), self._key)


def _frames(data: bytes, key: bytes) -> list[Message]:
    messages: list[Message] = []
    offset = 0
    while offset < len(data):
        if len(data) - offset < 4 + MAC_BYTES:
            raise ChannelBroken(f"a truncated report at byte {offset} (the process died while writing?)")
        size = int.from_bytes(data[offset:offset + 4], "big")
        mac = data[offset + 4:offset + 4 + MAC_BYTES]
        payload = data[offset + 4 + MAC_BYTES:offset + 4 + MAC_BYTES + size]
        if len(payload) != size:
            raise ChannelBroken(f"a truncated report at byte {offset} (the process died while writing?)")
        if not hmac.compare_digest(mac, hmac.digest(key, payload, "sha256")):
            raise ChannelBroken(f"report {len(messages)} is not authentic (bad MAC): something other than the "
                                "harness wrote to the report pipe")
        try:
            decoded = json.loads(payload)
            seq, kind, content = decoded["seq"], decoded["kind"], decoded["data"]
        except (ValueError, KeyError, TypeError):
            raise ChannelBroken(f"report {len(messages)} is not a harness message") from None
        if seq != len(messages) or not isinstance(kind, str):
            raise ChannelBroken(f"report {len(messages)} is out of sequence ({seq!r})")
        messages.append(Message(kind, content))
        offset += 4 + MAC_BYTES + size
    return messages
