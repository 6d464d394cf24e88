"""Addressed, AST-level edits and their application with libcst.

An edit names what it changes — a function or method by `module:qualname`, optionally a
statement or expression inside it by a path of child indices — never free text at a line. Applying
edits preserves every other byte of the file. An edit whose target does not exist, or whose code
does not parse or is not the right kind of node, is refused with a reason (EditRefused), never a
crash.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import libcst as cst

from verifiers.symbols import module_file

__all__ = ["EDIT_SCHEMA", "Edit", "EditKind", "EditRefused", "apply_edits", "edit_from_json", "unified_diff"]


class EditKind(StrEnum):
    REPLACE_FUNCTION = "replace_function"  # `code`: the whole new def (same name)
    REPLACE_EXPRESSION = "replace_expression"  # `path` -> an expression inside the function; `code`: new expression
    INSERT_STATEMENT = "insert_statement"  # `path` -> position in a body; `code`: statement(s) inserted before it
    DELETE_STATEMENT = "delete_statement"  # `path` -> a statement in a body


@dataclass(frozen=True)
class Edit:
    kind: EditKind
    target: str  # "module:qualname" of the function or method the edit is inside
    code: str = ""
    path: tuple[int, ...] = ()  # child indices from the function's body (see `_walk`)
    rule: str = ""  # the proposer rule or prompt that produced it (an arm of the bandit)

    def to_json(self) -> str:
        payload = asdict(self)
        payload["kind"] = self.kind.value
        payload["path"] = list(self.path)
        return json.dumps(payload, sort_keys=True)


EDIT_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Crucible edit",
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "target", "code"],
    "properties": {
        "kind": {"enum": [k.value for k in EditKind]},
        "target": {"type": "string", "pattern": r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$",
                   "description": "module:qualname of the function or method"},
        "code": {"type": "string", "description": "new source: a whole def, an expression, or statements"},
        "path": {"type": "array", "items": {"type": "integer", "minimum": 0},
                 "description": "child indices from the function body to the node"},
        "rule": {"type": "string"},
    },
}


class EditRefused(Exception):
    """The edit cannot be applied; the message is the evidence."""


def edit_from_json(data: object) -> Edit:
    """An Edit from decoded JSON, checked against EDIT_SCHEMA's rules (EditRefused if off-schema)."""
    if not isinstance(data, dict):
        raise EditRefused("edit is not a JSON object")
    extra = set(data) - set(EDIT_SCHEMA["properties"])
    missing = {"kind", "target", "code"} - set(data)
    if extra or missing:
        raise EditRefused(f"edit has unknown keys {sorted(extra)} or lacks {sorted(missing)}")
    kind, target, code = data["kind"], data["target"], data["code"]
    path, rule = data.get("path", []), data.get("rule", "")
    if not isinstance(kind, str) or kind not in {k.value for k in EditKind} or not isinstance(target, str) or not isinstance(code, str):
        raise EditRefused(f"edit has a bad kind, target or code: {kind!r}, {target!r}")
    if not isinstance(path, list) or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in path):
        raise EditRefused("edit path must be a list of non-negative integers")
    if ":" not in target or not isinstance(rule, str):
        raise EditRefused(f"edit target must be module:qualname, got {target!r}")
    return Edit(EditKind(kind), target, code, tuple(path), rule)


def apply_edits(root: Path, edits: Sequence[Edit]) -> dict[str, str]:
    """New contents of every file the edits touch (project-relative path -> text). Nothing is
    written. Several edits to one file apply in order, each to the result of the last."""
    changed: dict[str, str] = {}
    for edit in edits:
        module, _, qualname = edit.target.partition(":")
        relative = module_file(root, module)
        if relative is None:
            raise EditRefused(f"{edit.target}: module {module} is not in the project")
        source = changed.get(relative) or (root / relative).read_text(encoding="utf-8")
        try:
            tree = cst.parse_module(source)
        except cst.ParserSyntaxError as exc:
            raise EditRefused(f"{relative} does not parse: {exc.message}") from None
        changed[relative] = tree.visit(_Applier(edit, qualname)).code if _has(tree, qualname) else _missing(edit)
    return changed


def _missing(edit: Edit) -> str:
    raise EditRefused(f"{edit.target}: no such function or method")


