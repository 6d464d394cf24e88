"""Hot reload for a running agent: admitted variants go live without a restart, atomically, watched
by a canary, with instant rollback and an append-only change log.

Standard library only (plus the light `pipeline.runtime.*` modules): an agent embeds this without
Crucible's gate dependencies (libcst, CrossHair, Semgrep, mypy, rich).

    runtime = Runtime.start(RuntimeConfig(root, modules=("agent.pricing",), entry_points=(...)))
    watch(runtime, Path("releases"))
    with runtime.pin():          # one request: every managed call on one version
        agent.pricing.quote(...)
"""

from pipeline.runtime.bundle import BenchmarkEvidence, Release, ReleaseInvalid, decode_release, encode_release
from pipeline.runtime.canary import CanaryPolicy, CanaryVerdict, Comparator
from pipeline.runtime.changelog import (
    CHANGELOG, ChangeEvent, candidate_history, changelog_path, read_changelog, verify_changelog,
)
from pipeline.runtime.runtime import Runtime, RuntimeConfig
from pipeline.runtime.status import CanaryInfo, Outcome, RuntimeStatus, VersionInfo
from pipeline.runtime.switchboard import Pin
from pipeline.runtime.watcher import (
    RollbackRequest, decode_rollback_request, encode_rollback_request, rollback_file_name, watch,
)

__all__ = [
    "CHANGELOG",
    "BenchmarkEvidence",
    "CanaryInfo",
    "CanaryPolicy",
    "CanaryVerdict",
    "ChangeEvent",
    "Comparator",
    "Outcome",
    "Pin",
    "Release",
    "ReleaseInvalid",
    "RollbackRequest",
    "Runtime",
    "RuntimeConfig",
    "RuntimeStatus",
    "VersionInfo",
    "candidate_history",
    "changelog_path",
    "decode_rollback_request",
    "decode_release",
    "encode_release",
    "encode_rollback_request",
    "read_changelog",
    "rollback_file_name",
    "verify_changelog",
    "watch",
]
