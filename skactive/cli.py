"""The ``skactive`` command line: simulate, report, and pick the rows to label next.

Run ``skactive --help`` or ``skactive COMMAND --help``. Problems with the input (a missing file,
a malformed table, a missing target column, a single class, an empty pool, an unknown strategy)
end with one ``skactive: error: ...`` line on stderr and exit status 2; the library's messages
name Python parameters (``sep=';'``), which are shown as the flags to type (``--sep ';'``).
What a loader repaired or left out (:class:`skactive.datasets.DataNotice`) is printed as
``skactive: notice: ...`` lines. The heavy modules (torch) are imported inside the commands, so
``--help`` and usage errors answer at once.
"""

import argparse
import contextlib
import os
import re
import signal
import sys
import textwrap
import threading
import warnings

EXIT_USAGE = 2
EXIT_INTERNAL = 1

_DEMO_STRATEGIES = ("random", "entropy", "dami")
_DEMO_SCHEDULE = {"initial": 0.02, "step": 0.04, "until": 0.30}
_DEMO_MAX_EPOCHS = 20


class UsageError(Exception):
    """A problem with what the user asked for; reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that point at --help."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.02, got {text!r}")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in (0, 1], got {text!r}")
    return value


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _n_jobs(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer (-1 for all cores), got {text!r}")
    if value == 0:
        raise argparse.ArgumentTypeError("n-jobs must not be 0 (use 1, 2, ... or -1)")
    return value


def _separator(text):
    if text.lower() in ("tab", "\\t"):
        return "\t"
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"expected one character such as ';' or 'tab', got "
                                         f"{text!r}")
    return text


def _columns(text):
    return [c.strip() for c in text.split(",") if c.strip()]


def _strategy_list(text):
    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one strategy name")
    return names


# ------------------------------------------------------------------------------ help text
RUN_EPILOG = """\
examples:
  skactive run --dataset telescope --strategies random,entropy,dami --repeats 3 --out runs/tel
  skactive run --data loans.csv --target paid --drop id --strategies random,margin \\
      --initial 0.05 --step 0.05 --until 0.5 --max-epochs 50 --out runs/loans
  skactive run --data reviews.tsv --text --model textcnn --strategies entropy,egl-word
  skactive run --dataset telescope,employee --data-home ~/skactive_data --repeats 3 --n-jobs 2
  skactive run ... --resume           # continue an interrupted run in the same --out folder

The protocol (DAMI paper): a stratified 70/10/20 train/validation/test split; --initial of the
training set labeled at random (the same samples for every strategy); each round the model is
retrained on the labeled set and scored on the test set, then the strategy picks --step more of
the training set, until --until of it is labeled. Scores: AUC for two classes, accuracy
otherwise (all of AUC, accuracy and macro F1 are recorded). Every finished round is appended to
OUT/results.csv at once, the labeled positions to OUT/labeled.jsonl; OUT/report.md and its PNG
figures are written at the end. Named data sets: telescope (shipped), employee and mr (read
from --data-home or $SKACTIVE_DATA), sigmoid and ibal (generated).
"""

QUERY_EPILOG = """\
examples:
  skactive query --data loans.csv --target paid --n 20      # blank 'paid' = not labeled yet
  skactive query --data loans.csv --target paid --id loan_id --out to_label.csv
  skactive query --data reviews.tsv --text --strategy margin
  skactive query --labeled labeled.csv --pool unlabeled.csv --target paid --n 20
  skactive query --labeled labeled.csv --pool unlabeled.csv --target paid \\
      --strategy margin --n 50 --drop id --out to_label.csv
  skactive query --labeled labeled.tsv --pool sentences.txt --text --strategy entropy
  skactive query --labeled labeled.csv --pool big_pool.parquet --target paid --n 1000
  skactive query --labeled labeled.csv --pool big_pool.npy --target paid --out to_label.csv

One file (--data): a CSV/TSV table whose --target column is empty in the rows not labeled yet
(or, with --text, 'label<TAB>sentence' lines; a line without a label is unlabeled). Its
labeled rows train the model, its blank rows are the pool. Fill in the labels of the picks in
any editor and run the same command again: it continues from the labels in the file. The
output has one row per pick, most informative first: rank, row (0-based position among the
file's data rows), key (the --id value, or a hash of the row's feature cells, which stays the
same when the label is filled in or rows move), score, predicted and confidence (the model's
label and its probability), then every column of the file as it is.

score is the strategy's per-row informativeness, higher = picked first, for the strategies
that rank rows one by one: least-confidence (1 - max p), margin (-(p1 - p2)), entropy, egl,
egl-word, bald, ibal (-IBAL), ibal-d; it is empty for those that choose the batch as a set
(random, coreset, badge, dami, ralif). For a labeling page with a model retrained as you go,
see 'skactive label'.

