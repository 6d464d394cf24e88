"""Facts about one function that the rules need to prove their preconditions: where each variable
is bound and read, what encloses a node, what was declared about a name's type.

Names are matched textually, ignoring scopes inside the function (a comprehension variable counts
as a use of the same name). That errs on the safe side: a rule sees more bindings and uses than
there are, so it skips, never rewrites wrongly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

__all__ = ["PURE_BUILTINS", "READ_METHODS", "Facts", "Loop", "logical_body"]

Loop = cst.For | cst.While
_CACHE: dict[cst.FunctionDef, Facts] = {}  # keyed by identity (libcst nodes hash by id); holds its keys
_CACHE_SIZE = 8
_LOCK = threading.Lock()
PURE_BUILTINS = frozenset({"len", "sorted", "min", "max", "sum", "list", "tuple", "set", "frozenset", "dict", "any",
                           "all", "enumerate", "zip", "reversed", "str", "repr", "bool", "isinstance", "abs", "iter"})
READ_METHODS = frozenset({"keys", "values", "items", "get", "count", "index", "copy", "startswith", "endswith",
                          "find", "lower", "upper", "strip", "split", "casefold", "issubset", "issuperset"})
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def logical_body(suite: cst.BaseSuite) -> list[cst.CSTNode]:
    """The statements of a body, with simple statement lines split into their small statements."""
    if isinstance(suite, cst.SimpleStatementSuite):
        return list(suite.body)
    flat: list[cst.CSTNode] = []
    for statement in suite.body:
        flat.extend(statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement])
    return flat


@dataclass(frozen=True)
class Facts:
    function: cst.FunctionDef
    parents: dict[cst.CSTNode, cst.CSTNode]
    order: dict[cst.CSTNode, int]  # preorder position
    ends: dict[cst.CSTNode, int]  # last preorder position inside the node
    variables: dict[str, list[cst.Name]]  # variable occurrences by name, in source order
    annotations: dict[str, cst.BaseExpression]  # a local's first annotated assignment
    nodes: list[cst.CSTNode]  # every node, in preorder

    @classmethod
    def of(cls, function: cst.FunctionDef) -> Facts:
        """The facts of `function` (the last few are remembered: every rule asks twice)."""
        with _LOCK:
            cached = _CACHE.get(function)
        if cached is None:
            cached = cls._build(function)
            with _LOCK:
                _CACHE[function] = cached
                while len(_CACHE) > _CACHE_SIZE:
                    _CACHE.pop(next(iter(_CACHE)))
        return cached

    @classmethod
    def _build(cls, function: cst.FunctionDef) -> Facts:
        parents: dict[cst.CSTNode, cst.CSTNode] = {}
        order: dict[cst.CSTNode, int] = {}
        ends: dict[cst.CSTNode, int] = {}
        nodes: list[cst.CSTNode] = []

        def visit(node: cst.CSTNode) -> None:
            order[node] = len(nodes)
            nodes.append(node)
            for child in node.children:
                parents[child] = node
                visit(child)
            ends[node] = len(nodes) - 1

        visit(function)
        facts = cls(function, parents, order, ends, {}, {}, nodes)
        for node in nodes:
            if isinstance(node, cst.Name) and facts._is_variable(node):
                facts.variables.setdefault(node.value, []).append(node)
            elif isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
                facts.annotations.setdefault(node.target.value, node.annotation.annotation)
        return facts

    # -- structure -----------------------------------------------------------------------------

    def walk(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        """`node` (part of the function) and everything below it, in source order."""
        return self.nodes[self.order[node]: self.ends[node] + 1]

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parents.get(node)
        while current is not None:
            yield current
            current = self.parents.get(current)

    def inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        start = self.order.get(container)
        return start is not None and start <= self.order[node] <= self.ends[container]

    def statement(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost small or compound statement holding `node`."""
        for candidate in [node, *self.ancestors(node)]:
            if isinstance(candidate, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                return candidate
        raise ValueError("node is not inside a statement")

    def line(self, statement: cst.CSTNode) -> cst.CSTNode:
        """The node that sits in a block for `statement`: its simple statement line, if any."""
        parent = self.parents.get(statement)
        return parent if isinstance(parent, cst.SimpleStatementLine) else statement

    def block(self, statement: cst.CSTNode) -> cst.BaseSuite:
        holder = self.parents.get(self.line(statement))
        if not isinstance(holder, cst.BaseSuite):
            raise ValueError("statement is not in a block")
        return holder

    def siblings(self, statement: cst.CSTNode) -> list[cst.CSTNode]:
        return logical_body(self.block(statement))

    def previous(self, statement: cst.CSTNode) -> cst.CSTNode | None:
        siblings = self.siblings(statement)
        index = next(i for i, s in enumerate(siblings) if s is statement)
        return siblings[index - 1] if index else None

    def loops(self, node: cst.CSTNode) -> list[Loop]:
        """Loops whose body holds `node`, innermost first, up to the function (or a nested scope)."""
        found: list[Loop] = []
        child = node
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, _SCOPES):
                break
            if isinstance(ancestor, (cst.For, cst.While)) and child is ancestor.body:
                found.append(ancestor)
            child = ancestor
        return found

    def in_nested_scope(self, node: cst.CSTNode) -> bool:
        return any(isinstance(a, _SCOPES) for a in self.ancestors(node) if a is not self.function)

    def own_loops(self) -> list[Loop]:
        """The function's loops, outermost first, leaving out those of nested functions and classes."""
        return [n for n in self.walk(self.function.body)
                if isinstance(n, (cst.For, cst.While)) and not self.in_nested_scope(n)]

    def before(self, a: cst.CSTNode, b: cst.CSTNode) -> bool:
        """`a` ends before `b` starts."""
        return self.order[a] < self.order[b] and not self.inside(b, a)

    def top_level(self, node: cst.CSTNode) -> cst.CSTNode:
        """The statement of the function's own body that holds `node`."""
        body = self.function.body
        for candidate in [node, *self.ancestors(node)]:
            if self.parents.get(self.line(candidate)) is body:
                return candidate
        raise ValueError("node is not in the function body")

    # -- names ---------------------------------------------------------------------------------

    def names(self, value: str | None = None, within: cst.CSTNode | None = None) -> list[cst.Name]:
        """Variable occurrences (not attribute names or keyword labels), in source order."""
        if value is None:
            found = sorted((n for ns in self.variables.values() for n in ns), key=self.order.__getitem__)
        else:
            found = self.variables.get(value, [])
        return found if within is None else [n for n in found if self.inside(n, within)]

    def _is_variable(self, name: cst.Name) -> bool:
        parent = self.parents.get(name)
        if isinstance(parent, cst.Attribute) and parent.attr is name:
            return False
        if isinstance(parent, cst.Arg) and parent.keyword is name:
            return False
        return not (isinstance(parent, cst.FunctionDef) and parent is self.function)

    def is_store(self, name: cst.Name) -> bool:
        child: cst.CSTNode = name
        for parent in self.ancestors(name):
            if isinstance(parent, (cst.Tuple, cst.List, cst.Element, cst.StarredElement)):
                child = parent
                continue
            return _binds(parent, child)
        return False

    def bindings(self, value: str, within: cst.CSTNode | None = None) -> list[cst.Name]:
        return [n for n in self.names(value, within) if self.is_store(n)]

    def loads(self, value: str, within: cst.CSTNode | None = None) -> list[cst.Name]:
        return [n for n in self.names(value, within) if not self.is_store(n)]

    def read_only(self, use: cst.Name) -> bool:
        """A load in a context that cannot change the object: `len(x)`, `x[i]`, `y in x`,
        `for y in x`, a non-mutating method, an argument of a pure builtin, an operand."""
        parent = self.parents.get(use)
        if isinstance(parent, cst.Arg):
            call = self.parents.get(parent)
            return isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in PURE_BUILTINS
        if isinstance(parent, cst.Attribute):
            call = self.parents.get(parent)
            return parent.attr.value in READ_METHODS and isinstance(call, cst.Call) and call.func is parent
        if isinstance(parent, cst.Subscript):
            return not self._stored(parent)
        if isinstance(parent, (cst.ComparisonTarget, cst.Comparison, cst.BinaryOperation, cst.UnaryOperation)):
            return True
        return isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is use

    def returned(self, use: cst.Name) -> bool:
        """`return x` or `return x, …`: handed to the caller as the function ends."""
        parent = self.parents.get(use)
        if isinstance(parent, cst.Return):
            return parent.value is use
        holder = self.parents.get(parent) if isinstance(parent, cst.Element) else None
        return isinstance(holder, cst.Tuple) and isinstance(self.parents.get(holder), cst.Return)

    def _stored(self, node: cst.CSTNode) -> bool:
        parent = self.parents.get(node)
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del, cst.For, cst.CompFor)):
            return getattr(parent, "target", None) is node
        return isinstance(parent, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)) and self._stored(parent)

    def param(self, value: str) -> cst.Param | None:
        params = self.function.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        return next((p for p in every if p.name.value == value), None)

    def annotation(self, value: str) -> cst.BaseExpression | None:
        """The declared type of a parameter or local (its first annotated assignment)."""
        param = self.param(value)
        if param is not None:
            return param.annotation.annotation if param.annotation else None
        return self.annotations.get(value)

    def assigned_values(self, value: str) -> list[cst.BaseExpression] | None:
        """The values of every binding of a local, or None if one is not a plain assignment."""
        values: list[cst.BaseExpression] = []
        for name in self.bindings(value):
            statement = self.parents.get(self.parents.get(name) or name)
            parent = self.parents.get(name)
            if isinstance(parent, cst.AnnAssign) and parent.value is not None:
                values.append(parent.value)
            elif isinstance(parent, cst.AssignTarget) and isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                values.append(statement.value)
            else:
                return None
        return values

    def is_stable_param(self, value: str) -> bool:
        """A parameter the function never rebinds."""
        return self.param(value) is not None and not [n for n in self.bindings(value) if not isinstance(self.parents.get(n), cst.Param)]

    def available_before(self, value: str, anchor: cst.CSTNode) -> bool:
        """`value` holds the same object everywhere from just before `anchor` to its end: a
        parameter never rebound, or a local bound once, unconditionally, before `anchor`."""
        if self.param(value) is not None:
            return self.is_stable_param(value)
        stores = self.bindings(value)
        if len(stores) != 1 or self.in_nested_scope(stores[0]):
            return False
        statement = self.statement(stores[0])
        if not isinstance(statement, (cst.Assign, cst.AnnAssign)):
            return False
        same_block = self.block(statement) is self.block(anchor)
        top = self.parents.get(self.line(statement)) is self.function.body
        return (same_block or top) and self.before(statement, anchor)

    def fresh(self, base: str, avoid: frozenset[str] = frozenset()) -> str:
        """A local name not used anywhere in the function (nor a builtin, nor in `avoid`)."""
        import builtins
        import keyword

        taken = {n.value for n in self.nodes if isinstance(n, cst.Name)} | avoid
        candidate, suffix = base, 2
        while candidate in taken or keyword.iskeyword(candidate) or hasattr(builtins, candidate):
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        return candidate


def _binds(parent: cst.CSTNode, child: cst.CSTNode) -> bool:
    if isinstance(parent, cst.AssignTarget):
        return parent.target is child
    if isinstance(parent, (cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr)):
        return parent.target is child
    if isinstance(parent, (cst.AsName, cst.Param, cst.FunctionDef, cst.ClassDef, cst.NameItem)):
        return True
    if isinstance(parent, cst.Del):
        return parent.target is child
    return isinstance(parent, cst.ImportAlias) and parent.asname is None
