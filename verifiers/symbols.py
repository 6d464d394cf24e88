"""Finding where a `module:qualname` symbol is bound in a module's syntax tree."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import libcst as cst

__all__ = ["binding_statements", "dotted_name", "module_file", "module_name_for", "symbol_source"]

_COMPOUND = (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)


SOURCE_ROOTS = ("", "src/")  # flat layout, or the `src/` layout


def dotted_name(node: cst.BaseExpression) -> str:
    """`a.b.c` for a chain of names and attributes; "" for the part of anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""


def module_file(root: Path, module: str) -> str | None:
    """The project-relative file defining `module`, if the project has it."""
    base = module.replace(".", "/")
    for candidate in (f"{prefix}{base}{suffix}" for prefix in SOURCE_ROOTS for suffix in (".py", "/__init__.py")):
        if (root / candidate).is_file():
            return candidate
    return None


def module_name_for(relative: str) -> str | None:
    """`pkg/mod.py` -> `pkg.mod`; `pkg/__init__.py` -> `pkg`; None for non-Python files."""
    if not relative.endswith((".py", ".pyi")):
        return None
    parts = relative.removeprefix("src/").rsplit(".", 1)[0].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def _statements(body: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> Iterator[cst.CSTNode]:
    """Statements of one scope, looking through if/try/with/loops but not into defs."""
    for statement in body:
        yield statement
        if isinstance(statement, _COMPOUND):
            for child in statement.children:
                if isinstance(child, cst.BaseSuite):
                    yield from _suite_statements(child)
                elif isinstance(child, (cst.ExceptHandler, cst.ExceptStarHandler, cst.Else, cst.Finally)):
                    yield from _suite_statements(child.body)
        if isinstance(statement, cst.If) and isinstance(statement.orelse, cst.If):
            yield from _statements([statement.orelse])


def _suite_statements(suite: cst.BaseSuite) -> Iterator[cst.CSTNode]:
    if isinstance(suite, cst.IndentedBlock):
        yield from _statements(suite.body)
    elif isinstance(suite, cst.SimpleStatementSuite):
        yield from _statements(suite.body)


def _binds(statement: cst.CSTNode, name: str) -> bool:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return statement.name.value == name or _rebinds_inside(statement.decorators, name)
    if isinstance(statement, _COMPOUND):
        header = [c for c in statement.children if not isinstance(c, (cst.BaseSuite, cst.Else, cst.Finally, cst.ExceptHandler, cst.ExceptStarHandler))]
        return any(_rebinds_inside(part, name) for part in header) or (
            isinstance(statement, cst.For) and _target_binds(statement.target, name)
        ) or any(
            item.asname is not None and _target_binds(item.asname.name, name)
            for item in (statement.items if isinstance(statement, cst.With) else ())
        )
    if isinstance(statement, cst.SimpleStatementLine):
        return any(_binds(small, name) for small in statement.body)
    if isinstance(statement, cst.Assign):
        return any(_target_binds(t.target, name) for t in statement.targets) or _rebinds_inside(statement, name)
    if isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
        return _target_binds(statement.target, name) or _rebinds_inside(statement, name)
    if isinstance(statement, cst.Del):
        return _target_binds(statement.target, name)
    if isinstance(statement, (cst.Import, cst.ImportFrom)):
        return name in _imported_names(statement)
    return _rebinds_inside(statement, name)


def _imported_names(statement: cst.Import | cst.ImportFrom) -> set[str]:
    if isinstance(statement.names, cst.ImportStar):
        return {"*"}
    names = set()
    for alias in statement.names:
        bound: cst.BaseExpression = alias.asname.name if alias.asname is not None else alias.name
        while isinstance(bound, cst.Attribute) and isinstance(statement, cst.Import):
            bound = bound.value
        if isinstance(bound, cst.Name):
            names.add(bound.value)
    return names


def _rebinds_inside(node: cst.CSTNode | Sequence[cst.CSTNode], name: str) -> bool:
    """Walrus targets and `globals()` writes hidden inside an expression bind at this scope."""
    finder = _HiddenBinding(name)
    for part in node if isinstance(node, Sequence) else [node]:
        part.visit(finder)
    return finder.found


def _target_binds(target: cst.BaseExpression, name: str) -> bool:
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_target_binds(el.value, name) for el in target.elements)
    if isinstance(target, cst.StarredElement):
        return _target_binds(target.value, name)
    return False


class _HiddenBinding(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.found |= _target_binds(node.target, self.name)

    def visit_Call(self, node: cst.Call) -> None:
        # globals()[...] = …, globals().update(…): any write to the module namespace counts.
        self.found |= isinstance(node.func, cst.Name) and node.func.value in {"globals", "vars", "setattr"}


def binding_statements(module: cst.Module, qualname: str) -> list[cst.CSTNode]:
    """The statements that define `qualname` (`f`, `Class.method`), in source order."""
    body: Sequence[cst.BaseStatement | cst.BaseSmallStatement] = module.body
    *outer, last = qualname.split(".")
    for name in outer:
        classes = [s for s in _statements(body) if isinstance(s, cst.ClassDef) and s.name.value == name]
        if len(classes) != 1:
            return []
        suite = classes[0].body
        body = suite.body if isinstance(suite, (cst.IndentedBlock, cst.SimpleStatementSuite)) else []
    return [s for s in _statements(body) if _binds(s, last)]


def symbol_source(module: cst.Module, qualname: str) -> str | None:
    """The exact source of every statement binding `qualname`, or None when it is not defined."""
    found = binding_statements(module, qualname)
    if not found:
        return None
    return "\n".join(module.code_for_node(node) for node in found)