Two files (--labeled and --pool): the labeled file is a CSV/TSV table with a header row and
the --target column (or, with --text, 'label<TAB>sentence' lines). The pool file has the same
feature columns (its --target column, if any, is ignored; with --text, one sentence per line).
A model is trained on the labeled rows and the strategy picks the --n pool rows to label next.
The output CSV (stdout, or --out) has one row per pick, most informative first: rank, pool_row
(0-based position among the pool's data rows: header and blank lines not counted), score (as
above: empty for the strategies that choose a set), the model's predicted label, then the
pool row itself.

A pool too large for memory (with --labeled): a Parquet file (.parquet, .pq) or a .npy array
(np.save of a 2-D numeric array) as --pool. It is read --chunk-rows rows at a time and never
whole: from a Parquet file the labeled table's feature columns are read by name (its other
columns are only shown in the output); a .npy array's columns are the labeled table's feature
columns in order, and the output shows them under those names. Every strategy that streams
(mixture, least-confidence, margin, entropy, egl, bald, ibal; random, which reads only its
picks) reads the file chunk by chunk and keeps one score per row; the set strategies (coreset,
badge, dami, ibal-d, ralif, and albl, which is auto, the default) read the pool whole and
refuse a file beyond a memory budget: name a streaming one with --strategy for such a file. The features must be numbers without gaps (leave other
columns out of the labeled table with --drop). For Parquet: pip install 'skactive[parquet]'.
"""

LABEL_EPILOG = """\
examples:
  skactive label loans.csv --target paid --out loans-session
  skactive label loans.csv --target paid --classes yes,no --id loan_id --out loans-session
  skactive label reviews.txt --text --classes pos,neg --out reviews-session --port 8800
  skactive label events.parquet --target kind --strategy entropy --out events-session
  skactive label pool.npy --classes cat,dog --strategy entropy --out pool-session

FILE is a CSV/TSV table whose --target column is empty in the rows not labeled yet (or, with
--text, sentences, one per line, optionally as 'label<TAB>sentence'). It prints an address
with a secret token: open it in a browser. The page shows the rows a model chose, its
prediction and confidence; answer with the keys 1-9 (s: skip, u: undo, e: export). Each
answer is in DIR/answers.jsonl (flushed and fsynced) before the page says 'Saved'; after each
batch the model retrains in the background and chooses the next. Stop the server with
Ctrl-C; run the same command again to resume. Export writes DIR/export/FILE with the labels
filled in, and the model. Needs the 'label' extra: pip install 'skactive[label]'.

A file larger than memory: a Parquet file (.parquet, .pq) whose --target column is null or
blank where not labeled yet. It is never read whole: rows are keyed by their row number, the
features are its numeric columns (other columns are only shown), the rows shown and labeled
are read by position, and a strategy that streams (entropy, margin, least-confidence, egl,
bald, ibal, random, mixture) scores it --chunk-rows rows at a time. The default (auto) and
the other set strategies read the unlabeled rows whole, which is refused beyond a memory
budget. Export rewrites the file row group by row group into DIR/export/FILE with the labels
filled in. Needs pyarrow: pip install 'skactive[parquet]'.

A .npy array (np.save of a 2-D numeric array) is a pool with every label blank: give
--classes (no --target), it is memory-mapped and streamed as a Parquet file is, its columns
are shown as x0, x1, ..., and export writes the answers as DIR/export/STEM_labels.csv (columns
row,label; the array is left as it is). Rows that already have labels: write them as Parquet
with a --target column.
"""

REPORT_EPILOG = """\
examples:
  skactive report runs/tel
  skactive report runs/tel --metric accuracy --out runs/tel/accuracy

Writes learning_curves.png (mean and a band over repeats, one panel per data set),
pairwise_matrix.png (share of (data set, repeat, round) cells in which the row strategy beats
the column strategy), query_times.png and report.md (with a table of the normalised area under
each learning curve) into FOLDER, or --out.
"""

DEMO_EPILOG = f"""\
The demo is a short benchmark on the Telescope data shipped with skactive (19,020 samples):
strategies {', '.join(_DEMO_STRATEGIES)} (those available), 1 repeat, the labeled share of the
training set growing from {100 * _DEMO_SCHEDULE['initial']:g}% by {100 * _DEMO_SCHEDULE['step']:g}%
per round to {100 * _DEMO_SCHEDULE['until']:g}%, at most {_DEMO_MAX_EPOCHS} epochs per fit. It
prints the AUC of every round and writes OUT/report.md with its figures. Running it again
reuses the finished rounds. The full protocol is 'skactive run' (see its --help).
"""

MAIN_DESCRIPTION = """\
skactive: deep active learning in the scikit-learn ecosystem.

