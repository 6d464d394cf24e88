"""The canary period after a release goes live: a share of entry-point calls also runs, in shadow,
on the previous version with the same arguments; results, errors and latency are compared.

Fail (the runtime then rolls back, with this evidence): a result or raised-exception type differs
more often than allowed; the error rate rises above the previous version's on the same calls; or
the live median latency exceeds the previous version's by more than the release's own benchmark
evidence allows (the lowest 95% bound of its measured speed-ups, times a tolerance for live noise).
Pass: enough calls over enough time without any of those.

A sampled call whose results differ is answered with the previous version's result when the
request has not yet used the new version for anything else: a caller never gets a disputed answer.
"""

from __future__ import annotations

import copy
import statistics
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from pipeline.runtime.bundle import Release
from pipeline.runtime.changelog import Scalar
from pipeline.runtime.switchboard import Served
from pipeline.runtime.versions import Version

__all__ = ["Canary", "CanaryPolicy", "CanaryVerdict", "Comparator", "allowed_latency_ratio"]

Comparator = Callable[[object, object], bool]
RunOn = Callable[[Version, str, str, tuple[object, ...], dict[str, object]], object]
_NOISE_FLOOR: Final = 1.05  # the benchmark gate's own noise floor
_MAX_PAIRS: Final = 10_000


@dataclass(frozen=True)
class CanaryPolicy:
    share: float = 0.25  # of entry calls also run on the previous version
    min_calls: int = 50  # live entry calls before the canary can pass
    min_seconds: float = 2.0  # and at least this long after the switch
    max_mismatches: int = 0  # shadow disagreements tolerated
    max_error_rise: float = 0.05  # live error rate above the previous version's on the same calls
    min_rate_calls: int = 20  # calls before the error rate is judged
    latency_tolerance: float = 0.5  # live noise allowed beyond the benchmark evidence
    latency_floor_seconds: float = 0.0005  # median differences below this are never a regression
    min_latency_pairs: int = 20

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"canary share must be within [0, 1], got {self.share}")


@dataclass(frozen=True)
class CanaryVerdict:
    passed: bool
    reason: str
    evidence: tuple[tuple[str, Scalar], ...]


def allowed_latency_ratio(policy: CanaryPolicy, release: Release | None) -> float:
    """How much slower (median over median) the release may be live: what its benchmarks could not
    rule out (1 / the lowest CI bound, at least the noise floor), times the live tolerance."""
    lows = [b.low for b in release.benchmarks if b.low > 0] if release is not None else []
    bound = max(_NOISE_FLOOR, 1.0 / min(lows)) if lows else _NOISE_FLOOR
    return bound * (1.0 + policy.latency_tolerance)


