from collections import OrderedDict, defaultdict
from _common import show, rng, keyed
from toolz import merge_with, first

R = rng()
POOL = [1, 1.0, True, 0, False, 'a', -1, None, (1, 2)]
FACTORIES = [('none', None), ('dict', dict), ('OrderedDict', OrderedDict),
             ('defaultdict', lambda: defaultdict(list))]


def boom(vs):
    if len(vs) > 1:
        raise ValueError('boom %d' % len(vs))
    return vs


FUNCS = [('sum', sum), ('tuple', tuple), ('len', len), ('max', max),
         ('first', first), ('list', list), ('boom', boom)]
N = 600
for i in range(N):
    dicts = [{R.choice(POOL): R.randint(-9, 9) for _ in range(R.randint(0, 4))}
             for _ in range(R.randint(0, 4))]
    fname, func = R.choice(FUNCS)
    facname, factory = R.choice(FACTORIES)
    kw = {} if factory is None else {'factory': factory}
    mode = R.choice(['varargs', 'list', 'gen', 'single'])
    def run():
        if mode == 'varargs':
            out = merge_with(func, *dicts, **kw)
        elif mode == 'list':
            out = merge_with(func, dicts, **kw)
        elif mode == 'gen':
            out = merge_with(func, (d for d in dicts), **kw)
        else:
            out = merge_with(func, dicts[0] if dicts else {}, **kw)
        return type(out).__name__, keyed(out.items())
    print(i, fname, facname, mode, show(run))
print('bad-kw', show(lambda: merge_with(sum, {1: 1}, factoryy=dict)))
print('no-dicts', show(lambda: merge_with(sum)))
print('non-mapping', show(lambda: merge_with(sum, {1: 1}, 5)))