New here? 'skactive demo' runs a short benchmark on the shipped Telescope data and writes
learning curves and a report; 'skactive query' tells you which rows of your data to label next;
'skactive label' opens a labeling page with a model that learns as you answer.
"""


def build_parser():
    """The argparse parser of the ``skactive`` command."""
    parser = _Parser(prog="skactive", description=MAIN_DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="Run 'skactive COMMAND --help' for the options of a command.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"skactive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="a short benchmark on the shipped Telescope data",
                          description="A short active learning benchmark on the shipped "
                          "Telescope data.", epilog=DEMO_EPILOG,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("--out", default="skactive-demo", metavar="DIR",
                      help="output folder (default: skactive-demo)")
    demo.add_argument("--strategies", type=_strategy_list, default=None, metavar="LIST",
                      help=f"comma-separated (default: {','.join(_DEMO_STRATEGIES)})")
    demo.add_argument("--n-jobs", type=_n_jobs, default=1, metavar="N",
                      help="parallel runs (default: 1)")
    demo.add_argument("--no-progress", action="store_true", help="no progress bar")

    run = sub.add_parser("run", help="simulate active learning and compare strategies",
                         description="Simulate pool-based active learning on labeled data and "
                         "compare query strategies.", epilog=RUN_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    data = run.add_argument_group("data (give --dataset, or --data with --target or --text)")
    data.add_argument("--dataset", metavar="NAME",
                      help="a named data set: telescope, employee, mr, sigmoid or ibal (several "
                      "comma-separated share one results folder and report)")
    data.add_argument("--data", nargs="+", metavar="FILE",
                      help="your own CSV/TSV table (with --target), or sentence file(s) (with "
                      "--text: 'label<TAB>text' lines, or one file per class named after it)")
    data.add_argument("--target", metavar="COLUMN", help="the label column of a --data table")
    data.add_argument("--text", action="store_true", help="--data holds sentences, not a table")
    data.add_argument("--drop", type=_columns, default=None, metavar="COLS",
                      help="comma-separated columns of the table to ignore (e.g. ids)")
    _add_table_options(data)
    data.add_argument("--format", choices=["auto", "tsv", "lines"], default="auto",
                      help="with --text and one file: 'tsv' for 'label<TAB>text' lines "
                      "(default: auto, guessed from the tabs)")
    data.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    data.add_argument("--data-home", metavar="DIR",
                      help="folder with employee/ and mr/ (default: $SKACTIVE_DATA, then "
                      "~/skactive_data)")
    data.add_argument("--max-samples", type=_positive_int, metavar="N",
                      help="use a stratified random subset of N samples (quick runs)")
    _add_experiment_options(run)

    report = sub.add_parser("report", help="plots and a Markdown report from a results folder",
                            description="Plots and a Markdown report from a results folder.",
                            epilog=REPORT_EPILOG,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    report.add_argument("folder", metavar="FOLDER", help="folder with results.csv")
    report.add_argument("--out", metavar="DIR", help="write here instead of FOLDER")
    report.add_argument("--metric", choices=["auto", "auc", "accuracy", "f1_macro"],
                        help="score to report (default: the run's, 'auto': AUC for two "
                        "classes, else accuracy)")

    query = sub.add_parser("query", help="which pool rows to label next",
                           description="Train a model on your labeled rows and list the pool "
                           "rows a strategy would label next.", epilog=QUERY_EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    query.add_argument("--data", metavar="FILE",
                       help="one table (or, with --text, sentence file) whose label is blank "
                       "where not labeled yet")
    query.add_argument("--id", metavar="COLUMN", dest="id_column",
                       help="with --data: a column of unique row ids (default: rows are keyed "
                       "by a hash of their feature cells)")
    query.add_argument("--labeled", nargs="+", metavar="FILE",
                       help="the labeled table (or, with --text, sentence file(s))")
    query.add_argument("--pool", metavar="FILE",
                       help="the unlabeled rows (with --labeled): a CSV/TSV table, or a "
                       ".parquet or .npy file read in chunks (pools larger than memory)")
    query.add_argument("--chunk-rows", type=_positive_int, default=None, metavar="N",
                       help="rows of a .parquet/.npy --pool read and scored at a time "
                       "(default: 65536; above 8192, a multiple of 8192)")
    query.add_argument("--target", metavar="COLUMN", help="the label column of the table")
    query.add_argument("--text", action="store_true", help="the files hold sentences")
    query.add_argument("--drop", type=_columns, default=None, metavar="COLS",
                       help="comma-separated columns to ignore")
    query.add_argument("--strategy", default="auto", metavar="NAME",
                       help="query strategy (default: auto, the benchmark's choice; see "
                       "'skactive strategies')")
    query.add_argument("--n", type=_positive_int, default=10, metavar="N",
                       help="rows to pick (default: 10)")
    query.add_argument("--model", default="auto", metavar="NAME",
                       help="auto (mlp for tables, textcnn for "
                       "text), mlp, textcnn or bilstm")
    query.add_argument("--max-epochs", type=_positive_int, metavar="N",
                       help="training epochs at most (default: the model's)")
    query.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default: 0)")
    _add_table_options(query)
    query.add_argument("--include-labeled", action="store_true",
                       help="also propose --pool rows whose --target cell is filled (default: "
                       "leave them out, with a notice)")
    query.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    query.add_argument("--out", metavar="FILE", help="write the CSV here (default: stdout)")

    label = sub.add_parser("label", help="label your rows in a browser page while a model learns",
                           description="Start a local labeling session: a page that shows the "
                           "rows a model chose, retrains as you answer, and never loses an "
                           "answer.", epilog=LABEL_EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    label.add_argument("file", metavar="FILE", help="the table (CSV/TSV or Parquet), "
                       ".npy array or sentence file to label")
    label.add_argument("--target", metavar="COLUMN", help="the label column, blank where not "
                       "labeled yet")
    label.add_argument("--text", action="store_true", help="FILE holds sentences")
    label.add_argument("--out", required=True, metavar="DIR",
                       help="the session folder: answers, settings and exports (run again "
                       "with the same DIR to resume)")
    label.add_argument("--classes", type=_columns, default=None, metavar="LIST",
                       help="comma-separated labels to offer besides those in FILE (needed "
                       "when FILE has none yet)")
    label.add_argument("--id", metavar="COLUMN", dest="id_column",
                       help="a column of unique row ids (default: a hash of the row's cells; "
                       "a Parquet file's rows are keyed by row number, and --id only leaves "
                       "the column out of the features)")
    label.add_argument("--strategy", default="auto", metavar="NAME",
                       help="query strategy (default: auto, the benchmark's choice; see "
                       "'skactive strategies')")
    label.add_argument("--batch-size", type=_positive_int, default=10, metavar="N",
                       help="rows per batch; the model retrains after each (default: 10)")
    label.add_argument("--model", default="auto", metavar="NAME",
                       help="auto (mlp for tables, textcnn for text), mlp, textcnn or bilstm")
    label.add_argument("--max-epochs", type=_positive_int, metavar="N",
                       help="training epochs at most (default: the model's)")
    label.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default: 0)")
    label.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this computer only)")
    label.add_argument("--port", type=int, default=8765, metavar="N",
                       help="port (default: 8765; 0: a free one)")
    label.add_argument("--sep", default=None, help="field separator (default: guessed)")
    label.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    label.add_argument("--chunk-rows", type=_positive_int, default=None, metavar="N",
                       help="rows of a Parquet or .npy FILE scored at a time by a streaming "
                       "strategy (default: 65536)")

    sub.add_parser("strategies", help="list the query strategies",
                   description="List the query strategy names and whether this installation "
                   "has them.")
    return parser


def _add_table_options(group):
    group.add_argument("--keep-columns", type=_columns, default=None, metavar="COLS",
                       help="keep these identifier-like columns (a distinct value in every "
                       "row) as features; left out with a notice by default")
    group.add_argument("--sep", type=_separator, default=None,
                       help="field separator: one character, or 'tab' (default: guessed "
                       "among , ; tab |)")
    group.add_argument("--decimal", default=None, metavar="CHAR",
                       help="decimal mark (default: '.', or ',' for the number columns of a "
                       "file not separated by commas that are written like 1,5)")
    group.add_argument("--merge-label-case", action="store_true",
                       help="merge labels that differ only in case ('yes', 'Yes') into the "
                       "most frequent spelling (default: refuse them)")


def _add_experiment_options(run):
    exp = run.add_argument_group("experiment")
    exp.add_argument("--strategies", type=_strategy_list, default=["random", "entropy"],
                     metavar="LIST", help="comma-separated, case-insensitive (default: "
                     "random,entropy); 'skactive strategies' lists the names")
    exp.add_argument("--model", default="auto", metavar="NAME",
                     help="auto (mlp for tables, textcnn for text), mlp, textcnn or bilstm")
    exp.add_argument("--max-epochs", type=_positive_int, metavar="N",
                     help="training epochs at most, per round (default: the model's)")
    exp.add_argument("--repeats", type=_positive_int, default=1, metavar="N",
                     help="repeats (default: 1)")
    exp.add_argument("--initial", type=_fraction, default=0.02, metavar="FRAC",
                     help="labeled fraction of the training set at the start (default: 0.02)")
    exp.add_argument("--step", type=_fraction, default=0.02, metavar="FRAC",
                     help="fraction labeled per round (default: 0.02)")
    exp.add_argument("--until", type=_fraction, default=0.5, metavar="FRAC",
                     help="labeled fraction at the end (default: 0.5)")
    exp.add_argument("--test-size", type=_fraction, default=0.2, metavar="FRAC",
                     help="test fraction of the data (default: 0.2)")
    exp.add_argument("--validation-size", type=float, default=0.1, metavar="FRAC",
                     help="validation fraction of the data (default: 0.1)")
    exp.add_argument("--metric", choices=["auto", "auc", "accuracy", "f1_macro"], default="auto",
                     help="score shown and reported (default: auto: AUC for two classes, "
                     "else accuracy)")
    exp.add_argument("--out", default="skactive-results", metavar="DIR",
                     help="output folder (default: skactive-results)")
    exp.add_argument("--n-jobs", type=_n_jobs, default=1, metavar="N",
                     help="(strategy, repeat) runs in parallel (default: 1; -1: all cores)")
    exp.add_argument("--seed", type=int, default=0, metavar="N",
                     help="seed of repeat 0 (default: 0)")
    exp.add_argument("--resume", action="store_true",
                     help="continue the run recorded in --out (skips finished rounds; same "
                          "settings, except a larger --until, which extends the curves)")
    exp.add_argument("--no-report", action="store_true", help="do not write the report")
    exp.add_argument("--quiet", action="store_true", help="no line per round")
    exp.add_argument("--no-progress", action="store_true", help="no progress bar")


# ------------------------------------------------------------------------------ commands
def _model_params(args):
    return {"max_epochs": args.max_epochs} if args.max_epochs else {}


def _table_options(args):
    return {"keep_columns": args.keep_columns, "sep": args.sep, "decimal": args.decimal,
            "merge_label_case": args.merge_label_case, "encoding": args.encoding}


def _dataset_name(path):
    """The data set's name in the results: the file name up to its first dot."""
    stem = os.path.basename(str(path)).split(".")[0] or "data"
    return "".join(ch if ch not in ",\"\n\r" else "_" for ch in stem)


