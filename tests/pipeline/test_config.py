"""`[tool.crucible]` / `crucible.toml`: the settings load, and every mistake is one BadInput line
that names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import CrucibleConfig, load_config, relative_project_path
from pipeline.errors import BadInput

PYPROJECT_HEAD = '[project]\nname = "tiny-agent"\nversion = "0.1.0"\n\n'
GOOD = 'source = ["agent"]\ntests = "tests"\nspecs = "specs"\nkernel = "specs/kernel.toml"\n'


def write_settings(root: Path, body: str, *, where: str) -> None:
    """Put `body` (the crucible keys) in pyproject.toml's [tool.crucible] or in crucible.toml."""
    if where == "pyproject.toml":
        (root / "pyproject.toml").write_text(PYPROJECT_HEAD + "[tool.crucible]\n" + body, encoding="utf-8")
    else:
        (root / "pyproject.toml").write_text(PYPROJECT_HEAD, encoding="utf-8")
        (root / "crucible.toml").write_text(body, encoding="utf-8")


def refusal(root: Path) -> str:
    with pytest.raises(BadInput) as caught:
        load_config(root)
    message = str(caught.value)
    assert message and "\n" not in message, message
    return message


# --- what loads ----------------------------------------------------------------------------

def test_tiny_fixture_config(tiny: Path) -> None:
    assert load_config(tiny) == CrucibleConfig(
        root=tiny, config_file="pyproject.toml", source=("agent",), tests="tests", specs="specs",
        kernel="specs/kernel.toml", benchmarks=None,
    )


@pytest.mark.parametrize("where", ["pyproject.toml", "crucible.toml"])
def test_same_keys_in_either_file(tiny: Path, where: str) -> None:
    write_settings(tiny, GOOD, where=where)
    config = load_config(tiny)
    assert config.config_file == where
    assert (config.source, config.tests, config.specs, config.kernel) == (("agent",), "tests", "specs", "specs/kernel.toml")


def test_crucible_toml_without_pyproject(tiny: Path) -> None:
    (tiny / "pyproject.toml").unlink()
    (tiny / "crucible.toml").write_text(GOOD, encoding="utf-8")
    assert load_config(tiny).config_file == "crucible.toml"


def test_defaults_when_only_source_is_given(tiny: Path) -> None:
    write_settings(tiny, 'source = ["agent"]\n', where="pyproject.toml")
    config = load_config(tiny)
    assert (config.tests, config.specs, config.kernel, config.benchmarks) == ("tests", "specs", "specs/kernel.toml", None)


def test_paths_are_normalised(tiny: Path) -> None:
    (tiny / "bench").mkdir()
    write_settings(
        tiny, 'source = ["./agent/", "agent/core.py"]\ntests = "tests/test_core.py"\nspecs = "specs/"\n'
        'kernel = "./specs//kernel.toml"\nbenchmarks = "bench"\n', where="crucible.toml",
    )
    config = load_config(tiny)
    assert config.source == ("agent", "agent/core.py")
    assert (config.tests, config.specs, config.kernel, config.benchmarks) == ("tests/test_core.py", "specs", "specs/kernel.toml", "bench")


def test_pyproject_with_other_tools_only_uses_crucible_toml(tiny: Path) -> None:
    (tiny / "pyproject.toml").write_text(PYPROJECT_HEAD + "[tool.mypy]\nstrict = true\n", encoding="utf-8")
    (tiny / "crucible.toml").write_text(GOOD, encoding="utf-8")
    assert load_config(tiny).config_file == "crucible.toml"


# --- what is refused -------------------------------------------------------------------------

# (id, keys written into the settings table, fragments the message must hold besides the file name)
BAD_KEYS = [
    ("unknown-key", GOOD + 'sources = ["agent"]\n', ["unknown key 'sources'"]),
    ("unknown-nested-table", GOOD + "[tool.crucible.extra]\nx = 1\n", ["unknown key 'extra'"]),
    ("missing-source", 'tests = "tests"\n', ["missing required key 'source'"]),
    ("source-a-string", 'source = "agent"\n', ["'source'", "non-empty list"]),
    ("source-empty", "source = []\n", ["'source'", "non-empty list"]),
    ("source-table", "source = { path = \"agent\" }\n", ["'source'", "non-empty list"]),
    ("source-item-int", "source = [1]\n", ["'source'", "string path"]),
    ("source-item-list", 'source = [["agent"]]\n', ["'source'", "string path"]),
    ("tests-int", 'source = ["agent"]\ntests = 3\n', ["'tests'", "string path"]),
    ("tests-bool", 'source = ["agent"]\ntests = true\n', ["'tests'", "string path"]),
    ("specs-list", 'source = ["agent"]\nspecs = ["specs"]\n', ["'specs'", "string path"]),
    ("kernel-float", 'source = ["agent"]\nkernel = 1.5\n', ["'kernel'", "string path"]),
    ("benchmarks-int", 'source = ["agent"]\nbenchmarks = 0\n', ["'benchmarks'", "string path"]),
    ("source-missing-path", 'source = ["agent", "nope"]\n', ["'source'", "'nope' does not exist"]),
    ("tests-missing-path", 'source = ["agent"]\ntests = "qa"\n', ["'tests'", "'qa' does not exist"]),
    ("specs-missing-path", 'source = ["agent"]\nspecs = "contracts"\n', ["'specs'", "'contracts' does not exist"]),
    ("kernel-missing-path", 'source = ["agent"]\nkernel = "specs/k.toml"\n', ["'kernel'", "'specs/k.toml' does not exist"]),
    ("benchmarks-missing-path", 'source = ["agent"]\nbenchmarks = "bench"\n', ["'benchmarks'", "'bench' does not exist"]),
    ("specs-is-a-file", 'source = ["agent"]\nspecs = "specs/kernel.toml"\n', ["'specs'", "directory"]),
    ("kernel-is-a-directory", 'source = ["agent"]\nkernel = "specs"\n', ["'kernel'", "file 'specs'"]),
    ("source-absolute", 'source = ["/etc"]\n', ["'source'", "inside the project"]),
    ("source-parent", 'source = ["../agent"]\n', ["'source'", "inside the project"]),
    ("source-sneaky-parent", 'source = ["agent/../../x"]\n', ["'source'", "inside the project"]),
    ("source-backslash", 'source = ["agent\\\\core.py"]\n', ["'source'", "inside the project"]),
    ("source-dot", 'source = ["."]\n', ["'source'", "inside the project"]),
    ("source-empty-string", 'source = [""]\n', ["'source'", "inside the project"]),
    ("tests-absolute", 'source = ["agent"]\ntests = "/tmp"\n', ["'tests'", "inside the project"]),
    ("kernel-parent", 'source = ["agent"]\nkernel = "../kernel.toml"\n', ["'kernel'", "inside the project"]),
    ("benchmarks-absolute", 'source = ["agent"]\nbenchmarks = "/"\n', ["'benchmarks'", "inside the project"]),
]


