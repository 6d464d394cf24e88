"""Edits proposed by a model that vLLM serves through its OpenAI-compatible API (`vllm serve`).

One chat-completions request per `propose`, asking for `limit` sampled answers (`n`), each a JSON
object `{"edits": [...]}` that structured outputs (`response_format` of type `json_schema`)
constrain to the edit schema. A model's output is untrusted: every edit is checked again here
(`edit_from_json`, then the target), and the gates judge whatever passes.

What happened is counted in `stats`, never raised:

| key | counted once per | meaning |
|---|---|---|
| `ok` | request | the server answered with a completion |
| `timeout` | request | no answer within `timeout` seconds |
| `connection-error` | request | nothing listens at the URL, or the connection broke |
| `server-error` | request | HTTP 5xx |
| `request-error` | request | HTTP 4xx (wrong model or key, a prompt longer than the context…) |
| `bad-response` | request | HTTP 200 whose body is not a chat completion |
| `no-model` | request not sent | no model given and GET /models listed none (or failed, counted too) |
| `truncated` | answer | cut off (by `max_tokens` or the model's context) before its JSON closed |
| `malformed-json` | answer | the content is not JSON |
| `off-schema` | answer or edit | JSON, but not `{"edits": [edit, ...]}` with edits `edit_from_json` accepts and of kind `replace_function` |
| `wrong-target` | edit | a valid edit of another function than the one asked about |
| `duplicate` | edit | the same code as an edit already proposed in this answer set |
| `proposed` | edit | returned as a Proposal (the gates judge it) |
"""

from __future__ import annotations

import json
import os
from typing import Any, ClassVar, Final

from pipeline.edits import EDIT_SCHEMA, Edit, EditKind, EditRefused, edit_from_json
from pipeline.proposers.base import Proposal, ProposerStats, Target
from pipeline.proposers.openai_client import ClientError, chat_completion, list_models

__all__ = ["API_KEY_VARIABLE", "VllmProposer", "request_schema"]

API_KEY_VARIABLE: Final = "CRUCIBLE_VLLM_API_KEY"
_RULE: Final = "vllm"
_MAX_EVIDENCE = 3  # earlier rejections quoted in the prompt, the latest first
_EVIDENCE_CHARS = 600

_SYSTEM = (
    "You are a Python performance engineer. You rewrite one function so that it runs faster while "
    "behaving exactly as before: the same results, the same exceptions, the same effects on its "
    "arguments and on module state, for every input its contract allows. You answer with JSON only."
)


def request_schema(target: Target, edits_per_answer: int, max_code_chars: int) -> dict[str, Any]:
    """The JSON Schema one answer must match: EDIT_SCHEMA narrowed to a `replace_function` of
    `target`, inside `{"edits": [...]}`.

    Narrowed on purpose: constrained decoding then spends no tokens on other kinds or targets,
    and the bounds (`maxLength`, `maxItems`, no open-ended `path`) make even a model that
    rambles close its JSON before `max_tokens`."""
    properties = EDIT_SCHEMA["properties"]
    edit = {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "target", "code"],
        "properties": {
            "kind": {"type": "string", "enum": [EditKind.REPLACE_FUNCTION.value]},
            "target": {"type": "string", "enum": [target.address], "description": properties["target"]["description"]},
            "code": {"type": "string", "maxLength": max_code_chars, "description": "the whole new def, same name and signature"},
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["edits"],
        "properties": {"edits": {"type": "array", "items": edit, "minItems": 1, "maxItems": edits_per_answer}},
    }


def prompt_for(target: Target) -> str:
    """The user message: the function, its contract, its profile, diagnostics and past rejections."""
    parts = [f"Make `{target.qualname}` (module `{target.module}`, file `{target.path}`) faster without changing its behaviour."]
    if target.seconds > 0:
        parts.append(f"Profile: the project's benchmarks spend {target.seconds:.4f} s in it.")
    if target.diagnostics:
        parts.append("Static diagnostics (wasted work found in it):\n" + "\n".join(
            f"- line {d.line}: {d.kind}: {d.message}" for d in target.diagnostics))
    if target.contract.strip():
        parts.append(f"Its contract (PEP 316; the rewrite must keep it):\n```\n{target.contract.strip()}\n```")
    if target.rejections:
        quoted = [r.strip()[:_EVIDENCE_CHARS] for r in target.rejections[-_MAX_EVIDENCE:][::-1]]
        parts.append("Earlier rewrites of it were rejected; do not repeat them:\n" + "\n".join(f"- {q}" for q in quoted))
    parts.append(f"Current source:\n```python\n{target.source.rstrip()}\n```")
    parts.append(
        'Answer with JSON: {"edits": [{"kind": "replace_function", "target": "' + target.address
        + '", "code": "<the whole new def>"}]}. Keep the name and signature; use only what the '
        "module already imports; no new imports, no I/O."
    )
    return "\n\n".join(parts)


