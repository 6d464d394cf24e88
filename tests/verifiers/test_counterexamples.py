"""Counterexample tests are real pytest files: written into a small project, run with pytest from
its root in a fresh interpreter, each must pass on the original code and fail on the variant."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import pytest

from verifiers.counterexamples import contract_test, equivalence_test, split_call

ORIGINAL = textwrap.dedent('''
    """Prices."""


    class PriceError(Exception):
        pass


    class TimeoutError(Exception):
        """Shadows the builtin of the same name."""


    class Cart:
        def __init__(self, count: int = 0) -> None:
            self.count = count

        def add(self, n: int) -> None:
            self.count = max(0, self.count + n)

        def added(self, n: int) -> int:
            self.add(n)
            return self.count

        def __repr__(self) -> str:
            return f"Cart({self.count})"


    def total(price: int, quantity: int) -> int:
        return price * quantity


    def unit(price: int, quantity: int) -> int:
        if quantity == 0:
            raise ValueError("no quantity")
        return price // quantity


    def lookup(table: dict[str, int], key: str) -> int:
        if key not in table:
            raise PriceError(key)
        return table[key]


    def wait(seconds: int) -> int:
        if seconds > 60:
            raise TimeoutError(seconds)
        return seconds


    def label(name: str) -> str:
        return name.strip().title()


    def discount(price: int, percent: int) -> int:
        return max(0, price - price * percent // 100)


    def grow(items: list[int], n: int) -> int:
        items.append(n)
        return len(items)
    ''')

VARIANT = (
    ORIGINAL
    .replace("self.count = max(0, self.count + n)", "self.count = self.count + n")
    .replace("return price * quantity", "return price * quantity + (1 if quantity > 9 else 0)")
    .replace("    if quantity == 0:\n        raise ValueError(\"no quantity\")\n", "")
    .replace("        raise PriceError(key)", "        return 0")
    .replace("raise TimeoutError(seconds)", "raise ValueError(seconds)")
    .replace("name.strip().title()", "name.title()")
    .replace("max(0, price - price * percent // 100)", "price - price * percent // 100")
    .replace("items.append(n)", "items.extend([n, n])")
)

MODULE = "shop.pricing"


@dataclass(frozen=True)
class Case:
    name: str
    test: str  # the generated pytest file
    failure: str  # what the variant's failure message says


CASES = [
    Case("return value", equivalence_test(MODULE, "total", "3, 10", "30", None), "assert"),
    Case("string return, parens and quotes", equivalence_test(MODULE, "label", "\"  (a) 'b' \"", repr("(A) 'B'"), None), "assert"),
    Case("method with an instance argument", equivalence_test(MODULE, "Cart.added", "Cart(5), -10", "0", None), "assert"),
    Case("builtin exception, another raised", equivalence_test(MODULE, "unit", "5, 0", "", "ValueError('no quantity')"), "ZeroDivisionError"),
    Case("module exception, none raised", equivalence_test(MODULE, "lookup", "{'a': 1}, 'b'", "", "PriceError('b')"), "DID NOT RAISE"),
    Case("module exception shadowing a builtin", equivalence_test(MODULE, "wait", "61", "", "TimeoutError(61)"), "ValueError"),
    Case("postcondition", contract_test(MODULE, "discount", "100, 150", "post: 0 <= __return__ <= price"), "assert"),
    Case("postcondition on a mutated argument", contract_test(MODULE, "grow", "[1], 2", "post: __return__ == len(items) <= 2"), "assert"),
    Case("class invariant", contract_test(MODULE, "Cart.add", "Cart(5), -10", "inv: self.count >= 0"), "assert"),
]


def write_project(root: Path, code: str) -> Path:
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "pricing.py").write_text(code)
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "crucible").mkdir()
    for number, case in enumerate(CASES):
        (root / "crucible" / f"test_case_{number}.py").write_text(case.test)
    return root


def run_pytest(root: Path) -> dict[str, str | None]:
    """file stem -> None when its test passed, else the failure message."""
    report = root / "junit.xml"
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", "crucible"],
                   cwd=root, capture_output=True, text=True, timeout=120, env=env)
    outcomes: dict[str, str | None] = {}
    for testcase in ElementTree.parse(report).iter("testcase"):
        stem = testcase.get("classname", "").rpartition(".")[2]
        problem = next((c for c in testcase if c.tag in ("failure", "error", "skipped")), None)
        assert stem not in outcomes, "one test per file"
        outcomes[stem] = None if problem is None else f"{problem.tag}: {problem.get('message', '')}\n{problem.text or ''}"
    return outcomes


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Both projects with every generated test, each run once with real pytest."""
    root = tmp_path_factory.mktemp("counterexamples")
    return run_pytest(write_project(root / "original", ORIGINAL)), run_pytest(write_project(root / "variant", VARIANT))


