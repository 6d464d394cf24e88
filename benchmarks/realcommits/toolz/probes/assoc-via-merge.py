from collections import OrderedDict, defaultdict
from _common import show, rng, keyed
from toolz import assoc

R = rng()
POOL = [1, 1.0, True, 0, False, 'a', -1, None, (1, 2)]
FACTORIES = [('dict', dict), ('OrderedDict', OrderedDict),
             ('defaultdict', lambda: defaultdict(int))]
N = 600
for i in range(N):
    d = {R.choice(POOL): R.randint(-9, 9) for _ in range(R.randint(0, 5))}
    orig = keyed(d.items())
    key = R.choice(POOL)
    val = R.randint(-9, 9)
    fname, factory = R.choice(FACTORIES)
    src = d
    if R.random() < 0.15:
        src = list(d.items())          # iterable of pairs
    if R.random() < 0.05:
        src = R.choice([None, 5])      # invalid input
    use_kw = fname != 'dict' or R.random() < 0.5
    def run():
        out = assoc(src, key, val, factory=factory) if use_kw else assoc(src, key, val)
        return type(out).__name__, keyed(out.items())
    print(i, fname, show(run), 'input-unchanged' if keyed(d.items()) == orig else 'MUTATED')
