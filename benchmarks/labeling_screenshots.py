"""Screenshots of the labeling page for the docs (docs/_static/labeling_*.png).

Starts ``skactive label`` on a 2,000-row sample of the shipped Telescope data and on a small
sentence file, answers two batches through the JSON API so the progress panel has content, and
photographs the page in headless Chromium (Playwright), wide and narrow.

    python benchmarks/labeling_screenshots.py [--chromium /usr/bin/chromium]
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
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def start(args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "skactive", "label", *map(str, args),
                             "--port", "0"], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        match = re.search(r"(http://\S+)/\?token=(\S+)", line)
        if match:
            return proc, match.group(1), match.group(2)
    raise RuntimeError("skactive label did not start")


def call(base, token, method, path, body=None):
    request = urllib.request.Request(base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-Skactive-Token": token,
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def answer_batches(base, token, truth, n_batches):
    for _ in range(n_batches):
        while True:
            batch = call(base, token, "GET", "/api/next")
            if batch["rows"]:
                break
            time.sleep(0.2)
        version = batch["rows"][0]["version"]
        for row in batch["rows"]:
            if row["version"] != version:
                break
            call(base, token, "POST", "/api/labels",
                 {"answers": [{"key": row["key"], "label": truth(row)}]})
    while not call(base, token, "GET", "/api/next")["rows"]:
        time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", default=str(ROOT / "docs" / "_static"))
    parser.add_argument("--only", choices=["table", "text"], help="one of the two pages")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from skactive.datasets import load_telescope

    work = Path(tempfile.mkdtemp())
    bunch = load_telescope()
    rng = np.random.RandomState(0)
    rows = rng.choice(len(bunch.target), 2000, replace=False)
    table = pd.DataFrame(bunch.data[rows].round(3), columns=bunch.feature_names)
    table.insert(0, "event", rows)
    names = {"g": "gamma", "h": "hadron"}
    table["kind"] = [names[t] for t in bunch.target[rows]]
    truth = dict(zip(table["event"].astype(str), table["kind"]))
    table.loc[20:, "kind"] = ""
    table.to_csv(work / "telescope.csv", index=False)

    good = ["a warm, funny and moving film", "the cast is superb", "one of the best films of "
            "the year", "smart, touching and beautifully shot"]
    bad = ["a dull, tedious mess", "the plot makes no sense", "two hours I will not get back",
           "flat acting and a lazy script"]
    sentences, labels = [], {}
    for i in range(300):
        positive = rng.rand() < 0.5
        text = f"{(good if positive else bad)[i % 4]} ({i})"
        labels[text] = "positive" if positive else "negative"
        sentences.append(f"{labels[text]}\t{text}" if i < 40 else text)
    (work / "reviews.txt").write_text("\n".join(sentences) + "\n")

    jobs = [("table", ["telescope.csv", "--target", "kind", "--id", "event", "--batch-size",
                       "10", "--max-epochs", "50"], lambda r: truth[r["cells"]["event"]]),
            ("text", ["reviews.txt", "--text", "--batch-size", "10"],
             lambda r: labels[r["text"]])]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=FLAGS)
        for name, cli, oracle in jobs:
            if args.only and name != args.only:
                continue
            proc, base, token = start([*cli, "--out", work / f"session-{name}"], work)
            try:
                answer_batches(base, token, oracle, 3)
                for width, suffix in ((1100, ""), (390, "_narrow")):
                    page = browser.new_page(viewport={"width": width, "height": 760})
                    page.goto(f"{base}/?token={token}")
                    page.wait_for_selector("#classes button:not([disabled])")
                    page.wait_for_function("() => document.querySelectorAll('#curve circle')"
                                           ".length >= 2")
                    path = Path(args.out) / f"labeling_{name}{suffix}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
                    page.close()
            finally:
                proc.terminate()
                proc.wait(30)
        browser.close()


if __name__ == "__main__":
    main()
