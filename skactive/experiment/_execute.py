"""Executing a plan: word vectors once per repeat, then the learning curves, in parallel or not."""

import threading

from joblib import Parallel, delayed

from ._models import fit_text_embedding
from ._simulate import simulate


class _Progress:
    """tqdm bar over rounds (and a printed line per round with ``verbose``), fed by workers."""

    def __init__(self, total, initial, enabled, verbose, metric):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, initial=initial, unit="round", disable=not enabled,
                        desc="active learning", dynamic_ncols=True)
        self.verbose = verbose
        self.metric = metric
        self._write = tqdm.write

    def __call__(self, row, n_rounds):
        self.bar.update(1)
        metric = self.metric
        if metric == "auto":
            metric = "auc" if row["auc"] == row["auc"] else "accuracy"  # NaN != NaN
        if self.verbose:
            query = row["query_seconds"]
            query = "" if query != query else f", query {query:.2f} s"
            self._write(
                f"[{row['dataset']} {row['model']} {row['strategy']} repeat {row['repeat']}] "
                f"round {row['round']}/{n_rounds - 1}: {100 * row['labeled_fraction']:.1f}% "
                f"labeled ({row['n_labeled']}), {metric} {row[metric]:.4f} "
                f"(fit {row['fit_seconds']:.2f} s{query})"
            )
        else:
            self.bar.set_postfix_str(f"{row['strategy']} r{row['round']} {metric} "
                                     f"{row[metric]:.3f}", refresh=False)

    def close(self):
        self.bar.close()


def _queue_reporter(queue):
    def report(row, n_rounds):
        queue.put((row, n_rounds))
    return report


def fit_embeddings(tasks, model_params):
    """Fit the word vectors each (data set, repeat) of text tasks shares, once, in place."""
    fitted = {}
    for task in tasks:
        if task.embedding_seed is None:
            continue
        key = (task.dataset.name, task.repeat)
        if key not in fitted:
            fitted[key] = fit_text_embedding(task.dataset.X[task.train], params=model_params,
                                             random_state=task.embedding_seed)
        task.embedding = fitted[key]
    return tasks


def execute(tasks, folder, *, total, finished, n_jobs, progress, verbose, metric):
    """Run every task, recording each round in ``folder`` as it finishes."""
    bar = _Progress(total, finished, progress, verbose, metric)
    try:
        if n_jobs == 1 or len(tasks) <= 1:
            for task in tasks:
                simulate(task, folder, bar)
        else:
            _run_parallel(tasks, folder, bar, n_jobs)
    finally:
        bar.close()


def _run_parallel(tasks, folder, bar, n_jobs):
    import multiprocessing

    manager = multiprocessing.Manager()
    try:
        queue = manager.Queue()

        def drain():
            while True:
                item = queue.get()
                if item is None:
                    return
                bar(*item)

        listener = threading.Thread(target=drain, daemon=True)
        listener.start()
        try:
            report = _queue_reporter(queue)
            Parallel(n_jobs=n_jobs)(delayed(simulate)(task, folder, report) for task in tasks)
        finally:
            queue.put(None)
            listener.join(timeout=10)
    finally:
        manager.shutdown()
