"""Labeling session latency: start to first batch, and posted batch to the next batch.

Builds a CSV of N rows by resampling the shipped Telescope data with a little Gaussian noise
(0.05 standard deviations per feature), blanks every label but ``--labeled`` random ones (0: a
fully blank column; the first batches are then drawn at random until both classes have a
label), starts ``python -m skactive label FILE --target kind --classes gamma,hadron --out DIR``
with the CLI's defaults (entropy strategy, MLP with its default 200 epochs, batches of 10), and
times over HTTP:

- start: from launching the command to ``GET /api/next`` returning rows (the first batch the
  page can show; the page itself adds one round trip);
- retrain: from posting the last answer of a batch to ``GET /api/next`` returning the next
  batch, chosen by the model retrained on every label so far (``--batches`` times; median,
  min and max printed).

    python benchmarks/bench_labeling.py --rows 5000 45000
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def make_csv(path, n_rows, n_labeled, seed=0):
    from skactive.datasets import load_telescope

    bunch = load_telescope()
    rng = np.random.RandomState(seed)
    rows = rng.randint(0, len(bunch.target), n_rows)
    X = bunch.data[rows] + 0.05 * bunch.data.std(axis=0) * rng.normal(size=(n_rows, 10))
    frame = pd.DataFrame(X.round(4), columns=bunch.feature_names)
    frame.insert(0, "id", np.arange(n_rows))
    frame["kind"] = np.where(bunch.target[rows] == "g", "gamma", "hadron")
    truth = dict(zip(frame["id"].astype(str), frame["kind"]))
    keep = rng.choice(n_rows, n_labeled, replace=False)
    frame.loc[np.setdiff1d(np.arange(n_rows), keep), "kind"] = ""
    frame.to_csv(path, index=False)
    return truth


def call(base, token, method, path, body=None):
    request = urllib.request.Request(base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-Skactive-Token": token,
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def wait_rows(base, token, version=None):
    while True:
        batch = call(base, token, "GET", "/api/next")
        if batch["error"]:
            raise RuntimeError(batch["error"])
        if batch["rows"] and (version is None or batch["rows"][0]["version"] != version):
            return batch
        time.sleep(0.02)


def bench(n_rows, n_labeled, n_batches, work):
    path = work / f"telescope_{n_rows}.csv"
    truth = make_csv(path, n_rows, n_labeled)
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "skactive", "label", str(path), "--target",
                             "kind", "--id", "id", "--classes", "gamma,hadron",
                             "--out", str(work / f"s{n_rows}"),
                             "--port", "0"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        for line in proc.stdout:
            match = re.search(r"(http://\S+)/\?token=(\S+)", line)
            if match:
                base, token = match.groups()
                break
        printed = time.perf_counter() - started
        batch = wait_rows(base, token)
        first = time.perf_counter() - started
        retrain = []
        for _ in range(n_batches):
            version = batch["rows"][0]["version"]
            for row in batch["rows"]:
                call(base, token, "POST", "/api/labels",
                     {"answers": [{"key": row["key"], "label": truth[row["key"]]}]})
            posted = time.perf_counter()
            batch = wait_rows(base, token, version)
            retrain.append(time.perf_counter() - posted)
        status = call(base, token, "GET", "/api/status")
    finally:
        proc.terminate()
        proc.wait(60)
    return printed, first, retrain, status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 45000])
    parser.add_argument("--labeled", type=int, default=20)
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    print(f"skactive label, defaults (entropy, MLP 200 epochs, batch 10), {args.labeled} rows "
          f"labeled at the start; {os.cpu_count()} CPU cores")
    for n_rows in args.rows:
        printed, first, retrain, status = bench(n_rows, args.labeled, args.batches, work)
        print(f"{n_rows:>6} rows: address printed {printed:.1f} s, first batch {first:.1f} s "
              f"after launch; posted batch -> next batch by the retrained model: median "
              f"{np.median(retrain):.2f} s (min {min(retrain):.2f}, max {max(retrain):.2f}, "
              f"{len(retrain)} batches, last {retrain[-1]:.2f} s with "
              f"{status['labeled_total']} labels); model version "
              f"{status['version']}", flush=True)


if __name__ == "__main__":
    main()
