"""The two ways Crucible refuses to go on, each mapped to a documented exit code."""

from __future__ import annotations

__all__ = ["BadInput", "CrucibleError", "IntegrityError", "ToolMissing"]


class CrucibleError(Exception):
    """An expected failure that ends a command with one clear line."""

    exit_code = 3


class BadInput(CrucibleError):
    """The user gave us something we cannot use: a patch, a config, a spec (exit 2)."""

    exit_code = 2


class IntegrityError(CrucibleError):
    """The tree does not match its kernel lock, or Crucible cannot trust its own state (exit 3)."""

    exit_code = 3


class ToolMissing(CrucibleError):
    """A tool a gate needs is not installed (exit 3: the machine, not the patch, is at fault)."""

    exit_code = 3
