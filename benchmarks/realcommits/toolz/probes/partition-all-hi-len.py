from _common import show, rng
from toolz import partition_all
from toolz.itertoolz import no_pad

R = rng()
N = 600
for i in range(N):
    n = R.choice([0, 1, 2, 3, 4, 5, 7, -1, True])
    lst = [R.choice([0, 1, None, 'x', -3, '__no__pad__', no_pad, (1,)])
           for _ in range(R.randint(0, 12))]
    kind = R.choice(['iter', 'gen', 'list', 'tuple', 'range'])
    if kind == 'iter':
        seq = iter(list(lst))
    elif kind == 'gen':
        seq = (x for x in list(lst))
    elif kind == 'list':
        seq = list(lst)
    elif kind == 'tuple':
        seq = tuple(lst)
    else:
        seq = range(len(lst))
    print(i, n, kind, show(lambda: list(partition_all(n, seq))))
