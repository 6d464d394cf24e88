"""What a change touches, on real variants of the tiny project: each row edits one module and says
which functions changed, were added or removed, which module-level names were rebound, and which
unchanged functions must be compared because they read those names or call what changed."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import VariantFactory
from verifiers.changes import ModuleChange, changed_hunks, changed_modules, function_index

EXTRA = "agent/extra.py"
EXTRA_SOURCE = textwrap.dedent('''
    """Extra logic: the change-detection tests edit this module."""

    from agent.limits import steps_left

    THRESHOLD = 3
    _SCALE = 2


    class Counter:
        STEP = 1
        _JUMP = 10

        def __init__(self) -> None:
            self.value = 0

        def bump(self) -> int:
            self.value += self.STEP
            return self.value

        def twice(self) -> int:
            self.bump()
            return self.bump()

        def leap(self) -> int:
            self.value += self._JUMP
            return self.value


    def over(x: int) -> bool:
        return x > THRESHOLD


    def scaled(x: int) -> int:
        return x * _SCALE


    def helper(x: int) -> int:
        return x + 1


    def uses_helper(x: int) -> int:
        return helper(x) * 2


    def passes_helper(xs: list[int]) -> list[int]:
        return list(map(helper, xs))


    def _private(x: int) -> int:
        return x


    def calls_private(x: int) -> int:
        return _private(x)


    def remaining(used: int) -> int:
        return steps_left(used)


    def equal(a: Counter, b: Counter) -> bool:
        return a == b


    def independent() -> str:
        return "same"
    ''').lstrip()

EVERY_FUNCTION = tuple(function_index(ast.parse(EXTRA_SOURCE)))
COUNTER_METHODS = ("Counter.__init__", "Counter.bump", "Counter.twice", "Counter.leap")


@pytest.fixture
def project(tiny: Path) -> Path:
    (tiny / EXTRA).write_text(EXTRA_SOURCE)
    return tiny


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(source: str) -> str:
        assert old in source, old
        return source.replace(old, new, 1)
    return edit


def append(extra: str) -> Callable[[str], str]:
    return lambda source: source + "\n" + textwrap.dedent(extra)


def chain(*edits: Callable[[str], str]) -> Callable[[str], str]:
    def edit(source: str) -> str:
        for one in edits:
            source = one(source)
        return source
    return edit


Expected = dict[str, tuple[str, ...]]

# (name, edit of agent/extra.py, the fields of its ModuleChange that are not empty)
ROWS: list[tuple[str, Callable[[str], str], Expected]] = [
    ("function body", replace("return x + 1", "return 1 + x"),
     {"changed": ("helper",), "callers": ("uses_helper", "passes_helper")}),
    ("comment and blank lines only", replace("def helper(x: int) -> int:\n", "def helper(x: int) -> int:\n    # one more\n\n"), {}),
    ("module docstring only", replace("Extra logic:", "More logic:"), {}),
    ("method", replace("self.value += self.STEP", "self.value = self.value + self.STEP"),
     {"changed": ("Counter.bump",), "callers": ("Counter.twice",)}),
    ("private function", replace("return x\n", "return x + 0\n"), {"changed": ("_private",), "callers": ("calls_private",)}),
    ("added function", append("def new_fn() -> int:\n    return 1\n"), {"added": ("new_fn",)}),
    ("added function and a changed caller",
     chain(replace("return helper(x) * 2", "return helper2(x) * 2"), append("def helper2(x: int) -> int:\n    return x\n")),
     {"changed": ("uses_helper",), "added": ("helper2",)}),
    ("removed function", replace('def independent() -> str:\n    return "same"\n', ""), {"removed": ("independent",)}),
    ("removed function still called", replace("def _private(x: int) -> int:\n    return x\n", ""),
     {"removed": ("_private",), "readers": ("calls_private",)}),
    ("added def shadows an import", append("def steps_left(used: int) -> int:\n    return 100\n"),
     {"added": ("steps_left",), "readers": ("remaining",)}),
    ("added method changes its class", replace("    def leap(self)", "    def __eq__(self, other: object) -> bool:\n        return True\n\n    def leap(self)"),
     {"added": ("Counter.__eq__",), "readers": (*COUNTER_METHODS, "equal")}),
    ("constant", replace("THRESHOLD = 3", "THRESHOLD = 4"), {"state_names": ("THRESHOLD",), "readers": ("over",)}),
    ("private constant", replace("_SCALE = 2", "_SCALE = 3"), {"state_names": ("_SCALE",), "readers": ("scaled",)}),
    ("new constant", replace("_SCALE = 2\n", "_SCALE = 2\nLIMIT = 5\n"), {"state_names": ("LIMIT",)}),
    ("class attribute read through self", replace("STEP = 1", "STEP = 2"), {"state_names": ("Counter.STEP",), "readers": ("Counter.bump",)}),
    ("private class attribute", replace("_JUMP = 10", "_JUMP = 11"), {"state_names": ("Counter._JUMP",), "readers": ("Counter.leap",)}),
    ("class bases", replace("class Counter:", "class Counter(object):"),
     {"state_names": ("Counter.<header>",), "readers": (*COUNTER_METHODS, "equal")}),
    ("import added", replace("from agent.limits import steps_left\n", "import os\nfrom agent.limits import steps_left\n"),
     {"state_names": ("os",)}),
    ("a name added to an import list: its neighbours are unchanged",
     chain(replace("from agent.limits import steps_left\n", "from agent.limits import MAX_STEPS, steps_left\n")),
     {"state_names": ("MAX_STEPS",)}),
    ("import rebinding a used name", replace("from agent.limits import steps_left\n", "from agent.limits import steps_left\nfrom agent.limits import steps_left as over\n"),
     {"state_names": ("over",)}),
    ("bare call at module level", append("print('loaded')\n"), {"state_names": ("<import-time-effects>",), "readers": EVERY_FUNCTION}),
    ("mutation at module level", append("Counter.STEP += 1\n"), {"state_names": ("<import-time-effects>",), "readers": EVERY_FUNCTION}),
    ("effect inside a module-level if", append("if THRESHOLD:\n    print('loaded')\n"),
     {"state_names": ("<import-time-effects>",), "readers": EVERY_FUNCTION}),
    ("effect in a class body", replace("    _JUMP = 10\n", "    _JUMP = 10\n    print('defining')\n"),
     {"state_names": ("Counter.<import-time-effects>",), "readers": (*COUNTER_METHODS, "equal")}),
    ("pass at module level", append("pass\n"), {}),
]

FIELDS = ("changed", "added", "removed", "state_names", "readers", "callers")


def extra_change(factory: VariantFactory, project: Path, edit: Callable[[str], str]) -> ModuleChange:
    context = factory(project, {EXTRA: edit(EXTRA_SOURCE)})
    found = changed_modules(context.variant)
    assert [c.path for c in found] == [EXTRA]
    return found[0]


@pytest.mark.parametrize(("edit", "expected"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_change(make_context: VariantFactory, project: Path, edit: Callable[[str], str], expected: Expected) -> None:
    change = extra_change(make_context, project, edit)
    assert change.module == "agent.extra"
    assert {f: getattr(change, f) for f in FIELDS} == {f: expected.get(f, ()) for f in FIELDS}


def test_to_check_is_changed_then_readers_then_callers(make_context: VariantFactory, project: Path) -> None:
    edit = chain(replace("return x + 1", "return 1 + x"), replace("THRESHOLD = 3", "THRESHOLD = 4"))
    change = extra_change(make_context, project, edit)
    assert change.to_check == ("helper", "over", "uses_helper", "passes_helper")


def test_a_reader_that_also_calls_is_listed_once(make_context: VariantFactory, project: Path) -> None:
    edit = chain(replace("return x + 1", "return 1 + x"), replace("THRESHOLD = 3", "THRESHOLD = 4"),
                 replace("return x > THRESHOLD", "return helper(x) > THRESHOLD"))
    change = extra_change(make_context, project, edit)
    assert (change.changed, change.readers, change.callers) == (("over", "helper"), (), ("uses_helper", "passes_helper"))
    assert len(change.to_check) == len(set(change.to_check))


def test_every_changed_module_is_listed(make_context: VariantFactory, project: Path) -> None:
    core = (project / "agent" / "core.py").read_text()
    context = make_context(project, {
        EXTRA: EXTRA_SOURCE.replace("THRESHOLD = 3", "THRESHOLD = 4"),
        "agent/core.py": core.replace("if item not in seen:", "if not item in seen:"),
        "agent/new.py": "LIMIT = 2\n\n\ndef fresh() -> int:\n    return LIMIT\n",
    })
    found = {c.module: c for c in changed_modules(context.variant)}
    assert sorted(found) == ["agent.core", "agent.extra", "agent.new"]
    assert (found["agent.core"].changed, found["agent.core"].callers) == (("dedupe",), ("run",))
    assert (found["agent.new"].path, found["agent.new"].added, found["agent.new"].state_names) == ("agent/new.py", ("fresh",), ("LIMIT",))


@pytest.mark.parametrize(("edits", "why"), [
    ({EXTRA: None}, "deleted"),
    ({"agent/notes.txt": "hello\n"}, "not Python"),
    ({EXTRA: EXTRA_SOURCE + "\ndef broken(:\n"}, "does not parse"),
    ({"agent/my-script.py": "X = 1\n"}, "not a module name"),
])
def test_not_listed(make_context: VariantFactory, project: Path, edits: dict[str, str | None], why: str) -> None:
    assert changed_modules(make_context(project, edits).variant) == [], why


def test_function_index() -> None:
    tree = ast.parse(textwrap.dedent('''
        def top(): pass
        async def fetch(): pass
        class Outer:
            X = 1
            def method(self): pass
            class Inner:
                async def deep(self): pass
        def wrapper():
            def nested(): pass
        if True:
            def conditional(): pass
    '''))
    # A def under a module-level `if` is a function too (compared by behaviour, never skipped).
    assert list(function_index(tree)) == ["top", "fetch", "Outer.method", "Outer.Inner.deep", "wrapper", "conditional"]


# -- which lines of a changed function changed ----------------------------------------------

HUNK_BASE = textwrap.dedent('''
    import functools


    @functools.cache
    def pick(items, key=None):
        """The first item, or the one with the smallest key."""
        if key is None:
            return items[0]
        return min(items, key=key)
''').lstrip()

HUNKS = [
    # (label, variant source, expected hunks: variant line numbers)
    ("a body line replaced", HUNK_BASE.replace("min(items", "max(items"), [[9]]),
    ("a default changed: counts as the first statement after the docstring",
     HUNK_BASE.replace("key=None", "key=len"), [[7]]),
    ("a decorator removed: the same",
     HUNK_BASE.replace("@functools.cache\n", ""), [[6]]),
    ("a line deleted: the line now standing there", HUNK_BASE.replace("    if key is None:\n        return items[0]\n", ""), [[7]]),
    ("a line added at the end", HUNK_BASE + "    return None\n", [[10]]),
    ("two separate changes", HUNK_BASE.replace("if key is None", "if not key").replace("min(items", "max(items"), [[7], [9]]),
]


@pytest.mark.parametrize(("label", "after", "expected"), HUNKS, ids=[h[0] for h in HUNKS])
def test_changed_hunks(label: str, after: str, expected: list[list[int]]) -> None:
    before_fn = function_index(ast.parse(HUNK_BASE))["pick"]
    after_fn = function_index(ast.parse(after))["pick"]
    assert changed_hunks(HUNK_BASE, after, before_fn, after_fn) == expected
