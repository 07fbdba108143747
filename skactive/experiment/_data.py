"""Data sets as the runner sees them: samples, labels, and what the model factory needs."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from .. import datasets as _datasets
from ..utils import num_samples, take_rows

#: Names :func:`load_dataset` knows, with their input kind (skactive.datasets' registry).
DATASETS = _datasets.named_datasets()


@dataclass
class Dataset:
    """A named classification data set for :func:`run_experiment`.

    Parameters
    ----------
    name : str
        Name written to the results (no commas or line breaks).
    X : array-like
        Feature table (ndarray or DataFrame) or a 1-D array of sentences.
    y : array-like of shape (n_samples,)
        Class labels.
    input_kind : {'table', 'text'}, default='table'
    categorical_features, numeric_features : list of str, default=None
        For a DataFrame with categorical columns: the columns the model's preprocessor one-hot
        encodes and scales (see :func:`skactive.datasets.make_table_preprocessor`). None means a
        plain :class:`~sklearn.preprocessing.StandardScaler` on every column.

    Examples
    --------
    >>> from skactive.datasets import make_sigmoid
    >>> from skactive.experiment import Dataset
    >>> X, y = make_sigmoid(200, random_state=0)
    >>> Dataset("sigmoid", X, y).n_samples
    200
    """

    name: str
    X: object
    y: object
    input_kind: str = "table"
    categorical_features: list = field(default=None)
    numeric_features: list = field(default=None)

    def __post_init__(self):
        self.name = str(self.name)
        if not self.name or any(ch in self.name for ch in ",\n\r\""):
            raise ValueError(f"A data set name must be non-empty without commas, quotes or line "
                             f"breaks, got {self.name!r}.")
        if self.input_kind not in ("table", "text"):
            raise ValueError(f"input_kind must be 'table' or 'text', got {self.input_kind!r}.")
        self.y = np.asarray(self.y)
        if self.y.ndim != 1:
            raise ValueError(f"y must be 1-dimensional, got shape {self.y.shape}.")
        if num_samples(self.X) != len(self.y):
            raise ValueError(
                f"Data set {self.name!r}: X has {num_samples(self.X)} samples but y has "
                f"{len(self.y)}."
            )
        if self.input_kind == "text":
            self.X = np.asarray(self.X, dtype=object)
        if len(np.unique(self.y)) < 2:
            raise ValueError(
                f"Data set {self.name!r} has a single class ({self.y[0]!r}); classification "
                "needs at least two."
            )

    @property
    def n_samples(self):
        """Number of samples."""
        return len(self.y)

    def subsample(self, max_samples, random_state=None):
        """A stratified random subset of at most ``max_samples`` samples (self if smaller)."""
        if max_samples is None or max_samples >= self.n_samples:
            return self
        keep, _ = train_test_split(np.arange(self.n_samples), train_size=int(max_samples),
                                   stratify=self.y, random_state=random_state)
        keep = np.sort(keep)
        X = take_rows(self.X, keep)
        if isinstance(X, pd.DataFrame):
            X = X.reset_index(drop=True)
        return Dataset(self.name, X, self.y[keep], self.input_kind,
                       self.categorical_features, self.numeric_features)


def load_dataset(name, *, data_home=None, n_samples=None, random_state=0):
    """Load a named data set for the runner.

    Parameters
    ----------
    name : {'telescope', 'employee', 'mr', 'sigmoid', 'ibal'}
        ``telescope`` ships with skactive; ``employee`` and ``mr`` are read from ``data_home``
        (see :func:`skactive.datasets.get_data_home`); ``sigmoid`` and ``ibal`` are generated.
        Employee's 9 columns are category codes (resource, role and department identifiers):
        the model one-hot encodes them (codes seen fewer than 5 times in the labeled set
        share one column), as a user would, rather than standardising the codes as numbers
        as the DAMI paper did.
    data_home : str or path-like, default=None
    n_samples : int, default=None
        Size of the generated ``sigmoid`` set (default 10,000); ignored otherwise.
    random_state : int, default=0
        Seed of the generated sets.

    Returns
    -------
    dataset : Dataset

    Examples
    --------
    >>> from skactive.experiment import load_dataset
    >>> ds = load_dataset("telescope")
    >>> ds.n_samples, ds.input_kind
    (19020, 'table')
    """
    key = str(name).strip().lower()
    X, y, kind = _datasets.load_named(key, data_home=data_home, n_samples=n_samples,
                                      random_state=random_state)
    if key == "employee":  # identifiers, not quantities: one-hot encoded by the model
        return Dataset(key, X, y, input_kind=kind,
                       categorical_features=list(range(X.shape[1])), numeric_features=[])
    return Dataset(key, X, y, input_kind=kind)


def dataset_from_table(path, target, *, drop=None, sep=None, encoding="utf-8", name=None,
                       **options):
    """A :class:`Dataset` from a CSV or TSV file (see :func:`skactive.datasets.load_table`).

    ``options`` go to :func:`~skactive.datasets.load_table` (``keep_columns``, ``decimal``,
    ``merge_label_case``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skactive.experiment import dataset_from_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pets.csv"
    >>> _ = path.write_text("size,color,kind\\n1.0,red,cat\\n2.0,blue,dog\\n1.5,red,cat\\n")
    >>> ds = dataset_from_table(path, "kind")
    >>> ds.name, ds.categorical_features, ds.numeric_features
    ('pets', ['color'], ['size'])
    """
    from pathlib import Path

    table = _datasets.load_table(path, target, drop=drop, sep=sep, encoding=encoding, **options)
    return Dataset(name or _stem(Path(path)), table.data, table.target.to_numpy(),
                   categorical_features=table.categorical_features,
                   numeric_features=table.numeric_features)


def dataset_from_text(paths, *, encoding="utf-8", name=None, format="auto"):
    """A :class:`Dataset` from sentence files (see :func:`skactive.datasets.load_text`).

    ``paths`` is one file of ``label<TAB>text`` lines, or several files, one per class, whose
    names (without extension) are the labels. The data set is named after the file, or after
    the folder of several files. ``format`` is that of :func:`skactive.datasets.load_text`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skactive.experiment import dataset_from_text
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "reviews"
    >>> folder.mkdir()
    >>> _ = (folder / "pos.txt").write_text("a warm film\\nfunny\\n")
    >>> _ = (folder / "neg.txt").write_text("dull\\n")
    >>> ds = dataset_from_text([folder / "pos.txt", folder / "neg.txt"])
    >>> ds.name, ds.input_kind, ds.y.tolist()
    ('reviews', 'text', ['pos', 'pos', 'neg'])
    """
    from pathlib import Path

    if isinstance(paths, (list, tuple)) and len(paths) == 1:
        paths = paths[0]
    texts = _datasets.load_text(paths, encoding=encoding, format=format)
    if texts.target is None:
        raise ValueError(
            f"{paths} holds sentences without labels: give 'label<TAB>text' lines, or one file "
            "per class."
        )
    if isinstance(paths, (list, tuple)):
        default = Path(paths[0]).resolve().parent.name
    else:
        default = Path(paths).name
    return Dataset(name or _stem(Path(default)), texts.data, texts.target, input_kind="text")


def _stem(path):
    stem = path.name.split(".")[0] or "data"
    return "".join(ch if ch not in ",\"\n\r" else "_" for ch in stem)
