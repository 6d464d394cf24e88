from _common import show, rng, keyed, as_kind
from toolz import groupby, identity

R = rng()
VALS = [1, 1.0, True, 0, False, -1, 2, -2, 3, 'a', None, 2.5]
KEYS = [('identity', identity), ('mod3', lambda x: x % 3), ('type', type),
        ('str', str), ('bool', bool), ('neg', lambda x: -x),
        ('idx0', 0), ('list01', [0, 1]), ('list_empty', []),
        ('unhashable', lambda x: [x])]
N = 600
for i in range(N):
    kname, key = R.choice(KEYS)
    if kname in ('idx0', 'list01', 'list_empty'):
        items = [(R.choice(VALS), R.randint(0, 2)) for _ in range(R.randint(0, 8))]
    else:
        items = [R.choice(VALS) for _ in range(R.randint(0, 8))]
    seq, kind = as_kind(R, items)
    def run():
        out = groupby(key, seq)
        return type(out).__name__, keyed(out.items())
    print(i, kname, kind, show(run))
nan = float('nan')
print('nan-same', show(lambda: keyed(groupby(identity, [nan, nan, 1]).items())))
print('nan-diff', show(lambda: len(groupby(identity, [float('nan'), float('nan')]))))