class VllmProposer:
    """Asks a served model for `replace_function` edits; see the module docstring for the counts."""

    NAME: ClassVar[str] = "vllm"

    def __init__(
        self, base_url: str, model: str = "", api_key: str = "", timeout: float = 120.0, *,
        temperature: float = 0.7, max_tokens: int | None = None, edits_per_answer: int = 1,
        max_code_chars: int = 8000,  # and at most 4x the current source (at least 1000)
        # max_tokens None: what the model's context leaves; `maxLength` on the code bounds it anyway.
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key or os.environ.get(API_KEY_VARIABLE, "")
        self.timeout = timeout
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.edits_per_answer = edits_per_answer
        self.max_code_chars = max_code_chars
        self.stats = ProposerStats()
        self.last_error = ""  # what the latest failed request met, for the run's summary

    def propose(self, target: Target, limit: int) -> list[Proposal]:
        if limit <= 0 or not self._discover_model():
            return []
        try:
            answers = chat_completion(self.base_url, self.payload(target, limit), api_key=self.api_key, timeout=self.timeout)
        except ClientError as exc:
            self._failed(exc)
            return []
        self.stats.count("ok")
        proposals: list[Proposal] = []
        seen: set[str] = set()
        for content, finish in answers:
            for edit in self._edits(content, finish, target):
                if edit.code in seen:
                    self.stats.count("duplicate")
                elif len(proposals) < limit:
                    seen.add(edit.code)
                    proposals.append(Proposal((edit,), _arm(target), f"{self.NAME} {self.model}"))
                    self.stats.count("proposed")
        return proposals

    def payload(self, target: Target, n: int) -> dict[str, Any]:
        """The chat-completions request body for `n` answers about `target`."""
        code_chars = min(self.max_code_chars, max(1000, 4 * len(target.source)))
        schema = request_schema(target, self.edits_per_answer, code_chars)
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": prompt_for(target)}],
            "n": n,
            "temperature": self.temperature,
            "response_format": {"type": "json_schema", "json_schema": {"name": "crucible_edits", "schema": schema, "strict": True}},
        }
        if self.max_tokens is not None:
            payload["max_tokens"] = self.max_tokens
        return payload

    def _discover_model(self) -> bool:
        """The served model, asked once when none was given; False (counted) if there is none."""
        if self.model:
            return True
        try:
            models = list_models(self.base_url, api_key=self.api_key, timeout=self.timeout)
        except ClientError as exc:
            self._failed(exc)
            models = []
        if not models:
            self.stats.count("no-model")
            return False
        self.model = models[0]
        return True

    def _failed(self, error: ClientError) -> None:
        self.stats.count(error.KIND)
        self.last_error = str(error)

    def _edits(self, content: str, finish: str, target: Target) -> list[Edit]:
        """The acceptable edits of one answer; everything else counted."""
        try:
            data = json.loads(content, strict=False)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
            self.stats.count("truncated" if finish == "length" else "malformed-json")
            return []
        items = data.get("edits") if isinstance(data, dict) and set(data) == {"edits"} else None
        if not isinstance(items, list):
            self.stats.count("off-schema")
            return []
        edits = []
        for item in items:
            try:
                edit = edit_from_json(item)
            except (EditRefused, TypeError):  # TypeError: an unhashable `kind`, which edit_from_json lets through
                self.stats.count("off-schema")
                continue
            if edit.kind is not EditKind.REPLACE_FUNCTION:
                self.stats.count("off-schema")
            elif edit.target != target.address:
                self.stats.count("wrong-target")
            else:
                edits.append(Edit(edit.kind, edit.target, edit.code, rule=_RULE))  # the rule is ours to name
        return edits


def _arm(target: Target) -> str:
    """`vllm × the diagnostic class it was asked about` (the bandit's arm)."""
    return f"{_RULE}×{target.diagnostics[0].kind if target.diagnostics else 'profile'}"
