"""Shadow modules on a real package: the original of every changed module is installed beside the
variant and imported in a fresh interpreter, to see which version each import form reaches."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from verifiers.shadow import SHADOW_PREFIX, install_shadows, shadow_name

# b reaches a in every import form, each bound to its own name.
B_IMPORTS = {
    "from_absolute": "from pkg.a import f as from_absolute",
    "from_relative": "from .a import f as from_relative",
    "package_relative": "from . import a as package_relative",
    "package_absolute": "from pkg import a as package_absolute",
    "import_alias": "import pkg.a as import_alias",
}
CALLS = {
    "from_absolute": "from_absolute()",
    "from_relative": "from_relative()",
    "package_relative": "package_relative.f()",
    "package_absolute": "package_absolute.f()",
    "import_alias": "import_alias.f()",
}


def b_source(label: str) -> str:
    imports = "\n".join(B_IMPORTS.values())
    calls = ", ".join(f"{k!r}: {v}" for k, v in CALLS.items())
    return f"{imports}\nfrom pkg import VERSION\n\n\ndef which() -> str:\n    return {label!r}\n\n\ndef calls() -> dict[str, str]:\n    return {{{calls}}}\n"


def write_package(root: Path, label: str) -> Path:
    """pkg/__init__.py, pkg/a.py and pkg/b.py, each saying which version it is (`label`)."""
    pkg = root / "pkg"
    sub = pkg / "sub"
    sub.mkdir(parents=True)
    (pkg / "__init__.py").write_text(f"VERSION = {label!r}\n")
    (pkg / "a.py").write_text(f"def f() -> str:\n    return {label!r}\n")
    (pkg / "b.py").write_text(b_source(label))
    (sub / "__init__.py").write_text("")
    (sub / "c.py").write_text(f"from ..a import f\nfrom .. import b\n\n\ndef g() -> str:\n    return {label!r} + ':' + f() + ':' + b.which()\n")
    return root


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    """(original tree, variant tree): every module of the variant says "variant"."""
    return write_package(tmp_path / "original", "original"), write_package(tmp_path / "variant", "variant")


def run(tree: Path, script: str) -> object:
    """Run `script` in a fresh interpreter in `tree`; it prints one JSON value."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=tree, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(("module", "path", "expected"), [
    ("agent.core", "agent/core.py", "agent._crucible_original_core"),
    ("agent.tools.search", "agent/tools/search.py", "agent.tools._crucible_original_search"),
    ("helpers", "helpers.py", "_crucible_original_helpers"),
    ("agent", "agent/__init__.py", "agent._crucible_original_agent"),
    ("agent.tools", "agent/tools/__init__.py", "agent.tools._crucible_original_tools"),
    ("agent.core", "src/agent/core.py", "agent._crucible_original_core"),
])
def test_shadow_name(module: str, path: str, expected: str) -> None:
    assert shadow_name(module, path) == expected
    assert expected.rpartition(".")[2].startswith(SHADOW_PREFIX)


def test_shadows_are_written_beside_their_modules(trees: tuple[Path, Path]) -> None:
    original, variant = trees
    modules = {"pkg.a": "pkg/a.py", "pkg.sub.c": "pkg/sub/c.py", "pkg": "pkg/__init__.py"}
    assert install_shadows(original, variant, modules) == {
        "pkg.a": "pkg._crucible_original_a", "pkg.sub.c": "pkg.sub._crucible_original_c", "pkg": "pkg._crucible_original_pkg",
    }
    assert (variant / "pkg" / "_crucible_original_a.py").read_text() == (original / "pkg" / "a.py").read_text()
    assert (variant / "pkg" / "_crucible_original_pkg.py").read_text() == (original / "pkg" / "__init__.py").read_text()
    assert (variant / "pkg" / "sub" / "_crucible_original_c.py").is_file()
    assert (variant / "pkg" / "a.py").read_text() == "def f() -> str:\n    return 'variant'\n", "the variant itself is untouched"


