"""Start ``python -m skactive label`` as a subprocess for the API and browser tests."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NASTY = ["<script>window.__pwned = 1</script>", "<img src=x onerror=\"window.__pwned = 2\">"]


def write_table(path, n=200, labeled=8, seed=0, nasty=False):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    frame = pd.DataFrame({"id": np.arange(n), "x": X[:, 0].round(3), "z": X[:, 1].round(3),
                          "y": np.where(X[:, 0] > 0, "pos", "neg")})
    if nasty:
        frame["note"] = [NASTY[i % 2] for i in range(n)]
    truth = dict(zip(frame["id"].astype(str), frame["y"]))
    frame.loc[labeled:, "y"] = ""
    frame.to_csv(path, index=False)
    return truth


def write_sentences(path, n=120, labeled=8, seed=0):
    rng = np.random.RandomState(seed)
    good = ["a warm and funny film", "great acting and a moving story", "I loved every minute"]
    bad = ["a dull and tedious film", "poor acting and a boring story", "I hated every minute"]
    lines, truth = [], {}
    for i in range(n):
        positive = rng.rand() < 0.5
        sentence = f"{(good if positive else bad)[i % 3]} number {i}"
        label = "pos" if positive else "neg"
        truth[sentence] = label
        lines.append(f"{label}\t{sentence}" if i < labeled else sentence)
    path.write_text("\n".join(lines) + "\n")
    return truth


class Server:
    """A running ``skactive label`` process; ``url`` is the printed address."""

    def __init__(self, args, cwd):
        env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1",
                   PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "skactive", "label", *map(str, args),
                                      "--port", "0"], cwd=cwd, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            match = re.search(r"(http://\S+)/\?token=(\S+)", line)
            if match:
                self.base, self.token = match.groups()
                self.url = f"{self.base}/?token={self.token}"
                return
        self.proc.kill()
        raise RuntimeError("skactive label did not start: " + "".join(self.lines)
                           + (self.proc.stdout.read() or ""))

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self.proc.stdout.close()


def wait_for_batch(client, headers, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = client.get("/api/next", headers=headers).json()
        assert batch["error"] is None, batch["error"]
        if batch["rows"]:
            return batch
        time.sleep(0.1)
    raise AssertionError("no batch within the timeout")
