from _common import show, rng
from toolz import get

R = rng()
SEQS = [('list', [10, 20, 30]), ('str', 'abc'), ('tuple', (1,)),
        ('dict', {0: 'z', 'a': 1, 2: 'two', -1: 'm'}), ('empty', []),
        ('int', 5), ('none', None)]
N = 600
for i in range(N):
    sname, seq = R.choice(SEQS)
    if R.random() < 0.75:
        ind = [R.choice([0, 1, 2, -1, 5, 'a', None]) for _ in range(R.randint(0, 3))]
    else:
        ind = R.choice([0, 1, -1, 5, 'a', None, (0,), slice(0, 2)])
    if R.random() < 0.5:
        print(i, sname, repr(ind), show(lambda: get(ind, seq)))
    else:
        dflt = R.choice([None, -1, 'D'])
        print(i, sname, repr(ind), repr(dflt), show(lambda: get(ind, seq, dflt)))
