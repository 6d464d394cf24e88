"""Differential checks for the benign cases (stdlib only).

Run as ``python difftests.py CASE_ID`` with ``more_itertools`` importable
(check_cases.py sets PYTHONPATH to an original or a patched copy of tree/).
Prints one JSON document: a list of [input-label, outcome] pairs.  The same
inputs are generated on both sides (fixed seeds), so the two JSON documents
must be identical for a behaviour-preserving change.

An outcome records the result's repr *and* type (so 1 / 1.0 / True differ),
or the exception type and message, plus side observations where they matter
(how much of a one-shot iterator was consumed, which comparisons / key calls
were made).
"""

import json
import sys
from fractions import Fraction
from decimal import Decimal
from itertools import combinations_with_replacement, islice
from random import Random

import more_itertools as mi
from more_itertools import more as mi_more
from more_itertools import recipes as mi_recipes


def describe(value):
    """repr plus type names, recursively for tuples/lists."""
    if isinstance(value, (tuple, list)):
        return [type(value).__name__, [describe(v) for v in value]]
    return [type(value).__name__, repr(value)]


def outcome(fn, *args, **kwargs):
    try:
        result = fn(*args, **kwargs)
        if hasattr(result, '__next__'):
            result = list(result)
        return ['ok', describe(result)]
    except Exception as exc:  # noqa: BLE001 - we record every exception
        return ['raise', type(exc).__name__, str(exc)]


class Logged:
    """Orderable value that logs every comparison made on it."""

    log = []

    def __init__(self, value, tag):
        self.value = value
        self.tag = tag

    def __lt__(self, other):
        Logged.log.append(('lt', self.tag, other.tag))
        return self.value < other.value

    def __gt__(self, other):
        Logged.log.append(('gt', self.tag, other.tag))
        return self.value > other.value

    def __eq__(self, other):
        Logged.log.append(('eq', self.tag, other.tag))
        return self.value == other.value

    __hash__ = None

    def __repr__(self):
        return f'L({self.value!r},{self.tag})'


class Tracked:
    """One-shot iterator that records how many items were taken."""

    def __init__(self, items):
        self.items = list(items)
        self.taken = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.taken >= len(self.items):
            raise StopIteration
        self.taken += 1
        return self.items[self.taken - 1]


def failing_after(items, exc):
    yield from items
    raise exc


# --------------------------------------------------------------------------
def case_minmax_swap():
    out = []
    rng = Random(2)
    pools = [[0, 1, 2, 3], [1, 1.0, True, Fraction(1), Decimal(1)],
             [0, 0.0, False, -1, -1.0, 2, 2.0], [5]]
    for trial in range(400):
        pool = pools[trial % len(pools)]
        data = [rng.choice(pool) for _ in range(rng.randrange(0, 9))]
        for key in (None, abs, lambda x: -x, lambda x: int(x) % 2):
            label = f'{data!r} key={getattr(key, "__name__", key)}'
            kw = {} if key is None else {'key': key}
            out.append([label + ' iter', outcome(mi.minmax, iter(data), **kw)])
            out.append([label + ' dflt',
                        outcome(mi.minmax, data, default=('d', 'd'), **kw)])
            if data:
                out.append([label + ' args', outcome(mi.minmax, *data, **kw)])
    # the exact sequence of comparisons is also compared
    for trial in range(100):
        Logged.log = []
        values = [rng.randrange(4) for _ in range(rng.randrange(1, 8))]
        data = [Logged(v, i) for i, v in enumerate(values)]
        res = outcome(mi.minmax, data)
        out.append([f'logged {values}', [res, list(Logged.log)]])
        Logged.log = []
        res = outcome(mi.minmax, data, key=lambda x: x)
        out.append([f'logged key {values}', [res, list(Logged.log)]])
    out.append(['empty', outcome(mi.minmax, [])])
    out.append(['unorderable', outcome(mi.minmax, [1, 'a', 2])])
    out.append(['none', outcome(mi.minmax, None)])
    return out


