"""VllmProposer against a loopback server speaking vLLM's OpenAI-compatible protocol: every
request/response shape below is what vllm 0.32 sends (recorded from `vllm serve`)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pipeline.edits import EDIT_SCHEMA, apply_edits, unified_diff
from pipeline.proposers.base import Target
from pipeline.proposers.openai_client import ServerUnavailable, wait_until_ready
from pipeline.proposers.vllm import API_KEY_VARIABLE, VllmProposer
from tests.vllm.targets import TOOL_PLANNER, corpus_target

MODEL = "Qwen/Qwen2.5-Coder-7B-Instruct"
ADDRESS = "planner.tools:cheapest_tool"
FASTER = '''def cheapest_tool(costs: dict[str, int]) -> str:
    """The name of the cheapest tool; ties go to the alphabetically first name."""
    return min(costs.items(), key=lambda item: (item[1], item[0]))[0]
'''


@dataclass
class Reply:
    """What the server does with one request: answer `contents` (one choice each), or fail."""

    contents: tuple[str, ...] = ()
    finish: str = "stop"
    status: int = 200
    raw: bytes | None = None  # a body sent as is
    delay: float = 0.0
    cut: bool = False  # the connection closes halfway through the body


@dataclass
class Script:
    replies: list[Reply] = field(default_factory=list)
    models: tuple[str, ...] = (MODEL,)
    requests: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)  # method, path, headers, json


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    choices = [{
        "index": i,
        "message": {"role": "assistant", "content": content, "refusal": None, "annotations": None, "audio": None,
                    "function_call": None, "reasoning": None},
        "logprobs": None, "finish_reason": reply.finish, "stop_reason": None, "token_ids": None, "routed_experts": None,
    } for i, content in enumerate(reply.contents)]
    return {
        "id": "chatcmpl-bae73c02f7fec7dc", "object": "chat.completion", "created": 1795328940, "model": model,
        "choices": choices, "service_tier": None, "system_fingerprint": "vllm-0.32.0-4605ba58",
        "usage": {"prompt_tokens": 361, "total_tokens": 820, "completion_tokens": 459,
                  "prompt_tokens_details": None, "completion_tokens_details": None},
        "prompt_logprobs": None, "prompt_token_ids": None, "prompt_text": None, "kv_transfer_params": None,
        "ec_transfer_params": None, "metrics": None,
    }


def _error(status: int) -> dict[str, Any]:
    kind = {400: "BadRequestError", 404: "NotFoundError"}.get(status, "InternalServerError")
    return {"error": {"message": f"scripted {status}", "type": kind, "param": None, "code": status}}


def _model_list(models: tuple[str, ...]) -> dict[str, Any]:
    return {"object": "list", "data": [
        {"id": m, "object": "model", "created": 1795328937, "owned_by": "vllm", "root": m, "parent": None,
         "max_model_len": 1024, "permission": []} for m in models]}


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class OpenAIHandler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, *, cut: bool = False) -> None:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if cut else body)

        def do_GET(self) -> None:
            script.requests.append(("GET", self.path, dict(self.headers), None))
            if self.path == "/v1/models":
                self._send(200, json.dumps(_model_list(script.models)).encode())
            else:
                self._send(404, b'{"detail":"Not Found"}')

        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers["content-length"])))
            script.requests.append(("POST", self.path, dict(self.headers), payload))
            reply = script.replies.pop(0) if script.replies else Reply(status=500)
            time.sleep(reply.delay)
            if reply.raw is not None:
                body = reply.raw
            elif reply.status != 200:
                body = json.dumps(_error(reply.status)).encode()
            else:
                body = json.dumps(_completion(reply, payload["model"])).encode()
            try:
                self._send(reply.status, body, cut=reply.cut)
            except OSError:  # the client gave up (the timeout case)
                pass

    return OpenAIHandler


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", script
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def target() -> Target:
    return corpus_target(TOOL_PLANNER, ADDRESS, rejections=("tests: test_cheapest_tool_ties failed: 'b' != 'a'",))


def _answer(*edits: dict[str, Any]) -> str:
    return json.dumps({"edits": list(edits)})


def _edit(**changes: Any) -> dict[str, Any]:
    return {"kind": "replace_function", "target": ADDRESS, "code": FASTER, **changes}


GOOD = _answer(_edit())

# (case, the server's reply, proposals expected, the counts expected)
CASES = [
    ("good edit", Reply((GOOD,)), 1, {"ok": 1, "proposed": 1}),
    ("good edit, code with raw newlines (strict=False)", Reply((GOOD.replace("\\n", "\n"),)), 1, {"ok": 1, "proposed": 1}),
    ("malformed JSON", Reply(('{"edits": [{"kind": "replace_function", "target"',)), 0, {"ok": 1, "malformed-json": 1}),
    ("cut off by max_tokens", Reply(('{"edits": [{"kind": "replace_fu',), finish="length"), 0, {"ok": 1, "truncated": 1}),
    ("not an object", Reply(("[1, 2]",)), 0, {"ok": 1, "off-schema": 1}),
    ("extra top-level key", Reply((json.dumps({"edits": [_edit()], "why": "faster"}),)), 0, {"ok": 1, "off-schema": 1}),
    ("extra edit key", Reply((_answer(_edit(speedup="2x")),)), 0, {"ok": 1, "off-schema": 1}),
    ("unknown kind", Reply((_answer(_edit(kind="rewrite_everything")),)), 0, {"ok": 1, "off-schema": 1}),
    ("kind not asked for", Reply((_answer(_edit(kind="delete_statement", path=[0])),)), 0, {"ok": 1, "off-schema": 1}),
    ("nested past the parser's depth", Reply(("[" * 100_000,)), 0, {"ok": 1, "malformed-json": 1}),
    ("kind not a string", Reply((_answer(_edit(kind=["replace_function"])),)), 0, {"ok": 1, "off-schema": 1}),
    ("code not a string", Reply((_answer(_edit(code=["def f(): ..."])),)), 0, {"ok": 1, "off-schema": 1}),
    ("wrong target", Reply((_answer(_edit(target="planner.tools:evaluate")),)), 0, {"ok": 1, "wrong-target": 1}),
    ("same code twice", Reply((GOOD, GOOD)), 1, {"ok": 1, "proposed": 1, "duplicate": 1}),
    ("one good answer among garbage", Reply((GOOD, "nonsense", _answer(_edit(target="x:y")))), 1,
     {"ok": 1, "proposed": 1, "malformed-json": 1, "wrong-target": 1}),
    ("HTTP 500", Reply(status=500), 0, {"server-error": 1}),
    ("HTTP 400", Reply(status=400), 0, {"request-error": 1}),
    ("200 that is not JSON", Reply(raw=b"<html>proxy error</html>"), 0, {"bad-response": 1}),
    ("200 without choices", Reply(raw=b'{"object": "chat.completion"}'), 0, {"bad-response": 1}),
    ("connection closed halfway through the answer", Reply((GOOD,), cut=True), 0, {"connection-error": 1}),
    ("timeout", Reply((GOOD,), delay=1.0), 0, {"timeout": 1}),
]


@pytest.mark.parametrize(("reply", "proposals", "counts"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_outcome(server: tuple[str, Script], target: Target, reply: Reply, proposals: int, counts: dict[str, int]) -> None:
    url, script = server
    script.replies.append(reply)
    proposer = VllmProposer(url, MODEL, timeout=0.3)
    found = proposer.propose(target, 3)
    assert len(found) == proposals
    assert dict(proposer.stats.counts) == counts
    failed = not {"ok", "no-model"} & set(counts)
    assert bool(proposer.last_error) == failed, proposer.last_error


def test_good_edit_applies_and_gives_a_diff(server: tuple[str, Script], target: Target) -> None:
    url, script = server
    script.replies.append(Reply((GOOD,)))
    [proposal] = VllmProposer(url, MODEL).propose(target, 3)
    [edit] = proposal.edits
    assert (edit.target, edit.rule, proposal.arm) == (ADDRESS, "vllm", "vllm×profile")
    changed = apply_edits(TOOL_PLANNER, proposal.edits)
    diff = unified_diff(TOOL_PLANNER, changed)
    assert diff.startswith("diff --git a/planner/tools.py b/planner/tools.py\n")
    assert "-    ranked = sorted(" in diff and "+    return min(costs.items()" in diff


def test_request_asks_for_schema_constrained_edits(server: tuple[str, Script], target: Target) -> None:
    url, script = server
    script.replies.append(Reply((GOOD,)))
    VllmProposer(url, MODEL, temperature=0.2, max_tokens=512).propose(target, 4)
    [(method, path, headers, payload)] = script.requests
    assert (method, path, headers["Content-Type"]) == ("POST", "/v1/chat/completions", "application/json")
    assert (payload["model"], payload["n"], payload["temperature"], payload["max_tokens"]) == (MODEL, 4, 0.2, 512)
    assert "max_tokens" not in VllmProposer(url, MODEL).payload(target, 1)  # default: what the context leaves
    assert "guided_json" not in payload  # removed from vLLM, silently ignored there
    response_format = payload["response_format"]
    assert response_format["type"] == "json_schema" and response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    assert schema["required"] == ["edits"] and schema["additionalProperties"] is False
    edits = schema["properties"]["edits"]
    assert (edits["type"], edits["minItems"], edits["maxItems"]) == ("array", 1, 1)
    item = edits["items"]
    assert item["required"] == EDIT_SCHEMA["required"] and item["additionalProperties"] is False
    assert set(item["properties"]) <= set(EDIT_SCHEMA["properties"])
    assert item["properties"]["kind"]["enum"] == ["replace_function"]
    assert item["properties"]["target"]["enum"] == [ADDRESS]
    assert item["properties"]["code"]["maxLength"] >= 1000
    prompt = payload["messages"][-1]["content"]
    assert target.source.strip() in prompt
    assert "post: __return__ in costs" in prompt  # the contract
    assert "0.0123 s" in prompt  # the profile
    assert "test_cheapest_tool_ties failed" in prompt  # earlier rejection evidence


def test_model_is_discovered_once(server: tuple[str, Script], target: Target) -> None:
    url, script = server
    script.models = ("tiny", "other")
    script.replies += [Reply((GOOD,)), Reply((GOOD,))]
    proposer = VllmProposer(url)
    proposer.propose(target, 1)
    proposer.propose(target, 1)
    assert [(m, p) for m, p, _, _ in script.requests] == [("GET", "/v1/models"), ("POST", "/v1/chat/completions"), ("POST", "/v1/chat/completions")]
    assert script.requests[1][3]["model"] == "tiny"


def test_no_model_served(server: tuple[str, Script], target: Target) -> None:
    url, script = server
    script.models = ()
    proposer = VllmProposer(url)
    assert proposer.propose(target, 2) == []
    assert dict(proposer.stats.counts) == {"no-model": 1}


def test_api_key_from_the_environment(server: tuple[str, Script], target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    url, script = server
    monkeypatch.setenv(API_KEY_VARIABLE, "s3cret")
    script.replies.append(Reply((GOOD,)))
    VllmProposer(url, MODEL).propose(target, 1)
    assert script.requests[0][2]["Authorization"] == "Bearer s3cret"


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nothing listens there


def test_connection_refused(target: Target) -> None:
    proposer = VllmProposer(f"http://127.0.0.1:{_refused_port()}/v1", MODEL, timeout=2)
    assert proposer.propose(target, 2) == []
    assert dict(proposer.stats.counts) == {"connection-error": 1}


def test_connection_refused_while_discovering_the_model(target: Target) -> None:
    proposer = VllmProposer(f"http://127.0.0.1:{_refused_port()}/v1", timeout=2)
    assert proposer.propose(target, 2) == []
    assert dict(proposer.stats.counts) == {"connection-error": 1, "no-model": 1}


def test_wait_until_ready(server: tuple[str, Script]) -> None:
    url, _ = server
    assert wait_until_ready(url, 5) == [MODEL]


def test_wait_until_ready_gives_up(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ServerUnavailable, match="not ready after 1 s"):
        wait_until_ready(f"http://127.0.0.1:{_refused_port()}/v1", 1, interval=0.2)
    assert time.monotonic() - started < 3
    with pytest.raises(ServerUnavailable, match="gave up"):
        wait_until_ready(f"http://127.0.0.1:{_refused_port()}/v1", 60, given_up=lambda: True)
