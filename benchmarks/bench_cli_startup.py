"""How long the ``skactive`` command takes to answer without doing any work.

Times, in fresh interpreters, ``skactive --help``, a usage error (``run --initial 7``) and a
file-format error (a malformed CSV given to ``run --data``), and says whether torch was imported
for each. Wall time (a user's wait) and the child's CPU time are both printed: on a busy shared
machine the wall time includes waiting for a core.

Usage::

    python benchmarks/bench_cli_startup.py [--repeats 5] [--repo PATH]

``--repo`` times another checkout (for example the main branch) with the same script.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBE = """
import sys
from skactive.cli import main
status = main({argv!r})
sys.stderr.write("TORCH=%s\\n" % ("torch" in sys.modules))
"""


def measure(repo, argv, repeats, cwd):
    env = {**os.environ, "PYTHONPATH": str(repo)}
    walls, cpus, torch = [], [], set()
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # run elsewhere: "python -c" puts the working folder before PYTHONPATH
        done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], env=env,
                              capture_output=True, text=True, cwd=cwd)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        torch.add("TORCH=True" in done.stderr)
    return statistics.median(walls), statistics.median(cpus), torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    bad = folder / "bad.csv"
    bad.write_text("a,b,y\n1,2,x\n3,4,5,6\n")
    cases = {
        "skactive --help": ["--help"],
        "usage error": ["run", "--initial", "7"],
        "file-format error": ["run", "--data", str(bad), "--target", "y", "--no-progress",
                              "--out", str(folder / "out")],
    }
    print(f"repository: {args.repo}; median of {args.repeats} fresh interpreters")
    print(f"{'case':20s} {'wall s':>8s} {'cpu s':>8s}  torch imported")
    for name, argv in cases.items():
        wall, cpu, torch = measure(args.repo.resolve(), argv, args.repeats, folder)
        print(f"{name:20s} {wall:8.2f} {cpu:8.2f}  {'yes' if True in torch else 'no'}")


if __name__ == "__main__":
    main()