def _run_datasets(args):
    if args.dataset and args.data:
        raise UsageError("give either --dataset or --data, not both")
    if args.dataset:
        if args.target or args.text:
            raise UsageError("--target and --text go with --data, not with --dataset")
        names = [n.strip() for n in args.dataset.split(",") if n.strip()]
        from .experiment import load_dataset

        return [load_dataset(name, data_home=args.data_home) for name in names]
    if not args.data:
        raise UsageError("no data: give --dataset NAME (e.g. --dataset telescope, shipped) or "
                         "--data FILE --target COLUMN; for a quick tour run 'skactive demo'")
    if args.text:
        if args.target:
            raise UsageError("--target is for tables; with --text the labels come from the "
                             "files")
        table_flags = [flag for flag, value in (
            ("--drop", args.drop), ("--keep-columns", args.keep_columns), ("--sep", args.sep),
            ("--decimal", args.decimal), ("--merge-label-case", args.merge_label_case))
            if value]
        if table_flags:
            raise UsageError(f"{', '.join(table_flags)} go with a table, not with --text")
        # read the sentences before importing the models (torch): a bad file is reported at once
        from .datasets import load_text

        paths = args.data[0] if len(args.data) == 1 else args.data
        texts = load_text(paths, encoding=args.encoding, format=args.format)
        if texts.target is None:
            raise UsageError(f"{paths} holds sentences without labels: give 'label<TAB>text' "
                             "lines, or one file per class named after it")
        from .experiment import Dataset

        name = os.path.basename(os.path.dirname(os.path.abspath(args.data[0]))) \
            if len(args.data) > 1 else args.data[0]
        return [Dataset(_dataset_name(name), texts.data, texts.target, input_kind="text")]
    if not args.target:
        raise UsageError("--data needs --target COLUMN (the label column), or --text for "
                         "sentence files")
    if len(args.data) > 1:
        raise UsageError("give one table to --data (several files only with --text)")
    if args.format != "auto":
        raise UsageError("--format goes with --text (sentence files), not with a table")
    # read the table before importing the models (torch): a bad file is reported at once
    from .datasets import load_table

    table = load_table(args.data[0], args.target, drop=args.drop, **_table_options(args))
    from .experiment import Dataset

    return [Dataset(_dataset_name(args.data[0]), table.data, table.target.to_numpy(),
                    categorical_features=table.categorical_features,
                    numeric_features=table.numeric_features)]


