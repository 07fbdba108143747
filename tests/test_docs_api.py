"""The API reference lists every public object, and every public object has a runnable example.

The public names are the ``__all__`` lists of skactive's subpackages (and the public functions of
``skactive.experiment.plots``, which has none). A class or function counts as listed when an
``autosummary`` block of ``docs/api.rst`` names it (under its ``currentmodule``), possibly
through another module that re-exports the same object; a constant counts when its name appears
in the page. The doctests themselves run with ``python -m pytest --doctest-modules skactive``.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.rst"

#: Modules whose ``__all__`` is the public API (optional ones are skipped while absent).
PUBLIC_MODULES = [
    "skactive",
    "skactive.strategies",
    "skactive.datasets",
    "skactive.readouts",
    "skactive.cluster",
    "skactive.experiment",
    "skactive.text",
    "skactive.autoencoder",
    "skactive.labeling",
    "skactive.nets",
    "skactive.io",
    "skactive.exceptions",
    "skactive.modal",
    "skactive.modal.models",
    "skactive.modal.models.base",
    "skactive.modal.uncertainty",
    "skactive.modal.disagreement",
    "skactive.modal.batch",
    "skactive.modal.density",
    "skactive.modal.expected_error",
    "skactive.modal.acquisition",
    "skactive.modal.multilabel",
    "skactive.modal.dropout",
    "skactive.modal.utils",
    "skactive.modal.utils.selection",
    "skactive.modal.utils.data",
    "skactive.modal.utils.validation",
    "skactive.modal.utils.combination",
]
#: Public modules without ``__all__``: their public functions and classes defined there.
MODULES_WITHOUT_ALL = ["skactive.experiment.plots"]
#: Names that are not objects to document (the version string).
NOT_OBJECTS = {"__version__"}


def _import(name):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:  # the module itself is absent (not yet in this version)
            return None
        raise


def _public_names():
    names = []
    for module_name in PUBLIC_MODULES:
        module = _import(module_name)
        if module is None:
            continue
        assert hasattr(module, "__all__"), f"{module_name} has no __all__"
        names += [(module_name, n) for n in module.__all__ if n not in NOT_OBJECTS]
    for module_name in MODULES_WITHOUT_ALL:
        module = _import(module_name)
        if module is None:
            continue
        for n, obj in vars(module).items():
            if (not n.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
                    and obj.__module__ == module_name):
                names.append((module_name, n))
    return names


PUBLIC = _public_names()
IDS = [f"{m}.{n}" for m, n in PUBLIC]


def _documented():
    """Objects named in autosummary blocks of the API page, and the page's text."""
    text = API_PAGE.read_text(encoding="utf-8")
    objects, current, in_block = set(), None, False
    for line in text.splitlines():
        stripped = line.strip()
        match = re.match(r"\.\. currentmodule::\s*(\S+)", stripped)
        if match:
            current, in_block = match.group(1), False
            continue
        if stripped.startswith(".. autosummary::"):
            in_block = True
            continue
        if in_block:
            if not line.startswith((" ", "\t")) and stripped:
                in_block = False
            elif stripped and not stripped.startswith(":"):
                path = f"{current}.{stripped}" if current else stripped
                module_name, _, attr = path.rpartition(".")
                obj = _resolve(module_name, attr)
                assert obj is not None, f"docs/api.rst lists {path}, which does not exist"
                objects.add(id(obj))
    return objects, text


def _resolve(module_name, attr):
    parts = f"{module_name}.{attr}".split(".")
    for i in range(len(parts), 0, -1):  # the longest importable prefix, then attributes
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for part in parts[i:]:
            obj = getattr(obj, part, None)
        return obj
    return None


@pytest.fixture(scope="module")
def documented():
    return _documented()


def _is_documentable(obj):
    return inspect.isclass(obj) or inspect.isfunction(obj) or callable(obj)


def test_public_names_found():
    # The list is built from the live package: an empty one would make the tests below vacuous.
    assert len(PUBLIC) > 20
    assert ("skactive", "ActiveLearner") in PUBLIC