class Canary:
    def __init__(
        self,
        policy: CanaryPolicy,
        candidate: Version,
        previous: Version,
        *,
        comparators: Mapping[str, Comparator],
        run_on: RunOn,
        on_verdict: Callable[[Canary, CanaryVerdict], None],
    ) -> None:
        self.policy, self.candidate, self.previous = policy, candidate, previous
        self.allowed_ratio = allowed_latency_ratio(policy, candidate.release)
        self._comparators, self._run_on, self._on_verdict = comparators, run_on, on_verdict
        self._lock = threading.Lock()
        self.started = time.monotonic()  # a few microseconds before the switch
        self.calls = self.errors = self.shadow_calls = self.shadow_errors = self.mismatches = 0
        self._pairs: list[tuple[float, float]] = []
        self._pairs_judged = 0  # latency is re-judged only when a new pair has come in
        self._first_mismatch: tuple[tuple[str, Scalar], ...] = ()
        self.verdict: CanaryVerdict | None = None

    def __call__(self, version: Version, key: str, args: tuple[object, ...], kwargs: dict[str, object],
                 fresh: bool) -> Served:
        module, name = key.split(":", 1)
        if version is not self.candidate:  # pinned before the switch, or after a rollback
            value, error = _attempt(lambda: version.function(module, name)(*args, **kwargs))
            return Served(version, value, error)
        if self.verdict is not None and not self.verdict.passed and fresh:
            # Condemned, not yet switched back (another thread is at it): answer from the previous version.
            value, error = _attempt(lambda: self._run_on(self.previous, module, name, args, kwargs))
            return Served(self.previous, value, error)
        with self._lock:
            n = self.calls
            self.calls += 1
        share = self.policy.share
        sampled = self.verdict is None and int((n + 1) * share) > int(n * share)
        shadow_args = _copied((args, kwargs)) if sampled else (args, kwargs)
        started = time.perf_counter()
        value, error = _attempt(lambda: version.function(module, name)(*args, **kwargs))
        live_seconds = time.perf_counter() - started
        if not sampled:
            self._settle(self._record(error is not None))
            return Served(version, value, error)
        started = time.perf_counter()
        old_value, old_error = _attempt(lambda: self._run_on(self.previous, module, name, *shadow_args))
        old_seconds = time.perf_counter() - started
        same = self._same(key, value, error, old_value, old_error)
        difference = () if same else (
            ("entry", key), ("arguments", _show(shadow_args)), ("live", _show(error or value)),
            ("previous", _show(old_error or old_value)))
        self._settle(self._record(error is not None, (live_seconds, old_seconds), old_error is not None, difference))
        if not same and fresh:
            return Served(self.previous, old_value, old_error)
        return Served(version, value, error)

    def _same(self, key: str, value: object, error: Exception | None, old_value: object,
              old_error: Exception | None) -> bool:
        if error is not None or old_error is not None:
            return type(error) is type(old_error)
        try:
            return bool(self._comparators.get(key, _equal)(value, old_value))
        except Exception:
            return False

    def _record(self, failed: bool, pair: tuple[float, float] | None = None, shadow_failed: bool = False,
                difference: tuple[tuple[str, Scalar], ...] = ()) -> CanaryVerdict | None:
        with self._lock:
            self.errors += failed
            if pair is not None:
                self.shadow_calls += 1
                self.shadow_errors += shadow_failed
                if len(self._pairs) < _MAX_PAIRS:
                    self._pairs.append(pair)
            if difference:
                self.mismatches += 1
                self._first_mismatch = self._first_mismatch or difference
            return self._judge()

    def tick(self) -> None:
        """Let time alone end a canary whose call count is already reached (from the watcher)."""
        with self._lock:
            verdict = self._judge()
        self._settle(verdict)

    def fail(self, reason: str, evidence: tuple[tuple[str, Scalar], ...] = ()) -> None:
        """Fail from outside (the process's own health check)."""
        with self._lock:
            verdict = self._decide(CanaryVerdict(False, reason, self._counts() + evidence))
        self._settle(verdict)

    def _settle(self, verdict: CanaryVerdict | None) -> None:
        if verdict is not None:
            self._on_verdict(self, verdict)

    def _judge(self) -> CanaryVerdict | None:
        """Called under the lock; returns a verdict only the first time one is reached."""
        if self.verdict is not None:
            return None
        p = self.policy
        if self.mismatches > p.max_mismatches:
            return self._decide(CanaryVerdict(False, f"{self.mismatches} shadow mismatch(es) with version "
                                              f"{self.previous.number}", self._counts() + self._first_mismatch))
        rise = self.errors / max(self.calls, 1) - self.shadow_errors / max(self.shadow_calls, 1)
        if self.calls >= p.min_rate_calls and rise > p.max_error_rise:
            return self._decide(CanaryVerdict(False, f"error rate rose by {rise:.1%} over version "
                                              f"{self.previous.number}", self._counts()))
        if len(self._pairs) != self._pairs_judged:
            self._pairs_judged = len(self._pairs)
            latency = self._latency()
            if latency is not None:
                return self._decide(latency)
        # With shadow calls on, a pass needs latency to have been judged, not just calls counted.
        enough_pairs = p.share == 0 or len(self._pairs) >= p.min_latency_pairs
        if self.calls >= p.min_calls and enough_pairs and time.monotonic() - self.started >= p.min_seconds:
            return self._decide(CanaryVerdict(True, f"{self.calls} call(s) without mismatch, error rise or "
                                              "latency regression", self._counts() + self._latency_evidence()))
        return None

    def _latency(self) -> CanaryVerdict | None:
        p = self.policy
        if len(self._pairs) < p.min_latency_pairs:
            return None
        live = statistics.median(pair[0] for pair in self._pairs)
        old = statistics.median(pair[1] for pair in self._pairs)
        if live - old <= p.latency_floor_seconds or live <= old * self.allowed_ratio:
            return None
        return CanaryVerdict(False, f"latency regression: median ×{live / old:.2f} of version "
                             f"{self.previous.number} (the evidence allows ×{self.allowed_ratio:.2f})",
                             self._counts() + self._latency_evidence())

    def _latency_evidence(self) -> tuple[tuple[str, Scalar], ...]:
        if not self._pairs:
            return ()
        live = statistics.median(pair[0] for pair in self._pairs)
        old = statistics.median(pair[1] for pair in self._pairs)
        return (("live_median_seconds", live), ("previous_median_seconds", old),
                ("latency_ratio", live / old if old else 0.0), ("allowed_ratio", self.allowed_ratio),
                ("latency_pairs", len(self._pairs)))

    def _counts(self) -> tuple[tuple[str, Scalar], ...]:
        return (("calls", self.calls), ("errors", self.errors), ("shadow_calls", self.shadow_calls),
                ("shadow_errors", self.shadow_errors), ("mismatches", self.mismatches),
                ("seconds", round(time.monotonic() - self.started, 3)))

    def _decide(self, verdict: CanaryVerdict) -> CanaryVerdict | None:
        if self.verdict is not None:
            return None
        self.verdict = verdict
        return verdict


def _equal(new: object, old: object) -> bool:
    return new == old


def _attempt(call: Callable[[], object]) -> tuple[object, Exception | None]:
    try:
        return call(), None
    except Exception as exc:
        return None, exc


def _copied(value: tuple[tuple[object, ...], dict[str, object]]) -> tuple[tuple[object, ...], dict[str, object]]:
    """The shadow gets the arguments as the caller passed them, even if the live call mutates them."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _show(value: object) -> str:
    if isinstance(value, Exception):
        return f"{type(value).__name__}: {value}"
    text = repr(value)
    return text if len(text) <= 500 else text[:500] + "…"
