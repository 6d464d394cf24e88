"""Shared helpers for the differential probes (stdlib only).

Each probe prints one line per generated input; check_cases.py runs the probe
against the original tree and against the patched tree and compares output.
"""
import random


def show(thunk):
    """repr of the result, or the exception type and message."""
    try:
        return repr(thunk())
    except Exception as e:  # noqa: BLE001 - we want every exception
        return 'EXC %s: %s' % (type(e).__name__, e)


def keyed(items):
    """repr of (key, type(key).__name__, value) triples of a mapping."""
    return repr([(k, type(k).__name__, v) for k, v in items])


def rng(seed=20251016):
    return random.Random(seed)


def as_kind(R, lst):
    """Return lst as a list, tuple, iterator or generator (random choice)."""
    kind = R.choice(['list', 'tuple', 'iter', 'gen'])
    if kind == 'list':
        return list(lst), kind
    if kind == 'tuple':
        return tuple(lst), kind
    if kind == 'iter':
        return iter(list(lst)), kind
    return (x for x in list(lst)), kind
