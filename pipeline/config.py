"""The target project's settings: the loader lives with the trusted part (`verifiers.config`),
which reads them itself; re-exported here for the orchestration code."""

from verifiers.config import CONFIG_FILES, CrucibleConfig, load_config, relative_project_path

__all__ = ["CONFIG_FILES", "CrucibleConfig", "load_config", "relative_project_path"]
