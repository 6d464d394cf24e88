"""The gates, in order, cheapest first. A literal tuple: no discovery, no plugins."""

from __future__ import annotations

from typing import Final

from verifiers.base import Gate
from verifiers.benchmarks import BenchmarkGate
from verifiers.contracts import ContractsGate
from verifiers.equivalence import EquivalenceGate
from verifiers.parse import ParseGate
from verifiers.policy import PolicyGate
from verifiers.scope import ScopeGate
from verifiers.testsuite import TestSuiteGate
from verifiers.typecheck import TypeGate

__all__ = ["GATES", "GATE_NAMES", "STRUCTURAL"]

GATES: Final[tuple[Gate, ...]] = (
    ParseGate(), ScopeGate(), PolicyGate(), TypeGate(), TestSuiteGate(),
    ContractsGate(), EquivalenceGate(), BenchmarkGate(),
)
STRUCTURAL: Final = GATES[:5]  # gates 1-5: no variant code judged beyond the test suite
GATE_NAMES: Final = tuple(gate.NAME for gate in GATES)
