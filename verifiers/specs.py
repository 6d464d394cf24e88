"""Contracts from the project's `specs/` folder: PEP 316 stubs mirrored by module path, checked
against the code at load time and woven into Crucible's copy of a variant with libcst.

A stub's docstring may carry, besides `pre:` / `post:` / `inv:` lines, the line
`crucible: may-change` — the function may change behaviour within its contract, so the
contracts gate alone judges it (the equivalence gate leaves it out).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from verifiers.config import CrucibleConfig
from verifiers.errors import BadInput
from verifiers.symbols import module_file
from verifiers.tree import iter_files

__all__ = ["CONDITION", "Contract", "ModuleSpecs", "load_specs", "weave"]

MAY_CHANGE: Final = re.compile(r"^\s*crucible:\s*may-change\s*$", re.M)
CONDITION: Final = re.compile(r"^\s*(pre|post|inv)(\[[^\]]*\])?:\s*(?P<expr>.+)$")


@dataclass(frozen=True)
class Contract:
    qualname: str  # `f`, `Class.method`, or `Class` for class invariants
    spec_file: str
    line: int
    docstring: str  # the stub's docstring literal, exactly as written
    may_change: bool
    docstring_line: int  # where the literal starts: its n-th line is line docstring_line + n

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(m.group(0).strip() for m in (CONDITION.match(l) for l in _docstring_lines(self.docstring)) if m)


@dataclass(frozen=True)
class ModuleSpecs:
    module: str
    module_path: str  # the code file, project-relative
    spec_file: str
    contracts: tuple[Contract, ...]

    def get(self, qualname: str) -> Contract | None:
        return next((c for c in self.contracts if c.qualname == qualname), None)

    def conditions_for(self, qualname: str) -> tuple[str, ...]:
        """The condition lines that bind `qualname`: its own, then its class's (`inv:` lines)."""
        owner = self.get(qualname.rsplit(".", 1)[0]) if "." in qualname else None
        own = self.get(qualname)
        return (*(own.conditions if own else ()), *(owner.conditions if owner else ()))

    def covers(self, qualname: str) -> bool:
        """A function has a contract of its own, or is a method of a class with invariants."""
        owner = qualname.rsplit(".", 1)[0] if "." in qualname else None
        return self.get(qualname) is not None or (owner is not None and self.get(owner) is not None)


def load_specs(root: Path, config: CrucibleConfig) -> dict[str, ModuleSpecs]:
    """Every contract under `specs`, checked against the code at `root` (exit 2 on a mismatch)."""
    found: dict[str, ModuleSpecs] = {}
    for spec_file in iter_files(root, config.specs):
        if not spec_file.endswith(".py") or spec_file.startswith(f"{config.specs}/policy/"):
            continue
        module = spec_file[len(config.specs) + 1:].removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        specs = _load_one(root, spec_file, module)
        if specs.contracts:
            found[module] = specs
    return found


def _load_one(root: Path, spec_file: str, module: str) -> ModuleSpecs:
    source = (root / spec_file).read_bytes()
    try:
        ast.parse(source, spec_file)  # Python's parser first: its line numbers are the reference
        wrapper = MetadataWrapper(cst.parse_module(source))
    except SyntaxError as exc:
        raise BadInput(f"{spec_file}:{exc.lineno}: spec does not parse: {exc.msg}") from None
    except cst.ParserSyntaxError as exc:
        raise BadInput(f"{spec_file}:{exc.raw_line}: spec does not parse: {exc.message}") from None
    code_path = module_file(root, module)
    if code_path is None:
        raise BadInput(f"{spec_file}:1: spec for module {module}, which the project does not have")
    try:
        code = cst.parse_module((root / code_path).read_bytes())
    except cst.ParserSyntaxError as exc:
        raise BadInput(f"{code_path}:{exc.raw_line}: does not parse: {exc.message}") from None
    collector = _StubCollector(spec_file)
    wrapper.visit(collector)
    defined = _Definitions.of(code)
    for contract, params in collector.found:
        _check_against_code(contract, params, defined, code_path)
    return ModuleSpecs(module, code_path, spec_file, tuple(c for c, _ in collector.found))


def _check_against_code(contract: Contract, params: tuple[str, ...] | None, defined: dict[str, tuple[str, ...] | None], code_path: str) -> None:
    where = f"{contract.spec_file}:{contract.line}"
    if contract.qualname not in defined:
        raise BadInput(f"{where}: contract for {contract.qualname}, which {code_path} does not define")
    if params is not None and defined[contract.qualname] != params:
        raise BadInput(
            f"{where}: contract for {contract.qualname} has parameters ({', '.join(params)}) but the code "
            f"has ({', '.join(defined[contract.qualname] or ())})"
        )
    for offset, text in enumerate(_docstring_lines(contract.docstring)):
        match = CONDITION.match(text)
        if match:
            try:
                compile(match["expr"].strip(), where, "eval")
            except SyntaxError as exc:
                raise BadInput(f"{contract.spec_file}:{contract.docstring_line + offset}: condition does not parse: {exc.msg}") from None


