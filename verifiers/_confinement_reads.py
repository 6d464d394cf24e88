"""Confinement's checks of what code reads: imports, resolved names, strings. The base of the
second pass (`_confinement_check.Checker` adds the writes); one finding per offending node, and a
node a finding already covers (`claimed`) is not reported again under another rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import libcst as cst
from libcst.metadata import PositionProvider

from verifiers._confinement_names import (
    ARG_MUTATORS, ATTRIBUTE_WRITERS, BARE_INTROSPECTION, ENVIRONMENT, ENVIRONMENT_PREFIXES, FOREIGN_WRITE,
    INTROSPECTION, JUDGE, JUDGE_WORDS, NEW_IMPORT, RAW_CHANNEL, RAW_PATH_PREFIXES, STD_STREAMS, STREAM_RAW,
    STREAM_USES,
    introspective_attribute, introspective_name, judge_module, judge_string, matching,
)
from verifiers._confinement_resolve import Aliases, Resolver, import_names, literal_string
from verifiers.bindings import Finding

__all__ = ["ReadChecker"]

WHY: dict[str, str] = {
    FOREIGN_WRITE: "code under judgement may only change state it owns, never what the judge or other modules use",
    INTROSPECTION: "interpreter introspection reaches the judge's frames, code and modules",
    JUDGE: "only code looking for its judge needs the judge's machinery",
    NEW_IMPORT: "the original project never imports it and it is not a pure standard-library module on the allow-list",
    ENVIRONMENT: "the process's identity and environment differ under the judge, so code could branch on being judged",
    RAW_CHANNEL: "raw file descriptors bypass the streams the judge captures and could forge its output",
}


class ReadChecker(Resolver):
    def __init__(self, root: Path, package: str, aliases: Aliases, known: Callable[[str], bool]) -> None:
        super().__init__(root, package, aliases)
        self.known = known  # whether a module may be imported without being new
        self.findings: list[Finding] = []
        self.claimed: set[cst.CSTNode] = set()  # nodes a finding already covers
        self.callees: set[cst.CSTNode] = set()  # `f` in `f(...)`

    def report(self, rule: str, node: cst.CSTNode, what: str) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        code = " ".join(cst.Module([]).code_for_node(node).split())
        self.findings.append(Finding(rule, f"{what}: refused, {WHY[rule]}", line, code))

    def claim(self, node: cst.BaseExpression) -> None:
        """`node` and the chain it is read through (`a.b[c].d`: every prefix)."""
        self.claimed.add(node)
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            self.claim(node.value)
        elif isinstance(node, cst.Call):
            self.claim(node.func)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self.claim(element.value)
        elif isinstance(node, cst.StarredElement):
            self.claim(node.value)

    # -- imports -------------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        self._check_import(node, [(module, module) for module, _ in import_names(node, "")])
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = self.absolute(node)
        names = import_names(node, module)
        self._check_import(node, [(module, f"{module}.{n}" if n and n != "*" else module) for _, n in names])
        return False

    def _check_import(self, node: cst.CSTNode, modules: list[tuple[str, str]]) -> None:
        """One finding per statement and rule; `modules` are (module, module.name) pairs."""
        found: dict[str, str] = {}
        for module, full in modules:
            if judge_module(module) or judge_module(full):
                found.setdefault(JUDGE, f"imports {full}, part of the judge's machinery")
            elif (hit := matching({module, full})) is not None:
                found.setdefault(hit[0], f"imports {hit[1]}")
            elif not self.known(module):
                found.setdefault(NEW_IMPORT, f"imports {module}, a module new to the project")
        for rule, what in found.items():
            self.report(rule, node, what)

    # -- names ---------------------------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node in self.claimed:
            return False
        attr = node.attr.value
        if introspective_attribute(attr):
            self.report(INTROSPECTION, node, f"reads {attr}")
        elif _is_name(node.value, "__name__"):
            self.report(INTROSPECTION, node, "inspects the module's own __name__, which differs under the judge")
        elif self._check_names(node) and not self._check_stream_use(node):
            node.value.visit(self)  # never the attribute's own name: it is not a variable
        return False

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        """`os.environ["HOME"]`, `vars(os)["environ"]`, `sys.modules["inspect"]`."""
        return node in self.claimed or self._check_names(node)

    def visit_Name(self, node: cst.Name) -> None:
        if node in self.claimed:
            return
        if node.value in BARE_INTROSPECTION:
            self.report(INTROSPECTION, node, f"reads {node.value}")
        else:
            self._check_names(node)

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # a keyword is not a variable
        return False

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """`__name__ == "__main__"` is the one comparison of `__name__` that tells nothing."""
        operands = [node.left, *(c.comparator for c in node.comparisons)]
        if any(_is_name(o, "__name__") for o in operands) and not all(
            _is_name(o, "__name__") or literal_string(o) == "__main__" for o in operands
        ):
            self.report(INTROSPECTION, node, "compares the module's own __name__, which differs under the judge")

    def _check_names(self, node: cst.BaseExpression) -> bool:
        """Report what `node` resolves to if a rule refuses it; whether to look further inside."""
        meanings = self.meanings(node)
        hit = matching(meanings)
        if hit is not None:
            self.report(hit[0], node, f"uses {hit[1].replace('[]', '[...]')}")
            return False
        writers = meanings & (ATTRIBUTE_WRITERS | ARG_MUTATORS)
        if writers and node not in self.callees:
            self.report(FOREIGN_WRITE, node, f"passes {min(writers)} as a value, so what it writes cannot be checked")
            return False
        return True

    def _check_stream_use(self, node: cst.Attribute) -> bool:
        """`sys.stdout.write` is fine; `sys.stdout.isatty()`, `.fileno()`, `.name` tell whether
        the judge captures the stream."""
        streams = self.meanings(node.value) & STD_STREAMS
        attr = node.attr.value
        if not streams or attr in STREAM_USES:
            return False
        rule = RAW_CHANNEL if attr in STREAM_RAW else ENVIRONMENT
        self.report(rule, node, f"inspects {min(streams)}.{attr}, which differs when the judge captures it")
        return True

    # -- strings -------------------------------------------------------------------------------
    def visit_Expr(self, node: cst.Expr) -> bool:
        """A string on its own (a docstring) does nothing."""
        return not isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        self._check_string(node, value if isinstance(value, str) else value.decode("latin-1"))

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        value = literal_string(node)
        if value is not None:
            self._check_string(node, value)
        return value is None

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> bool:
        value = literal_string(node)
        if value is not None:
            self._check_string(node, value)
        return value is None

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        texts = [p.value if isinstance(p, cst.FormattedStringText) else None for p in node.parts]
        if texts and texts[0] is not None:
            self._check_string(node, texts[0], prefix_only=True)
        for text in texts:
            if text is not None and any(word in text.lower() for word in JUDGE_WORDS):
                self._check_string(node, text)

    def _check_string(self, node: cst.CSTNode, value: str, *, prefix_only: bool = False) -> None:
        if not prefix_only and judge_string(value):
            self.report(JUDGE, node, f"names the judge's machinery in the string {value[:60]!r}")
        elif not prefix_only and introspective_name(value):
            self.report(INTROSPECTION, node, f"names the interpreter attribute {value!r} (for getattr and the like)")
        elif value.startswith(ENVIRONMENT_PREFIXES) or value in {"/proc", "/sys", "/dev/fd"}:
            self.report(ENVIRONMENT, node, f"names the process's own view of itself, {value[:60]!r}")
        elif value.startswith(RAW_PATH_PREFIXES):
            self.report(RAW_CHANNEL, node, f"names the process's own streams, {value[:60]!r}")


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name
