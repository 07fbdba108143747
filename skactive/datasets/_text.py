"""Loading sentence files that users bring."""

import os
from collections.abc import Mapping
from numbers import Integral
from pathlib import Path

import numpy as np

from ._base import _check_encoding, iter_lines, read_text

__all__ = ["load_text"]

_TEXT_FORMATS = ("auto", "lines", "tsv")


def _read_sentences(path, encoding):
    return list(iter_lines(read_text(path, encoding)))


def _parse_tsv(path, numbered_lines):
    labels, texts = [], []
    for number, line in numbered_lines:
        if "\t" not in line:
            raise ValueError(
                f"{path}, line {number}: no tab found; expected 'label<TAB>text'. "
                "Pass format='lines' for a file of plain sentences."
            )
        label, text = line.split("\t", 1)
        label, text = label.strip(), text.strip()
        if not label:
            raise ValueError(f"{path}, line {number}: the label before the tab is empty.")
        if not text:
            raise ValueError(f"{path}, line {number}: label {label!r} has no text after the tab.")
        labels.append(label)
        texts.append(text)
    return labels, texts


def _as_path(path, name="path_or_paths"):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"Each entry of {name} must be a str or path-like, got {path!r}.")
    return Path(path)


def _label_array(labels):
    if all(isinstance(v, Integral) and not isinstance(v, bool) for v in labels):
        return np.asarray(labels, dtype=np.int64)
    if all(isinstance(v, str) for v in labels):
        out = np.empty(len(labels), dtype=object)
        out[:] = labels
        return out
    raise TypeError("Labels must be all str or all int, got a mix of types.")


