"""The runtime an agent process embeds: it names its mutable modules at start-up, then takes
releases (from a watched directory or `submit`), switches to them atomically, watches each through
a canary period, and rolls back — automatically, on its health check, or on request. Every step
goes to the agent's change log."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from pipeline.runtime.bundle import Release, ReleaseInvalid, decode_release
from pipeline.runtime.canary import Canary, CanaryPolicy, CanaryVerdict, Comparator
from pipeline.runtime.changelog import ChangeEvent, ChangeLog, Scalar, changelog_path
from pipeline.runtime.intake import compose_sources, find_base, release_problem
from pipeline.runtime.kernelfacts import KernelFacts, read_kernel_facts
from pipeline.runtime.startup import managed_module, stale_references
from pipeline.runtime.status import CanaryInfo, Outcome, RuntimeStatus, VersionInfo
from pipeline.runtime.switchboard import Pin, Switchboard
from pipeline.runtime.versions import ModuleSource, Version, VersionLoadError

__all__ = ["Runtime", "RuntimeConfig"]

log = logging.getLogger("crucible.runtime")
HealthCheck = Callable[[], str | None]  # None when healthy, else what is wrong


@dataclass(frozen=True)
class RuntimeConfig:
    root: Path  # the agent's project root: crucible.lock, the kernel spec, the change log
    modules: tuple[str, ...]  # the mutable modules (plain modules, not packages)
    kernel_modules: tuple[str, ...] = ()  # never reloaded (kernel.toml's are added)
    entry_points: tuple[str, ...] = ()  # "module:function" calls the canary shadows (side-effect free)
    comparators: Mapping[str, Comparator] = field(default_factory=dict)  # per entry point; default ==
    canary: CanaryPolicy = field(default_factory=CanaryPolicy)
    health_check: HealthCheck | None = None
    health_window_seconds: float = 600.0  # after a switch, a failing health check rolls it back
    changelog: Path | None = None  # default <root>/.crucible/changelog.jsonl
    agent: str = ""  # the name in the log; default the root's name
    keep_versions: int = 10  # besides version 0, the live one and the canary's previous one


class Runtime:
    def __init__(self, config: RuntimeConfig, facts: KernelFacts, modules: Mapping[str, ModuleType],
                 sources: Mapping[str, ModuleSource]) -> None:
        self.config, self.facts = config, facts
        self.root = config.root.resolve()
        self.kernel_modules = frozenset(config.kernel_modules) | frozenset(facts.protected_modules)
        self._modules = dict(modules)
        self._base = Version.adopt(modules, sources)
        self._versions: dict[int, Version] = {0: self._base}
        self._replaced: dict[int, int] = {}  # version -> the version it replaced when released
        self._switched_at = time.monotonic()
        self._board = Switchboard(self._base)
        self._board.entries = frozenset(config.entry_points)
        self._lock = threading.RLock()  # serialises switches; calls never take it
        self._canary: Canary | None = None
        self._unhealthy = False
        self.changelog = ChangeLog(config.changelog or changelog_path(self.root), config.agent or self.root.name)
        self._stoppers: list[Callable[[], None]] = []

    @classmethod
    def start(cls, config: RuntimeConfig) -> Runtime:
        """Import and take over the mutable modules. Call it before anything else imports names
        from them: a function imported earlier is the start-up version for good (logged)."""
        root = config.root.resolve()
        facts = read_kernel_facts(root)
        kernel = set(config.kernel_modules) | set(facts.protected_modules)
        modules: dict[str, ModuleType] = {}
        sources: dict[str, ModuleSource] = {}
        for name in config.modules:
            modules[name], sources[name] = managed_module(name, root, kernel, facts)
        for entry in config.entry_points:
            owner, _, function = entry.partition(":")
            if owner not in modules or not callable(modules[owner].__dict__.get(function)):
                raise ValueError(f"entry point {entry!r} is not a function of a managed module")
        runtime = cls(config, facts, modules, sources)
        for module in modules.values():
            runtime._board.attach(module)
        stale = stale_references(modules)
        for where in stale:
            log.warning("%s holds a managed function imported before start-up; it will not follow releases", where)
        runtime._log(ChangeEvent(
            "start", "runtime", facts.problem or "", version=0, kernel_digest=facts.digest,
            evidence=tuple((s.path, s.sha256) for s in sources.values()) + (("stale_references", len(stale)),)))
        return runtime

    def pin(self) -> AbstractContextManager[Pin]:
        """`with runtime.pin() as pin:` — every managed call inside runs on one version."""
        return self._board.pin()

    @property
    def live(self) -> int:
        return self._board.live.number

    def submit(self, data: bytes, *, origin: str) -> Outcome:
        """Take a release bundle: refuse it (saying why) or switch to it and start its canary."""
        with self._lock:
            try:
                release = decode_release(data)
            except ReleaseInvalid as exc:
                return self._refuse(None, f"unreadable release from {origin}: {exc}")
            if self._canary is not None:
                return Outcome(False, f"version {self.live} is still in its canary period", retry=True)
            self._log(self._release_event("release-received", release, f"from {origin}"))
            managed = {m: s for m, s in self._board.live.sources.items()}
            problem = release_problem(release, self.facts, self.kernel_modules, managed)
            if problem is not None:
                return self._refuse(release, problem)
            return self._stage(release)

    def _stage(self, release: Release) -> Outcome:
        live = self._board.live
        base = find_base(release, [live, *sorted(self._versions.values(), key=lambda v: -v.number)])
        if base is None:
            return self._refuse(release, "released against module sources this process has never run")
        sources = compose_sources(release, base)
        if isinstance(sources, str):
            return self._refuse(release, sources)
        same = [v.number for v in self._versions.values() if v.sources == sources]
        if same:
            return self._refuse(release, f"version {same[0]} has exactly these sources (to go back to it: rollback)")
        version = Version(max(self._versions) + 1, sources, release)
        try:
            version.build(self._board.staging)
        except VersionLoadError as exc:
            return self._refuse(release, str(exc))
        problems = version.migrate_from(live)
        if problems:
            version.discard()
            return self._refuse(release, "state migration failed: " + "; ".join(problems))
        if self.config.entry_points:  # watching before the switch: no call on the new version goes unseen
            self._canary = Canary(self.config.canary, version, live, comparators=self.config.comparators,
                                  run_on=self._board.run_on, on_verdict=self._on_canary)
            self._board.hook = self._canary
        seconds = self._switch(version)
        self._versions[version.number], self._replaced[version.number] = version, live.number
        changed = ",".join(sorted(path for path, _ in release.files))
        self._log(self._release_event("switch", release, f"switched from version {live.number}", version=version.number,
                                      previous=live.number, evidence=(("switch_seconds", seconds), ("changed", changed))))
        problem = self._health_problem()
        if problem is not None:
            self.rollback(live.number, reason=f"health check failed right after the switch: {problem}",
                          who="runtime:health")
            return Outcome(False, f"rolled back: health check failed: {problem}", version.number, release.release_id)
        self._prune()
        return Outcome(True, f"live as version {version.number}", version.number, release.release_id)

    def rollback(self, to: int | None = None, *, reason: str, who: str) -> Outcome:
        """Switch to an earlier version (default: the one the live version replaced)."""
        with self._lock:
            live = self._board.live
            number = self._replaced.get(live.number) if to is None else to
            target = self._versions.get(number) if number is not None else None
            if target is None or target is live:
                why = (f"version {live.number} replaced no version: nothing to roll back to" if number is None
                       else f"no version {number} to roll back to" if target is None
                       else f"version {number} is already live")
                self._log(ChangeEvent("rollback-refused", who, f"{why} ({reason})", version=live.number))
                return Outcome(False, why, live.number)
            self._log(self._switch_back(target, reason, who))
            return Outcome(True, f"rolled back from version {live.number} to {target.number}", target.number)

    def _switch_back(self, target: Version, reason: str, who: str) -> ChangeEvent:
        """The rollback itself (under the lock): cancel any canary, migrate, switch; the event to log."""
        live = self._board.live
        canary, self._canary, self._board.hook = self._canary, None, None
        problems = target.migrate_from(live)  # a rollback goes ahead even when a hook fails
        seconds = self._switch(target)
        evidence: tuple[tuple[str, Scalar], ...] = (("switch_seconds", seconds), *(
            (f"migration_problem_{i}", p) for i, p in enumerate(problems)))
        if canary is not None:
            evidence += (("canary_cancelled", canary.verdict is None),)
        release = live.release
        return ChangeEvent("rollback", who, reason, version=target.number, previous=live.number,
                           release=release.release_id if release else None,
                           candidate=release.candidate if release else None, evidence=evidence)

    def _switch(self, version: Version) -> float:
        started = time.perf_counter()
        self._board.live = version  # the switch: one reference; calls already pinned finish where they are
        self._switched_at = time.monotonic()
        return time.perf_counter() - started

    def _on_canary(self, canary: Canary, verdict: CanaryVerdict) -> None:
        with self._lock:
            if self._canary is not canary:
                return  # already rolled back or superseded
            event = "canary-passed" if verdict.passed else "canary-failed"
            verdict_event = self._release_event(event, canary.candidate.release, verdict.reason, who="runtime:canary",
                                                version=canary.candidate.number, previous=canary.previous.number,
                                                evidence=verdict.evidence)
            if verdict.passed:
                self._canary, self._board.hook = None, None
                self._log(verdict_event)
                return
            # Switch first, write the log after: every fsync before the switch is time on a condemned version.
            rollback = self._switch_back(canary.previous, f"canary failed: {verdict.reason}", "runtime:canary")
            self._log(verdict_event)
            self._log(rollback)

    def tick(self, *, health: bool = True) -> None:
        """Periodic work (the watcher calls it): end a canary by time; run the health check."""
        canary = self._canary
        if canary is not None:
            canary.tick()
        if health:
            self.check_health()

    def check_health(self) -> str | None:
        problem = self._health_problem()
        if problem is None:
            self._unhealthy = False
            return None
        canary = self._canary
        if canary is not None:
            canary.fail(f"health check failed: {problem}")
        elif self._unhealthy:
            return problem  # already reported; nothing new to do
        elif self.live != 0 and time.monotonic() - self._switched_at <= self.config.health_window_seconds:
            self._log(ChangeEvent("health-failed", "runtime:health", problem, version=self.live))
            self.rollback(reason=f"health check failed: {problem}", who="runtime:health")
        else:
            self._log(ChangeEvent("health-failed", "runtime:health", f"{problem} (no rollback: not just switched)",
                                  version=self.live))
        self._unhealthy = True
        return problem

    def _health_problem(self) -> str | None:
        check = self.config.health_check
        if check is None:
            return None
        try:
            return self._board.unobserved(check)
        except Exception as exc:
            return f"health check raised {type(exc).__name__}: {exc}"

    def status(self) -> RuntimeStatus:
        with self._lock:
            canary = self._canary
            return RuntimeStatus(
                agent=self.changelog.agent, live=self.live, kernel_digest=self.facts.digest, refusing=self.facts.problem,
                versions=tuple(_info(v, self._replaced.get(n)) for n, v in sorted(self._versions.items())),
                canary=None if canary is None else CanaryInfo(
                    canary.candidate.number, canary.previous.number, canary.calls, canary.shadow_calls,
                    canary.mismatches, canary.errors, round(time.monotonic() - canary.started, 3)),
                changelog=str(self.changelog.path),
            )

    def on_close(self, stopper: Callable[[], None]) -> None:
        self._stoppers.append(stopper)

    def close(self, *, restore: bool = False) -> None:
        """Stop the watcher; with `restore`, hand the modules back as plain modules (version 0)."""
        for stop in self._stoppers:
            stop()
        if restore:
            for module in self._modules.values():
                self._board.detach(module)
            for version in self._versions.values():
                version.discard()

    def _prune(self) -> None:
        keep = {0, self.live, *(c.previous.number for c in [self._canary] if c is not None)}
        newest = sorted(self._versions)
        keep |= set(newest[max(0, len(newest) - self.config.keep_versions):])  # [-0:] would keep them all
        for number in [n for n in self._versions if n not in keep]:
            self._versions.pop(number).discard()

    def _refuse(self, release: Release | None, reason: str) -> Outcome:
        log.warning("release refused: %s", reason)
        self._log(self._release_event("release-refused", release, reason, version=self.live))
        return Outcome(False, reason, None, release.release_id if release else None)

    def _release_event(self, event: str, release: Release | None, reason: str, *, version: int | None = None,
                       previous: int | None = None, evidence: tuple[tuple[str, Scalar], ...] = (),
                       who: str | None = None) -> ChangeEvent:
        if release is None:
            return ChangeEvent(event, who or "unknown", reason, version=version, previous=previous, evidence=evidence)
        bench = tuple((f"bench:{b.benchmark}", f"×{b.speedup:.2f} [{b.low:.2f}, {b.high:.2f}]")
                      for b in release.benchmarks)
        return ChangeEvent(event, who or release.publisher, reason, version=version, previous=previous,
                           release=release.release_id, candidate=release.candidate,
                           kernel_digest=release.kernel_digest, report=release.report,
                           evidence=(("speedup", release.speedup), *bench, *evidence))

    def record(self, event: ChangeEvent) -> None:
        """Add an event to the change log (an agent may log its own, e.g. an admin request refused)."""
        self._log(event)

    def _log(self, event: ChangeEvent) -> None:
        try:
            self.changelog.append(event)
        except OSError as exc:  # the log must not take the agent down; say so loudly
            log.error("cannot write the change log %s: %s (event %s)", self.changelog.path, exc, event)


def _info(version: Version, replaced: int | None) -> VersionInfo:
    release = version.release
    return VersionInfo(
        number=version.number, release=release.release_id if release else None,
        candidate=release.candidate if release else None, replaced=replaced,
        modules=tuple((s.path, s.sha256) for s in version.sources.values()),
    )