def cmd_run(args):
    if args.dataset is None and args.data:
        datasets = _run_datasets(args)  # a file's problems first, before importing torch
    else:
        datasets = None
    from .experiment import canonical_strategy_name, run_experiment, write_report
    from .strategies import check_strategy_applicable, get_strategy

    for name in args.strategies:  # before the models run: fail fast on a typo or a misfit
        key = canonical_strategy_name(name)
        if args.data:
            check_strategy_applicable(get_strategy(key), name=key,
                                      input_kind="text" if args.text else "table")
    if datasets is None:
        datasets = _run_datasets(args)
    for dataset in datasets:
        size = f"{dataset.n_samples} samples"
        if args.max_samples and args.max_samples < dataset.n_samples:
            size += f" (using a stratified subset of {args.max_samples})"
        print(f"{dataset.name}: {size}, {len(set(dataset.y.tolist()))} classes; results in "
              f"{args.out}", flush=True)
    run_experiment(
        datasets, args.strategies, model=args.model, model_params=_model_params(args),
        repeats=args.repeats, initial=args.initial, step=args.step, until=args.until,
        test_size=args.test_size, validation_size=args.validation_size, metric=args.metric,
        max_samples=args.max_samples, out=args.out, seed=args.seed, n_jobs=args.n_jobs,
        resume=args.resume, progress=not args.no_progress, verbose=not args.quiet)
    print(f"results: {args.out}/results.csv")
    if not args.no_report:
        print(f"report: {write_report(args.out)}")
    return 0