def _has(tree: cst.Module, qualname: str) -> bool:
    finder = _Finder(qualname)
    tree.visit(finder)
    return finder.found


class _Finder(cst.CSTVisitor):
    def __init__(self, qualname: str) -> None:
        super().__init__()
        self.qualname = qualname
        self.stack: list[str] = []
        self.found = False

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.found |= ".".join([*self.stack, node.name.value]) == self.qualname
        return False


class _Applier(cst.CSTTransformer):
    def __init__(self, edit: Edit, qualname: str) -> None:
        super().__init__()
        self.edit = edit
        self.qualname = qualname
        self.stack: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.stack.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested defs are addressed through their outer function's path

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        if ".".join([*self.stack, updated_node.name.value]) != self.qualname:
            return updated_node
        if self.edit.kind is EditKind.REPLACE_FUNCTION:
            return _replacement(updated_node, self.edit)
        return _edit_inside(updated_node, self.edit)


def _replacement(node: cst.FunctionDef, edit: Edit) -> cst.FunctionDef:
    try:
        module = cst.parse_module(_dedent(edit.code))
    except cst.ParserSyntaxError as exc:
        raise EditRefused(f"{edit.target}: new code does not parse: {exc.message}") from None
    defs = [s for s in module.body if isinstance(s, cst.FunctionDef)]
    if len(module.body) != 1 or len(defs) != 1:
        raise EditRefused(f"{edit.target}: replace_function needs exactly one def, got {len(module.body)} statement(s)")
    if defs[0].name.value != node.name.value:
        raise EditRefused(f"{edit.target}: the new def is named {defs[0].name.value!r}, not {node.name.value!r}")
    return defs[0].with_changes(leading_lines=node.leading_lines)


def _dedent(code: str) -> str:
    import textwrap

    return textwrap.dedent(code).strip("\n") + "\n"


def _edit_inside(node: cst.FunctionDef, edit: Edit) -> cst.FunctionDef:
    if not edit.path:
        raise EditRefused(f"{edit.target}: {edit.kind.value} needs a path")
    try:
        updated = _rewrite(node.body, list(edit.path), edit)
    except (IndexError, cst.ParserSyntaxError, TypeError, ValueError) as exc:
        raise EditRefused(f"{edit.target}: path {list(edit.path)}: {exc}") from None
    assert isinstance(updated, cst.BaseSuite)
    return node.with_changes(body=updated)


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The addressable children: statements of a body, the fields of anything else."""
    if isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        return list(node.body)
    return [c for c in node.children if not isinstance(c, (cst.BaseParenthesizableWhitespace, cst.Comma, cst.Dot))]


def _rewrite(node: cst.CSTNode, path: list[int], edit: Edit) -> cst.CSTNode:
    children = _children(node)
    index = path[0]
    if len(path) == 1 and isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        body = list(node.body)
        if edit.kind is EditKind.DELETE_STATEMENT:
            del body[index]
            if not body:
                raise ValueError("deleting the only statement leaves an empty body")
        elif edit.kind is EditKind.INSERT_STATEMENT:
            if index > len(body):
                raise IndexError("insert position past the end of the body")
            body[index:index] = list(cst.parse_module(_dedent(edit.code)).body)
        else:
            return _replace_expression(node, children[index], edit)
        return node.with_changes(body=body)
    if len(path) == 1:
        return _replace_expression(node, children[index], edit)
    child = children[index]
    return node.deep_replace(child, _rewrite(child, path[1:], edit))


def _replace_expression(parent: cst.CSTNode, old: cst.CSTNode, edit: Edit) -> cst.CSTNode:
    if edit.kind is not EditKind.REPLACE_EXPRESSION or not isinstance(old, cst.BaseExpression):
        raise ValueError(f"{edit.kind.value} does not address {type(old).__name__}")
    new = cst.parse_expression(edit.code.strip())
    return parent.deep_replace(old, new)


def unified_diff(root: Path, changed: dict[str, str]) -> str:
    """A `git diff`-style patch from the files at `root` to `changed`."""
    chunks = []
    for relative, new in sorted(changed.items()):
        old = (root / relative).read_text(encoding="utf-8")
        if old == new:
            continue
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{relative}", f"b/{relative}")
        body = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
        chunks.append(f"diff --git a/{relative} b/{relative}\n{body}")
    return "".join(chunks)