@pytest.mark.parametrize(("number", "case"), list(enumerate(CASES)), ids=[c.name for c in CASES])
def test_passes_on_original_fails_on_variant(
    outcomes: tuple[dict[str, str | None], dict[str, str | None]], number: int, case: Case,
) -> None:
    original, variant = outcomes
    stem = f"test_case_{number}"
    assert stem in original and stem in variant, "the test was collected"
    assert original[stem] is None, original[stem]
    failure = variant[stem]
    assert failure is not None and failure.startswith("failure:"), failure
    assert case.failure in failure


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_generated_file_is_a_self_contained_module(case: Case) -> None:
    compile(case.test, "test_counterexample.py", "exec")
    assert f"import {MODULE} as _module" in case.test
    assert "Passes on the original, fails on the variant." in case.test


def test_old_values_are_not_evaluated() -> None:
    """`__old__` is not rebuilt: such a condition is only called, not asserted (a known gap)."""
    test = contract_test(MODULE, "grow", "[1], 2", "post: __return__ == len(__old__.items) + 1")
    assert "__old__" not in test.split('"""', 2)[2]
    assert "function(*args)" in test


@pytest.mark.parametrize(("qualname", "name"), [("total", "test_total_counterexample"), ("Cart.add", "test_cart_add_counterexample"),
                                                 ("__init__", "test_init_counterexample")])
def test_test_names(qualname: str, name: str) -> None:
    assert f"def {name}() -> None:" in equivalence_test(MODULE, qualname, "1", "1", None)


SPLITS = [
    ("simple", "f(1, 2)", "f", "1, 2"),
    ("no arguments", "f()", "f", ""),
    ("prefix and suffix", " f(1) (which returns 2)", "f", "1"),
    ("nested calls and brackets", "f(g(1), (2, [3, {4: 5}]))", "f", "g(1), (2, [3, {4: 5}])"),
    ("closing paren in a string", "f('a)', 2)", "f", "'a)', 2"),
    ("opening paren in a string", 'f("(b", 2) and more)', "f", '"(b", 2'),
    ("other quote inside a string", "f(\"it's (\", ')\"')", "f", "\"it's (\", ')\"'"),
    ("escaped quote", r"f('it\'s )', 1)", "f", r"'it\'s )', 1"),
    ("escaped backslash before a quote", r"f('a\\', ')')", "f", r"'a\\', ')'"),
    ("method leaf", "push(Stack(items=[1, 2]), 3)", "push", "Stack(items=[1, 2]), 3"),
    ("first call wins", "f(1) f(2)", "f", "1"),
    ("longer name is not the leaf", "gf(1) f(2)", "f", "2"),
    ("attribute call is the leaf", "obj.f(1)", "f", "1"),
    ("missing leaf", "g(1)", "f", None),
    ("unbalanced", "f(1, (2", "f", None),
    ("unterminated string", "f('abc)", "f", None),
]


@pytest.mark.parametrize(("text", "leaf", "expected"), [r[1:] for r in SPLITS], ids=[r[0] for r in SPLITS])
def test_split_call(text: str, leaf: str, expected: str | None) -> None:
    assert split_call(text, leaf) == expected
