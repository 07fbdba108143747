"""Run modAL's own core tests and example scripts against ``skactive.modal`` (or modAL itself).

Nothing is downloaded: pass the folder of a checkout of https://github.com/modAL-python/modAL
(or any folder holding its ``tests/core_tests.py``, ``tests/mock.py`` and ``examples/*.py``)::

    git clone https://github.com/modAL-python/modAL /tmp/modal-upstream
    python benchmarks/modal_upstream.py /tmp/modal-upstream --impl skactive --out sk.json
    # with modAL-python 0.4.2.1 installed (scikit-learn < 1.6, ``pip install --no-deps``):
    python benchmarks/modal_upstream.py /tmp/modal-upstream --impl modal --out modal.json
    python benchmarks/modal_upstream.py --compare sk.json modal.json

``--impl skactive`` replaces ``modAL`` by ``skactive.modal`` in the imports of the copied files;
the originals are not touched. Examples run in a subprocess each, with matplotlib's Agg backend,
``plt.show``/``plt.savefig`` switched off, unknown matplotlib styles (``seaborn-white`` was
renamed) ignored, and ``np.random.seed(0)``/``torch.manual_seed(0)`` first, so that unseeded
examples are repeatable and two implementations can be compared. Every ``query`` of a learner or
committee is recorded (the indices it returned), and so is a checksum of every numeric array the
script leaves in its globals: two runs made the same picks when both are equal. Two example scripts have bugs that make them fail with modAL as well; they
are fixed as modAL's own ``tests/example_tests`` fixed them (``EXAMPLE_FIXES``). Examples (and
``tests/example_tests``) written for modAL's pre-0.4 argument
names (``predictor=``, ``X_initial=``, ``y_initial=``) get the current names, for both
implementations (modAL 0.4.2.1 rejects the old ones too). For modAL
itself the two shims it needs on numpy 2 and pandas >= 2 are installed (``np.float``,
``DataFrame.append``).

It prints a table and writes the results as JSON (``--out``).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

#: modAL's example scripts that need neither keras/tensorflow nor a download.
EXAMPLES = [
    "active_regression.py", "bagging.py", "bayesian_optimization.py",
    "bayesian_optimization_multidim.py", "custom_query_strategies.py", "ensemble.py",
    "ensemble_regression.py", "information_density.py", "multilabel_svm.py",
    "pool-based_sampling.py", "query_by_committee.py", "ranked_batch_mode.py",
    "shape_learning.py", "sklearn_workflow.py", "stream-based_sampling.py",
]

#: Bugs of two example scripts, fixed as modAL's own tests/example_tests fixed them: the
#: low-level PI/EI/UCB called as if they were optimizer_PI/EI/UCB, and ``bagging=True``, which
#: reaches the estimator's fit (the argument is ``bootstrap``). modAL fails on them as well.
EXAMPLE_FIXES = {
    "bayesian_optimization.py": [
        ("from modAL.acquisition import PI, EI, UCB, max_PI, max_EI, max_UCB",
         "from modAL.acquisition import optimizer_PI as PI, optimizer_EI as EI, "
         "optimizer_UCB as UCB, max_PI, max_EI, max_UCB")],
    "ensemble.py": [("bagging=True", "bootstrap=True")],
}

#: tests/example_tests/custom_query_strategies.py indexes X with the (indices, values) pair that
#: multi_argmax returns since modAL 0.4 (IndexError with modAL too); examples/ returns the pair.
EXAMPLE_TEST_FIXES = {
    "custom_query_strategies.py": [
        ("    query_idx = multi_argmax(utility, n_instances=n_instances)\n"
         "    return query_idx, X[query_idx]",
         "    return multi_argmax(utility, n_instances=n_instances)")],
}

OLD_ARGUMENTS = [("predictor=", "estimator="), ("X_initial=", "X_training="),
                 ("y_initial=", "y_training=")]

MODAL_SHIMS = '''
import numpy as _np, pandas as _pd
if not hasattr(_np, "float"):
    _np.float = float
if not hasattr(_pd.DataFrame, "append"):
    def _append(self, other, ignore_index=False, **kwargs):
        others = other if isinstance(other, (list, tuple)) else [other]
        others = [o.to_frame().T if isinstance(o, _pd.Series) else o for o in others]
        return _pd.concat([self, *others], ignore_index=ignore_index)
    _pd.DataFrame.append = _append
'''

PRELUDE = '''
import contextlib as _contextlib, json as _json, atexit as _atexit
import matplotlib as _mpl
_mpl.use("Agg")
import matplotlib.pyplot as _plt
_plt.show = lambda *a, **k: None
_plt.savefig = lambda *a, **k: None
_context = _plt.style.context
@_contextlib.contextmanager
def _tolerant_context(style, *args, **kwargs):
    try:
        cm = _context(style, *args, **kwargs)
        cm.__enter__()
    except (OSError, ValueError):
        cm = None
    try:
        yield
    finally:
        if cm is not None:
            cm.__exit__(None, None, None)
_plt.style.context = _tolerant_context
import numpy as _np
_np.random.seed(0)
try:
    import torch as _torch
    _torch.manual_seed(0)
except ImportError:
    pass
{shims}
import {package}.models as _models, {package}.models.base as _base
_TRACE = []
def _recording(cls_name, method):
    def query(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        idx = _np.asarray(result[0]).ravel().tolist()
        _TRACE.append([cls_name, [int(i) for i in idx]])
        return result
    return query
for _owner in (_base.BaseLearner, _models.Committee, _models.CommitteeRegressor):
    _owner.query = _recording(_owner.__name__, _owner.query)
def _dump():
    import hashlib
    arrays = {{k: hashlib.sha1(_np.ascontiguousarray(v).tobytes()).hexdigest()
              for k, v in list(globals().items())
              if not k.startswith("_") and isinstance(v, _np.ndarray) and v.dtype.kind in "biuf"}}
    open({trace!r}, "w").write(_json.dumps({{"queries": _TRACE, "arrays": arrays}}))
_atexit.register(_dump)
'''


def _swap(source, impl):
    if impl == "skactive":
        source = re.sub(r"\bmodAL\b(?=[.\s])", "skactive.modal", source)
    return source


def run_core(folder, impl, workdir):
    tests = os.path.join(workdir, "tests")
    os.makedirs(tests)
    for name in ("core_tests.py", "mock.py"):
        with open(os.path.join(folder, "tests", name)) as f:
            source = f.read()
        with open(os.path.join(tests, name), "w") as f:
            f.write(_swap(source, impl))
    if impl == "modal":
        with open(os.path.join(tests, "conftest.py"), "w") as f:
            f.write(MODAL_SHIMS)
    report = os.path.join(workdir, "core.xml")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore",
           f"--junitxml={report}", "core_tests.py"]
    if not os.path.isdir(os.path.join(folder, "tests", "example_tests")):
        cmd += ["-k", "not TestExamples"]
    else:
        shutil.copytree(os.path.join(folder, "tests", "example_tests"),
                        os.path.join(tests, "example_tests"))
        for root, _, files in os.walk(os.path.join(tests, "example_tests")):
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(root, name)
                    with open(path) as f:
                        source = f.read()
                    for old, new in OLD_ARGUMENTS + EXAMPLE_TEST_FIXES.get(name, []):
                        source = source.replace(old, new)
                    with open(path, "w") as f:
                        f.write(_swap(source, impl))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [tests, os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    subprocess.run(cmd, cwd=tests, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname').split('.')[-1]}.{case.get('name')}"
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        results[name] = "skipped" if skipped else ("failed" if failed else "passed")
    return results


def run_example(folder, name, impl, workdir, timeout):
    with open(os.path.join(folder, "examples", name)) as f:
        source = f.read()
    replacements = OLD_ARGUMENTS + EXAMPLE_FIXES.get(name, [])
    adapted = [old for old, new in replacements if old in source]
    for old, new in replacements:
        source = source.replace(old, new)
    trace = os.path.join(workdir, name + ".trace.json")
    package = "skactive.modal" if impl == "skactive" else "modAL"
    prelude = PRELUDE.format(shims=MODAL_SHIMS if impl == "modal" else "", package=package,
                             trace=trace)
    script = os.path.join(workdir, name)
    with open(script, "w") as f:
        f.write(prelude + "\n" + _swap(source, impl))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(),
                                                       os.environ.get("PYTHONPATH", "")]))
    try:
        proc = subprocess.run([sys.executable, script], cwd=workdir, env=env, timeout=timeout,
                              capture_output=True, text=True)
        status = "ran" if proc.returncode == 0 else "error"
        error = proc.stderr.strip().splitlines()[-1] if proc.returncode else ""
        stdout = proc.stdout
    except subprocess.TimeoutExpired:
        status, error, stdout = "timeout", f"more than {timeout} s", ""
    picks, arrays = [], {}
    if os.path.exists(trace):
        with open(trace) as f:
            dumped = json.load(f)
        picks, arrays = dumped["queries"], dumped["arrays"]
    # memory addresses differ from run to run
    stdout = re.sub(r" at 0x[0-9a-f]+", " at 0x...", stdout)
    return {"status": status, "error": error, "stdout": stdout, "queries": picks,
            "arrays": arrays, "adapted_arguments": adapted}


def compare(path_a, path_b):
    with open(path_a) as f:
        a = json.load(f)
    with open(path_b) as f:
        b = json.load(f)
    print(f"A: {a['impl']} on scikit-learn {a['sklearn']}; B: {b['impl']} on scikit-learn "
          f"{b['sklearn']}")
    print(f"{'example':36s} {'A':8s} {'B':8s} same picks  same output")
    for name in EXAMPLES:
        ea, eb = a["examples"].get(name), b["examples"].get(name)
        if ea is None or eb is None:
            continue
        both = ea["status"] == eb["status"] == "ran"
        same_picks = (both and ea["queries"] == eb["queries"]
                      and ea.get("arrays") == eb.get("arrays"))
        same_out = both and ea["stdout"] == eb["stdout"]
        n = len(ea["queries"])
        print(f"{name:36s} {ea['status']:8s} {eb['status']:8s} "
              f"{(str(same_picks) + f' ({n} queries)') if both else '-':14s} "
              f"{same_out if both else '-'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", help="a checkout of modAL's repository")
    parser.add_argument("--impl", choices=["skactive", "modal"], default="skactive")
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--skip-core", action="store_true")
    parser.add_argument("--skip-examples", action="store_true")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per example")
    parser.add_argument("--examples", nargs="+", default=EXAMPLES, metavar="NAME",
                        help="run these example scripts only")
    parser.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"))
    args = parser.parse_args(argv)
    if args.compare:
        compare(*args.compare)
        return
    if not args.folder or not os.path.isfile(os.path.join(args.folder, "tests",
                                                          "core_tests.py")):
        parser.error("pass the folder of modAL's repository (with tests/core_tests.py and "
                     "examples/), e.g. git clone https://github.com/modAL-python/modAL")
    import sklearn

    out = {"impl": args.impl, "sklearn": sklearn.__version__, "core": {}, "examples": {}}
    with tempfile.TemporaryDirectory() as workdir:
        if not args.skip_core:
            out["core"] = run_core(args.folder, args.impl, os.path.join(workdir, "core"))
            counts = {s: list(out["core"].values()).count(s)
                      for s in ("passed", "failed", "skipped")}
            print(f"core tests ({args.impl}, scikit-learn {sklearn.__version__}): {counts}")
            for name, status in out["core"].items():
                if status != "passed":
                    print(f"  {status}: {name}")
        if not args.skip_examples:
            for name in args.examples:
                if not os.path.isfile(os.path.join(args.folder, "examples", name)):
                    continue
                ex_dir = os.path.join(workdir, "ex", name)
                os.makedirs(ex_dir)
                result = run_example(args.folder, name, args.impl, ex_dir, args.timeout)
                out["examples"][name] = result
                print(f"{name:36s} {result['status']:8s} {len(result['queries']):4d} queries "
                      f"{result['error'][:80]}", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