def cmd_report(args):
    from .experiment import write_report

    path = write_report(args.folder, out=args.out, metric=args.metric)
    print(f"report: {path}")
    return 0


def cmd_demo(args):
    from .experiment import load_dataset, run_experiment, write_report
    from .strategies import get_strategy

    available = args.strategies or list(_DEMO_STRATEGIES)
    for name in available:
        get_strategy(name)  # an unknown name: a clear error before the run
    dataset = load_dataset("telescope")
    print(f"skactive demo: Telescope ({dataset.n_samples} samples), strategies "
          f"{', '.join(available)}, labeled share {100 * _DEMO_SCHEDULE['initial']:g}% to "
          f"{100 * _DEMO_SCHEDULE['until']:g}% of the training set; output in {args.out}",
          flush=True)
    run_experiment(dataset, available, model="mlp",
                   model_params={"max_epochs": _DEMO_MAX_EPOCHS}, repeats=1, **_DEMO_SCHEDULE,
                   out=args.out, seed=0, n_jobs=args.n_jobs, resume=True,
                   progress=not args.no_progress, verbose=True)
    path = write_report(args.out)
    print(f"results: {args.out}/results.csv\nreport: {path}")
    return 0


def cmd_strategies(args):
    from .strategies import AUTO_STRATEGY, get_strategy, strategy_names

    width = 2 + max(len(name) for name in strategy_names())
    for name in strategy_names():
        print(f"{name:{width}s}{type(get_strategy(name)).__name__}")
    chosen = get_strategy(AUTO_STRATEGY)
    params = ", ".join(f"{k}={v!r}" for k, v in chosen.get_params(deep=False).items()
                       if k != "random_state")
    print(f"{'auto':{width}s}the default: {AUTO_STRATEGY}, {type(chosen).__name__}({params})")
    return 0


def cmd_query(args):
    if args.data:
        if args.labeled or args.pool:
            raise UsageError("give either --data FILE (one file, blank labels are the pool) or "
                             "--labeled and --pool, not both")
        if args.drop:
            raise UsageError("--drop goes with --labeled/--pool; with --data, every column "
                             "but --target and --id is a feature")
        given = [flag for flag, value in (("--keep-columns", args.keep_columns),
                                          ("--decimal", args.decimal),
                                          ("--merge-label-case", args.merge_label_case)) if value]
        if given:
            raise UsageError(f"{', '.join(given)} go{'es' if len(given) == 1 else ''} with "
                             "--labeled/--pool; with --data the file's columns are read as "
                             "written")
        from .datasets import is_pool_file

        if is_pool_file(args.data):
            raise UsageError(f"--data reads a CSV/TSV table (or sentences) with its labels; "
                             f"give the .npy/Parquet file {args.data} as --pool, with the "
                             "labeled rows as --labeled FILE")
        if args.chunk_rows:
            raise UsageError("--chunk-rows goes with a .parquet or .npy --pool")
        from .labeling import query_file

        table = query_file(
            args.data, target=args.target, text=args.text, id_column=args.id_column,
            strategy=args.strategy, n=args.n, model=args.model,
            model_params=_model_params(args), seed=args.seed, sep=args.sep,
            encoding=args.encoding)
    else:
        if not (args.labeled and args.pool):
            raise UsageError("--labeled FILE and --pool FILE are both required, or give "
                             "--data FILE alone (one file whose labels are blank where not "
                             "labeled yet)")
        if args.id_column:
            raise UsageError("--id goes with --data")
        table_options = {k: v for k, v in _table_options(args).items()
                         if k in ("keep_columns", "decimal", "merge_label_case")}
        from .datasets import is_pool_file

        if args.chunk_rows and not is_pool_file(args.pool):
            raise UsageError("--chunk-rows goes with a .parquet or .npy --pool")
        if is_pool_file(args.pool) and not str(args.pool).lower().endswith(".npy"):
            try:
                import pyarrow.parquet  # noqa: F401
            except ImportError:
                raise UsageError(f"reading the Parquet pool {args.pool} needs pyarrow: pip "
                                 "install 'skactive[parquet]' (or give the pool as .npy or "
                                 "CSV)") from None
        from .labeling import query_pool

        table = query_pool(
            args.labeled, args.pool, target=args.target, text=args.text, drop=args.drop,
            strategy=args.strategy, n=args.n, model=args.model,
            model_params=_model_params(args), seed=args.seed, sep=args.sep,
            encoding=args.encoding, include_labeled=args.include_labeled,
            chunk_rows=args.chunk_rows, **table_options)
    from .utils import write_csv  # formula-safe cells; a file is written atomically

    if args.out:
        write_csv(table, args.out)
        print(f"{len(table)} rows to label next: {args.out}", file=sys.stderr)
    else:
        write_csv(table, sys.stdout)
    return 0


