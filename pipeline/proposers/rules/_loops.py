"""Where work repeats, and where it can be done once instead: the loops and comprehensions that
run a node again and again, and the statement before which their invariant work can go.

Unlike `Facts.loops`, a `while` loop's test counts as inside the loop, and so do a
comprehension's element and conditions (not its first iterable, evaluated once).
"""

from __future__ import annotations

import libcst as cst

from pipeline.proposers.rules._analysis import Facts

__all__ = ["COMPREHENSIONS", "Repeater", "aliased", "bound_before", "movable", "placement", "repeaters", "shared_by",
           "source_changes"]

COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
Repeater = cst.For | cst.While | cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def repeaters(facts: Facts, node: cst.CSTNode) -> list[Repeater]:
    """The loops and comprehensions that evaluate `node` once per iteration, innermost first, up
    to the function (or a nested function, class or lambda: none when inside one)."""
    found: list[Repeater] = []
    child = node
    for ancestor in facts.ancestors(node):
        if isinstance(ancestor, _SCOPES):
            return found if ancestor is facts.function else []
        if isinstance(ancestor, cst.For) and child is ancestor.body:
            found.append(ancestor)
        elif isinstance(ancestor, cst.While) and (child is ancestor.body or child is ancestor.test):
            found.append(ancestor)
        elif isinstance(ancestor, COMPREHENSIONS) and not facts.inside(node, ancestor.for_in.iter):
            found.append(ancestor)
        child = ancestor
    return found


def placement(facts: Facts, repeater: Repeater) -> cst.CSTNode | None:
    """The statement (in an indented block) before which work done once for `repeater` goes."""
    statement = repeater if isinstance(repeater, (cst.For, cst.While)) else facts.statement(repeater)
    line = facts.line(statement)
    if not isinstance(line, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return None
    if not isinstance(facts.parents.get(line), cst.IndentedBlock):
        return None
    if isinstance(line, cst.SimpleStatementLine) and len(line.body) != 1:
        return None
    return line


def shared_by(facts: Facts, node: cst.CSTNode, names: frozenset[str], read_only: bool) -> Repeater | None:
    """The outermost repeater around `node` inside which none of `names` is rebound (and, with
    `read_only`, every use of them only reads), or None."""
    found = None
    for repeater in repeaters(facts, node):
        if any(facts.bindings(n, repeater) for n in names):
            break
        if read_only and not all(facts.read_only(u) for n in names for u in facts.loads(n, repeater)):
            break
        found = repeater
    return found


def movable(facts: Facts, statement: cst.CSTNode, repeater: Repeater) -> str | None:
    """The name `statement` binds, if the whole statement can move out of the loops (up to
    `repeater`) as it is: `name [: T] = <invariant value>` directly in a loop body (not the last
    statement), the name's only binding, every use of it in that loop body after it."""
    target = statement.targets[0].target if isinstance(statement, cst.Assign) and len(statement.targets) == 1 else None
    if isinstance(statement, cst.AnnAssign) and statement.value is not None:
        target = statement.target
    if not isinstance(target, cst.Name):
        return None
    name = target.value
    line = facts.line(statement)
    block = facts.parents.get(line)
    loop = facts.parents.get(block) if block is not None else None
    if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and isinstance(block, cst.IndentedBlock)):
        return None
    if not (isinstance(loop, (cst.For, cst.While)) and loop.body is block and facts.inside(loop, repeater)):
        return None
    if len(block.body) < 2 or len(facts.bindings(name)) != 1:
        return None
    uses = [u for u in facts.loads(name)]
    if not all(facts.inside(u, block) and facts.before(statement, u) for u in uses):
        return None
    return name


def aliased(facts: Facts, name: str) -> bool:
    """`name`'s object may also be reachable through another local: assigned to one (`b = a`,
    `b, c = a, x`, `(b := a)`), or bound by a `with … as` or a loop over a list holding it."""
    for use in facts.loads(name):
        child: cst.CSTNode = use
        for parent in facts.ancestors(use):
            if isinstance(parent, (cst.Element, cst.Tuple, cst.List, cst.StarredElement)):
                child = parent
                continue
            if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.NamedExpr, cst.AugAssign)) and parent.value is child:
                return True
            break
    return False


def source_changes(facts: Facts, name: str, scope: cst.CSTNode) -> bool:
    """`name` was set from another name (`members = group`) that `scope` may change."""
    for value in facts.assigned_values(name) or []:
        for source in (n for n in facts.walk(value) if isinstance(n, cst.Name) and n.value != name):
            if not all(facts.read_only(u) for u in facts.loads(source.value, scope)):
                return True
    return False


def bound_before(facts: Facts, name: str, anchor: cst.CSTNode) -> bool:
    """`name` holds one object from before `anchor` to its end: `Facts.available_before`, or the
    variable of a `for` loop around `anchor`, bound nowhere else."""
    if facts.available_before(name, anchor):
        return True
    bindings = facts.bindings(name)
    if len(bindings) != 1:
        return False
    loop = next((a for a in facts.ancestors(bindings[0]) if isinstance(a, (cst.For, cst.CompFor))), None)
    return isinstance(loop, cst.For) and facts.inside(bindings[0], loop.target) and facts.inside(anchor, loop.body)
