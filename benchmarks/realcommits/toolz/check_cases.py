#!/usr/bin/env python3
"""Re-run the sanity checks for every case in cases.toml.

No gate tool is involved: this only uses git apply, pytest (via subprocess)
and plain Python.  For every case it

  1. copies tree/ twice (original, variant) into a scratch directory,
  2. applies tests_before (if any) to both copies, then the patch to the
     variant, each with `git apply --check` first,
  3. runs the relevant test modules on both copies: both must pass,
  4. regression cases: runs the witness on both copies; outputs must differ.
     It also reports (information only) whether the *unmodified* test
     modules would have caught the bug, i.e. whether tests_before is needed,
  5. benign cases: runs the differential probe probes/<id>.py on both copies;
     outputs must be identical.

Usage:  python check_cases.py [--full] [--only ID ...] [--python PY]
        --full  run all of toolz/tests instead of the relevant modules
Exit status is non-zero if anything is not as expected.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.join(HERE, 'tree')
PROBES = os.path.join(HERE, 'probes')
DEFAULT_PY = '/work/main/.venv/bin/python'

# test modules that exercise each library module
TESTS_BY_MODULE = {
    'toolz.itertoolz': ['toolz/tests/test_itertoolz.py'],
    'toolz.dicttoolz': ['toolz/tests/test_dicttoolz.py'],
    'toolz.functoolz': ['toolz/tests/test_functoolz.py'],
    'toolz.recipes': ['toolz/tests/test_recipes.py'],
}
# extra modules for functions used elsewhere
EXTRA_TESTS = {
    'frequencies-try-except': ['toolz/tests/test_recipes.py'],
    'groupby-fastdict': ['toolz/tests/test_recipes.py'],
    'juxt-generator': ['toolz/tests/test_serialization.py'],
    'getter-empty-list': ['toolz/tests/test_recipes.py'],
}
PYTEST_OPTS = ['-q', '-p', 'no:cacheprovider', '-p', 'no:benchmark']


def run(cmd, cwd, env=None, timeout=300):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def child_env(copy):
    env = dict(os.environ)
    env['PYTHONPATH'] = copy
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    env['PYTHONHASHSEED'] = '0'
    # never let git discover an enclosing repository around the scratch dir
    env['GIT_CEILING_DIRECTORIES'] = os.path.dirname(copy)
    return env


def fresh_copy(dst):
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(TREE, dst, ignore=shutil.ignore_patterns(
        '__pycache__', '.pytest_cache', '.benchmarks'))


def git_apply(diff, copy):
    """git apply --check, then git apply.  Returns an error string or None."""
    env = child_env(copy)
    diff = os.path.join(HERE, diff)
    rc, out, err = run(['git', 'apply', '--check', diff], copy, env)
    if rc:
        return 'git apply --check %s failed: %s' % (diff, err.strip())
    rc, out, err = run(['git', 'apply', diff], copy, env)
    if rc:
        return 'git apply %s failed: %s' % (diff, err.strip())
    return None


def pytest(py, copy, tests):
    rc, out, err = run([py, '-m', 'pytest'] + PYTEST_OPTS + tests, copy,
                       child_env(copy))
    lines = [l for l in (out + err).strip().splitlines() if l.strip()]
    return rc, (lines[-1] if lines else '(no output)'), out + err


def python_code(py, copy, code):
    rc, out, err = run([py, '-c', code], copy, child_env(copy))
    return rc, out + (('\n[stderr] ' + err.strip()) if rc else '')


def python_file(py, copy, path):
    rc, out, err = run([py, path], copy, child_env(copy))
    return rc, out, err


def check_case(case, args, scratch):
    cid = case['id']
    problems, notes = [], []
    base = os.path.join(scratch, cid)
    orig, var = os.path.join(base, 'orig'), os.path.join(base, 'variant')
    fresh_copy(orig)
    fresh_copy(var)
    tb = case.get('tests_before')
    for copy in (orig, var):
        if tb:
            e = git_apply(tb, copy)
            if e:
                problems.append(e)
    e = git_apply(case['patch'], var)
    if e:
        problems.append(e)
    if problems:
        return problems, notes

    module = case['function'].split(':')[0]
    if args.full:
        tests = ['toolz/tests']
    else:
        tests = list(TESTS_BY_MODULE[module]) + EXTRA_TESTS.get(cid, [])

    for label, copy in (('original', orig), ('variant', var)):
        rc, summary, full = pytest(args.python, copy, tests)
        notes.append('tests on %-8s: %s' % (label, summary))
        if rc:
            problems.append('tests fail on %s:\n%s' % (label, full[-3000:]))

    if case['kind'] == 'regression':
        rc1, out1 = python_code(args.python, orig, case['witness'])
        rc2, out2 = python_code(args.python, var, case['witness'])
        notes.append('witness original: %s' % out1.strip())
        notes.append('witness variant : %s' % out2.strip())
        if rc1:
            problems.append('witness crashes on original')
        if out1 == out2:
            problems.append('witness output is the same on both sides')
        # information: does the suite *without* tests_before catch the bug?
        if tb:
            nt = os.path.join(base, 'variant-no-tests-before')
            fresh_copy(nt)
            e = git_apply(case['patch'], nt)
            if e:
                problems.append(e)
            else:
                rc, summary, _ = pytest(args.python, nt, tests)
                notes.append('upstream tests on variant (no tests_before): %s%s'
                             % (summary, '' if rc else
                                '  <- NOTE: tests_before not needed'))
    else:
        probe = os.path.join(PROBES, cid + '.py')
        if not os.path.exists(probe):
            problems.append('no probe %s' % probe)
        else:
            rc1, out1, err1 = python_file(args.python, orig, probe)
            rc2, out2, err2 = python_file(args.python, var, probe)
            n = len(out1.splitlines())
            if rc1 or rc2:
                problems.append('probe crashed: %s %s' % (err1[-800:], err2[-800:]))
            elif out1 != out2:
                diff = [(a, b) for a, b in zip(out1.splitlines(),
                                               out2.splitlines()) if a != b]
                problems.append('probe differs on %d of %d lines, first: %r'
                                % (len(diff), n, diff[:3]))
            else:
                nexc = sum('EXC ' in l for l in out1.splitlines())
                notes.append('probe: %d inputs, identical output '
                             '(%d of them raise)' % (n, nexc))
    return problems, notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--full', action='store_true')
    ap.add_argument('--only', nargs='*')
    ap.add_argument('--python', default=DEFAULT_PY if os.path.exists(DEFAULT_PY)
                    else sys.executable)
    ap.add_argument('--scratch', default=os.environ.get('RC_SCRATCH',
                                                        '/tmp/rc-toolz'))
    args = ap.parse_args()
    with open(os.path.join(HERE, 'cases.toml'), 'rb') as f:
        cases = tomllib.load(f)['case']
    ids = [c['id'] for c in cases]
    assert len(ids) == len(set(ids)), 'duplicate ids'
    bad = 0
    for case in cases:
        if args.only and case['id'] not in args.only:
            continue
        problems, notes = check_case(case, args, args.scratch)
        status = 'OK ' if not problems else 'BAD'
        bad += bool(problems)
        print('[%s] %-24s %-10s %s' % (status, case['id'], case['kind'],
                                       case['function']))
        for n in notes:
            print('        ' + n)
        for p in problems:
            print('     !! ' + p)
    print('\n%d case(s) with problems' % bad)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