def cmd_label(args):
    import secrets

    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise UsageError("'skactive label' needs starlette and uvicorn: install the 'label' "
                         "extra with pip install 'skactive[label]'") from None
    if args.text and args.target:
        raise UsageError("--target is for tables; with --text, labels are written as "
                         "'label<TAB>sentence' lines")
    npy = str(args.file).lower().endswith(".npy")
    if npy:
        for flag, value in (("--target", args.target), ("--text", args.text),
                            ("--id", args.id_column), ("--sep", args.sep)):
            if value:
                raise UsageError(
                    f"{args.file} is a .npy array: numbers only, no label or id column and "
                    f"no text, so {flag} does not apply; leave it out. Every row is "
                    "unlabeled (rows that have labels go in a Parquet file with a --target "
                    "column)")
        if not args.classes and not os.path.exists(os.path.join(args.out, "settings.json")):
            # a resumed session remembers its classes
            raise UsageError(f"{args.file} is a .npy array, which holds no labels: name the "
                             "labels to offer with --classes a,b (at least two)")
    if not args.text and not args.target and not npy:
        raise UsageError("give --target COLUMN (the label column, blank where not labeled "
                         "yet), or --text for a sentence file")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, got {args.port}")
    from .datasets import is_pool_file

    if npy:
        pass  # no reader to install: numpy memory-maps it
    elif is_pool_file(args.file):
        if args.text:
            raise UsageError(f"--text reads a file of sentences; {args.file} is a Parquet "
                             "table (give its label column with --target)")
        if args.sep is not None:
            raise UsageError(f"--sep goes with a CSV/TSV table; {args.file} is a Parquet file")
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise UsageError(f"reading the Parquet file {args.file} needs pyarrow: pip "
                             "install 'skactive[parquet]' (or give the rows as a CSV/TSV "
                             "table)") from None
    elif args.chunk_rows:
        raise UsageError("--chunk-rows goes with a Parquet or .npy FILE")
    from .labeling import LabelingSession, bind, serve

    session = LabelingSession(
        args.file, args.out, target=args.target, text=args.text, id_column=args.id_column,
        classes=args.classes, strategy=args.strategy, model=args.model,
        model_params=_model_params(args), batch_size=args.batch_size, seed=args.seed,
        sep=args.sep, encoding=args.encoding, chunk_rows=args.chunk_rows)
    with session:
        sock = bind(args.host, args.port)
        port = sock.getsockname()[1]
        token = secrets.token_urlsafe(24)
        host = f"[{args.host}]" if ":" in args.host else args.host
        status = session.status()
        print(f"skactive label: {args.file}, {status['labeled_total']} labeled and "
              f"{status['unlabeled']} to go; answers saved in {args.out}", flush=True)
        if npy:
            stem = os.path.splitext(os.path.basename(args.file))[0]
            print("export (e on the page) writes the answers as row,label to "
                  f"{os.path.join(args.out, 'export', stem + '_labels.csv')}; {args.file} "
                  "is left as it is", flush=True)
        print(f"open http://{host}:{port}/?token={token}", flush=True)
        print("stop with Ctrl-C; run the same command again to resume", flush=True)
        serve(session, sock, token)
    return 0


_COMMANDS = {"label": cmd_label, "run": cmd_run, "report": cmd_report, "query": cmd_query,
             "demo": cmd_demo,
             "strategies": cmd_strategies}


#: Python parameter names the library's messages use -> the flags of the command line.
FLAGS = {
    "sep": "--sep", "decimal": "--decimal", "encoding": "--encoding", "drop": "--drop",
    "keep_columns": "--keep-columns", "merge_label_case": "--merge-label-case",
    "include_labeled": "--include-labeled", "chunk_rows": "--chunk-rows",
    "format": "--format", "resume": "--resume", "data_home": "--data-home",
    "target": "--target", "max_samples": "--max-samples", "seed": "--seed",
    "initial": "--initial", "step": "--step", "until": "--until", "test_size": "--test-size",
    "validation_size": "--validation-size", "repeats": "--repeats", "n_jobs": "--n-jobs",
    "metric": "--metric", "model": "--model", "strategy": "--strategy",
    "strategies": "--strategies",
}
_PARAMETER = re.compile(
    r"(?<![\w.\-])(" + "|".join(sorted(FLAGS, key=len, reverse=True)) + r")="
    r"(\[[^\]]*\]|'[^']*'|\"[^\"]*\"|<[^>]*>|\.\.\.|[\w.+\-]+)")
