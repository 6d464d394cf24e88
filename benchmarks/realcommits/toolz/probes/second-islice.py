from _common import show, rng, as_kind
from toolz import second

R = rng()
N = 600
for i in range(N):
    c = R.random()
    if c < 0.6:
        lst = [R.randint(-5, 5) for _ in range(R.randint(0, 4))]
        x, kind = as_kind(R, lst)
    elif c < 0.7:
        x, kind = 'abcd'[:R.randint(0, 4)], 'str'
    elif c < 0.8:
        x, kind = {R.randint(-3, 3): 0 for _ in range(R.randint(0, 3))}, 'dict'
    elif c < 0.9:
        x, kind = range(R.randint(-1, 3)), 'range'
    else:
        x, kind = R.choice([None, 5, -1, 2.5, object]), 'nonseq'
    print(i, kind, show(lambda: second(x)))
# iterator is advanced by exactly two items
it = iter([1, 2, 3, 4])
print('consumed', second(it), list(it))
