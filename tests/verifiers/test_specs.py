"""Contracts from `specs/`, on copies of the tiny project: what loads, what is refused (naming the
spec file and line), and how contracts are woven into code that CrossHair then reads."""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from crosshair.condition_parser import Pep316Parser
from crosshair.fnutil import FunctionInfo

from pipeline.config import load_config
from pipeline.errors import BadInput
from verifiers.specs import ModuleSpecs, load_specs, weave


def text(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


STACK_CODE = text('''
    """A bounded stack."""

    LIMIT = 3  # keep small


    class Stack:
        """Items, newest last."""

        def __init__(self) -> None:
            self.items: list[int] = []

        def push(self, item: int) -> None:
            if len(self.items) < LIMIT:
                self.items.append(item)

        def size(self) -> int:
            """How many items."""
            return len(self.items)


    def clamp(x: int, low: int, high: int) -> int:
        # comments stay where they are
        return max(low, min(x, high))


    def spread(values: list[int], *, scale: int = 1) -> int:
        """Largest minus smallest, scaled."""

        return (max(values) - min(values)) * scale


    def untouched(x: int) -> int:
        """No contract: this docstring stays."""
        return x
    ''')

STACK_SPEC = text('''
    class Stack:
        """
        inv: len(self.items) <= 3
        """

        def push(self, item: int) -> None:
            """
            post[self.items]: len(self.items) <= 3
            """


    def clamp(x: int, low: int, high: int) -> int:
        """
        pre: low <= high
        post: low <= __return__ <= high
        crucible: may-change
        """
        ...


    def spread(values: list[int], *, scale: int = 1) -> int:
        """pre: len(values) > 0
        post: __return__ >= 0"""


    def untouched(x: int) -> int:
        ...
    ''')

CORE_SPEC = text('''
    def dedupe(items: list[str]) -> list[str]:
        """
        post: len(__return__) == len(set(items))
        """
        ...
    ''')


@pytest.fixture
def project(tiny: Path) -> Path:
    """The tiny project plus a module with a class, methods, and a spread of contracts."""
    (tiny / "agent" / "stack.py").write_text(STACK_CODE)
    (tiny / "specs" / "agent" / "stack.py").write_text(STACK_SPEC)
    return tiny


def load(root: Path) -> dict[str, ModuleSpecs]:
    return load_specs(root, load_config(root))


# --- loading -------------------------------------------------------------------------------------


def test_good_specs_load(project: Path) -> None:
    specs = load(project)
    assert sorted(specs) == ["agent.core", "agent.stack"]
    stack = specs["agent.stack"]
    assert (stack.module, stack.module_path, stack.spec_file) == ("agent.stack", "agent/stack.py", "specs/agent/stack.py")
    assert [(c.qualname, c.line, c.may_change) for c in stack.contracts] == [
        ("Stack", 1, False), ("Stack.push", 6, False), ("clamp", 12, True), ("spread", 21, False),
    ]
    invariant = stack.get("Stack")
    assert invariant is not None and invariant.conditions == ("inv: len(self.items) <= 3",)
    push = stack.get("Stack.push")
    assert push is not None and push.conditions == ("post[self.items]: len(self.items) <= 3",)
    clamp = stack.get("clamp")
    assert clamp is not None and clamp.conditions == ("pre: low <= high", "post: low <= __return__ <= high")
    spread = stack.get("spread")
    assert spread is not None and spread.conditions == ("pre: len(values) > 0", "post: __return__ >= 0")
    assert spread.docstring == '"""pre: len(values) > 0\n    post: __return__ >= 0"""'


def test_stub_without_docstring_is_no_contract(project: Path) -> None:
    assert load(project)["agent.stack"].get("untouched") is None


@pytest.mark.parametrize(("qualname", "covered"), [
    ("clamp", True), ("Stack.push", True), ("Stack.size", True), ("Stack.__init__", True), ("Stack", True),
    ("untouched", False), ("Other.push", False), ("dedupe", False),
])
def test_covers(project: Path, qualname: str, covered: bool) -> None:
    """A function is covered by its own contract or by its class's invariants."""
    assert load(project)["agent.stack"].covers(qualname) is covered


def test_spec_files_without_contracts_and_policy_files_are_skipped(project: Path) -> None:
    (project / "specs" / "agent" / "limits.py").write_text("def steps_left(used: int) -> int:\n    ...\n")
    (project / "specs" / "policy").mkdir()
    (project / "specs" / "policy" / "rules.py").write_text("this is not python at all (\n")
    (project / "specs" / "agent" / "notes.txt").write_text("def nothing(:\n")
    assert sorted(load(project)) == ["agent.core", "agent.stack"]


def test_package_spec_is_the_package_module(project: Path) -> None:
    (project / "agent" / "__init__.py").write_text('"""Agent."""\n\n\ndef version() -> int:\n    return 1\n')
    (project / "specs" / "agent" / "__init__.py").write_text('def version() -> int:\n    """post: __return__ > 0"""\n')
    package = load(project)["agent"]
    assert (package.module_path, package.spec_file) == ("agent/__init__.py", "specs/agent/__init__.py")
    assert [c.qualname for c in package.contracts] == ["version"]


@pytest.mark.parametrize("docstring", [
    '"""crucible: may-change"""',
    '"""\n    post: __return__ >= 0\n    crucible: may-change"""',
    '"""\n    crucible:   may-change   \n    """',
])
def test_may_change_flag_in_any_docstring_shape(tiny: Path, docstring: str) -> None:
    (tiny / "specs" / "agent" / "limits.py").write_text(f"def steps_left(used: int) -> int:\n    {docstring}\n")
    contract = load(tiny)["agent.limits"].get("steps_left")
    assert contract is not None and contract.may_change


@pytest.mark.parametrize("docstring", ['"""crucible: may-change later"""', '"""post: True  # crucible: may-change"""'])
def test_may_change_needs_its_own_line(tiny: Path, docstring: str) -> None:
    (tiny / "specs" / "agent" / "limits.py").write_text(f"def steps_left(used: int) -> int:\n    {docstring}\n")
    specs = load(tiny).get("agent.limits")
    contract = specs.get("steps_left") if specs is not None else None
    # Without a condition either, the docstring promises nothing at all: no contract.
    assert contract is None or not contract.may_change
    assert (contract is None) == ("post:" not in docstring)


def test_a_stub_with_empty_conditions_promises_nothing(tiny: Path) -> None:
    (tiny / "specs" / "agent" / "limits.py").write_text('def steps_left(used: int) -> int:\n    """\n    pre:\n    post:\n    """\n')
    assert "agent.limits" not in load(tiny)


# --- refusals: file and line ---------------------------------------------------------------------

CORE = "specs/agent/core.py"
STACK = "specs/agent/stack.py"

REFUSED = [
    ("function the code lacks", CORE, CORE_SPEC + '\n\ndef forget(items: list[str]) -> None:\n    """post: True"""\n',
     f"{CORE}:8: contract for forget, which agent/core.py does not define"),
    ("method the code lacks", STACK, STACK_SPEC.replace("    def push(self, item: int)", "    def pop(self, item: int)"),
     f"{STACK}:6: contract for Stack.pop, which agent/stack.py does not define"),
    ("class the code lacks", STACK, STACK_SPEC.replace("class Stack:", "class Queue:"),
     f"{STACK}:1: contract for Queue, which agent/stack.py does not define"),
    ("method contract written as a function", STACK, STACK_SPEC + 'def push(self, item: int) -> None:\n    """post: True"""\n',
     f"{STACK}:28: contract for push, which agent/stack.py does not define"),
    ("module the project lacks", "specs/agent/missing.py", CORE_SPEC, "specs/agent/missing.py:1: spec for module agent.missing, which the project does not have"),
    ("parameter renamed", CORE, CORE_SPEC.replace("items: list[str]) ->", "values: list[str]) ->"),
     f"{CORE}:1: contract for dedupe has parameters (values) but the code has (items)"),
    ("method without self", STACK, STACK_SPEC.replace("def push(self, item: int)", "def push(item: int)"),
     f"{STACK}:6: contract for Stack.push has parameters (item) but the code has (self, item)"),
    ("extra parameter", STACK, STACK_SPEC.replace("def clamp(x: int, low: int, high: int)", "def clamp(x: int, low: int, high: int, step: int)"),
     f"{STACK}:12: contract for clamp has parameters (x, low, high, step) but the code has (x, low, high)"),
    ("spec does not parse", CORE, CORE_SPEC + "\n\ndef broken(:\n    ...\n", f"{CORE}:8: spec does not parse"),
    ("condition does not parse", CORE, CORE_SPEC.replace("len(set(items))", "len(set(items)"), f"{CORE}:3: condition does not parse"),
    ("second condition does not parse", STACK, STACK_SPEC.replace("post: low <= __return__ <= high", "post: low <= <= high"),
     f"{STACK}:15: condition does not parse"),
    ("invariant does not parse", STACK, STACK_SPEC.replace("inv: len(self.items) <= 3", "inv: len(self.items) =< 3"),
     f"{STACK}:3: condition does not parse"),
    ("condition on the closing line does not parse", STACK, STACK_SPEC.replace("post: __return__ >= 0", "post: __return__ >="),
     f"{STACK}:23: condition does not parse"),
    ("one-line docstring condition does not parse", CORE, 'def dedupe(items: list[str]) -> list[str]:\n    """post: len(__return__) =="""\n',
     f"{CORE}:2: condition does not parse"),
]


@pytest.mark.parametrize(("path", "content", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_refused(project: Path, path: str, content: str, message: str) -> None:
    (project / path).write_text(content)
    with pytest.raises(BadInput) as caught:
        load(project)
    assert str(caught.value).startswith(message), str(caught.value)
    assert caught.value.exit_code == 2


def test_code_that_does_not_parse_names_the_code_file(project: Path) -> None:
    (project / "agent" / "stack.py").write_text(STACK_CODE + "\ndef broken(:\n")
    with pytest.raises(BadInput, match=r"^agent/stack\.py:\d+: does not parse"):
        load(project)


# --- weaving -------------------------------------------------------------------------------------


class _DropDocstrings(cst.CSTTransformer):
    """Removes the docstring of every def and class (not the module's)."""

    def _drop(self, node: cst.FunctionDef | cst.ClassDef) -> cst.FunctionDef | cst.ClassDef:
        body = node.body
        if isinstance(body, cst.IndentedBlock) and body.body:
            first = body.body[0]
            if (isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1 and isinstance(first.body[0], cst.Expr)
                    and isinstance(first.body[0].value, cst.SimpleString)):
                return node.with_changes(body=body.with_changes(body=body.body[1:]))
        return node

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        result = self._drop(updated_node)
        assert isinstance(result, cst.FunctionDef)
        return result

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        result = self._drop(updated_node)
        assert isinstance(result, cst.ClassDef)
        return result


def without_docstrings(source: str) -> str:
    return cst.parse_module(source).visit(_DropDocstrings()).code


def docstring_of(source: str, qualname: str) -> str | None:
    node: ast.AST = ast.parse(source)
    for part in qualname.split("."):
        node = next(n for n in ast.iter_child_nodes(node) if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part)
    assert isinstance(node, (ast.FunctionDef, ast.ClassDef))
    return ast.get_docstring(node, clean=False)


def import_file(path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def test_weave_replaces_and_inserts_docstrings(project: Path) -> None:
    specs = load(project)["agent.stack"]
    woven = weave(STACK_CODE, specs)
    for contract in specs.contracts:
        assert docstring_of(woven, contract.qualname) == ast.literal_eval(contract.docstring), contract.qualname
        assert contract.docstring in woven
    assert docstring_of(woven, "untouched") == "No contract: this docstring stays."
    assert docstring_of(woven, "Stack.size") == "How many items."
    assert woven.startswith('"""A bounded stack."""\n')


def test_weave_leaves_everything_else_byte_identical(project: Path) -> None:
    woven = weave(STACK_CODE, load(project)["agent.stack"])
    assert woven != STACK_CODE
    assert without_docstrings(woven) == without_docstrings(STACK_CODE)
    compile(woven, "stack.py", "exec")


def test_weave_without_matching_definitions_is_identity(project: Path) -> None:
    specs = load(project)["agent.stack"]
    source = "# nothing here is contracted\n\n\ndef other(x: int) -> int:\n    def clamp(y: int) -> int:\n        return y\n    return clamp(x)\n"
    assert weave(source, specs) == source


def test_weave_one_line_body(project: Path) -> None:
    """A one-line definition gets its contract too: a rewrite into one line must not drop it."""
    specs = load(project)["agent.stack"]
    source = "def clamp(x: int, low: int, high: int) -> int: return max(low, min(x, high))  # short\n"
    woven = weave(source, specs)
    clamp = specs.get("clamp")
    assert clamp is not None
    assert docstring_of(woven, "clamp") == ast.literal_eval(clamp.docstring)
    assert "return max(low, min(x, high))  # short\n" in woven
    namespace: dict[str, object] = {}
    exec(compile(woven, "clamp.py", "exec"), namespace)
    function = namespace["clamp"]
    assert callable(function) and function(5, 0, 3) == 3


def test_crosshair_reads_the_woven_conditions(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = load(project)["agent.stack"]
    woven = weave(STACK_CODE, specs)
    path = tmp_path / "woven_stack.py"
    path.write_text(woven)
    module = import_file(path, "woven_stack_for_crosshair", monkeypatch)
    parser = Pep316Parser()
    lines = woven.splitlines()

    clamp = parser.get_fn_conditions(FunctionInfo.from_fn(getattr(module, "clamp")))
    assert clamp is not None
    assert [c.expr_source for c in clamp.pre] == ["low <= high"]
    assert [c.expr_source for c in clamp.post] == ["low <= __return__ <= high"]
    spread = parser.get_fn_conditions(FunctionInfo.from_fn(getattr(module, "spread")))
    assert spread is not None
    assert [c.expr_source for c in spread.pre] == ["len(values) > 0"]
    assert [c.expr_source for c in spread.post] == ["__return__ >= 0"]
    stack = getattr(module, "Stack")
    push = parser.get_fn_conditions(FunctionInfo.from_class(stack, "push"))
    assert push is not None
    assert [c.expr_source for c in push.post] == ["len(self.items) <= 3"]
    invariants = parser.get_class_invariants(stack)
    assert [c.expr_source for c in invariants] == ["len(self.items) <= 3"]
    for condition in [*clamp.pre, *clamp.post, *spread.pre, *spread.post, *push.post, *invariants]:
        assert condition.compile_err is None
        assert condition.expr_source in lines[condition.line - 1], "CrossHair's line points into the woven file"