def case_all_equal_islice():
    out = []
    rng = Random(3)
    alphabet = [0, 0.0, False, 1, 1.0, 'a', 'A', complex(0, 0)]
    for trial in range(400):
        data = [rng.choice(alphabet[: 1 + trial % 8]) for _ in range(rng.randrange(0, 7))]
        for key in (None, str, type, lambda x: 0):
            it = Tracked(data)
            calls = []

            def logkey(x, key=key):
                calls.append(repr(x))
                return key(x)

            kw = {} if key is None else {'key': logkey}
            res = outcome(mi.all_equal, it, **kw)
            out.append([f'{data!r} key={getattr(key, "__name__", key)}',
                        [res, it.taken, calls]])
    out.append(['non-iterable', outcome(mi.all_equal, 5)])
    out.append(['raises', outcome(mi.all_equal, failing_after([1, 1], KeyError('x')))])
    out.append(['raises-late', outcome(mi.all_equal, failing_after([1, 2], KeyError('x')))])
    out.append(['infinite-differs', outcome(mi.all_equal, mi.iterate(lambda x: x + 1, 0))])
    return out


def case_ilen_deque_counter():
    out = []
    rng = Random(4)
    for n in list(range(0, 50)) + [rng.randrange(50, 5000) for _ in range(100)]:
        out.append([f'range {n}', outcome(mi.ilen, range(n))])
        out.append([f'gen {n}', outcome(mi.ilen, (x for x in range(n)))])
        out.append([f'list {n}', outcome(mi.ilen, [None] * n)])
        it = iter(range(n + 3))
        res = outcome(mi.ilen, islice(it, n))
        out.append([f'islice {n}', [res, list(it)]])
    for label, obj in [('str0', ''), ('str3', 'abc'), ('dict0', {}),
                       ('dict2', {1: 2, 3: 4}), ('set4', set('abcd')),
                       ('bytes', b'xyz'), ('int', 5), ('None', None),
                       ('float', 1.5)]:
        out.append([f'obj {label}', outcome(mi.ilen, obj)])
    out.append(['raises', outcome(mi.ilen, failing_after([1, 2, 3], ValueError('boom')))])
    return out


def case_only_next_default():
    out = []
    sentinel = object()
    for n in range(0, 6):
        data = list(range(10, 10 + n))
        for default in (None, 'dflt', sentinel, 0):
            for too_long in (None, IndexError('long'), LookupError):
                for wrap in ('list', 'iter', 'tracked', 'gen'):
                    if wrap == 'list':
                        src, it = data, None
                    elif wrap == 'iter':
                        src = it = iter(data)
                    elif wrap == 'tracked':
                        src = it = Tracked(data)
                    else:
                        src = it = (x for x in data)
                    res = outcome(mi.only, src, default, too_long)
                    if res[0] == 'ok' and res[1][1] == repr(sentinel):
                        res = ['ok', 'sentinel']
                    rest = None if it is None else list(it)
                    label = f'n={n} default={default!r} too_long={too_long!r} {wrap}'
                    if default is sentinel:
                        label = f'n={n} default=sentinel too_long={too_long!r} {wrap}'
                    out.append([label, [res, rest]])
    out.append(['kw', outcome(mi.only, [], default=5)])
    out.append(['kw2', outcome(mi.only, [1, 2], too_long=ValueError('x'))])
    out.append(['nonit', outcome(mi.only, 5)])
    out.append(['str', outcome(mi.only, 'a')])
    out.append(['raises-first', outcome(mi.only, failing_after([], KeyError('k')))])
    out.append(['raises-second', outcome(mi.only, failing_after([1], KeyError('k')))])
    # exception context / cause must match too
    try:
        mi.only([1, 2])
    except ValueError as exc:
        out.append(['ctx', [repr(exc.__cause__), repr(exc.__context__),
                            exc.__suppress_context__]])
    return out


def case_cwr_index_cumsum():
    out = []
    for n in range(0, 6):
        pool = 'abcdef'[:n]
        for r in range(0, 5):
            for combo in combinations_with_replacement(pool, r):
                for wrap in (tuple, list, iter):
                    out.append([f'{pool} {combo}',
                                outcome(mi.combination_with_replacement_index,
                                        wrap(combo), wrap(pool))])
    rng = Random(5)
    for _ in range(200):
        pool = list(range(rng.randrange(1, 15)))
        r = rng.randrange(0, 8)
        combo = sorted(rng.choice(pool) for _ in range(r))
        out.append([f'rand {pool} {combo}',
                    outcome(mi.combination_with_replacement_index, combo, pool)])
        bad = list(combo) + [99]
        out.append([f'bad {pool} {bad}',
                    outcome(mi.combination_with_replacement_index, bad, pool)])
        rev = combo[::-1]
        out.append([f'rev {pool} {rev}',
                    outcome(mi.combination_with_replacement_index, rev, pool)])
    out.append(['dups', outcome(mi.combination_with_replacement_index, 'aab', 'aabb')])
    return out


