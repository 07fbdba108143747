"""The ``skactive`` command line: simulate, report, and pick the rows to label next.

Run ``skactive --help`` or ``skactive COMMAND --help``. Problems with the input (a missing file,
a malformed table, a missing target column, a single class, an empty pool, an unknown strategy)
end with one ``skactive: error: ...`` line on stderr and exit status 2.
"""

import argparse
import sys
import textwrap

EXIT_USAGE = 2

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
"""

LABEL_EPILOG = """\
examples:
  skactive label loans.csv --target paid --out loans-session
  skactive label loans.csv --target paid --classes yes,no --id loan_id --out loans-session
  skactive label reviews.txt --text --classes pos,neg --out reviews-session --port 8800

FILE is a CSV/TSV table whose --target column is empty in the rows not labeled yet (or, with
--text, sentences, one per line, optionally as 'label<TAB>sentence'). It prints an address
with a secret token: open it in a browser. The page shows the rows a model chose, its
prediction and confidence; answer with the keys 1-9 (s: skip, u: undo, e: export). Each
answer is in DIR/answers.jsonl (flushed and fsynced) before the page says 'Saved'; after each
batch the model retrains in the background and chooses the next. Stop the server with
Ctrl-C; run the same command again to resume. Export writes DIR/export/FILE with the labels
filled in, and the model. Needs the 'label' extra: pip install 'skactive[label]'.
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
    data.add_argument("--sep", default=None, help="field separator (default: guessed)")
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
    query.add_argument("--pool", metavar="FILE", help="the unlabeled rows (with --labeled)")
    query.add_argument("--target", metavar="COLUMN", help="the label column of the table")
    query.add_argument("--text", action="store_true", help="the files hold sentences")
    query.add_argument("--drop", type=_columns, default=None, metavar="COLS",
                       help="comma-separated columns to ignore")
    query.add_argument("--strategy", default="entropy", metavar="NAME",
                       help="query strategy (default: entropy; see 'skactive strategies')")
    query.add_argument("--n", type=_positive_int, default=10, metavar="N",
                       help="rows to pick (default: 10)")
    query.add_argument("--model", default="auto", metavar="NAME",
                       help="auto (mlp for tables, textcnn for "
                       "text), mlp, textcnn or bilstm")
    query.add_argument("--max-epochs", type=_positive_int, metavar="N",
                       help="training epochs at most (default: the model's)")
    query.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default: 0)")
    query.add_argument("--sep", default=None, help="field separator (default: guessed)")
    query.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    query.add_argument("--out", metavar="FILE", help="write the CSV here (default: stdout)")

    label = sub.add_parser("label", help="label your rows in a browser page while a model learns",
                           description="Start a local labeling session: a page that shows the "
                           "rows a model chose, retrains as you answer, and never loses an "
                           "answer.", epilog=LABEL_EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    label.add_argument("file", metavar="FILE", help="the table (or sentence file) to label")
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
                       help="a column of unique row ids (default: a hash of the row's cells)")
    label.add_argument("--strategy", default="entropy", metavar="NAME",
                       help="query strategy (default: entropy; see 'skactive strategies')")
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

    sub.add_parser("strategies", help="list the query strategies",
                   description="List the query strategy names and whether this installation "
                   "has them.")
    return parser


def _add_experiment_options(run):
    from .strategies import strategy_names

    exp = run.add_argument_group("experiment")
    exp.add_argument("--strategies", type=_strategy_list, default=["random", "entropy"],
                     metavar="LIST", help="comma-separated, case-insensitive (default: "
                     "random,entropy); names: " + ", ".join(strategy_names()))
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


