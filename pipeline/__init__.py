"""Crucible's orchestration: CLI, config, patches, workspaces, proposers, the loop, reports.

Kept import-light on purpose: `pipeline.runtime` is embedded in running agents.
"""

__version__ = "0.1.0"
