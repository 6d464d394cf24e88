"""Z3 proofs on real Z3: each row is an (original, variant) pair of function sources and what the
prover must say. Every disproof's counterexample is replayed on both sources, and every proof is
checked on random inputs: a "proved" that Python disagrees with would admit a wrong variant."""

from __future__ import annotations

import ast
import random
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pytest

from verifiers import z3proof
from verifiers.z3proof import ProofResult, prove_equivalent

Expected = Literal["proved", "disproved", "unsupported"]
Constants = Mapping[str, int | bool]
Behaviour = tuple[str, str]  # ("returns", repr) or ("raises", exception type name)


@dataclass(frozen=True)
class Row:
    name: str
    original: str
    variant: str
    expected: Expected
    original_constants: Constants = field(default_factory=dict)
    variant_constants: Constants = field(default_factory=dict)


def fn(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


def one(expression: str, params: str = "x: int", returns: str = "int") -> str:
    """`def f(params) -> returns: return expression`."""
    return f"def f({params}) -> {returns}:\n    return {expression}\n"


XY = "x: int, y: int"
ABC = "a: int, b: int, c: int"

PROVED_ROWS = [
    # algebra
    Row("double as sum", one("x * 2"), one("x + x"), "proved"),
    Row("distributivity", one("(a + b) * c", ABC), one("a * c + b * c", ABC), "proved"),
    Row("square as power", one("x * x"), one("x ** 2"), "proved"),
    Row("power zero", one("x ** 0"), one("1"), "proved"),
    Row("negation twice", one("-(-x)"), one("+x"), "proved"),
    Row("augmented assignment", fn("""
        def f(x: int) -> int:
            y = x
            y += 1
            y *= 3
            return y
        """), one("3 * x + 3"), "proved"),
    Row("annotated local", fn("""
        def f(x: int) -> int:
            y: int = x - 1
            return y * y
        """), one("x * x - 2 * x + 1"), "proved"),
    Row("docstring and pass ignored", fn('''
        def f(x: int) -> int:
            """Twice x."""
            pass
            return 2 * x
        '''), one("x * 2"), "proved"),
    # Python's floor division and modulo (round toward negative infinity)
    Row("ceiling division", one("-(-x // 2)"), one("(x + 1) // 2"), "proved"),
    Row("modulo by definition", one("x % y", XY), one("x - y * (x // y)", XY), "proved"),
    Row("modulo normalised", one("x % y", XY), one("(x % y + y) % y", XY), "proved"),
    Row("negative divisor", one("x // -3"), one("(-x) // 3"), "proved"),
    Row("modulo by negative constant", one("x % -4"), one("-((-x) % 4)"), "proved"),
    Row("scaled floor division, both raise on zero", one("x // y", XY), one("(x * 2) // (y * 2)", XY), "proved"),
    Row("shifted floor division, both raise on zero", one("x // y", XY), one("(x + y) // y - 1", XY), "proved"),
    Row("guard then divide vs divide", fn("""
        def f(x: int, y: int) -> int:
            if y == 0:
                return x // y
            return x // y
        """), one("x // y", XY), "proved"),
    # control flow
    Row("if/else assignment vs ternary", fn("""
        def f(x: int) -> int:
            if x > 0:
                y = 1
            else:
                y = 2
            return y
        """), one("1 if x > 0 else 2"), "proved"),
    Row("early return vs else branch", fn("""
        def f(x: int) -> int:
            if x < 0:
                return -x
            return x
        """), fn("""
        def f(x: int) -> int:
            if x >= 0:
                return x
            else:
                return -x
        """), "proved"),
    Row("nested if vs elif chain", fn("""
        def f(x: int) -> int:
            if x < 0:
                return -1
            else:
                if x == 0:
                    return 0
                else:
                    return 1
        """), fn("""
        def f(x: int) -> int:
            if x < 0:
                return -1
            elif x == 0:
                return 0
            return 1
        """), "proved"),
    Row("code after return is dead", fn("""
        def f(x: int) -> int:
            return x
            return x // 0
        """), one("x"), "proved"),
    Row("truthiness of an int", fn("""
        def f(x: int) -> int:
            if x:
                return 1
            return 0
        """), one("1 if x != 0 else 0"), "proved"),
    Row("both fall off the end on the same inputs", fn("""
        def f(x: int) -> int:
            if x > 0:
                return x
        """), fn("""
        def f(x: int) -> int:
            if 0 < x:
                return x
            pass
        """), "proved"),
    # builtins
    Row("abs", one("abs(x)"), one("x if x >= 0 else -x"), "proved"),
    Row("max vs ternary", one("max(x, y)", XY), one("x if x >= y else y", XY), "proved"),
    Row("min of three vs nested", one("min(a, b, c)", ABC), one("min(min(a, b), c)", ABC), "proved"),
    Row("clamp both ways", one("max(0, min(x, 10))"), one("min(10, max(x, 0))"), "proved"),
    Row("max over bools is or", one("max(a, b)", "a: bool, b: bool", "bool"), one("a or b", "a: bool, b: bool", "bool"), "proved"),
    # booleans and comparisons
    Row("De Morgan", one("not (a and b)", "a: bool, b: bool", "bool"), one("not a or not b", "a: bool, b: bool", "bool"), "proved"),
    Row("negated comparison", one("x > 0", returns="bool"), one("not x <= 0", returns="bool"), "proved"),
    Row("comparison chain vs and", one("0 <= x < 10", returns="bool"), one("x >= 0 and x < 10", returns="bool"), "proved"),
    Row("lazy chain vs lazy and", one("1 < x < 10 // y", XY, "bool"), one("1 < x and x < 10 // y", XY, "bool"), "proved"),
    Row("short circuit guards division", one("y != 0 and x // y > 1", XY, "bool"), one("not (y == 0 or x // y <= 1)", XY, "bool"), "proved"),
    Row("bool arithmetic is int", one("a + 0", "a: bool"), one("1 if a else 0", "a: bool"), "proved"),
    # module constants
    Row("constant inlined", one("x + LIMIT"), one("x + 3"), "proved", original_constants={"LIMIT": 3}),
    Row("bool constant", fn("""
        def f(x: int) -> int:
            if STRICT:
                return x
            return 0
        """), one("x"), "proved", original_constants={"STRICT": True}),
    Row("constant renamed", one("x * OLD"), one("x * NEW"), "proved", {"OLD": 7}, {"NEW": 7}),
]

DISPROVED_ROWS = [
    Row("wrong algebra", one("x * 2"), one("x + 2"), "disproved"),
    Row("wrong distributivity", one("(a + b) * c", ABC), one("a * c + b", ABC), "disproved"),
    Row("cube is not square", one("x ** 3"), one("x * x"), "disproved"),
    Row("C-style remainder", one("x % 3"), one("x % 3 if x >= 0 else -((-x) % 3)"), "disproved"),
    Row("truncating division", one("x // 2"), one("x // 2 if x >= 0 else -((-x) // 2)"), "disproved"),
    Row("floor of negated", one("-x // 2"), one("-(x // 2)"), "disproved"),
    Row("negative divisor sign", one("x // -2"), one("-(x // 2)"), "disproved"),
    Row("ceiling vs floor by variable", one("x // y", XY), one("-(x // -y)", XY), "disproved"),
    Row("division by zero returns 0 instead", one("x // y", XY), one("0 if y == 0 else x // y", XY), "disproved"),
    Row("modulo by zero returns x instead", one("x % y", XY), fn("""
        def f(x: int, y: int) -> int:
            if y == 0:
                return x
            return x % y
        """), "disproved"),
    Row("raises on a new input", one("x + 1"), one("x + 1 + 0 // (x - 5)"), "disproved"),
    Row("guard order breaks short circuit", one("y != 0 and x // y > 1", XY, "bool"), one("x // y > 1 and y != 0", XY, "bool"), "disproved"),
    Row("eager chain operand", one("1 < x < 10 // y", XY, "bool"), fn("""
        def f(x: int, y: int) -> bool:
            if y == 0:
                return 1 // y > 0
            return 1 < x < 10 // y
        """), "disproved"),
    Row("off by one comparison", one("x < 10", returns="bool"), one("x <= 10", returns="bool"), "disproved"),
    Row("wrong chain", one("0 <= x < 10", returns="bool"), one("0 < x < 10", returns="bool"), "disproved"),
    Row("early return changed", fn("""
        def f(x: int) -> int:
            if x < 0:
                return 0
            return x
        """), fn("""
        def f(x: int) -> int:
            if x < -1:
                return 0
            return x
        """), "disproved"),
    Row("falls off the end instead of returning", fn("""
        def f(x: int) -> int:
            if x > 0:
                return x
            return 0
        """), fn("""
        def f(x: int) -> int:
            if x > 0:
                return x
        """), "disproved"),
    Row("ternary branches swapped", one("x if x > y else y", XY), one("y if x > y else x", XY), "disproved"),
    Row("max vs min", one("max(x, y)", XY), one("min(x, y)", XY), "disproved"),
    Row("abs vs identity", one("abs(x)"), one("x"), "disproved"),
    Row("bool result differs", one("a and b", "a: bool, b: bool", "bool"), one("a or b", "a: bool, b: bool", "bool"), "disproved"),
    Row("constant changed", one("x + LIMIT"), one("x + LIMIT"), "disproved", {"LIMIT": 3}, {"LIMIT": 4}),
    Row("bool constant flipped", one("x if STRICT else 0"), one("x if STRICT else 0"), "disproved", {"STRICT": True}, {"STRICT": False}),
]

UNSUPPORTED_ROWS = [
    Row("bit shift", one("x // 2"), one("x >> 1"), "unsupported"),
    Row("bitwise and", one("x % 2"), one("x & 1"), "unsupported"),
    Row("invert", one("-x - 1"), one("~x"), "unsupported"),
    Row("bool vs int return", one("x > 0", returns="bool"), one("1 if x > 0 else 0"), "unsupported"),
    Row("bool expression in an int function", one("x > 0"), one("1 if x > 0 else 0"), "unsupported"),
    Row("bool and int branches", fn("""
        def f(x: int) -> int:
            if x > 0:
                return True
            return 0
        """), one("1 if x > 0 else 0"), "unsupported"),
    Row("max over bools is a bool, not 1", one("max(a, b)", "a: bool, b: bool"), one("1 if a or b else 0", "a: bool, b: bool"), "unsupported"),
    Row("max over an int and a bool keeps the first", one("max(x, b)", "x: int, b: bool"), one("max(b, x)", "x: int, b: bool"), "unsupported"),
    Row("and over ints returns an operand", one("x and y", XY), one("y if x else x", XY), "unsupported"),
    Row("for loop", fn("""
        def f(x: int) -> int:
            total = 0
            for i in range(3):
                total += x
            return total
        """), one("3 * x"), "unsupported"),
    Row("while loop", fn("""
        def f(x: int) -> int:
            while x > 10:
                x -= 10
            return x
        """), one("x"), "unsupported"),
    Row("call to another function", one("helper(x)"), one("x"), "unsupported"),
    Row("call to int()", one("int(x)"), one("x"), "unsupported"),
    Row("builtin rebound by a parameter", one("max(x, 1)", "x: int, max: int"), one("x if x >= 1 else 1", "x: int, max: int"), "unsupported"),
    Row("float constant", one("x * 2.0"), one("x + x"), "unsupported"),
    Row("float parameter", one("x * 2", "x: float"), one("x + x", "x: float"), "unsupported"),
    Row("true division", one("x / 2"), one("x * 0.5"), "unsupported"),
    Row("string constant", one("len('ab') + x"), one("x + 2"), "unsupported"),
    Row("string parameter", one("x + x", "x: str", "str"), one("x * 2", "x: str", "str"), "unsupported"),
    Row("global not given as constant", one("x + LIMIT"), one("x + 3"), "unsupported"),
    Row("global given to one side only", one("x + LIMIT"), one("x + LIMIT"), "unsupported", original_constants={"LIMIT": 3}),
    Row("star args", "def f(*args: int) -> int:\n    return 0\n", "def f(*args: int) -> int:\n    return 0\n", "unsupported"),
    Row("keyword-only parameter", one("x", "*, x: int"), one("x", "*, x: int"), "unsupported"),
    Row("kwargs", "def f(x: int, **kw: int) -> int:\n    return x\n", "def f(x: int, **kw: int) -> int:\n    return x\n", "unsupported"),
    Row("missing annotation", "def f(x):\n    return x * 2\n", "def f(x):\n    return x + x\n", "unsupported"),
    Row("missing return annotation", "def f(x: int):\n    return x * 2\n", "def f(x: int):\n    return x + x\n", "unsupported"),
    Row("decorated", "@cache\ndef f(x: int) -> int:\n    return x\n", "@cache\ndef f(x: int) -> int:\n    return x\n", "unsupported"),
    Row("parameters renamed", one("x"), one("y", "y: int"), "unsupported"),
    Row("parameter added", one("x"), one("x", XY), "unsupported"),
    Row("parameter type changed", one("x"), one("1 if x else 0", "x: bool"), "unsupported"),
    Row("bare return", fn("""
        def f(x: int) -> int:
            if x:
                return
            return x
        """), one("x"), "unsupported"),
    Row("no return at all", "def f(x: int) -> int:\n    pass\n", "def f(x: int) -> int:\n    pass\n", "unsupported"),
    Row("raise statement", fn("""
        def f(x: int) -> int:
            if x == 0:
                raise ValueError
            return x
        """), one("x"), "unsupported"),
    Row("try statement", fn("""
        def f(x: int) -> int:
            try:
                return 1 // x
            except ZeroDivisionError:
                return 0
        """), one("0 if x == 0 else 1 // x"), "unsupported"),
    Row("tuple unpacking", fn("""
        def f(x: int) -> int:
            a, b = x, 1
            return a + b
        """), one("x + 1"), "unsupported"),
    Row("negative exponent", one("x ** -1"), one("x ** -1"), "unsupported"),
    Row("symbolic exponent", one("2 ** x"), one("2 ** x"), "unsupported"),
    Row("name bound in one branch only", fn("""
        def f(x: int) -> int:
            if x > 0:
                y = 1
            return y
        """), one("1"), "unsupported"),
    Row("global statement", fn("""
        def f(x: int) -> int:
            global COUNT
            return x
        """), one("x"), "unsupported"),
    Row("lambda", one("(lambda: x)()"), one("x"), "unsupported"),
]

ROWS = PROVED_ROWS + DISPROVED_ROWS + UNSUPPORTED_ROWS


def definition(source: str) -> ast.FunctionDef:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def prove(row: Row) -> ProofResult | None:
    return prove_equivalent(
        definition(row.original), definition(row.variant),
        dict(row.original_constants) or None, dict(row.variant_constants) or None,
    )


def behaviour(source: str, args: tuple[int | bool, ...], constants: Constants) -> Behaviour:
    """What `f` does on `args` when the snippet is run (these snippets are the tests' own)."""
    namespace: dict[str, object] = dict(constants)
    exec(compile(source, "<snippet>", "exec"), namespace)
    function = namespace["f"]
    assert callable(function)
    try:
        return "returns", repr(function(*args))  # repr: True and 1 are different answers
    except Exception as exc:
        return "raises", type(exc).__name__


def kinds(source: str) -> list[str]:
    """Annotation names of f's positional parameters."""
    return [a.annotation.id if isinstance(a.annotation, ast.Name) else "?" for a in definition(source).args.args]


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_verdict(row: Row) -> None:
    result = prove(row)
    if row.expected == "unsupported":
        assert result is None
        return
    assert result is not None
    assert not result.unknown
    assert result.proved is (row.expected == "proved")
    assert (result.counterexample is None) is result.proved


@pytest.mark.parametrize("row", DISPROVED_ROWS, ids=[r.name for r in DISPROVED_ROWS])
def test_counterexample_distinguishes_the_versions(row: Row) -> None:
    result = prove(row)
    assert result is not None and result.counterexample is not None
    args = result.counterexample
    assert [type(a).__name__ for a in args] == kinds(row.original)
    original = behaviour(row.original, args, row.original_constants)
    variant = behaviour(row.variant, args, row.variant_constants)
    assert original != variant, f"f{args}: both {original}"


def random_argument(kind: str, rng: random.Random) -> int | bool:
    return rng.random() < 0.5 if kind == "bool" else rng.randint(-30, 30)


@pytest.mark.parametrize("row", PROVED_ROWS, ids=[r.name for r in PROVED_ROWS])
def test_proved_pairs_agree_when_run(row: Row) -> None:
    rng = random.Random(f"z3proof:{row.name}")
    params = kinds(row.original)
    assert prove(row) == ProofResult(True, None)
    for _ in range(300):
        args = tuple(random_argument(k, rng) for k in params)
        original = behaviour(row.original, args, row.original_constants)
        assert behaviour(row.variant, args, row.variant_constants) == original, f"f{args}"


def test_random_inputs_reach_the_raising_paths() -> None:
    """The sampling above is worth something only if it covers zero divisors and negatives."""
    rng = random.Random("z3proof:coverage")
    samples = [random_argument("int", rng) for _ in range(300)]
    assert 0 in samples and min(samples) < -20 and max(samples) > 20


def test_solver_timeout_is_unknown_never_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    """x³ + y³ = z³ has no positive solution (Fermat, n = 3); Z3 cannot show it in 200 ms."""
    monkeypatch.setattr(z3proof, "SOLVER_MILLISECONDS", 200)
    fermat = one("x > 0 and y > 0 and z > 0 and x * x * x + y * y * y == z * z * z", "x: int, y: int, z: int", "bool")
    result = prove_equivalent(definition(fermat), definition(one("False", "x: int, y: int, z: int", "bool")))
    assert result == ProofResult(False, None, unknown=True)


def test_constants_do_not_leak_between_versions() -> None:
    """The variant's constants are its own: the original's LIMIT does not fill in for it."""
    row = Row("", one("x + LIMIT"), one("x + LIMIT"), "unsupported")
    assert prove_equivalent(definition(row.original), definition(row.variant), {"LIMIT": 3}, None) is None
    assert prove_equivalent(definition(row.original), definition(row.variant), None, {"LIMIT": 3}) is None


def test_parameters_shadow_constants() -> None:
    """A parameter named like a module constant is the parameter inside the function."""
    result = prove_equivalent(definition(one("x + 1")), definition(one("x + 1")), {"x": 100}, {"x": 5})
    assert result == ProofResult(True, None)
