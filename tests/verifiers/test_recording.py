"""Recording what the original's functions receive in its own tests: each function shape gets
its calls recorded as (positional, keyword) arguments, the suite behaves as without the recorder
(signatures included), and a function with a closure is recorded by tracing instead."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, VariantFactory
from verifiers.recording import mentioning, record_inputs
from verifiers.tree import copy_tree

MODULE = "seqtools/shapes.py"
SOURCE = '''import inspect


def plain(a, b=2):
    return a + b


def spread(*items, key=None, **options):
    return (items, key, sorted(options))


def lazy(items):
    for item in items:
        yield item * 2


def logged(function):
    def inner(*args):
        return function(*args)
    return inner


@logged
def doubled(x):
    return 2 * x


class Box:
    def put(self, item, *, times=1):
        return [item] * times


def arity(function):
    return len(inspect.signature(function).parameters)
'''
TESTS = '''from seqtools.shapes import Box, arity, doubled, lazy, plain, spread


def test_shapes() -> None:
    assert plain(1) == 3 and plain(1, b=5) == 6
    assert spread(1, 2, key="k", z=1) == ((1, 2), "k", ["z"])
    assert list(lazy([1, 2])) == [2, 4]
    assert doubled(4) == 8
    assert Box().put("x", times=2) == ["x", "x"]
    assert arity(plain) == 2
'''
TARGETS = [("seqtools.shapes", "plain"), ("seqtools.shapes", "spread"), ("seqtools.shapes", "lazy"),
           ("seqtools.shapes", "doubled"), ("seqtools.shapes", "Box.put")]


def test_every_function_shape_is_recorded_and_the_suite_still_passes(make_context: VariantFactory, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_tree(FIXTURES / "untyped", tmp_path / "project")
    (project / MODULE).write_text(SOURCE)
    (project / "tests" / "test_shapes.py").write_text(TESTS)
    ctx = make_context(project, {MODULE: SOURCE + "\n"})
    recording = record_inputs(ctx, TARGETS, tmp_path / "recorded.pkl")
    assert recording.failure is None, recording
    assert recording.inputs_file is not None
    monkeypatch.syspath_prepend(str(project))  # the recorded Box instance unpickles from it
    inputs: dict[str, list[Any]] = pickle.loads(recording.inputs_file.read_bytes())
    assert inputs["seqtools.shapes:plain"] == [((1, 2), {}), ((1, 5), {})]
    assert inputs["seqtools.shapes:spread"] == [((1, 2), {"key": "k", "z": 1})]
    assert inputs["seqtools.shapes:lazy"] == [(([1, 2],), {})]
    assert [args[1:] for args, _ in inputs["seqtools.shapes:Box.put"]] == [("x",)]
    assert inputs["seqtools.shapes:Box.put"][0][1] == {"times": 2}
    assert inputs["seqtools.shapes:doubled"] == [((4,), {})]  # a closure: traced instead
    assert "tests/test_shapes.py::test_shapes" in recording.coverage


def test_the_recorder_runs_the_test_files_that_name_the_function_or_its_callers(tmp_path: Path) -> None:
    """A private helper's inputs come from the tests of the public function that calls it."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "core.py").write_text(
        "def _helper(x):\n    return x\n\n\ndef public(x):\n    return _helper(x)\n\n\ndef other(x):\n    return x\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_public.py").write_text("from lib.core import public\n")
    (tmp_path / "tests" / "test_other.py").write_text("from lib.core import other\n")
    (tmp_path / "tests" / "helpers.py").write_text("from lib.core import public\n")
    assert mentioning(tmp_path, "tests", [("lib.core", "_helper")]) == ["tests/test_public.py"]
    assert mentioning(tmp_path, "tests", [("lib.core", "other")]) == ["tests/test_other.py"]
    assert mentioning(tmp_path, "tests", [("lib.core", "nowhere")]) == []  # then: the whole suite
