"""Whether a running agent may take a release, and the module sources it would then run.

Each check returns the reason for a refusal (one line, logged), or None. In order: the process can
vouch for its own kernel; the verdict admits; the kernel digest is the one the process started
with; nothing protected or kernel is touched; only managed modules change; the release was gated
against sources this process has run; and the shipped sources are exactly the gated diff applied
to them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pipeline.runtime.bundle import Release
from pipeline.runtime.diffcheck import DiffProblem, FileDiff, apply_file_diff, parse_file_diffs
from pipeline.runtime.kernelfacts import KernelFacts, module_for_path
from pipeline.runtime.versions import ModuleSource, Version

__all__ = ["compose_sources", "find_base", "release_problem"]


def release_problem(
    release: Release, facts: KernelFacts, kernel_modules: Iterable[str], managed: Mapping[str, ModuleSource]
) -> str | None:
    if facts.problem is not None:
        return f"this process cannot vouch for its kernel, so it takes no release: {facts.problem}"
    admission = release.admission_problem()
    if admission is not None:
        return f"not admitted: {admission}"
    if release.kernel_digest != facts.digest:
        return (f"kernel digest differs: the release was gated with {release.kernel_digest}, this process "
                f"started with {facts.digest or 'none'}")
    try:
        diffs = parse_file_diffs(release.diff)
    except DiffProblem as exc:
        return f"the verdict's diff cannot be applied by the runtime: {exc}"
    return _paths_problem(release, diffs, facts, set(kernel_modules), managed)


def _paths_problem(release: Release, diffs: Mapping[str, FileDiff], facts: KernelFacts, kernel: set[str],
                   managed: Mapping[str, ModuleSource]) -> str | None:
    shipped = dict(release.files)
    touched = sorted(set(diffs) | set(shipped))
    for path in touched:
        module = module_for_path(path)
        if facts.protects(path) or module in kernel or module in facts.protected_modules:
            return f"touches the kernel: {path} (kernel modules are never reloaded)"
    by_path = {source.path: source for source in managed.values()}
    for path in touched:
        diff = diffs.get(path)
        if path not in by_path:
            names = ", ".join(sorted(by_path)) or "none"
            return f"touches {path}, which this agent does not manage (reloadable: {names})"
        if diff is None or path not in shipped:
            return f"{path}: the bundle's sources and the verdict's diff name different files"
        if diff.added or diff.deleted:
            return f"{path}: a release may change managed modules, not add or delete them"
    return None


def find_base(release: Release, candidates: Sequence[Version]) -> Version | None:
    """The first version (live first) whose managed sources are the ones the release was gated on."""
    base = dict(release.base)
    for version in candidates:
        if all(base.get(source.path) == source.sha256 for source in version.sources.values()):
            return version
    return None


def compose_sources(release: Release, base: Version) -> dict[str, ModuleSource] | str:
    """The new version's sources: the base's, with the release's files; or why they disagree
    with the gated diff."""
    shipped = dict(release.files)
    diffs = parse_file_diffs(release.diff)
    sources: dict[str, ModuleSource] = {}
    for module, source in base.sources.items():
        new = shipped.get(source.path)
        if new is None:
            sources[module] = source
            continue
        try:
            expected = apply_file_diff(source.text, diffs[source.path])
        except DiffProblem as exc:
            return f"the gated diff does not apply to the base sources: {exc}"
        if expected != new:
            return f"{source.path}: the shipped source is not the gated diff applied to its base"
        sources[module] = ModuleSource(module, source.path, new)
    return sources