def _docstring_lines(literal: str) -> list[str]:
    """The docstring's text (as CrossHair reads it, without quotes), line by line."""
    value = ast.literal_eval(literal)
    return value.splitlines() if isinstance(value, str) else []


class _StubCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, spec_file: str) -> None:
        super().__init__()
        self.spec_file = spec_file
        self.stack: list[str] = []
        self.found: list[tuple[Contract, tuple[str, ...] | None]] = []

    def _add(self, node: cst.FunctionDef | cst.ClassDef, params: tuple[str, ...] | None) -> None:
        doc = _docstring_node(node.body)
        if doc is None:
            return
        qualname = ".".join([*self.stack, node.name.value])
        line = self.get_metadata(PositionProvider, node).start.line
        text = doc.value
        may_change = any(MAY_CHANGE.match(l) for l in _docstring_lines(text))
        if not may_change and not any(CONDITION.match(l) for l in _docstring_lines(text)):
            return  # a stub not yet filled in (`pre:` / `post:` with nothing after them) promises nothing
        contract = Contract(qualname, self.spec_file, line, text, may_change, self.get_metadata(PositionProvider, doc).start.line)
        self.found.append((contract, params))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._add(node, None)
        self.stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._add(node, _param_names(node.params))
        return False


class _Definitions:
    @staticmethod
    def of(module: cst.Module) -> dict[str, tuple[str, ...] | None]:
        """Qualname -> parameter names (None for classes) of everything the code defines."""
        found: dict[str, tuple[str, ...] | None] = {}

        def walk(body: Sequence[cst.CSTNode], prefix: str) -> None:
            for statement in body:
                if isinstance(statement, cst.FunctionDef):
                    found[prefix + statement.name.value] = _param_names(statement.params)
                elif isinstance(statement, cst.ClassDef):
                    found[prefix + statement.name.value] = None
                    if isinstance(statement.body, cst.IndentedBlock):
                        walk(statement.body.body, f"{prefix}{statement.name.value}.")

        walk(module.body, "")
        return found


def _param_names(params: cst.Parameters) -> tuple[str, ...]:
    star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
    kwarg = [params.star_kwarg] if params.star_kwarg is not None else []
    every = [*params.posonly_params, *params.params, *star, *params.kwonly_params, *kwarg]
    return tuple(p.name.value for p in every)


def _docstring_node(body: cst.BaseSuite) -> cst.SimpleString | None:
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return None
    first = body.body[0]
    if isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1:
        expr = first.body[0]
        if isinstance(expr, cst.Expr) and isinstance(expr.value, cst.SimpleString):
            return expr.value
    return None


def weave(source: str, specs: ModuleSpecs) -> str:
    """The module with each contracted definition's docstring replaced by its contract."""
    return cst.parse_module(source).visit(_Weaver(specs)).code


class _Weaver(cst.CSTTransformer):
    def __init__(self, specs: ModuleSpecs) -> None:
        super().__init__()
        self.specs = specs
        self.stack: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        qualname = ".".join(self.stack)
        self.stack.pop()
        woven = self._with_contract(updated_node, qualname)
        assert isinstance(woven, cst.ClassDef)
        return woven

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        qualname = ".".join(self.stack)
        self.stack.pop()
        woven = self._with_contract(updated_node, qualname)
        assert isinstance(woven, cst.FunctionDef)
        return woven

    def _with_contract(self, node: cst.FunctionDef | cst.ClassDef, qualname: str) -> cst.FunctionDef | cst.ClassDef:
        contract = self.specs.get(qualname)
        if contract is None:
            return node
        body = node.body
        if isinstance(body, cst.SimpleStatementSuite):
            # `def f(x): return x`: the body moves to its own line, under the contract (leaving
            # it out would let a one-line rewrite escape the contracts gate).
            body = cst.IndentedBlock([cst.SimpleStatementLine(body.body, trailing_whitespace=body.trailing_whitespace)])
        assert isinstance(body, cst.IndentedBlock)
        docstring = cst.SimpleStatementLine([cst.Expr(cst.SimpleString(contract.docstring))])
        statements = list(body.body)
        if _docstring_node(body) is not None:
            statements[0] = docstring
        else:
            statements.insert(0, docstring)
        return node.with_changes(body=body.with_changes(body=statements))