@pytest.mark.parametrize("module_name, name", PUBLIC, ids=IDS)
def test_listed_in_api_reference(module_name, name, documented):
    objects, text = documented
    obj = getattr(importlib.import_module(module_name), name)
    if _is_documentable(obj):
        assert id(obj) in objects, (
            f"{module_name}.{name} is public but missing from docs/api.rst: add it to an "
            "autosummary block there (under the right currentmodule)."
        )
    else:  # a constant: documented in prose on the page
        assert re.search(rf"\b{re.escape(name)}\b", text), (
            f"The constant {module_name}.{name} is not mentioned in docs/api.rst."
        )


@pytest.mark.parametrize("module_name, name", PUBLIC, ids=IDS)
def test_docstring_has_examples(module_name, name):
    obj = getattr(importlib.import_module(module_name), name)
    if not _is_documentable(obj):
        pytest.skip("constants carry no docstring of their own")
    doc = obj.__doc__  # the object's own docstring, not one inherited from a base class
    assert doc and doc.strip(), f"{module_name}.{name} has no docstring."
    assert re.search(r"^\s*Examples\n\s*-{8,}\s*$", inspect.cleandoc(doc), re.MULTILINE), (
        f"{module_name}.{name}'s docstring has no 'Examples' section (numpydoc: a line "
        "'Examples' underlined with dashes, then a doctest)."
    )
    assert ">>>" in doc.split("Examples", 1)[-1], (
        f"{module_name}.{name}'s 'Examples' section has no doctest (>>> lines)."
    )



# ------------------------------------------------------------------ the docs build's own helpers
@pytest.fixture(scope="module")
def docs_ext():
    import sys

    pytest.importorskip("docutils", reason="the docs build's helpers need docutils: "
                        "pip install -e '.[docs]'")

    path = str(API_PAGE.parent / "_ext")
    sys.path.insert(0, path)
    try:
        import skactive_docs
    finally:
        sys.path.remove(path)
    return skactive_docs


def test_markdown_report_becomes_rst_table(docs_ext, tmp_path):
    (tmp_path / "curves.png").write_bytes(b"")
    md = ("# Report\n\nBest `X_training_` per row in **bold**; model_params_ too.\n\n"
          "| data set | random | dami |\n|---|---|---|\n| telescope | 0.85 ± 0.01 | **0.86** |\n"
          "\n![curves](curves.png)\n![missing](absent.png)\n")
    rst = docs_ext.markdown_to_rst(md, image_dir=tmp_path, image_uri=lambda p: p.name)
    assert rst[0] == ".. rubric:: Report"
    assert "Best ``X_training_`` per row in **bold**; model_params\\_ too." in rst
    table = rst[rst.index(".. list-table::"):]
    assert table[:2] == [".. list-table::", "   :header-rows: 1"]
    assert "   * - data set" in table and "     - **0.86**" in table
    assert "   * - telescope" in table and "     - 0.85 ± 0.01" in table
    assert ".. image:: curves.png" in rst
    assert not any("absent.png" in line for line in rst)  # absent images are left out


def test_benchmark_filter_keeps_one_strategy_and_headers(docs_ext):
    text = ("strategy  seconds\nforward   0.001\nrandom    0.01\negl       0.2\n"
            "egl-word  0.3\nleast-confidence 0.02\nnote: one run\n")
    assert docs_ext.filter_lines(text, r"(?<![\w-])egl(?![\w-])") == (
        "strategy  seconds\nforward   0.001\negl       0.2\nnote: one run\n")
    # A pattern that matches nothing keeps the whole file rather than hiding the figures.
    assert docs_ext.filter_lines(text, "ralif") == text


def test_plain_text_math_is_escaped_outside_literals(docs_ext):
    lines = ["Cost O(B |S| D) with n_features_in_ and ``|x|_``.",
             "X : ndarray of shape (n_features_in_,)",
             "estimator_ : classifier",
             ">>> a_ | b",
             "",
             ".. code-block:: text",
             "",
             "   |raw|_"]
    docs_ext.escape_plain_math(None, "class", "x", None, {}, lines)
    assert lines == ["Cost O(B \\|S\\| D) with n_features_in\\_ and ``|x|_``.",
                     "X : ndarray of shape (n_features_in\\_,)",
                     "estimator_ : classifier",
                     ">>> a_ | b",
                     "",
                     ".. code-block:: text",
                     "",
                     "   |raw|_"]
