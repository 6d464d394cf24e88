"""What a change touches, found by comparing syntax trees (never the diff text): changed
functions and methods, module-level names whose binding changed, and the functions that read
those names or call a changed function."""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verifiers.base import ChangeKind, Variant
from verifiers.symbols import module_name_for

__all__ = ["ModuleChange", "changed_hunks", "changed_modules", "function_index"]


@dataclass(frozen=True)
class ModuleChange:
    """One changed Python module of `source`."""

    module: str
    path: str
    changed: tuple[str, ...]  # functions/methods present in both versions whose code differs
    added: tuple[str, ...]  # functions/methods only in the variant
    removed: tuple[str, ...]  # functions/methods only in the original
    state_names: tuple[str, ...]  # module-level names (not defs) whose binding differs
    readers: tuple[str, ...]  # unchanged functions that read a changed state name
    callers: tuple[str, ...]  # unchanged functions that call a changed function

    @property
    def to_check(self) -> tuple[str, ...]:
        """Everything whose behaviour the change may alter, in a stable order."""
        return tuple(dict.fromkeys((*self.changed, *self.readers, *self.callers)))


def function_index(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions and methods of top-level classes (nested ones too), by qualname,
    including those defined under a module-level `if`/`try`/`with` (the last one of a name)."""
    return {qualname: nodes[-1] for qualname, nodes in _definitions(tree).items()}


def _definitions(tree: ast.Module) -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every definition of each qualname: a `def` under `if`/`else` or `try`/`except` may have
    one per branch, and a change to any of them is a change."""
    found: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.setdefault(prefix + node.name, []).append(node)
            elif isinstance(node, ast.ClassDef):
                walk(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.If, ast.Try, ast.With)) and not prefix:
                for block in _blocks(node):
                    walk(block, prefix)

    walk(tree.body, "")
    return found


def _blocks(node: ast.If | ast.Try | ast.With) -> Iterator[list[ast.stmt]]:
    yield node.body
    if isinstance(node, ast.If):
        yield node.orelse
    elif isinstance(node, ast.Try):
        yield from (handler.body for handler in node.handlers)
        yield node.orelse
        yield node.finalbody


def changed_modules(variant: Variant) -> list[ModuleChange]:
    """Per changed module, what differs between the original and the variant."""
    found = []
    for change in variant.changes:
        module = module_name_for(change.path)
        if module is None or change.kind is ChangeKind.DELETED:
            continue
        original_path = change.renamed_from or change.path
        before = _parse(variant.original_root / original_path) if change.kind is not ChangeKind.ADDED or change.renamed_from else ast.Module([], [])
        after = _parse(variant.root / change.path)
        if before is None or after is None:
            continue
        found.append(_compare(module, change.path, before, after))
    return found


def _parse(path: Path) -> ast.Module | None:
    if not path.is_file():
        return ast.Module([], [])
    try:
        return ast.parse(path.read_bytes())
    except SyntaxError:
        return None


def _compare(module: str, path: str, before: ast.Module, after: ast.Module) -> ModuleChange:
    old, new = function_index(before), function_index(after)
    old_all, new_all = _definitions(before), _definitions(after)
    changed = tuple(q for q in new if q in old and [_code(n) for n in old_all[q]] != [_code(n) for n in new_all[q]])
    added, removed = tuple(q for q in new if q not in old), tuple(q for q in old if q not in new)
    old_state, new_state = _state(before), _state(after)
    state_names = tuple(sorted(n for n in old_state.keys() | new_state.keys() if old_state.get(n) != new_state.get(n)))
    unchanged = [q for q in new if q in old and q not in changed]
    # A def added or removed rebinds a name too: a new `steps_left` shadows the imported one, a new
    # `__eq__` changes every comparison of its class.
    rebound = set(state_names) | {f"{q.rpartition('.')[0]}.<header>" if "." in q else q for q in (*added, *removed)}
    readers = tuple(q for q in unchanged if _reads(q, new[q], rebound))
    changed_leaves = {q.rsplit(".", 1)[-1] for q in changed}
    callers = tuple(q for q in unchanged if q not in readers and _names_used(new[q]) & changed_leaves)
    return ModuleChange(module, path, changed, added, removed, state_names, readers, callers)