def _run_datasets(args):
    from .experiment import dataset_from_table, dataset_from_text, load_dataset

    if args.dataset and args.data:
        raise UsageError("give either --dataset or --data, not both")
    if args.dataset:
        if args.target or args.text:
            raise UsageError("--target and --text go with --data, not with --dataset")
        names = [n.strip() for n in args.dataset.split(",") if n.strip()]
        return [load_dataset(name, data_home=args.data_home) for name in names]
    if not args.data:
        raise UsageError("no data: give --dataset NAME (e.g. --dataset telescope, shipped) or "
                         "--data FILE --target COLUMN; for a quick tour run 'skactive demo'")
    if args.text:
        if args.target:
            raise UsageError("--target is for tables; with --text the labels come from the "
                             "files")
        return [dataset_from_text(args.data, encoding=args.encoding)]
    if not args.target:
        raise UsageError("--data needs --target COLUMN (the label column), or --text for "
                         "sentence files")
    if len(args.data) > 1:
        raise UsageError("give one table to --data (several files only with --text)")
    return [dataset_from_table(args.data[0], args.target, drop=args.drop, sep=args.sep,
                               encoding=args.encoding)]


def cmd_run(args):
    from .experiment import canonical_strategy_name, run_experiment, write_report

    for name in args.strategies:  # before loading data: fail fast on a typo
        canonical_strategy_name(name)
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

    names = args.strategies or list(_DEMO_STRATEGIES)
    available = []
    for name in names:
        try:
            get_strategy(name)
        except NotImplementedError:
            if args.strategies:  # asked for by name: say so
                raise
            continue
        available.append(name)
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
    from .strategies import get_strategy, strategy_names

    for name in strategy_names():
        try:
            status = type(get_strategy(name)).__name__
        except NotImplementedError:
            status = "(not available in this installation)"
        print(f"{name:18s} {status}")
    return 0


def cmd_query(args):
    if args.data:
        if args.labeled or args.pool:
            raise UsageError("give either --data FILE (one file, blank labels are the pool) or "
                             "--labeled and --pool, not both")
        if args.drop:
            raise UsageError("--drop goes with --labeled/--pool; with --data, every column "
                             "but --target and --id is a feature")
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
        from .experiment import query_pool

        table = query_pool(
            args.labeled, args.pool, target=args.target, text=args.text, drop=args.drop,
            strategy=args.strategy, n=args.n, model=args.model,
            model_params=_model_params(args), seed=args.seed, sep=args.sep,
            encoding=args.encoding)
    if args.out:
        table.to_csv(args.out, index=False)
        print(f"{len(table)} rows to label next: {args.out}", file=sys.stderr)
    else:
        table.to_csv(sys.stdout, index=False)
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
    if not args.text and not args.target:
        raise UsageError("give --target COLUMN (the label column, blank where not labeled "
                         "yet), or --text for a sentence file")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, got {args.port}")
    from .labeling import LabelingSession, bind, serve

    session = LabelingSession(
        args.file, args.out, target=args.target, text=args.text, id_column=args.id_column,
        classes=args.classes, strategy=args.strategy, model=args.model,
        model_params=_model_params(args), batch_size=args.batch_size, seed=args.seed,
        sep=args.sep, encoding=args.encoding)
    with session:
        sock = bind(args.host, args.port)
        port = sock.getsockname()[1]
        token = secrets.token_urlsafe(24)
        host = f"[{args.host}]" if ":" in args.host else args.host
        status = session.status()
        print(f"skactive label: {args.file}, {status['labeled_total']} labeled and "
              f"{status['unlabeled']} to go; answers saved in {args.out}", flush=True)
        print(f"open http://{host}:{port}/?token={token}", flush=True)
        print("stop with Ctrl-C; run the same command again to resume", flush=True)
        serve(session, sock, token)
    return 0


_COMMANDS = {"label": cmd_label, "run": cmd_run, "report": cmd_report, "query": cmd_query,
             "demo": cmd_demo,
             "strategies": cmd_strategies}


def _one_line(exc):
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


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
        interrupted.

    Examples
    --------
    >>> from skactive.cli import main
    >>> main(["strategies"])  # doctest: +ELLIPSIS
    random             RandomSampling
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
        return _COMMANDS[args.command](args)
    except (UsageError, ValueError, OSError, NotImplementedError) as exc:
        message = textwrap.shorten(_one_line(exc), width=2000, placeholder=" ...")
        print(f"skactive {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        hints = {"run": "; finished rounds are saved, continue with --resume",
                 "label": "; every answer shown as saved is in the session folder, run the "
                          "same command again to resume"}
        print(f"skactive {args.command}: interrupted" + hints.get(args.command, ""),
              file=sys.stderr)
        return 130
