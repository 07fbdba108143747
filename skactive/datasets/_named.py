"""The data sets skactive knows by name: one registry for the runner and the command line."""

#: Data sets :func:`load_named` knows: name -> (loader, input kind, what it is).
_NAMED = {
    "telescope": ("._shipped", "load_telescope", "table",
                  "MAGIC Gamma Telescope, shipped (19,020 rows, 10 features, 2 classes)"),
    "employee": ("._external", "load_employee", "table",
                 "Amazon Employee Access, from data_home (32,769 rows, 9 category codes)"),
    "mr": ("._external", "load_mr", "text",
           "Movie Review sentence polarity, from data_home (10,662 sentences)"),
    "sigmoid": ("._synthetic", "make_sigmoid", "table", "the DAMI paper's synthetic set"),
    "ibal": ("._synthetic", "make_ibal", "table", "the IBAL paper's synthetic set"),
}


def named_datasets():
    """Return the names :func:`load_named` knows, with their input kind.

    Returns
    -------
    dict
        ``{name: 'table' or 'text'}``, in a fixed order.

    Examples
    --------
    >>> from skactive.datasets import named_datasets
    >>> named_datasets()["mr"]
    'text'
    """
    return {name: kind for name, (_, _, kind, _) in _NAMED.items()}


def load_named(name, *, data_home=None, n_samples=None, random_state=0):
    """Load the samples and labels of a data set skactive knows by name.

    Parameters
    ----------
    name : {'telescope', 'employee', 'mr', 'sigmoid', 'ibal'}
        Case-insensitive. ``telescope`` ships with skactive; ``employee`` and ``mr`` are read
        from ``data_home`` (see :func:`get_data_home`); ``sigmoid`` and ``ibal`` are generated.
    data_home : str or path-like, default=None
        Folder holding ``employee/`` and ``mr/``; see :func:`get_data_home`.
    n_samples : int, default=None
        Size of the generated ``sigmoid`` set (default 10,000); ignored otherwise.
    random_state : int, default=0
        Seed of the generated sets.

    Returns
    -------
    X : ndarray
        The samples (a 1-D array of sentences for ``mr``).
    y : ndarray of shape (n_samples,)
        The labels.
    input_kind : {'table', 'text'}
        What the samples are: rows of numbers, or sentences.

    Examples
    --------
    >>> from skactive.datasets import load_named
    >>> X, y, kind = load_named("telescope")
    >>> X.shape, kind
    ((19020, 10), 'table')
    """
    import importlib

    key = str(name).strip().lower()
    if key not in _NAMED:
        raise ValueError(f"Unknown data set {name!r}; choose from: {', '.join(_NAMED)}.")
    module, function, kind, _ = _NAMED[key]
    loader = getattr(importlib.import_module(module, __package__), function)
    if key in ("employee", "mr"):
        X, y = loader(data_home, return_X_y=True)
    elif key == "telescope":
        X, y = loader(return_X_y=True)
    elif key == "sigmoid":
        X, y = loader(10_000 if n_samples is None else n_samples, random_state=random_state)
    else:
        X, y = loader(random_state=random_state)
    return X, y, kind