@pytest.mark.parametrize("where", ["pyproject.toml", "crucible.toml"])
@pytest.mark.parametrize(("body", "fragments"), [(b, f) for _, b, f in BAD_KEYS], ids=[i for i, _, _ in BAD_KEYS])
def test_bad_settings_name_file_and_key(tiny: Path, where: str, body: str, fragments: list[str]) -> None:
    if where == "crucible.toml":
        body = body.replace("[tool.crucible.extra]", "[extra]")
    write_settings(tiny, body, where=where)
    message = refusal(tiny)
    assert message.startswith(f"{where}: "), message
    for fragment in fragments:
        assert fragment in message


def test_both_config_files(tiny: Path) -> None:
    (tiny / "crucible.toml").write_text(GOOD, encoding="utf-8")
    message = refusal(tiny)
    assert "crucible.toml" in message and "pyproject.toml" in message and "[tool.crucible]" in message


def test_both_config_files_even_when_pyproject_table_is_empty(tiny: Path) -> None:
    (tiny / "pyproject.toml").write_text(PYPROJECT_HEAD + "[tool.crucible]\n", encoding="utf-8")
    (tiny / "crucible.toml").write_text(GOOD, encoding="utf-8")
    assert "keep one of them" in refusal(tiny)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pyproject.toml", '[tool.crucible]\nsource = ["agent"\n'),
        ("pyproject.toml", "[tool.crucible]\nsource = agent\n"),
        ("pyproject.toml", '[tool.crucible]\nsource = ["agent"]\nsource = ["agent"]\n'),
        ("crucible.toml", "source = [agent]\n"),
        ("crucible.toml", "= 1\n"),
    ],
    ids=["unclosed-list", "bare-word", "duplicate-key", "crucible-bare-word", "no-key"],
)
def test_invalid_toml_names_the_file(tiny: Path, name: str, content: str) -> None:
    if name == "crucible.toml":
        (tiny / "pyproject.toml").write_text(PYPROJECT_HEAD, encoding="utf-8")
    (tiny / name).write_text(content, encoding="utf-8")
    message = refusal(tiny)
    assert message.startswith(f"{name}: not valid TOML"), message


def test_non_utf8_config_names_the_file(tiny: Path) -> None:
    (tiny / "crucible.toml").write_bytes(b'source = ["caf\xe9"]\n')
    (tiny / "pyproject.toml").write_text(PYPROJECT_HEAD, encoding="utf-8")
    assert refusal(tiny).startswith("crucible.toml: ")


def test_tool_crucible_not_a_table(tiny: Path) -> None:
    (tiny / "pyproject.toml").write_text(PYPROJECT_HEAD + '[tool]\ncrucible = "agent"\n', encoding="utf-8")
    assert refusal(tiny) == "pyproject.toml: [tool.crucible] must be a table"


def test_no_settings_anywhere(tiny: Path) -> None:
    (tiny / "pyproject.toml").write_text(PYPROJECT_HEAD, encoding="utf-8")
    message = refusal(tiny)
    assert "no Crucible settings" in message and "crucible.toml" in message


def test_project_directory_missing(tmp_path: Path) -> None:
    assert "does not exist" in refusal(tmp_path / "nowhere")


def test_project_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert "does not exist" in refusal(tmp_path / "file")


def test_unknown_key_lists_the_known_ones(tiny: Path) -> None:
    write_settings(tiny, GOOD + "budget = 3\n", where="crucible.toml")
    message = refusal(tiny)
    for key in ("source", "tests", "specs", "kernel", "benchmarks"):
        assert key in message


# --- the path rule shared with patches and the kernel spec -----------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("agent", "agent"),
        ("agent/core.py", "agent/core.py"),
        ("./agent//core.py", "agent/core.py"),
        ("agent/", "agent"),
        ("a b/ü.py", "a b/ü.py"),
        ("", None),
        (".", None),
        ("./", None),
        ("/etc/passwd", None),
        ("\\\\server\\share", None),
        ("..", None),
        ("../x", None),
        ("agent/../x", None),
        ("agent/..", None),
        ("agent\\core.py", None),
        ("agent\x00.py", None),
    ],
)
def test_relative_project_path(text: str, expected: str | None) -> None:
    assert relative_project_path(text) == expected
