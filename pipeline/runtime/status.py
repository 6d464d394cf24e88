"""What the runtime reports: the outcome of a release or rollback, and its state (for an admin
endpoint, `dataclasses.asdict` gives JSON)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CanaryInfo", "Outcome", "RuntimeStatus", "VersionInfo"]


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    reason: str
    version: int | None = None  # live after the call (or the version concerned)
    release: str | None = None
    retry: bool = False  # refused for now only (a canary is running): offer it again later


@dataclass(frozen=True)
class VersionInfo:
    number: int
    release: str | None
    candidate: str | None
    replaced: int | None  # the version that was live when this one was released
    modules: tuple[tuple[str, str], ...]  # (path, sha256 of the source)


@dataclass(frozen=True)
class CanaryInfo:
    version: int
    previous: int
    calls: int
    shadow_calls: int
    mismatches: int
    errors: int
    seconds: float


@dataclass(frozen=True)
class RuntimeStatus:
    agent: str
    live: int
    kernel_digest: str
    refusing: str | None  # why every release is refused (the tree does not match its lock), or None
    versions: tuple[VersionInfo, ...]
    canary: CanaryInfo | None
    changelog: str
