"""Runs INSIDE the sandbox: one formal job on one function, in one of four roles.

- `observe` with `generate`: the process that loads only the ORIGINAL chooses the inputs (seeds,
  recordings, random inputs from the annotations) and reports what the original does on each;
- `observe` without it: the process that loads only the VARIANT replays exactly those inputs and
  reports what it does (and which changed lines ran);
- `symbolic`: CrossHair's behavioural diff with both versions loaded (the only role that needs
  both): it may find a difference, which the parent replays in separated processes;
- `contracts`: CrossHair checks the contracts woven into the variant.

No verdict is reached here: every role reports over the authenticated channel (`_harness.py`) and
the parent compares, decides, and checks the fingerprints taken before the code under judgement
ran and before the last report. Self-contained (stdlib + CrossHair + its siblings copied beside
it). Usage: python _crucible_formal_worker.py JOB.json
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Any

TOOL_PACKAGES = {"crosshair": "crosshair-tool", "z3": "z3-solver"}
# The worker's own files, as named in verifiers/ and as copied into a sandboxed tree.
OWN_FILES = frozenset({f"{prefix}{name}.py" for prefix in ("_", "_crucible_")
                       for name in ("formal_worker", "harness", "inputs", "encode", "symbolic", "edges", "observe")})


class Watch:
    """The fingerprints of this process, sent before the code under judgement runs and at the end."""

    def __init__(self, harness: Any, channel: Any, job: Mapping[str, Any]) -> None:
        self.harness = harness
        self.channel = channel
        self.owned = list(job.get("owned", []))
        self.definitions = list(job.get("definitions", []))
        self.before: Any = None

    def start(self) -> None:
        # CrossHair and Z3 fill caches held in module globals (`crosshair.type_repo._MAP`) as they
        # analyse: their modules count by their functions and classes, the part one could rebind
        # to change an analysis (its options were read before this point).
        for package in ("crosshair", "z3"):
            where = getattr(sys.modules.get(package), "__file__", None)
            if isinstance(where, str):
                self.definitions.append(os.path.dirname(os.path.abspath(where)) + os.sep)
        self.before = self.harness.take(self.owned, only_definitions=self.definitions)
        self.channel.send("fingerprint-before", self.harness.digests(self.before))

    def finish(self) -> None:
        if self.before is not None:
            after = self.harness.take(self.owned, only_definitions=self.definitions)
            self.channel.send("fingerprint-after", {"digests": self.harness.digests(after),
                                                    "changes": self.harness.changes(self.before, after)})


def main(job_path: str) -> int:
    import _crucible_harness as harness  # type: ignore[import-not-found, unused-ignore]  # copied beside this file

    channel = harness.open_channel()  # first of all: the key is read before any project code runs
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, os.getcwd())
    if os.path.isdir("src"):
        sys.path.insert(0, os.path.join(os.getcwd(), "src"))
    watch = Watch(harness, channel, job)
    try:
        result = ROLES[job["role"]](job, watch)
    except BaseException as exc:  # CrossHair's internal errors are BaseExceptions: report them all
        result = {"outcome": "error", "summary": f"worker crashed: {type(exc).__name__}: {exc}",
                  "detail": traceback.format_exc()[-3000:], "culprit": culprit(exc), "exception": type(exc).__name__}
    watch.finish()
    channel.send("result", result)
    sys.stdout.flush()
    os._exit(0)  # do not run the variant's atexit hooks or wait for its threads


def culprit(exc: BaseException) -> str | None:
    """Whose failure a crash is: an analyser's distribution name, "crucible" for the worker's own
    code, or None when it came from the code under judgement (then it is a finding about it)."""
    top = (type(exc).__module__ or "").split(".")[0]
    if top in TOOL_PACKAGES:
        return TOOL_PACKAGES[top]
    frames = traceback.extract_tb(exc.__traceback__)
    innermost = os.path.abspath(frames[-1].filename) if frames else ""
    for package, distribution in TOOL_PACKAGES.items():
        if f"{os.sep}{package}{os.sep}" in innermost and f"{os.sep}site-packages{os.sep}" in innermost:
            return distribution
    here = os.path.dirname(os.path.abspath(__file__))
    return "crucible" if os.path.dirname(innermost) == here and os.path.basename(innermost) in OWN_FILES else None


# -- loading ---------------------------------------------------------------------------------

def resolve(module_name: str, qualname: str) -> tuple[Any, Any]:
    """(owner class or None, function object) for `qualname` in `module_name`."""
    owner: Any = importlib.import_module(module_name)
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    return (owner if path else None), inspect.getattr_static(owner, name)


def bound_callable(owner: Any, module: Any, qualname: str) -> Callable[..., Any]:
    leaf = qualname.split(".")[-1]
    return getattr(owner if owner is not None else module, leaf)  # type: ignore[no-any-return]


# -- contracts -------------------------------------------------------------------------------

def CONTRACTS(job: Mapping[str, Any], watch: Watch) -> dict[str, Any]:
    import crosshair.core_and_libs  # noqa: F401  (registers CrossHair's patches before any analysis)
    from crosshair.core_and_libs import analyze_function, run_checkables
    from crosshair.options import AnalysisKind, AnalysisOptionSet
    from crosshair.statespace import MessageType

    from _crucible_symbolic import function_info  # type: ignore[import-not-found]

    watch.start()
    owner, _ = resolve(job["module"], job["qualname"])
    info = function_info(owner, job["module"], job["qualname"])
    budget = job["budget"]
    options = AnalysisOptionSet(
        analysis_kind=[AnalysisKind.PEP316], per_condition_timeout=budget["search_seconds"],
        per_path_timeout=budget["per_path_seconds"], report_all=True,
    )
    messages = run_checkables(analyze_function(info, options))
    failures = [m for m in messages if m.state in (MessageType.POST_FAIL, MessageType.POST_ERR, MessageType.EXEC_ERR)]
    found = [
        {"state": m.state.value, "message": m.message, "file": m.filename, "line": m.line, "condition": source_line(m.filename, m.line)}
        for m in messages
    ]
    if failures:
        return {"outcome": "fail", "summary": failures[0].message, "messages": found}
    problems = [m for m in messages if m.state in (MessageType.SYNTAX_ERR, MessageType.IMPORT_ERR)]
    if problems:
        return {"outcome": "error", "summary": problems[0].message, "messages": found}
    if not messages or any(m.state is MessageType.PRE_UNSAT for m in messages):
        why = "no input satisfied the preconditions" if messages else "CrossHair checked nothing"
        return {"outcome": "unknown", "summary": why, "messages": found}
    exhaustive = all(m.state is MessageType.CONFIRMED for m in messages)
    return {"outcome": "pass", "strength": "exhaustive" if exhaustive else "bounded",
            "summary": "contract holds over all paths" if exhaustive else "no counterexample within budget",
            "messages": found}


def source_line(filename: str | None, line: int | None) -> str:
    try:
        with open(filename or "", encoding="utf-8") as handle:
            return handle.read().splitlines()[(line or 1) - 1].strip()
    except (OSError, IndexError):
        return ""


# -- symbolic search (both versions in one process) ------------------------------------------

def SYMBOLIC(job: Mapping[str, Any], watch: Watch) -> dict[str, Any]:
    import crosshair.core_and_libs  # noqa: F401  (registers CrossHair's patches before any analysis)

    import _crucible_symbolic as symbolic  # type: ignore[import-not-found, unused-ignore]

    modules = (job["module"], job["shadow"])
    fitted = symbolic.instrument(modules)
    original = importlib.import_module(job["shadow"])  # the original first: nothing of the variant has run
    watch.start()
    variant = importlib.import_module(job["module"])
    for name in job.get("shared_classes", []):  # unchanged classes: one class object for both
        if hasattr(variant, name):
            setattr(original, name, getattr(variant, name))
    owner_o, _ = resolve(job["shadow"], job["qualname"])
    owner_v, _ = resolve(job["module"], job["qualname"])
    if job.get("stub"):  # CrossHair builds inputs from the stub's types, the same for both versions
        from _crucible_inputs import apply_stub  # type: ignore[import-not-found, unused-ignore]

        for owner, module in ((owner_o, original), (owner_v, variant)):
            apply_stub(bound_callable(owner, module, job["qualname"]), module, job["stub"], job["qualname"])
    signature = None
    if job.get("signature"):
        from _crucible_inputs import infer_signature  # type: ignore[import-not-found, unused-ignore]

        from _crucible_observe import inputs_of  # type: ignore[import-not-found, unused-ignore]

        signature = infer_signature(bound_callable(owner_o, original, job["qualname"]), inputs_of(job["signature"]))  # from recorded inputs
    mutables = symbolic.shared_mutables(original, variant)
    return symbolic.compare_symbolic(job, owner_o, owner_v, original, variant, fitted, mutables, signature)  # type: ignore[no-any-return]


def OBSERVE(job: Mapping[str, Any], watch: Watch) -> dict[str, Any]:
    import _crucible_observe as observe  # type: ignore[import-not-found, unused-ignore]

    return observe.OBSERVE(job, watch)  # type: ignore[no-any-return]


ROLES: dict[str, Callable[[Mapping[str, Any], Watch], dict[str, Any]]] = {
    "contracts": CONTRACTS, "symbolic": SYMBOLIC, "observe": OBSERVE,
}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
