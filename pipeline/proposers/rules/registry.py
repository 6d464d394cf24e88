"""Every rule the rule proposer runs, in the order it tries them: a literal tuple, no discovery
(pre-commit's hook registry is the model). Add a rule here and to the table in its tests."""

from __future__ import annotations

from pipeline.proposers.rules.base import Rule
from pipeline.proposers.rules.bind_method import BindMethod
from pipeline.proposers.rules.counting import NestedCounting
from pipeline.proposers.rules.dedupe_fromkeys import DedupeFromKeys
from pipeline.proposers.rules.dict_scan import DictScan
from pipeline.proposers.rules.hoist_invariant import HoistInvariant
from pipeline.proposers.rules.hoist_literal import HoistLiteral
from pipeline.proposers.rules.hoist_regex import HoistRegex
from pipeline.proposers.rules.index_loop import IndexLoop
from pipeline.proposers.rules.inner_map import InnerLoopMap
from pipeline.proposers.rules.list_as_set import ListAsSet
from pipeline.proposers.rules.list_concat import ListConcat
from pipeline.proposers.rules.membership_set import MembershipSet
from pipeline.proposers.rules.memoize import MemoizeRecursion
from pipeline.proposers.rules.pair_index import PairIndex
from pipeline.proposers.rules.position_index import PositionIndex
from pipeline.proposers.rules.prefix_aggregate import PrefixAggregate
from pipeline.proposers.rules.queue_index import QueueIndex
from pipeline.proposers.rules.shadow_set import ShadowSet
from pipeline.proposers.rules.sorted_index import SortedIndex
from pipeline.proposers.rules.string_builder import StringBuilder
from pipeline.proposers.rules.string_join import StringJoin
from pipeline.proposers.rules.window_sum import WindowSum

__all__ = ["RULES"]

RULES: tuple[Rule, ...] = (
    ListAsSet(),
    DedupeFromKeys(),
    NestedCounting(),
    StringJoin(),
    SortedIndex(),
    WindowSum(),
    PrefixAggregate(),
    PairIndex(),
    PositionIndex(),
    DictScan(),
    MembershipSet(),
    HoistInvariant(),
    HoistRegex(),
    HoistLiteral(),
    IndexLoop(),
    InnerLoopMap(),
    BindMethod(),
    ListConcat(),
    MemoizeRecursion(),
    QueueIndex(),
    ShadowSet(),
    StringBuilder(),
)
