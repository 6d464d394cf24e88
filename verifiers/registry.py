"""The gates, in order, cheapest first. A literal tuple: no discovery, no plugins."""

from __future__ import annotations

from typing import Final

from verifiers.base import Gate
from verifiers.parse import ParseGate
from verifiers.policy import PolicyGate
from verifiers.scope import ScopeGate
from verifiers.testsuite import TestSuiteGate
from verifiers.typecheck import TypeGate

__all__ = ["GATES", "GATE_NAMES"]

GATES: Final[tuple[Gate, ...]] = (ParseGate(), ScopeGate(), PolicyGate(), TypeGate(), TestSuiteGate())
GATE_NAMES: Final = tuple(gate.NAME for gate in GATES)
