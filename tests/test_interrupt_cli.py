"""A real ``skactive run`` interrupted mid-fit: it stops at once, records no interrupted round,
and ``--resume`` finishes with exactly the results of a run that was never interrupted."""

import os
import signal
import subprocess
import sys
import time

import pytest

from skactive.experiment import TIMING_COLUMNS, read_results

ARGS = ["run", "--dataset", "sigmoid", "--strategies", "random,entropy", "--repeats", "2",
        "--initial", "0.05", "--step", "0.05", "--until", "0.35", "--max-epochs", "40",
        "--no-progress", "--quiet", "--no-report"]


def _skactive(args, **kwargs):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "skactive", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _rows(folder):
    path = folder / "results.csv"
    if not path.exists():
        return 0
    return max(0, len(path.read_text(encoding="utf-8").splitlines()) - 1)


def _comparable(folder):
    frame = read_results(folder).drop(columns=list(TIMING_COLUMNS))
    return frame.sort_values(["strategy", "repeat", "round"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "run"
    proc = _skactive([*ARGS, "--out", str(out)])
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    return _comparable(out)


@pytest.mark.slow
@pytest.mark.usefixtures("interruptible")
@pytest.mark.parametrize("n_jobs, sig, status, word", [
    (1, signal.SIGINT, 130, "interrupted"),
    (2, signal.SIGINT, 130, "interrupted"),
    (1, signal.SIGTERM, 143, "terminated"),
])
def test_interrupted_run_resumes_to_the_uninterrupted_results(tmp_path, uninterrupted, n_jobs,
                                                              sig, status, word):
    out = tmp_path / "run"
    proc = _skactive([*ARGS, "--out", str(out), "--n-jobs", str(n_jobs)])
    deadline = time.monotonic() + 600
    while _rows(out) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(sig)  # most of a round is the model's fit: this lands mid-fit
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert f"{word}; finished rounds are saved, continue with --resume" in err
    assert "Traceback" not in err
    partial = _rows(out)
    assert 3 <= partial < len(uninterrupted)

    resumed = _skactive([*ARGS, "--out", str(out), "--n-jobs", str(n_jobs), "--resume"])
    _, err = resumed.communicate(timeout=900)
    assert resumed.returncode == 0, err
    # Had an interrupted fit been recorded, its half-trained score (and, for entropy, the
    # batches it chose next) would differ from the uninterrupted run's.
    got = _comparable(out)
    assert got.equals(uninterrupted), got.compare(uninterrupted)