def load_text(path_or_paths, *, encoding="utf-8", label=None, format="auto", return_X_y=False):
    """Load sentences for text classification, one sentence per line.

    Three layouts are read:

    - one file per class: a dict ``{label: path}``, or a list of paths whose
      file stems (names without extension) are the labels;
    - one file of ``label<TAB>text`` lines (``format='tsv'``), or a list of
      such files, concatenated;
    - one file of plain sentences (``format='lines'``): every sentence gets
      ``label``, or no label at all when ``label`` is None (an unlabeled pool).

    With ``format='auto'``, a dict or list is one file per class and a single
    file is ``'tsv'`` when every line contains a tab, ``'lines'`` when none
    does (or when ``label`` is given).  Lines end at ``\\n``, ``\\r\\n`` or
    ``\\r``; trailing whitespace is stripped and empty lines are skipped.

    Parameters
    ----------
    path_or_paths : str, path-like, list of them, or dict
        The file, the files, or a mapping from label (str or int) to file.
    encoding : str, default='utf-8'
        Text encoding of every file, e.g. ``'latin-1'``.
    label : str or int, default=None
        Label of every sentence of a single plain-sentence file.
    format : {'auto', 'lines', 'tsv'}, default='auto'
        Layout of the files, see above.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        data : ndarray of shape (n_samples,), dtype object
            The sentences (str), file by file, in file order.
        target : ndarray of shape (n_samples,) or None
            The label of each sentence: str, or int for int dict keys or
            ``label``.  None for an unlabeled file.
        target_names : ndarray or None
            The sorted distinct labels; None for an unlabeled file.
        filenames : list of str
            The files read.
        DESCR : str
            A one-line summary.

    (data, target) : tuple if ``return_X_y`` is True
        The sentences and labels described above.

    Raises
    ------
    ValueError
        If a file cannot be decoded with ``encoding`` (the message gives the
        file, the byte offset and the encoding to try), ``encoding`` is
        unknown, a file has no sentences, a ``label<TAB>text`` line is
        malformed, or the layout is ambiguous or inconsistent with the
        arguments.
    FileNotFoundError
        If a file does not exist.

    See Also
    --------
    load_mr : Load the MR sentence polarity data.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skactive.datasets import load_text
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "pos.txt").write_text("a gripping film \\n\\nfunny and warm\\n")
    >>> _ = (folder / "neg.txt").write_text("dull\\n")
    >>> texts = load_text([folder / "neg.txt", folder / "pos.txt"])
    >>> texts.data.tolist(), texts.target.tolist()
    (['dull', 'a gripping film', 'funny and warm'], ['neg', 'pos', 'pos'])

    A single file of ``label<TAB>text`` lines:

    >>> _ = (folder / "train.tsv").write_text("1\\tgreat\\n0\\tawful\\n")
    >>> load_text(folder / "train.tsv").target.tolist()
    ['1', '0']
    """
    _check_encoding(encoding)
    if format not in _TEXT_FORMATS:
        raise ValueError(f"format must be one of {_TEXT_FORMATS}, got {format!r}.")

    if isinstance(path_or_paths, Mapping):
        if label is not None:
            raise ValueError("label is for a single file; with a dict, its keys are the labels.")
        if format == "tsv":
            raise ValueError("format='tsv' takes a path or a list of paths, not a dict.")
        sources = [(key, _as_path(p)) for key, p in path_or_paths.items()]
        layout = "per_class"
    elif isinstance(path_or_paths, (str, os.PathLike)):
        if label is not None and format == "tsv":
            raise ValueError("label cannot be combined with format='tsv': the file gives labels.")
        sources = [(label, Path(path_or_paths))]
        layout = format
    else:
        try:
            paths = [_as_path(p) for p in path_or_paths]
        except TypeError:
            raise TypeError(
                "path_or_paths must be a path, a list of paths or a dict {label: path}, got "
                f"{type(path_or_paths).__name__}."
            ) from None
        if label is not None:
            raise ValueError(
                "label is for a single file; with a list, the file stems are the labels "
                "(pass a dict {label: path} to choose them)."
            )
        if format == "tsv":
            sources, layout = [(None, p) for p in paths], "tsv"
        else:
            stems = [p.stem for p in paths]
            repeated = sorted({s for s in stems if stems.count(s) > 1})
            if repeated:
                raise ValueError(
                    f"Several files share the stem(s) {repeated}, so their labels would clash; "
                    "pass a dict {label: path} instead."
                )
            sources, layout = list(zip(stems, paths)), "per_class"
    if not sources:
        raise ValueError("path_or_paths is empty: give at least one file.")

    texts, labels, filenames = [], [], []
    for source_label, path in sources:
        lines = _read_sentences(path, encoding)
        if not lines:
            raise ValueError(f"{path} contains no sentences (it is empty or only blank lines).")
        file_layout = layout
        if file_layout == "auto":  # a single file
            with_tab = [n for n, line in lines if "\t" in line]
            without_tab = [n for n, line in lines if "\t" not in line]
            if source_label is not None or not with_tab:
                file_layout = "lines"
            elif not without_tab:
                file_layout = "tsv"
            else:
                raise ValueError(
                    f"{path}: {len(with_tab)} of {len(lines)} lines contain a tab (first: line "
                    f"{with_tab[0]}) and {len(without_tab)} do not (first: line "
                    f"{without_tab[0]}), so it is neither clearly 'label<TAB>text' nor one "
                    "sentence per line. Pass format='tsv' or format='lines'."
                )
        if file_layout == "tsv":
            file_labels, file_texts = _parse_tsv(path, lines)
        else:
            file_texts = [line for _, line in lines]
            file_labels = [source_label] * len(file_texts)
        texts.extend(file_texts)
        labels.extend(file_labels)
        filenames.append(str(path))

    data = np.empty(len(texts), dtype=object)
    data[:] = texts
    if all(v is None for v in labels):
        target = target_names = None
    else:
        target = _label_array(labels)
        target_names = np.unique(target)
    if return_X_y:
        return data, target
    n_classes = "unlabeled" if target is None else f"{len(target_names)} classes"
    from sklearn.utils import Bunch  # here: a file that cannot be read is reported sooner

    return Bunch(
        data=data,
        target=target,
        target_names=target_names,
        filenames=filenames,
        DESCR=f"{len(data)} sentences ({n_classes}) read from {len(filenames)} file(s).",
    )
