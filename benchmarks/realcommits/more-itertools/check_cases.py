#!/usr/bin/env python3
"""Re-check every case in cases.toml without any gate tool.

For each case, in scratch copies of tree/ (default /tmp/rc-mi/<id>/):

* ``orig``    = tree/ + tests_before (if any)
* ``variant`` = tree/ + tests_before (if any) + patch

and then:

1. ``git apply --check`` of tests_before on a fresh copy, then of the patch on
   top of it (the patch must touch only more_itertools/, tests_before only
   tests/);
2. the relevant tests (file + ``-k``, see TESTS below) must pass on ``orig``
   and on ``variant``; ``--full`` additionally runs the whole suite on
   ``variant``;
3. regressions: control run -- the same relevant tests on tree/ + patch
   *without* tests_before must FAIL (the removed tests are the ones that catch
   the bug); the witness is run on both sides, the outputs must differ and
   must equal the ones recorded in the ``# witness on ...`` comments above
   the case;
4. benign: ``difftests.py <id>`` is run on both sides; the JSON outputs must
   be identical and the number of inputs must equal the ``# checked: N
   inputs`` comment above the case.

Stdlib only; pytest is run through a subprocess.  Exit status 0 iff every
check passed.

Usage: python check_cases.py [--full] [--python PY] [--scratch DIR] [ID ...]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREE = HERE / 'tree'
DEFAULT_PY = '/work/main/.venv/bin/python'

# case id -> (test files, -k expression) : the tests relevant to the function
TESTS = {
    # regressions
    'running-min-stability': (['tests/test_more.py'], 'Running'),
    'sliced-negative-n': (['tests/test_more.py'], 'Sliced'),
    'numeric-range-eq': (['tests/test_more.py'], 'NumericRange'),
    'numeric-range-reversed-empty': (['tests/test_more.py'], 'NumericRange'),
    'iter-index-negative-start': (['tests/test_recipes.py'], 'IterIndex'),
    'partial-product-repeat-iterators': (
        ['tests/test_more.py'],
        'PartialProduct',
    ),
    'exactly-n-negative': (['tests/test_more.py'], 'ExactlyN'),
    'split-before-empty': (['tests/test_more.py'], 'SplitBefore'),
    'last-reversed-none': (['tests/test_more.py'], 'Last'),
    # benign
    'minmax-swap': (['tests/test_more.py'], 'MinMax'),
    'all-equal-islice': (['tests/test_recipes.py'], 'AllEqual'),
    'ilen-deque-counter': (['tests/test_more.py'], 'Ilen or RunLength'),
    'only-next-default': (['tests/test_more.py'], 'OnlyTests'),
    'cwr-index-cumsum': (
        ['tests/test_more.py'],
        'CombinationWithReplacementIndex',
    ),
    'complex-sumprod-genexpr': (['tests/test_more.py'], 'DiscreteFourier'),
    'running-median-parity': (['tests/test_recipes.py'], 'RunningMedian'),
    'divide-slice-bounds': (['tests/test_more.py'], 'Divide'),
    'value-chain-scalar-types': (['tests/test_more.py'], 'ValueChain'),
}


def run(cmd, cwd, env=None, timeout=900):
    return subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def py_env(root):
    env = dict(os.environ)
    env['PYTHONPATH'] = str(root)
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    env['PYTHONHASHSEED'] = '0'
    return env


def fresh_copy(dst):
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(
        TREE, dst, ignore=shutil.ignore_patterns('__pycache__', '.pytest_cache')
    )


def diff_paths(diff_text):
    return re.findall(r'^diff --git a/(\S+) b/', diff_text, flags=re.M)


def git_apply(diff, root, check_only=False):
    cmd = ['git', 'apply', '--whitespace=nowarn']
    if check_only:
        cmd.append('--check')
    cmd.append(str(diff))
    return run(cmd, cwd=root)


def pytest(py, root, files, kexpr=None):
    cmd = [py, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', *files]
    if kexpr:
        cmd += ['-k', kexpr]
    res = run(cmd, cwd=root, env=py_env(root))
    tail = (res.stdout.strip().splitlines() or [''])[-1]
    return res.returncode, tail


def case_comments(toml_text):
    """Comment lines written directly above each [[case]] header."""
    blocks, buf, in_str = [], [], False
    for line in toml_text.splitlines():
        stripped = line.strip()
        if line.count('"""') % 2 == 1:
            in_str = not in_str
            continue
        if in_str:
            continue
        if stripped == '[[case]]':
            blocks.append(buf)
            buf = []
        elif stripped.startswith('#'):
            buf.append(stripped.lstrip('#').strip())
        elif stripped:
            buf = []
    return blocks


def recorded(comments, prefix):
    for c in comments:
        if c.startswith(prefix):
            return c[len(prefix):].strip()
    return None