def test_both_changed_the_shadow_of_b_calls_the_shadow_of_a(trees: tuple[Path, Path]) -> None:
    original, variant = trees
    install_shadows(original, variant, {"pkg.a": "pkg/a.py", "pkg.b": "pkg/b.py"})
    result = run(variant, """
        import json
        import pkg.b, pkg._crucible_original_b as shadow
        print(json.dumps([shadow.which(), shadow.calls(), pkg.b.which(), pkg.b.calls()]))
    """)
    assert result == ["original", dict.fromkeys(CALLS, "original"), "variant", dict.fromkeys(CALLS, "variant")]
    modules = run(variant, """
        import json
        import pkg._crucible_original_a as a0, pkg._crucible_original_b as shadow
        print(json.dumps([shadow.from_absolute is a0.f, shadow.from_relative is a0.f, shadow.package_relative is a0,
                          shadow.package_absolute is a0, shadow.import_alias is a0]))
    """)
    assert modules == [True] * 5


def test_only_b_changed_its_shadow_imports_the_real_a(trees: tuple[Path, Path]) -> None:
    original, variant = trees
    (variant / "pkg" / "a.py").write_text((original / "pkg" / "a.py").read_text())  # a is unchanged
    install_shadows(original, variant, {"pkg.b": "pkg/b.py"})
    assert not (variant / "pkg" / "_crucible_original_a.py").exists()
    result = run(variant, """
        import json
        import pkg.a, pkg._crucible_original_b as shadow
        print(json.dumps([shadow.which(), shadow.from_absolute is pkg.a.f, shadow.from_relative is pkg.a.f,
                          shadow.package_relative is pkg.a, shadow.package_absolute is pkg.a, shadow.import_alias is pkg.a]))
    """)
    assert result == ["original", True, True, True, True, True]


def test_changed_package_and_submodules(trees: tuple[Path, Path]) -> None:
    """With pkg/__init__.py changed too, names it defines come from its shadow, while its
    submodules (`from . import a`) are still submodules: the package's shadow has none."""
    original, variant = trees
    install_shadows(original, variant, {"pkg": "pkg/__init__.py", "pkg.a": "pkg/a.py", "pkg.b": "pkg/b.py"})
    result = run(variant, """
        import json
        import pkg._crucible_original_b as shadow
        print(json.dumps([shadow.VERSION, shadow.calls()]))
    """)
    assert result == ["original", dict.fromkeys(CALLS, "original")]


def test_changed_package_mixed_import_of_name_and_unchanged_submodule(trees: tuple[Path, Path]) -> None:
    original, variant = trees
    (original / "pkg" / "d.py").write_text("from pkg import (\n    VERSION,\n    a,\n)\n\n\ndef get() -> str:\n    return VERSION + ':' + a.f()\n")
    (variant / "pkg" / "a.py").write_text((original / "pkg" / "a.py").read_text())  # a is unchanged
    install_shadows(original, variant, {"pkg": "pkg/__init__.py", "pkg.d": "pkg/d.py"})
    assert run(variant, "import json, pkg._crucible_original_d as d\nprint(json.dumps(d.get()))") == "original:original"
    assert run(variant, "import json, pkg, pkg._crucible_original_d as d\nprint(json.dumps(d.a is pkg.a))") is True


def test_subpackage_relative_imports(trees: tuple[Path, Path]) -> None:
    """`from ..a import f` and `from .. import b` two levels down, with a and b changed."""
    original, variant = trees
    install_shadows(original, variant, {"pkg.a": "pkg/a.py", "pkg.b": "pkg/b.py", "pkg.sub.c": "pkg/sub/c.py"})
    result = run(variant, """
        import json
        import pkg.sub.c, pkg.sub._crucible_original_c as shadow
        print(json.dumps([shadow.g(), pkg.sub.c.g()]))
    """)
    assert result == ["original:original:original", "variant:variant:variant"]


