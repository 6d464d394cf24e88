"""Crucible's trusted part: the gates, the kernel, the sandbox and the admission rule.

Readable on its own: nothing here imports `pipeline`. Its public names load on first use, so that
`verifiers.rule` (the admission rule, standard library only) can be imported by an agent's
runtime without the gates' heavy dependencies.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "Decision": "admit", "admit": "admit", "KernelDigest": "kernel", "KernelSpec": "kernel", "load_kernel": "kernel",
    "run_gates": "runner",
    **dict.fromkeys(("Budgets", "ChangeKind", "Evidence", "FileChange", "Gate", "GateContext", "GateResult", "Isolation",
                     "Outcome", "SkipReason", "Strength", "Variant"), "base"),
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'verifiers' has no attribute {name!r}")
    return getattr(importlib.import_module(f"verifiers.{_WHERE[name]}"), name)
