"""The release bundle: one admitted variant, its verdict record, and everything the runtime needs to
run it without Crucible's heavy dependencies (the new module sources, pre-applied by `crucible
release`). Written by the CLI, read by the runtime; JSON, self-hashed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from verifiers import rule

__all__ = [
    "RELEASE_FORMAT",
    "REQUIRED_GATES",
    "WAIVABLE_GATES",
    "BenchmarkEvidence",
    "Release",
    "ReleaseInvalid",
    "decode_release",
    "encode_release",
    "release_file_name",
    "source_hash",
]

RELEASE_FORMAT: Final = 1
# The admission rule itself (standard library only: the runtime does not load the gates).
REQUIRED_GATES: Final = rule.REQUIRED_GATES
WAIVABLE_GATES: Final = rule.WAIVABLE_WHEN_NOT_CONFIGURED
MAX_RELEASE_BYTES: Final = 20 * 1024 * 1024

Json = dict[str, object]


class ReleaseInvalid(Exception):
    """The bundle cannot be read as a release at all (refused before any other check)."""


@dataclass(frozen=True)
class BenchmarkEvidence:
    """One benchmark the gate ran: median speed-up of the variant and its 95% interval."""

    benchmark: str
    speedup: float
    low: float
    high: float
    original_median: float
    variant_median: float


@dataclass(frozen=True)
class Release:
    release_id: str  # "r-" + the first 12 hex digits of the content hash
    candidate: str
    created: str  # ISO 8601, UTC
    publisher: str  # who ran `crucible release`
    project: str  # the project the verdict was given on
    report: str  # the report directory holding the verdict
    kernel_digest: str
    verdict_json: str  # the verdict record exactly as the report holds it
    admitted: bool
    gate_outcomes: tuple[tuple[str, str, str], ...]  # (gate, outcome, skip reason)
    diff: str
    base: tuple[tuple[str, str], ...]  # every source file when the release was built -> sha256 of its text
    files: tuple[tuple[str, str], ...]  # changed module path -> its new source
    speedup: float | None
    benchmarks: tuple[BenchmarkEvidence, ...]
    content_hash: str

    def admission_problem(self) -> str | None:
        """Why the verdict does not admit, by the admission rule itself; None when it does."""
        if not self.admitted:
            return f"candidate {self.candidate} was not admitted"
        why = rule.refusal({gate: (outcome, skip or None) for gate, outcome, skip in self.gate_outcomes})
        if why is not None:
            gate, _, outcome = why.partition(": ")
            return f"the verdict says admitted, but gate {gate!r} is {'missing' if 'gate missing' in outcome else outcome}"
        return None


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def release_file_name(release: Release) -> str:
    """Sortable by creation time, so a watcher applies releases in the order they were made."""
    stamp = release.created.replace("-", "").replace(":", "").replace("+0000", "Z")
    return f"release-{stamp}-{release.release_id}.json"


def _canonical(payload: Mapping[str, object]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_release(
    *,
    verdict_json: str,
    created: str,
    publisher: str,
    report: str,
    base: Mapping[str, str],
    files: Mapping[str, str],
) -> tuple[Release, bytes]:
    """Build a bundle from a verdict record (the JSON line of `verdicts.jsonl`)."""
    verdict = json.loads(verdict_json)
    body: Json = {
        "format": RELEASE_FORMAT, "candidate": verdict["id"], "created": created, "publisher": publisher,
        "project": verdict["project"], "report": report, "kernel_digest": verdict["kernel_digest"],
        "verdict": verdict, "base": dict(sorted(base.items())), "files": dict(sorted(files.items())),
        "evidence": {"speedup": verdict.get("speedup"), "benchmarks": _benchmarks_of(verdict)},
    }
    digest = "sha256:" + hashlib.sha256(_canonical(body)).hexdigest()
    payload = {**body, "content_hash": digest, "release": "r-" + digest[7:19]}
    data = json.dumps(payload, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    return decode_release(data), data


def _benchmarks_of(verdict: Json) -> list[Json]:
    """The benchmark gate's measurements: the evidence a canary's latency watch is held to."""
    found: list[Json] = []
    gates = [g for g in _list(verdict.get("gates")) if isinstance(g, dict) and g.get("gate") == "benchmarks"]
    for item in (e for g in gates for e in _list(g.get("evidence")) if isinstance(e, dict)):
        pairs = [p for p in _list(item.get("data")) if isinstance(p, list) and len(p) == 2]
        data = {str(name): float(value) for name, value in pairs}
        if {"speedup", "low", "high"} <= data.keys():
            keys = ("speedup", "low", "high", "original_median", "variant_median")
            found.append({"benchmark": str(item.get("rule") or item.get("path") or ""),
                          **{key: data.get(key, 0.0) for key in keys}})
    return found


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def decode_release(data: bytes) -> Release:
    """Parse and check a bundle's form and content hash; ReleaseInvalid names the first problem."""
    if len(data) > MAX_RELEASE_BYTES:
        raise ReleaseInvalid(f"bundle is larger than {MAX_RELEASE_BYTES // 1024 // 1024} MiB")
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReleaseInvalid(f"bundle is not JSON: {exc}") from None
    if not isinstance(payload, dict) or payload.get("format") != RELEASE_FORMAT:
        raise ReleaseInvalid(f"not a release bundle of format {RELEASE_FORMAT}")
    body = {k: v for k, v in payload.items() if k not in ("content_hash", "release")}
    digest = "sha256:" + hashlib.sha256(_canonical(body)).hexdigest()
    if payload.get("content_hash") != digest or payload.get("release") != "r-" + digest[7:19]:
        raise ReleaseInvalid("content hash does not match the bundle (altered or truncated)")
    try:
        return _release(payload, digest)
    except (KeyError, TypeError, ValueError) as exc:
        raise ReleaseInvalid(f"bundle field missing or of the wrong type: {exc}") from None


def _release(payload: Json, digest: str) -> Release:
    verdict = _dict(payload["verdict"])
    for key, field in (("id", "candidate"), ("kernel_digest", "kernel_digest"), ("project", "project")):
        if verdict[key] != payload[field]:
            raise ValueError(f"the bundle's {field} is not its verdict's {key}")
    evidence = _dict(payload["evidence"])
    gates = tuple(
        (_text(g["gate"]), _text(g["outcome"]), str(g.get("skip_reason") or ""))
        for g in map(_dict, _list(verdict["gates"]))
    )
    speedup = evidence.get("speedup")
    return Release(
        release_id=_text(payload["release"]), candidate=_text(payload["candidate"]),
        created=_text(payload["created"]), publisher=_text(payload["publisher"]),
        project=_text(payload["project"]), report=_text(payload["report"]),
        kernel_digest=_text(payload["kernel_digest"]),
        verdict_json=json.dumps(verdict, sort_keys=True, ensure_ascii=False),
        admitted=verdict["admitted"] is True,
        gate_outcomes=gates, diff=_text(verdict["diff"]),
        base=tuple(sorted((str(k), _text(v)) for k, v in _dict(payload["base"]).items())),
        files=tuple(sorted((str(k), _text(v)) for k, v in _dict(payload["files"]).items())),
        speedup=float(speedup) if isinstance(speedup, (int, float)) else None,
        benchmarks=tuple(BenchmarkEvidence(
            benchmark=_text(b["benchmark"]), **{k: float(_number(b[k])) for k in (
                "speedup", "low", "high", "original_median", "variant_median")})
            for b in map(_dict, _list(evidence["benchmarks"]))),
        content_hash=digest,
    )


def _dict(value: object) -> Json:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)
