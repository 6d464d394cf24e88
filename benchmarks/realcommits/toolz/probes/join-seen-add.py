from _common import show, rng, as_kind
from toolz import join, identity

R = rng()
N = 600
for i in range(N):
    left = [(R.randint(-2, 2), R.randint(0, 3)) for _ in range(R.randint(0, 6))]
    right = [(R.randint(-2, 2), R.randint(0, 3)) for _ in range(R.randint(0, 6))]
    lk = R.choice([0, 1, [0, 1], identity, lambda t: t[0] % 2])
    rk = R.choice([0, 1, [0, 1], identity, lambda t: t[0] % 2])
    kw = {}
    if R.random() < 0.6:
        kw['left_default'] = R.choice([None, -99])
    if R.random() < 0.6:
        kw['right_default'] = R.choice([None, -99])
    lseq, k1 = as_kind(R, left)
    rseq, k2 = as_kind(R, right)
    print(i, k1, k2, sorted(kw), show(lambda: list(join(lk, lseq, rk, rseq, **kw))))
# unhashable right keys with right_default (set.add raises TypeError)
print('unhashable', show(lambda: list(join(0, [([1], 1)], 0, [([1], 2)], right_default=None))))
print('unhashable-inner', show(lambda: list(join(0, [(1, 1)], 0, [([1], 2)]))))
