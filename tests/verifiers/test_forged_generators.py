"""Red team, on the replay of CrossHair's differences: the reported arguments are text printed in
the process that ran the variant, so the variant can print anything there. An argument printed as
a generator is replayed as one (and may let the original's shared-generator check excuse
CrossHair's report) only where the ORIGINAL's own declaration admits a generator."""

from __future__ import annotations

import types
from collections.abc import Iterable
from typing import Any, TypeVar

import pytest

from verifiers._observe import SharedGenerator, rebuild_arguments

T = TypeVar("T")
FORGED = "<generator object forged at 0x7f0000000000>"


class Thing:
    pass


def typed_thing(thing: Thing, n: int) -> int:
    return n


def typed_open(default: T, items: Iterable[int], anything: Any, untyped=None) -> object:  # type: ignore[no-untyped-def]
    return default


MODULE = types.ModuleType("replayed")


@pytest.mark.parametrize(("label", "fn", "name", "replayed"), [
    # A variant makes its own class print as a generator: the original declares a Thing there.
    ("a Thing printed as a generator", typed_thing, "thing", False),
    ("a type variable", typed_open, "default", True),
    ("an iterable", typed_open, "items", True),
    ("Any", typed_open, "anything", True),
    ("no declaration at all", typed_open, "untyped", True),
])
@pytest.mark.parametrize("shared", [False, True], ids=["replay", "shared-check"])
def test_an_argument_printed_as_a_generator_is_one_only_where_the_original_admits_one(
        label: str, fn: Any, name: str, replayed: bool, shared: bool) -> None:
    others = {"n": "1"} if fn is typed_thing else {}
    rebuilt = rebuild_arguments(fn, {name: FORGED, **others}, MODULE, shared=shared, items=(0, 1))
    if not replayed:
        assert rebuilt is None  # not replayed: the shared-generator check has nothing to excuse
        return
    assert rebuilt is not None
    value = rebuilt[name]
    assert isinstance(value, SharedGenerator) if shared else list(value) == [0, 1]