def check_case(case, comments, args):
    cid = case['id']
    problems = []
    notes = []
    base = Path(args.scratch) / cid
    orig, variant, control = base / 'orig', base / 'variant', base / 'control'
    for d in (orig, variant, control):
        fresh_copy(d)

    patch = HERE / case['patch']
    tests_before = case.get('tests_before')
    tb = HERE / tests_before if tests_before else None

    # --- 1. diffs apply cleanly, and touch the right files --------------
    if any(not p.startswith('more_itertools/') for p in diff_paths(patch.read_text())):
        problems.append('patch touches files outside more_itertools/')
    if tb is not None:
        if any(not p.startswith('tests/') for p in diff_paths(tb.read_text())):
            problems.append('tests_before touches files outside tests/')
        for d in (orig, variant):
            r = git_apply(tb, d, check_only=True)
            if r.returncode:
                problems.append(f'tests_before --check failed: {r.stderr.strip()}')
                return problems, notes
            git_apply(tb, d)
    r = git_apply(patch, variant, check_only=True)
    if r.returncode:
        problems.append(f'patch --check failed: {r.stderr.strip()}')
        return problems, notes
    git_apply(patch, variant)
    # control = tree + patch, without tests_before
    git_apply(patch, control)
    notes.append('diffs apply')

    # the copies really import their own more_itertools
    for d in (orig, variant):
        r = run(
            [args.python, '-c', 'import more_itertools; print(more_itertools.__file__)'],
            cwd=d,
            env=py_env(d),
        )
        if not r.stdout.strip().startswith(str(d)):
            problems.append(f'{d.name} imports more_itertools from {r.stdout.strip()}')

    # --- 2. relevant tests pass on both sides ---------------------------
    files, kexpr = TESTS[cid]
    for d in (orig, variant):
        rc, tail = pytest(args.python, d, files, kexpr)
        if rc:
            problems.append(f'relevant tests fail on {d.name}: {tail}')
        else:
            notes.append(f'{d.name} tests ok ({tail})')
    if args.full:
        rc, tail = pytest(args.python, variant, ['tests'])
        if rc:
            problems.append(f'full suite fails on variant: {tail}')
        else:
            notes.append(f'full suite on variant ok ({tail})')

    if case['kind'] == 'regression':
        # --- 3a. control: without tests_before the suite catches the bug --
        if tb is not None:
            rc, tail = pytest(args.python, control, files, kexpr)
            if rc == 0:
                problems.append('control: fix tests do not catch the bug')
            else:
                notes.append(f'control catches it ({tail})')
        # --- 3b. witness ----------------------------------------------
        outs = {}
        for d in (orig, variant):
            r = run(
                [args.python, '-c', case['witness']], cwd=d, env=py_env(d)
            )
            outs[d.name] = (r.stdout.strip() or r.stderr.strip().splitlines()[-1])
        if outs['orig'] == outs['variant']:
            problems.append(f'witness does not differ: {outs["orig"]!r}')
        want_o = recorded(comments, 'witness on original tree:')
        want_v = recorded(comments, 'witness on patched tree:')
        if want_o != outs['orig'] or want_v != outs['variant']:
            problems.append(
                f'witness outputs {outs} differ from recorded '
                f'{(want_o, want_v)}'
            )
        notes.append(f'witness orig={outs["orig"]!r} variant={outs["variant"]!r}')
    else:
        # --- 4. differential check --------------------------------------
        outs = {}
        for d in (orig, variant):
            r = run(
                [args.python, str(HERE / 'difftests.py'), cid],
                cwd=d,
                env=py_env(d),
            )
            if r.returncode:
                problems.append(f'difftests failed on {d.name}: {r.stderr[-500:]}')
                return problems, notes
            outs[d.name] = json.loads(r.stdout)
        a, b = outs['orig'], outs['variant']
        ndiff = sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
        if ndiff:
            first = next((x, y) for x, y in zip(a, b) if x != y)
            problems.append(f'difftests: {ndiff} differing results, e.g. {first}')
        want = recorded(comments, 'checked:')
        got = f'{len(a)} inputs, same results'
        if ndiff == 0 and (want is None or not want.startswith(got)):
            problems.append(f'recorded "checked: {want}" but ran "{got}"')
        notes.append(f'difftests: {len(a)} inputs, {ndiff} differences')
    return problems, notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('ids', nargs='*')
    ap.add_argument('--full', action='store_true', help='also run the whole suite on each variant')
    ap.add_argument('--python', default=DEFAULT_PY if Path(DEFAULT_PY).exists() else sys.executable)
    ap.add_argument('--scratch', default='/tmp/rc-mi')
    ap.add_argument('--keep', action='store_true', help='keep scratch copies')
    args = ap.parse_args()

    text = (HERE / 'cases.toml').read_text()
    cases = tomllib.loads(text)['case']
    comments = case_comments(text)
    assert len(comments) == len(cases)
    ids = [c['id'] for c in cases]
    assert len(set(ids)) == len(ids), 'duplicate ids'

    failed = 0
    for case, com in zip(cases, comments):
        if args.ids and case['id'] not in args.ids:
            continue
        assert case['id'] in TESTS, f'no relevant tests listed for {case["id"]}'
        t0 = time.monotonic()
        problems, notes = check_case(case, com, args)
        status = 'FAIL' if problems else 'ok'
        failed += bool(problems)
        print(f'[{status}] {case["id"]} ({case["kind"]}, {time.monotonic() - t0:.1f}s)')
        for n in notes:
            print(f'      {n}')
        for p in problems:
            print(f'   !! {p}')
        if not args.keep:
            shutil.rmtree(Path(args.scratch) / case['id'], ignore_errors=True)
    print(f'{failed} case(s) failed' if failed else 'all cases as expected')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
