"""Hot reload for a running agent: admitted variants go live without a restart, atomically, watched
by a canary, with instant rollback and an append-only change log.

Standard library only (plus the light `pipeline.runtime.*` modules): an agent embeds this without
Crucible's gate dependencies (libcst, CrossHair, Semgrep, mypy, rich).

    runtime = Runtime.start(RuntimeConfig(root, modules=("agent.pricing",), entry_points=("agent.pricing:quote",)))
    watch(runtime, Path("releases"))   # bundles from `crucible release --to releases/`
    with runtime.pin():                # one request: every managed call on one version
        agent.pricing.quote(...)

What the agent promises in return:
- Start the runtime before anything imports *names* from the managed modules (`from m import f`
  done earlier keeps the start-up version; the runtime logs each one it finds). Module
  references (`from agent import pricing`) are always fine.
- Managed modules are plain modules (not packages) whose import has no side effects beyond
  defining names. Every version re-executes all of them.
- Types and exceptions that cross the boundary of a managed module live in a module that is
  never reloaded (the kernel, say): each version of a managed module has its own classes.
- Module state survives a switch only when asked: `__crucible_state__ = ("_cache",)` shares
  those objects with the new version; `def __crucible_migrate__(previous: Mapping[str, object])`
  runs in the new version with a read-only view of the old namespace, before the switch (a hook
  that raises refuses the release; on a rollback it is logged and the rollback goes ahead).
- Entry points (the calls the canary runs twice) are side-effect free; `comparators` says when
  two answers agree (default `==`). A release that changes answers is rolled back unless the
  comparator accepts the change: an intended behaviour change needs a comparator that says so.
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
