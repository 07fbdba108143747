"""Throw bad files and damaged results folders at the ``skactive`` command; count clear answers.

Each case runs ``skactive run`` (or ``report``) in-process. A case is *clear* when the command
either succeeds (exit 0; what it repaired is printed as ``skactive: notice:`` lines) or stops
with exit status 2 and exactly one ``error`` line, and no traceback reaches the user. Every
case's last lines are printed, so that a reader can judge whether the message says what to do.
Runs in a temporary folder; about a minute on two cores.

Usage::

    python benchmarks/bad_inputs.py
"""

import contextlib
import gzip
import io
import os
import shutil
import tempfile
import zipfile

import numpy as np
import pandas as pd

from skactive import cli

QUICK = ["--max-epochs", "1", "--initial", "0.2", "--step", "0.2", "--until", "0.4",
         "--strategies", "random", "--no-progress", "--quiet", "--no-report"]


def call(argv):
    """Run the CLI; return (clear?, status, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = cli.main(argv)
        except BaseException as exc:  # noqa: BLE001 - counted as unclear
            status = f"raised {type(exc).__name__}"
    text = err.getvalue()
    errors = [line for line in text.splitlines() if "error" in line]
    clear = "Traceback" not in text and (status == 0 or (status == 2 and len(errors) == 1))
    return clear, status, text


def report(name, clear, status, text):
    tail = " | ".join(line[:200] for line in text.strip().splitlines()[-2:])
    print(f"[{'ok ' if clear else 'BAD'}] {name}: exit {status}; {tail}")
    return clear


def bad_files(root):
    folder = os.path.join(root, "files")
    os.makedirs(folder)

    def write(name, data):
        path = os.path.join(folder, name)
        with open(path, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    rng = np.random.RandomState(0)
    n = 60
    x = rng.normal(size=n).round(3)
    base = pd.DataFrame({"x": x, "z": rng.normal(size=n).round(2),
                         "y": np.where(x > 0, "yes", "no")})
    csv = base.to_csv(index=False)
    with zipfile.ZipFile(os.path.join(folder, "z.zip"), "w") as zf:
        zf.writestr("t.csv", csv)

    def frame(**columns):
        return base.assign(**columns).to_csv(index=False)

    cases = {
        "empty": ("", "y", []),
        "header only": ("x,z,y\n", "y", []),
        "blank lines": ("\n \n\t\n", "y", []),
        "BOM and semicolons": (("\ufeff" + base.to_csv(index=False, sep=";")).encode(), "y", []),
        "UTF-16": (csv.encode("utf-16"), "y", []),
        "latin-1": (csv.replace("yes", "s\xed").encode("latin-1"), "y", []),
        "random bytes": (bytes(rng.randint(0, 256, 500).astype(np.uint8)), "y", []),
        "gzip named .csv": (gzip.compress(csv.encode()), "y", []),
        "target missing": (csv, "label", []),
        "repeated header name": (csv.replace("x,z,y", "x,x,y", 1), "y", []),
        "empty header names": (csv.replace("x,z,y", ",,y", 1), "y", []),
        "unbalanced quote": (csv.replace("\n", '\n"', 3), "y", []),
        "extra field": (csv + "1,2,yes,4\n", "y", []),
        "short row": (csv + "1\n", "y", []),
        "empty column": (frame(e=np.nan), "y", []),
        "unlabeled row": (csv + "1,2,\n", "y", []),
        "single class": (frame(y="a"), "y", []),
        "boolean target": (frame(y=x > 0), "y", []),
        "continuous target": (frame(y=x * 3.3), "y", []),
        "float class target": (frame(y=(x > 0).astype(float)), "y", []),
        "infinity": (frame(z=np.where(np.arange(n) == 3, np.inf, base.z)), "y", []),
        "text in a number column": (frame(z=base.z.astype(object).where(np.arange(n) != 4,
                                                                          "abc")), "y", []),
        "only the target": (base[["y"]].to_csv(index=False), "y", []),
        "every feature dropped": (csv, "y", ["--drop", "x,z"]),
        "--sep of two characters": (csv, "y", ["--sep", "ab"]),
        "unknown --encoding": (csv, "y", ["--encoding", "nope"]),
        "--decimal of two characters": (csv, "y", ["--decimal", "ab"]),
        "two rows": ("x,y\n1,a\n2,b\n", "y", []),
        "trailing separators": (csv.replace("\n", ",\n"), "y", []),
        "old Mac line ends": (csv.replace("\n", "\r"), "y", []),
        "cp1252 quotes": (csv.replace("yes", "\u201cyes\u201d").encode("cp1252"), "y", []),
        "1000 columns": (pd.DataFrame(rng.normal(size=(n, 1000)).round(2))
                         .assign(y=base.y).to_csv(index=False), "y", []),
        "numeric column names": (csv.replace("x,z,y", "1,2,3", 1), "3", []),
        "an HTML page": ("<html><body>404 not found</body></html>\n", "y", []),
        "a JSON file": (base.to_json(), "y", []),
        "NUL bytes": (csv.replace("yes", "y\x00es"), "y", []),
    }
    paths = {name: write(f"f{i}.csv", data) for i, (name, (data, _, _)) in enumerate(
        cases.items())}
    paths.update({"zip archive": os.path.join(folder, "z.zip"), "a folder": folder,
                  "missing file": os.path.join(folder, "nope.csv")})
    targets = {name: (target, extra) for name, (_, target, extra) in cases.items()}
    clear = 0
    for name, path in paths.items():
        target, extra = targets.get(name, ("y", []))
        out = os.path.join(root, "out", name.replace(" ", "_"))
        clear += report(name, *call(["run", "--data", path, "--target", target, *QUICK,
                                     "--out", out, *extra]))
    return clear, len(paths)


def damaged_folders(root):
    base = os.path.join(root, "run0")
    args = ["--dataset", "sigmoid", "--max-samples", "200", "--max-epochs", "1", "--initial",
            "0.1", "--step", "0.1", "--until", "0.3", "--strategies", "random", "--no-progress",
            "--quiet", "--no-report"]
    assert call(["run", *args, "--out", base])[1] == 0

    def replace(name, data):
        def mutate(out):
            path = os.path.join(out, name)
            os.remove(path)
            if data == "folder":
                os.mkdir(path)
            elif data is not None:
                with open(path, "wb") as fh:
                    fh.write(data)
        return mutate

    cases = {
        "results.csv deleted": replace("results.csv", None),
        "labeled.jsonl deleted": replace("labeled.jsonl", None),
        "config.json deleted": replace("config.json", None),
        "config.json a folder": replace("config.json", "folder"),
        "results.csv a folder": replace("results.csv", "folder"),
        "results.csv binary": replace("results.csv", b"\xec\x00\xff" * 100),
        "results.csv header only": replace("results.csv", b"dataset,model\n"),
        "labeled.jsonl not JSON": replace("labeled.jsonl", b"not json\n"),
        "config.json null": replace("config.json", b"null"),
        "config.json NaN protocol": replace("config.json", b'{"protocol": NaN}'),
        "config.json truncated": replace("config.json", b'{"protocol": {"seed"'),
    }
    clear = 0
    for name, mutate in cases.items():
        for command in ("run", "report"):
            out = os.path.join(root, "v", name.replace(" ", "_"), command)
            shutil.copytree(base, out)
            mutate(out)
            argv = (["run", *args, "--out", out, "--resume"] if command == "run"
                    else ["report", out])
            clear += report(f"{name} / {command}", *call(argv))
    return clear, 2 * len(cases)


if __name__ == "__main__":
    root = tempfile.mkdtemp(prefix="skactive-bad-inputs-")
    try:
        files = bad_files(root)
        folders = damaged_folders(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"bad files: {files[0]} of {files[1]} clear; damaged results folders: {folders[0]} "
          f"of {folders[1]} clear")
