"""Crucible's trusted part: the gates, the kernel, the sandbox and the admission rule."""

from verifiers.admit import Decision, admit
from verifiers.base import (
    Budgets,
    ChangeKind,
    Evidence,
    FileChange,
    Gate,
    GateContext,
    GateResult,
    Isolation,
    Outcome,
    SkipReason,
    Strength,
    Variant,
)
from verifiers.kernel import KernelDigest, KernelSpec, load_kernel
from verifiers.runner import run_gates

__all__ = [
    "Budgets",
    "ChangeKind",
    "Decision",
    "Evidence",
    "FileChange",
    "Gate",
    "GateContext",
    "GateResult",
    "Isolation",
    "KernelDigest",
    "KernelSpec",
    "Outcome",
    "SkipReason",
    "Strength",
    "Variant",
    "admit",
    "load_kernel",
    "run_gates",
]
