import itertools
from _common import show, rng, as_kind
from toolz import join, identity

R = rng()
DEFAULTS = [None, -99, 0, '', (), '__no__default__']
N = 600
for i in range(N):
    left = [(R.randint(-2, 2), R.randint(0, 3)) for _ in range(R.randint(0, 6))]
    right = [(R.randint(-2, 2), R.randint(0, 3)) for _ in range(R.randint(0, 6))]
    lk = R.choice([0, 1, [0, 1], identity, lambda t: t[0] % 2])
    rk = R.choice([0, 1, [0, 1], identity, lambda t: t[0] % 2])
    kw = {}
    if R.random() < 0.6:
        kw['left_default'] = R.choice(DEFAULTS)
    if R.random() < 0.6:
        kw['right_default'] = R.choice(DEFAULTS)
    lseq, k1 = as_kind(R, left)
    rseq, k2 = as_kind(R, right)
    take = R.choice([None, None, 0, 1, 3])
    out = []
    def run():
        it = join(lk, lseq, rk, rseq, **kw)
        for x in (it if take is None else itertools.islice(it, take)):
            out.append(x)
        return out
    res = show(run)
    rest = list(rseq) if k2 in ('iter', 'gen') else '-'
    print(i, k1, k2, sorted(kw.items(), key=repr), take, res, repr(out), repr(rest))
# unhashable right keys (TypeError at the same item in every join kind)
for kw in ({}, {'left_default': None}, {'right_default': None},
           {'left_default': None, 'right_default': None}):
    out = []
    def run():
        for x in join(0, [(1, 'a')], 0, [(1, 'b'), ([1], 'c'), (1, 'd')], **kw):
            out.append(x)
    print('unhashable', sorted(kw), show(run), out)