_REPEATED_FLAG = re.compile(r"(--[\w-]+)((?: [^ ()]+)?) \(\1\)")
_NAMES = "|".join(sorted(FLAGS, key=len, reverse=True))
# 'until (0.1)': a parameter with its value in parentheses
_PARAMETER_VALUE = re.compile(r"(?<![\w.\-])(" + _NAMES + r") \(([^()\s]+)\)")
# 'seed must be ...' at the start of a sentence, or a name no English word looks like (an
# underscore in it: 'max_samples', 'test_size + validation_size')
_PARAMETER_NAME = re.compile(
    r"(?:(?<=^)|(?<=[.;:] ))(" + _NAMES + r")(?= must\b)|(?<![\w.\-'\"/\\])("
    + "|".join(n for n in sorted(FLAGS, key=len, reverse=True) if "_" in n)
    + r")(?![\w'\"=/\\]|\.\w)")


def _flag_text(match):
    """``sep=';'`` -> ``--sep ';'``, ``resume=True`` -> ``--resume``, lists -> ``a,b``."""
    flag, value = FLAGS[match.group(1)], match.group(2)
    if value == "True":
        return flag
    if value.startswith("[") and value != "[...]":
        items = re.findall(r"'([^']*)'|\"([^\"]*)\"", value)
        value = ",".join(a or b for a, b in items) or value
    elif value[:1] in "'\"" and len(value) >= 2:
        value = value[1:-1]
        value = "tab" if value in ("\\t", "\t") else value
        if not value or any(ch in value for ch in " ;|&<>$`\\\"'"):
            value = repr(value)  # keep it one shell word
    elif value == "[...]":
        value = "COLS"
    return f"{flag} {value}"


def in_command_line_words(message):
    """Rewrite a library message's Python parameters (``sep=';'``) as flags (``--sep ';'``).

    Examples
    --------
    >>> from skactive.cli import in_command_line_words
    >>> in_command_line_words("pass resume=True to continue, or sep=';' and drop=['id', 'x']")
    "pass --resume to continue, or --sep ';' and --drop id,x"
    >>> in_command_line_words("until (0.1) must be at least initial (0.2).")
    '--until 0.1 must be at least --initial 0.2.'
    >>> in_command_line_words("max_samples must be an integer >= 10, got 5.")
    '--max-samples must be an integer >= 10, got 5.'
    """
    message = _PARAMETER.sub(_flag_text, message)
    message = _PARAMETER_VALUE.sub(lambda m: f"{FLAGS[m.group(1)]} {m.group(2)}", message)
    message = _PARAMETER_NAME.sub(lambda m: FLAGS[m.group(1) or m.group(2)], message)
    return _REPEATED_FLAG.sub(r"\1\2", message)


def _one_line(exc):
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        text = f"no such key or column: {exc.args[0]!r}"
    else:
        text = str(exc)
    text = " ".join(text.split())
    return in_command_line_words(text) or type(exc).__name__


def _notice_printer(notice_class):
    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, notice_class):
            print(f"skactive: notice: {_one_line(message)}", file=sys.stderr, flush=True)
        else:  # a library's warning: one line too, without the source line it came from
            print(f"skactive: warning: {category.__name__}: {_one_line(message)}",
                  file=sys.stderr, flush=True)
    return show


class _Terminated(KeyboardInterrupt):
    """SIGTERM during a command, raised as an interrupt so that the same clean stop runs."""


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """For the block, turn SIGTERM into :class:`_Terminated` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv=None):
    """Entry point of the ``skactive`` command; returns the exit status.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    status : int
        0 on success, 2 for a usage or input error (one line on stderr), 130 when
        interrupted (Ctrl-C, SIGINT), 143 when terminated (SIGTERM).

    Examples
    --------
    >>> from skactive.cli import main
    >>> main(["strategies"])  # doctest: +ELLIPSIS
    random                RandomSampling
    ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        from .datasets import DataNotice

        with warnings.catch_warnings(), _sigterm_as_interrupt():
            warnings.simplefilter("always", DataNotice)  # every notice, every time
            warnings.showwarning = _notice_printer(DataNotice)
            return _COMMANDS[args.command](args)
    except (UsageError, ValueError, TypeError, KeyError, OSError, NotImplementedError) as exc:
        message = textwrap.shorten(_one_line(exc), width=2000, placeholder=" ...")
        print(f"skactive {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        hints = {"run": "; finished rounds are saved, continue with --resume",
                 "label": "; every answer shown as saved is in the session folder, run the "
                          "same command again to resume"}
        what = "terminated" if isinstance(exc, _Terminated) else "interrupted"
        print(f"skactive {args.command}: {what}" + hints.get(args.command, ""), file=sys.stderr)
        return 143 if isinstance(exc, _Terminated) else 130
    except Exception as exc:  # a bug in skactive, not a problem of the input
        if os.environ.get("SKACTIVE_TRACEBACK"):
            raise
        message = textwrap.shorten(_one_line(exc), width=2000, placeholder=" ...")
        print(f"skactive {args.command}: internal error: {type(exc).__name__}: {message} "
              "(please report it; set SKACTIVE_TRACEBACK=1 to see where it happened)",
              file=sys.stderr)
        return EXIT_INTERNAL
