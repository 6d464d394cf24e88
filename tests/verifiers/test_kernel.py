"""The safety kernel: `kernel.toml` parses or is refused naming the key; the digest covers every
protected thing and nothing else; `crucible.lock` pins it and refuses to be edited by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import BadInput, IntegrityError
from verifiers.kernel import (
    LOCK_FILE,
    KernelDigest,
    KernelSpec,
    ProtectedSymbol,
    compute_digest,
    load_kernel,
    protected_paths,
    read_lock,
    verify_lock,
    write_lock,
)
from verifiers.tree import copy_tree

KERNEL = "specs/kernel.toml"


def kernel_of(root: Path) -> KernelSpec:
    return load_kernel(load_config(root))


def digest_of(root: Path) -> KernelDigest:
    config = load_config(root)
    return compute_digest(root, config, load_kernel(config))


def one_line(error: type[Exception], action: Callable[[], object]) -> str:
    with pytest.raises(error) as caught:
        action()
    message = str(caught.value)
    assert message and "\n" not in message, message
    return message


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- kernel.toml -------------------------------------------------------------------------------

def test_tiny_kernel_spec(tiny: Path) -> None:
    kernel = kernel_of(tiny)
    assert kernel == KernelSpec(
        path=KERNEL, protected_files=("agent/safety.py",),
        protected_symbols=(ProtectedSymbol("agent.limits", "MAX_STEPS"),),
        forbidden_imports=("subprocess", "socket", "ctypes", "builtins"),
    )
    assert kernel.protected_modules == ("agent.safety",)
    assert kernel.protected_symbols[0].key == "agent.limits:MAX_STEPS"
    assert kernel.protected_symbols[0].dotted == "agent.limits.MAX_STEPS"


def test_empty_kernel_spec_is_allowed(tiny: Path) -> None:
    (tiny / KERNEL).write_text("", encoding="utf-8")
    assert kernel_of(tiny) == KernelSpec(KERNEL, (), (), ())


def test_protected_entries_accept_directories_packages_and_methods(tiny: Path) -> None:
    add(tiny, "agent/policy.py", "class Policy:\n    def allow(self) -> bool:\n        return True\n")
    (tiny / KERNEL).write_text(
        'protected = ["agent/", "./agent/safety.py", "agent:__doc__", "agent.policy:Policy.allow"]\n', encoding="utf-8",
    )
    kernel = kernel_of(tiny)
    assert kernel.protected_files == ("agent", "agent/safety.py")
    assert [s.key for s in kernel.protected_symbols] == ["agent:__doc__", "agent.policy:Policy.allow"]


BAD_SPECS = [
    ("unknown-key", 'protected = []\nallowed_imports = ["os"]\n', "unknown key 'allowed_imports'"),
    ("protected-not-a-list", 'protected = "agent/safety.py"\n', "key 'protected' must be a list of strings"),
    ("protected-item-not-string", "protected = [1]\n", "key 'protected' must be a list of strings"),
    ("protected-file-missing", 'protected = ["agent/guard.py"]\n', "'agent/guard.py' is not a file or directory"),
    ("protected-absolute", 'protected = ["/etc/passwd"]\n', "'/etc/passwd' is not a file or directory"),
    ("protected-parent", 'protected = ["../tiny/agent/safety.py"]\n', "is not a file or directory"),
    ("protected-empty-string", 'protected = [""]\n', "is not a file or directory"),
    ("symbol-no-qualname", 'protected = ["agent.limits:"]\n', "'agent.limits:' is not 'module:qualname'"),
    ("symbol-no-module", 'protected = [":MAX_STEPS"]\n', "is not 'module:qualname'"),
    ("symbol-file-path-module", 'protected = ["agent/limits.py:MAX_STEPS"]\n', "is not 'module:qualname'"),
    ("symbol-dashed-module", 'protected = ["agent-x.limits:MAX_STEPS"]\n', "is not 'module:qualname'"),
    ("symbol-space", 'protected = ["agent.limits:MAX STEPS"]\n', "is not 'module:qualname'"),
    ("symbol-digit-start", 'protected = ["agent.limits:1x"]\n', "is not 'module:qualname'"),
    ("symbol-two-colons", 'protected = ["agent.limits:MAX_STEPS:x"]\n', "is not 'module:qualname'"),
    ("symbol-trailing-dot", 'protected = ["agent.limits.:MAX_STEPS"]\n', "is not 'module:qualname'"),
    ("symbol-module-missing", 'protected = ["agent.missing:run"]\n', "module 'agent.missing'"),
    ("symbol-top-module-missing", 'protected = ["nothere:run"]\n', "module 'nothere'"),
    ("forbidden-not-a-list", 'forbidden_imports = "os"\n', "key 'forbidden_imports' must be a list of strings"),
    ("forbidden-bad-name", 'forbidden_imports = ["sub process"]\n', "'sub process' is not a dotted module name"),
    ("forbidden-double-dot", 'forbidden_imports = ["os..path"]\n', "'os..path' is not a dotted module name"),
    ("forbidden-relative", 'forbidden_imports = [".secrets"]\n', "'.secrets' is not a dotted module name"),
    ("invalid-toml", "protected = [\n", "not a readable TOML kernel spec"),
]


@pytest.mark.parametrize(("content", "fragment"), [(c, f) for _, c, f in BAD_SPECS], ids=[i for i, _, _ in BAD_SPECS])
def test_bad_kernel_spec_refused(tiny: Path, content: str, fragment: str) -> None:
    (tiny / KERNEL).write_text(content, encoding="utf-8")
    message = one_line(BadInput, lambda: kernel_of(tiny))
    assert message.startswith(f"{KERNEL}: "), message
    assert fragment in message, message


def test_non_utf8_kernel_spec_refused(tiny: Path) -> None:
    (tiny / KERNEL).write_bytes(b'protected = ["caf\xe9"]\n')
    assert one_line(BadInput, lambda: kernel_of(tiny)).startswith(f"{KERNEL}: ")


def test_always_protected_paths(tiny: Path) -> None:
    config = load_config(tiny)
    paths = protected_paths(config, load_kernel(config))
    for expected in (KERNEL, "specs", "tests", LOCK_FILE, "pyproject.toml", "crucible.toml", "conftest.py", "agent/safety.py"):
        assert expected in paths
    assert "agent" not in paths and "agent/core.py" not in paths


def test_benchmarks_are_protected_when_configured(tiny: Path) -> None:
    add(tiny, "bench/bench_core.py", "def test_x() -> None: ...\n")
    edit(tiny, "pyproject.toml", 'kernel = "specs/kernel.toml"\n', 'kernel = "specs/kernel.toml"\nbenchmarks = "bench"\n')
    config = load_config(tiny)
    assert "bench" in protected_paths(config, load_kernel(config))
    assert "file:bench/bench_core.py" in dict(digest_of(tiny).entries)


# --- the digest --------------------------------------------------------------------------------

def test_digest_covers_each_protected_kind(tiny: Path) -> None:
    assert sorted(dict(digest_of(tiny).entries)) == [
        "file:agent/safety.py", "file:pyproject.toml", "file:specs/agent/core.py", "file:specs/kernel.toml",
        "file:tests/test_core.py", "symbol:agent.limits:MAX_STEPS",
    ]


def test_digest_matches_the_committed_fixture_lock(tiny: Path) -> None:
    assert digest_of(tiny) == read_lock(tiny)


def test_digest_is_stable_across_copies(tiny: Path, tmp_path: Path) -> None:
    elsewhere = copy_tree(tiny, tmp_path / "some" / "other place")
    first, second = digest_of(tiny), digest_of(elsewhere)
    assert first == second and first.value == second.value
    assert first.value.startswith("sha256:") and len(first.value) == len("sha256:") + 64


def test_digest_ignores_caches(tiny: Path) -> None:
    before = digest_of(tiny)
    add(tiny, "tests/__pycache__/test_core.cpython-311.pyc", "cache")
    add(tiny, "specs/.mypy_cache/x.json", "{}")
    add(tiny, "specs/agent/core.pyc", "cache")
    assert digest_of(tiny) == before


def _relink(path: Path, target: str) -> None:
    path.unlink()
    path.symlink_to(target)


# (id, change to the tree, the difference verify_lock must name)
PROTECTED_CHANGES: list[tuple[str, Callable[[Path], object], str]] = [
    ("kernel-file", lambda r: edit(r, "agent/safety.py", '"answer"', '"answer", "delete"'), "changed file:agent/safety.py"),
    ("kernel-file-whitespace", lambda r: edit(r, "agent/safety.py", "ALLOWED = (", "ALLOWED  = ("), "changed file:agent/safety.py"),
    ("kernel-file-deleted", lambda r: (r / "agent/safety.py").unlink(), "missing file:agent/safety.py"),
    ("protected-symbol-value", lambda r: edit(r, "agent/limits.py", "MAX_STEPS = 10", "MAX_STEPS = 11"), "changed symbol:agent.limits:MAX_STEPS"),
    ("protected-symbol-annotated", lambda r: edit(r, "agent/limits.py", "MAX_STEPS = 10", "MAX_STEPS: int = 10"), "changed symbol:agent.limits:MAX_STEPS"),
    ("protected-symbol-rebound-later", lambda r: edit(r, "agent/limits.py", "\n\ndef steps_left", "\nif True:\n    MAX_STEPS = 1000\n\n\ndef steps_left"), "changed symbol:agent.limits:MAX_STEPS"),
    ("protected-symbol-augmented", lambda r: edit(r, "agent/limits.py", "\n\ndef steps_left", "\nMAX_STEPS += 1\n\n\ndef steps_left"), "changed symbol:agent.limits:MAX_STEPS"),
    ("protected-symbol-removed", lambda r: edit(r, "agent/limits.py", "MAX_STEPS = 10\n", ""), "changed symbol:agent.limits:MAX_STEPS"),
    ("protected-symbol-module-broken", lambda r: edit(r, "agent/limits.py", "MAX_STEPS = 10", "MAX_STEPS = (10"), "changed symbol:agent.limits:MAX_STEPS"),
    ("kernel-spec", lambda r: edit(r, KERNEL, '"builtins"]', '"builtins", "pickle"]'), "changed file:specs/kernel.toml"),
    ("kernel-spec-comment", lambda r: edit(r, KERNEL, "protected", "# a comment\nprotected"), "changed file:specs/kernel.toml"),
    ("spec-file", lambda r: edit(r, "specs/agent/core.py", "post: len", "post: True or len"), "changed file:specs/agent/core.py"),
    ("spec-file-added", lambda r: add(r, "specs/agent/limits.py", "def steps_left(used: int) -> int: ...\n"), "new file:specs/agent/limits.py"),
    ("test-file", lambda r: edit(r, "tests/test_core.py", '== ["search"]', '== ["search", "answer"]'), "changed file:tests/test_core.py"),
    ("test-file-deleted", lambda r: (r / "tests/test_core.py").unlink(), "missing file:tests/test_core.py"),
    ("test-file-added", lambda r: add(r, "tests/test_more.py", "def test_ok() -> None: ...\n"), "new file:tests/test_more.py"),
    ("test-conftest-added", lambda r: add(r, "tests/conftest.py", "collect_ignore = ['test_core.py']\n"), "new file:tests/conftest.py"),
    ("config", lambda r: edit(r, "pyproject.toml", "strict = true", "strict = false"), "changed file:pyproject.toml"),
    ("root-conftest", lambda r: add(r, "conftest.py", "import pytest\n"), "new file:conftest.py"),
    ("setup-cfg", lambda r: add(r, "setup.cfg", "[tool:pytest]\naddopts = -p no:randomly\n"), "new file:setup.cfg"),
    ("semgrepignore", lambda r: add(r, ".semgrepignore", "agent/\n"), "new file:.semgrepignore"),
    ("test-file-symlinked", lambda r: _relink(r / "tests/test_core.py", "/dev/null"), "changed file:tests/test_core.py"),
]


@pytest.mark.parametrize(("change", "named"), [(c, n) for _, c, n in PROTECTED_CHANGES], ids=[i for i, _, _ in PROTECTED_CHANGES])
def test_change_to_protected_content_is_detected_and_named(tiny: Path, change: Callable[[Path], object], named: str) -> None:
    config = load_config(tiny)
    kernel = load_kernel(config)
    change(tiny)
    message = one_line(IntegrityError, lambda: verify_lock(config, kernel))
    assert message.startswith(f"{LOCK_FILE}: tree does not match the lock: "), message
    assert named in message, message


UNPROTECTED_CHANGES: list[tuple[str, Callable[[Path], object]]] = [
    ("other-function-in-symbol-module", lambda r: edit(r, "agent/limits.py", "max(0, MAX_STEPS - used)", "max(0, MAX_STEPS - used - 0)")),
    ("docstring-of-symbol-module", lambda r: edit(r, "agent/limits.py", "Run limits;", "Limits of a run;")),
    ("new-function-in-symbol-module", lambda r: edit(r, "agent/limits.py", "\n\ndef steps_left", "\n\ndef helper() -> int:\n    return 1\n\n\ndef steps_left")),
    ("source-module", lambda r: edit(r, "agent/core.py", "seen: list[str] = []", "seen: list[str] = list()")),
    ("new-source-module", lambda r: add(r, "agent/extra.py", "X = 1\n")),
    ("readme", lambda r: add(r, "README.md", "# tiny\n")),
]


@pytest.mark.parametrize("change", [c for _, c in UNPROTECTED_CHANGES], ids=[i for i, _ in UNPROTECTED_CHANGES])
def test_change_outside_the_kernel_is_not_a_difference(tiny: Path, change: Callable[[Path], object]) -> None:
    config = load_config(tiny)
    kernel = load_kernel(config)
    locked = read_lock(tiny)
    change(tiny)
    assert verify_lock(config, kernel) == locked


def test_many_differences_are_summarised(tiny: Path) -> None:
    config = load_config(tiny)
    kernel = load_kernel(config)
    for n in range(7):
        add(tiny, f"tests/test_extra_{n}.py", "")
    message = one_line(IntegrityError, lambda: verify_lock(config, kernel))
    assert "new file:tests/test_extra_4.py" in message and "test_extra_5" not in message
    assert message.endswith("(and 2 more)")


def test_differences_order_changed_missing_new() -> None:
    lock = KernelDigest((("a", "1"), ("b", "2"), ("c", "3")))
    tree = KernelDigest((("a", "9"), ("c", "3"), ("d", "4")))
    assert tree.differences(lock) == ["changed a", "missing b", "new d"]
    assert lock.differences(lock) == []


# --- crucible.lock -----------------------------------------------------------------------------

def test_lock_round_trip(tiny: Path) -> None:
    (tiny / LOCK_FILE).unlink()
    config = load_config(tiny)
    kernel = load_kernel(config)
    written = write_lock(config, kernel)
    assert read_lock(tiny) == written == verify_lock(config, kernel)
    payload = json.loads((tiny / LOCK_FILE).read_text(encoding="utf-8"))
    assert payload == {"format": 1, "digest": written.value, "entries": dict(written.entries)}


def test_lock_is_deterministic(tiny: Path) -> None:
    config = load_config(tiny)
    kernel = load_kernel(config)
    committed = (tiny / LOCK_FILE).read_bytes()
    write_lock(config, kernel)
    assert (tiny / LOCK_FILE).read_bytes() == committed
    assert [p.name for p in tiny.iterdir() if p.name.startswith(f".{LOCK_FILE}")] == []


def test_lock_refuses_an_undefined_symbol(tiny: Path) -> None:
    (tiny / KERNEL).write_text('protected = ["agent.limits:MAX_TOKENS"]\n', encoding="utf-8")
    config = load_config(tiny)
    before = (tiny / LOCK_FILE).read_bytes()
    message = one_line(BadInput, lambda: write_lock(config, load_kernel(config)))
    assert message == f"{KERNEL}: protected symbol agent.limits:MAX_TOKENS is not defined"
    assert (tiny / LOCK_FILE).read_bytes() == before


def test_relock_after_a_change_accepts_the_new_tree(tiny: Path) -> None:
    config = load_config(tiny)
    kernel = load_kernel(config)
    edit(tiny, "agent/limits.py", "MAX_STEPS = 10", "MAX_STEPS = 11")
    write_lock(config, kernel)
    assert verify_lock(config, kernel) == read_lock(tiny)


def test_missing_lock(tiny: Path) -> None:
    (tiny / LOCK_FILE).unlink()
    config = load_config(tiny)
    message = one_line(IntegrityError, lambda: verify_lock(config, load_kernel(config)))
    assert message.startswith(f"{LOCK_FILE}: missing") and "crucible kernel lock" in message


def _rewrite(root: Path, change: Callable[[dict[str, object]], object]) -> None:
    path = root / LOCK_FILE
    payload = json.loads(path.read_text(encoding="utf-8"))
    change(payload)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _entries(payload: dict[str, object]) -> dict[str, str]:
    entries = payload["entries"]
    assert isinstance(entries, dict)
    return entries


# (id, how the lock is hand-edited, fragment of the refusal)
HAND_EDITED: list[tuple[str, Callable[[Path], object], str]] = [
    ("entry-changed", lambda r: _rewrite(r, lambda p: _entries(p).update({"file:tests/test_core.py": "0" * 64})), "edited by hand"),
    ("entry-removed", lambda r: _rewrite(r, lambda p: _entries(p).pop("file:agent/safety.py")), "edited by hand"),
    ("entry-added", lambda r: _rewrite(r, lambda p: _entries(p).update({"file:tests/extra.py": "0" * 64})), "edited by hand"),
    ("digest-changed", lambda r: _rewrite(r, lambda p: p.update({"digest": "sha256:" + "0" * 64})), "edited by hand"),
    ("digest-removed", lambda r: _rewrite(r, lambda p: p.pop("digest")), "edited by hand"),
    ("format-changed", lambda r: _rewrite(r, lambda p: p.update({"format": 2})), "unreadable"),
    ("format-removed", lambda r: _rewrite(r, lambda p: p.pop("format")), "unreadable"),
    ("entries-removed", lambda r: _rewrite(r, lambda p: p.pop("entries")), "unreadable"),
    ("entries-a-list", lambda r: _rewrite(r, lambda p: p.update({"entries": []})), "unreadable"),
    ("not-json", lambda r: (r / LOCK_FILE).write_text("digest = 1\n", encoding="utf-8"), "unreadable"),
    ("truncated-json", lambda r: (r / LOCK_FILE).write_text('{"format": 1, "entr', encoding="utf-8"), "unreadable"),
    ("json-list", lambda r: (r / LOCK_FILE).write_text("[1, 2]\n", encoding="utf-8"), "unreadable"),
    ("json-null", lambda r: (r / LOCK_FILE).write_text("null\n", encoding="utf-8"), "unreadable"),
    ("empty", lambda r: (r / LOCK_FILE).write_text("", encoding="utf-8"), "unreadable"),
    ("not-utf8", lambda r: (r / LOCK_FILE).write_bytes(b"\xff\xfe{}"), "unreadable"),
]


@pytest.mark.parametrize(("tamper", "fragment"), [(t, f) for _, t, f in HAND_EDITED], ids=[i for i, _, _ in HAND_EDITED])
def test_hand_edited_lock_refused(tiny: Path, tamper: Callable[[Path], object], fragment: str) -> None:
    tamper(tiny)
    message = one_line(IntegrityError, lambda: read_lock(tiny))
    assert message.startswith(f"{LOCK_FILE}: ") and fragment in message, message


def test_consistently_forged_lock_still_fails_verify(tiny: Path) -> None:
    """Recomputing the digest after editing an entry passes read_lock, but not verify_lock."""
    def forge(payload: dict[str, object]) -> None:
        entries = _entries(payload)
        entries["file:tests/test_core.py"] = "0" * 64
        payload["digest"] = KernelDigest(tuple(sorted(entries.items()))).value

    _rewrite(tiny, forge)
    config = load_config(tiny)
    read_lock(tiny)
    message = one_line(IntegrityError, lambda: verify_lock(config, load_kernel(config)))
    assert "changed file:tests/test_core.py" in message


# Module-level rebindings of a protected symbol in every syntactic form change its lock hash.
REBINDINGS = [
    "from os import sep as MAX_STEPS\n",
    "import os as MAX_STEPS\n",
    "for MAX_STEPS in range(3):\n    pass\n",
    "(MAX_STEPS := 5)\n",
    "del MAX_STEPS\n",
    "globals()['MAX_STEPS'] = 5\n",
]


@pytest.mark.parametrize("rebinding", REBINDINGS)
def test_other_rebindings_change_the_symbol_hash(tiny: Path, rebinding: str) -> None:
    before = dict(digest_of(tiny).entries)["symbol:agent.limits:MAX_STEPS"]
    with (tiny / "agent/limits.py").open("a", encoding="utf-8") as handle:
        handle.write("\n" + rebinding)
    assert dict(digest_of(tiny).entries)["symbol:agent.limits:MAX_STEPS"] != before