def _reads(qualname: str, node: ast.AST, names: set[str]) -> bool:
    """`node` reads one of `names`: by name; a class attribute through any object (`self.LIMIT`);
    a class whose header or effects changed, by naming it or being one of its methods."""
    read, used = _names_read(node), _names_used(node)
    for name in names:
        owner, _, attr = name.rpartition(".")
        if name in read or (owner and attr in used):
            return True
        if owner and attr.startswith("<") and (owner in read or qualname.startswith(f"{owner}.")):
            return True
    return False


def _code(node: ast.AST) -> str:
    return ast.dump(node, include_attributes=False)


def _state(tree: ast.Module) -> dict[str, str]:
    """Module-level bindings other than defs and classes, by name, as code."""
    state: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            state.update(_class_state(node) if isinstance(node, ast.ClassDef) else {})
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):  # each imported name by its own binding:
            for alias in node.names:                        # a neighbour dropped from the list changes nothing
                single = ast.ImportFrom(node.module, [alias], node.level) if isinstance(node, ast.ImportFrom) else ast.Import([alias])
                name = (alias.asname or alias.name).split(".")[0]
                state[name] = state.get(name, "") + _code(single)
            continue
        for name in _bound(node):
            state[name] = state.get(name, "") + _code(node)
    return state


def _class_state(node: ast.ClassDef) -> dict[str, str]:
    """Class-level attributes (not methods) count as module state: `Class.LIMIT`."""
    attributes: dict[str, str] = {}
    for item in node.body:
        if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in _bound(item):
                attributes[f"{node.name}.{name}"] = attributes.get(f"{node.name}.{name}", "") + _code(item)
    bases = _code(ast.Module([ast.Expr(b) for b in node.bases], [])) + "".join(_code(d) for d in node.decorator_list)
    attributes[f"{node.name}.<header>"] = bases
    return attributes


def _bound(node: ast.stmt) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
            yield child.id
        elif isinstance(child, ast.alias):
            yield (child.asname or child.name).split(".")[0]
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield child.name
    if _has_effects(node):  # a call, a loop, an attribute store at import time can change anything
        yield "<import-time-effects>"


def _has_effects(node: ast.stmt) -> bool:
    """More than binding names to values: anything but imports, docstrings and assignments to names."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
        return False
    if isinstance(node, ast.Expr):
        return not isinstance(node.value, ast.Constant)
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(n, (ast.Attribute, ast.Subscript)) for t in targets for n in ast.walk(t))
    return True


def _names_read(node: ast.AST) -> set[str]:
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    attributes = {f"{n.value.id}.{n.attr}" for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
    return names | attributes | {"<import-time-effects>"}


def _names_used(node: ast.AST) -> set[str]:
    """Names and attribute names the code loads: called (`f()`, `self.f()`) or passed (`map(f, xs)`)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def changed_hunks(before_source: str, after_source: str, before: ast.FunctionDef | ast.AsyncFunctionDef,
                  after: ast.FunctionDef | ast.AsyncFunctionDef) -> list[list[int]]:
    """The variant's lines (1-based, in its file) of each run of lines that differ inside one
    function. A change to the header (decorators, signature, defaults) is only exercised once
    the body runs, so it counts as the first body statement; a deletion counts as the line that
    now stands where the deleted lines were."""
    old_lines, new_lines = _span(before_source, before), _span(after_source, after)
    first, header_end, body_first = _first_line(after), after.body[0].lineno - 1, _first_body_line(after)
    hunks = []
    matcher = difflib.SequenceMatcher(None, [line.rstrip() for line in old_lines], [line.rstrip() for line in new_lines],
                                      autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines = list(range(first + j1, first + j2)) if j2 > j1 else [first + min(j1, len(new_lines) - 1)]
        lines = sorted({body_first if line <= header_end else line for line in lines})
        hunks.append(lines)
    return hunks


def _span(source: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    lines = source.splitlines()
    return lines[_first_line(node) - 1: (node.end_lineno or node.lineno)]


def _first_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _first_body_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The first statement that runs: a docstring is skipped when anything follows it."""
    body = node.body
    docstring = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)
    return body[1].lineno if docstring and len(body) > 1 else body[0].lineno
