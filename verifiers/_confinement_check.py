"""The second pass of confinement: what code writes (assignments, `del`, setattr and friends,
mutating calls, process-wide setters) and where modules escape to, on top of the reads."""

from __future__ import annotations

import libcst as cst

from verifiers._confinement_names import (
    ARG_MUTATORS, ATTRIBUTE_WRITERS, CLASS_MUTATORS, CONSTRUCTED_TYPES, ENVIRONMENT, FOREIGN_WRITE,
    GLOBAL_STATE_SETTERS, IDENTITY_ATTRIBUTES, INERT_CALLEES, INTROSPECTION, MUTATOR_METHODS,
    OBVIOUS_INT_METHODS, RAW_CHANNEL, RAW_OPENERS, STD_STREAMS, UNBOUND_METHOD_OWNERS,
    introspective_attribute,
)
from verifiers._confinement_aliases import written_arguments
from verifiers._confinement_reads import ReadChecker
from verifiers._confinement_resolve import literal_arg

__all__ = ["Checker"]


class Checker(ReadChecker):
    # -- writes --------------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check_target(target.target, node)
            self._check_stored(target.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._check_target(node.target, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check_target(node.target, node)
        if node.value is not None:
            self._check_stored(node.target, node.value)

    def visit_Del(self, node: cst.Del) -> None:
        self._check_target(node.target, node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.claim(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._check_target(node.target, node.target)

    def _check_target(self, target: cst.BaseExpression, statement: cst.CSTNode) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._check_target(element.value, statement)
            return
        if isinstance(target, cst.StarredElement):
            self._check_target(target.value, statement)
            return
        if isinstance(target, cst.Attribute):
            self._check_write(target.value, target.attr.value, statement)
        elif isinstance(target, cst.Subscript):
            self._check_write(target.value, None, statement)
        self.claim(target)

    def _check_write(self, owner: cst.BaseExpression, attr: str | None, node: cst.CSTNode) -> None:
        """A write of `owner.attr` (or of an item of `owner`, when `attr` is None)."""
        meanings = self.meanings(owner)
        written = {f"{m}.{attr}" for m in meanings} if attr else set()
        if attr and (attr in IDENTITY_ATTRIBUTES or introspective_attribute(attr)):
            self.report(INTROSPECTION, node, f"writes {attr}, which changes what an object is or runs")
        elif written & STD_STREAMS:
            self.report(RAW_CHANNEL, node, f"replaces {min(written & STD_STREAMS)}")
        elif meanings:
            what = f"attribute {attr}" if attr else "an item"
            self.report(FOREIGN_WRITE, node, f"writes {what} of {_owner(meanings)}, which this module does not own")

    def _check_stored(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """`record.mod = json`, `table["m"] = json`: a module stored where no alias follows it.
        (Plain names and `self.x` are followed: their later writes are checked.)"""
        followed = isinstance(target, (cst.Name, cst.Tuple, cst.List)) or (
            isinstance(target, cst.Attribute) and self.self_key(target) is not None
        )
        if not followed:
            self._check_escape(value, "stores")

    # -- calls ---------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> bool:
        self.callees.add(node.func)
        if node not in self.claimed and not self._check_names(node):  # `getattr(os, "environ")`
            return False
        callee = self.meanings(node.func)
        args = [a.value for a in node.args if a.keyword is None and not a.star]
        if callee & ATTRIBUTE_WRITERS and args:
            self._check_write(args[0], literal_arg(node, 1) or "(a name computed at run time)", node)
            self.claim(node.func)
        elif callee & ARG_MUTATORS and args:
            self._check_write(args[0], None, node)
        elif callee & GLOBAL_STATE_SETTERS:
            self.report(FOREIGN_WRITE, node, f"calls {min(callee & GLOBAL_STATE_SETTERS)}, which changes state the whole process shares")
            self.claim(node.func)
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in MUTATOR_METHODS | CLASS_MUTATORS:
            self._check_mutator(node, args)
        if callee & CONSTRUCTED_TYPES:
            self.report(INTROSPECTION, node, f"builds a {min(callee & CONSTRUCTED_TYPES)} from parts")
        if callee & RAW_OPENERS and args and self._obviously_int(args[0]):
            self.report(RAW_CHANNEL, node, "opens a file descriptor number")
        self._check_written_arguments(node)
        if callee & INERT_CALLEES:
            if "builtins.print" not in callee:  # `print(..., file=sys.stderr)` writes to it
                self._check_stream_probe(node)
        else:
            for arg in node.args:
                self._check_escape(arg.value, "hands")
        return True

    def _check_written_arguments(self, node: cst.Call) -> None:
        """`add(config.REGISTRY)` where this module's `add` writes to its parameter."""
        for function, parameter, value in written_arguments(self, node):
            meanings = self.meanings(value)
            if meanings and value not in self.claimed:
                what = f"hands {_owner(meanings)} to {function}(), which writes to its parameter {parameter}"
                self.report(FOREIGN_WRITE, node, what)
                self.claim(value)

    def _check_mutator(self, node: cst.Call, args: list[cst.BaseExpression]) -> None:
        assert isinstance(node.func, cst.Attribute)
        owner, method = node.func.value, node.func.attr.value
        meanings = self.meanings(owner)
        if method not in CLASS_MUTATORS and (meanings & UNBOUND_METHOD_OWNERS or (_class_like(owner) and args)):
            if args:  # `dict.update(d, ...)`: the method of a class, mutating its first argument
                self._check_write(args[0], None, node)
            return
        if meanings and not all(self.is_module(m) for m in meanings):  # `module.f()` is a call
            self.report(FOREIGN_WRITE, node, f"calls {method}() on {_owner(meanings)}, which this module does not own")
            self.claim(node.func)

    def _check_stream_probe(self, node: cst.Call) -> None:
        """`type(sys.stdout)`, `isinstance(sys.stderr, ...)`: whether the judge captures it."""
        for arg in node.args:
            streams = self.meanings(arg.value) & STD_STREAMS
            if streams:
                self.report(ENVIRONMENT, node, f"inspects {min(streams)}, which differs when the judge captures it")
                return

    def _obviously_int(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Integer):
            return True
        if isinstance(node, cst.UnaryOperation):
            return self._obviously_int(node.expression)
        if isinstance(node, cst.Call):
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in OBVIOUS_INT_METHODS:
                return True
            return "builtins.int" in self.meanings(node.func)
        return False

    # -- escapes -------------------------------------------------------------------------------
    def visit_Element(self, node: cst.Element) -> None:
        self._check_escape(node.value, "puts")

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._check_escape(node.value, "puts")

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._check_escape(node.value, "returns")

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self._check_escape(node.value, "yields")

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._check_escape(node.body, "returns")

    def visit_Match(self, node: cst.Match) -> None:
        self._check_escape(node.subject, "matches on")

    def _check_escape(self, value: cst.BaseExpression, how: str) -> None:
        """A module or namespace that leaves the names Crucible follows may be written out of sight."""
        if value in self.claimed:
            return
        meanings = {m for m in self.meanings(value) if self.namespace_like(m)}
        if meanings:
            self.report(FOREIGN_WRITE, value, f"{how} {_owner(meanings)} where Crucible cannot follow what is written to it")
            self.claim(value)


def _owner(meanings: set[str]) -> str:
    """What a finding says was written to, in words."""
    first = min(meanings)
    if first == "builtins" or first.startswith("builtins."):
        return f"the builtins ({first})"
    if first in {"<globals>", "<locals>"}:
        return f"the interpreter's namespace {first.strip('<>')}()"
    return first


def _class_like(node: cst.BaseExpression) -> bool:
    """`Counter` or `collections.OrderedDict`, by the naming convention (not `REGISTRY`, `items`)."""
    name = node.value if isinstance(node, cst.Name) else node.attr.value if isinstance(node, cst.Attribute) else ""
    return name[:1].isupper() and any(c.islower() for c in name)