def test_subpackage_relative_imports_of_unchanged_modules(trees: tuple[Path, Path]) -> None:
    original, variant = trees
    for name in ("a.py", "b.py"):
        (variant / "pkg" / name).write_text((original / "pkg" / name).read_text())
    install_shadows(original, variant, {"pkg.sub.c": "pkg/sub/c.py"})
    result = run(variant, """
        import json
        import pkg.a, pkg.b, pkg.sub._crucible_original_c as shadow
        print(json.dumps([shadow.g(), shadow.f is pkg.a.f, shadow.b is pkg.b]))
    """)
    assert result == ["original:original:original", True, True]


def test_star_import_from_a_changed_module(trees: tuple[Path, Path]) -> None:
    original, variant = trees
    (original / "pkg" / "e.py").write_text("from .a import *\n\n\ndef h() -> str:\n    return f()\n")
    install_shadows(original, variant, {"pkg.a": "pkg/a.py", "pkg.e": "pkg/e.py"})
    assert run(variant, "import json, pkg._crucible_original_e as e\nprint(json.dumps(e.h()))") == "original"


def test_the_shadow_keeps_everything_but_imports(trees: tuple[Path, Path]) -> None:
    original, variant = trees
    install_shadows(original, variant, {"pkg.a": "pkg/a.py", "pkg.b": "pkg/b.py"})
    shadow = (variant / "pkg" / "_crucible_original_b.py").read_text()
    source = (original / "pkg" / "b.py").read_text()
    assert shadow.split("\n\n\n", 1)[1] == source.split("\n\n\n", 1)[1]
    assert "from pkg import VERSION\n" in shadow, "pkg itself did not change: its names stay shared"


def test_plain_dotted_import_reaches_the_shadow(trees: tuple[Path, Path]) -> None:
    """`import pkg.a` binds `pkg`: uses of `pkg.a` are redirected, even above a late import."""
    original, variant = trees
    (original / "pkg" / "p.py").write_text(
        "import pkg.a\n\n\ndef h() -> str:\n    return pkg.a.f() + ':' + late()\n\n\n"
        "def late() -> str:\n    import pkg.b\n    return pkg.b.which() + ':' + pkg.VERSION\n"
    )
    install_shadows(original, variant, {"pkg.a": "pkg/a.py", "pkg.b": "pkg/b.py", "pkg.p": "pkg/p.py"})
    shadow = (variant / "pkg" / "_crucible_original_p.py").read_text()
    assert "import pkg._crucible_original_a\n" in shadow and "pkg._crucible_original_a.f()" in shadow
    assert run(variant, "import json, pkg._crucible_original_p as p\nprint(json.dumps(p.h()))") == "original:original:variant"


def test_plain_dotted_import_of_an_unchanged_module_stays(trees: tuple[Path, Path]) -> None:
    original, variant = trees
    (original / "pkg" / "p.py").write_text("import pkg.a\n\n\ndef h() -> str:\n    return pkg.a.f()\n")
    install_shadows(original, variant, {"pkg.p": "pkg/p.py"})
    assert (variant / "pkg" / "_crucible_original_p.py").read_text() == (original / "pkg" / "p.py").read_text()


def test_plain_import_of_a_top_level_module(tmp_path: Path) -> None:
    """A flat layout: `import helpers` binds the shadow under the module's own name."""
    for label in ("original", "variant"):
        root = tmp_path / label
        root.mkdir()
        (root / "helpers.py").write_text(f"def f() -> str:\n    return {label!r}\n")
        (root / "main.py").write_text(f"import helpers\n\n\ndef g() -> str:\n    return {label!r} + ':' + helpers.f()\n")
    install_shadows(tmp_path / "original", tmp_path / "variant", {"helpers": "helpers.py", "main": "main.py"})
    result = run(tmp_path / "variant", """
        import json, main, _crucible_original_main as shadow
        print(json.dumps([shadow.g(), main.g()]))
    """)
    assert result == ["original:original", "variant:variant"]
