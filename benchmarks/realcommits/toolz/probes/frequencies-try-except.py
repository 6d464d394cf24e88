from _common import show, rng, keyed, as_kind
from toolz import frequencies, countby

R = rng()
nan = float('nan')
POOL = [1, 1.0, True, 0, False, 'a', 'b', None, (1, 2), -1, nan, 2.5]
N = 600
for i in range(N):
    items = [R.choice(POOL) for _ in range(R.randint(0, 10))]
    if R.random() < 0.05:
        items.insert(R.randint(0, len(items)), [1])     # unhashable -> TypeError
    seq, kind = as_kind(R, items)
    def run():
        out = frequencies(seq)
        return type(out).__name__, keyed(out.items())
    print(i, kind, show(run))
print('countby', show(lambda: keyed(countby(len, ['cat', 'mouse', 'dog', '']).items())))
print('nonseq', show(lambda: frequencies(5)))
print('fresh-nans', show(lambda: len(frequencies([float('nan'), float('nan')]))))