def case_complex_sumprod_genexpr():
    out = []
    rng = Random(7)
    for trial in range(300):
        size = rng.randrange(0, 12)
        kinds = trial % 4
        def val():
            if kinds == 0:
                return rng.randrange(-9, 10)
            if kinds == 1:
                return rng.uniform(-1e6, 1e6)
            if kinds == 2:
                return complex(rng.uniform(-5, 5), rng.uniform(-5, 5))
            return complex(rng.randrange(-3, 4), rng.randrange(-3, 4))
        xs = [val() for _ in range(size)]
        out.append([f'dft {xs!r}', outcome(mi.dft, xs)])
        out.append([f'idft {xs!r}', outcome(mi.idft, xs)])
        ys = [val() for _ in range(size)]
        out.append([f'sumprod {xs!r} {ys!r}',
                    outcome(mi_more._complex_sumprod, xs, ys)])
    for bad in [[1, 'a'], ['a'], None, 5]:
        out.append([f'bad {bad!r}', outcome(mi_more._complex_sumprod, bad, [1, 2])])
        out.append([f'bad2 {bad!r}', outcome(mi_more._complex_sumprod, [1, 2], bad)])
    out.append(['inf', outcome(mi_more._complex_sumprod, [complex('inf')], [1j])])
    out.append(['nan', outcome(mi_more._complex_sumprod, [float('nan')], [1])])
    return out


def case_running_median_parity():
    out = []
    rng = Random(8)
    makers = [
        lambda: rng.randrange(-5, 6),
        lambda: rng.uniform(-10, 10),
        lambda: Fraction(rng.randrange(-9, 10), rng.randrange(1, 5)),
        lambda: Decimal(rng.randrange(-99, 100)) / 10,
        lambda: rng.choice([0, 0.0, False, 1, True, 1.0]),
    ]
    for trial in range(400):
        make = makers[trial % len(makers)]
        data = [make() for _ in range(rng.randrange(0, 12))]
        for maxlen in (1, 2, 3, 4, 5, 100):
            out.append([f'{data!r} maxlen={maxlen}',
                        outcome(mi.running_median, iter(data), maxlen=maxlen)])
        out.append([f'{data!r} unbounded', outcome(mi.running_median, data)])
    out.append(['bad', outcome(mi.running_median, [1, 'a'], maxlen=2)])
    out.append(['zero', outcome(mi.running_median, [1, 2], maxlen=0)])
    return out


def case_divide_slice_bounds():
    out = []
    for size in range(0, 40):
        for n in range(-1, 45):
            for wrap in (list, tuple, iter, str):
                data = ''.join(chr(65 + i % 26) for i in range(size))
                src = wrap(data) if wrap is not str else data
                out.append([f'size={size} n={n} {wrap.__name__}',
                            outcome(lambda: [list(p) for p in mi.divide(n, src)])])
    for n in [True, 2.0, None, '2']:
        out.append([f'odd n={n!r}', outcome(lambda: [list(p) for p in mi.divide(n, 'abcde')])])
    out.append(['range', outcome(lambda: [list(p) for p in mi.divide(3, range(10))])])
    return out


def case_value_chain_scalar_types():
    out = []

    class S(str):
        pass

    class B(bytes):
        pass

    samples = ['', 'ab', b'', b'ab', bytearray(b'xy'), S('sub'), B(b'sb'),
               1, 2.5, None, [1, [2]], (3, 4), range(3), {'k': 1},
               'ITER', [], [b'x', 'y']]
    rng = Random(9)
    for trial in range(400):
        args = [rng.choice(samples) for _ in range(rng.randrange(0, 5))]
        # a fresh one-shot iterator wherever 'ITER' was drawn
        args = [iter([5, 6]) if a == 'ITER' else a for a in args]
        out.append([f'trial {trial}', outcome(mi.value_chain, *args)])
    return out


CASES = {
    name[len('case_'):].replace('_', '-'): fn
    for name, fn in globals().items()
    if name.startswith('case_')
}


if __name__ == '__main__':
    result = CASES[sys.argv[1]]()
    json.dump(result, sys.stdout, indent=0, default=repr)
