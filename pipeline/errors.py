"""The ways Crucible refuses to go on, each mapped to a documented exit code. Defined with the
trusted part (`verifiers.errors`), which raises them too; re-exported for the orchestration code."""

from verifiers.errors import BadInput, CrucibleError, IntegrityError, ToolMissing

__all__ = ["BadInput", "CrucibleError", "IntegrityError", "ToolMissing"]
