"""Sphinx configuration for the skactive documentation.

Build (warnings are errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Set ``SKACTIVE_DOCS_GALLERY=0`` to skip running the gallery examples (the example pages are still
written, without their figures). Nothing in this configuration reaches the network: intersphinx
links to other projects' docs are off unless ``SKACTIVE_DOCS_INTERSPHINX=1`` is set on a
machine that can download their inventories.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # import skactive from the checkout, no install needed
sys.path.insert(0, str(HERE / "_ext"))

os.environ.setdefault("MPLBACKEND", "Agg")

import skactive  # noqa: E402

# -- project -----------------------------------------------------------------------------------
project = "skactive"
author = "skactive developers"
copyright = "skactive developers, BSD-3-Clause"
release = skactive.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "skactive_docs",  # docs/_ext/skactive_docs.py: optional result files, Markdown tables
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints",
                    "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip",
                    "auto_examples/*.md5", "auto_examples/*.json", "results/*.md"]
root_doc = "index"
default_role = "code"  # `x` in prose is code, as in Markdown
pygments_style = "sphinx"

# -- autodoc / autosummary / numpydoc ---------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# numpydoc's validation is run by hand (see docs/contributing.rst), not on every build: a
# validation message is a warning, and warnings fail this build.
numpydoc_validation_checks = set()

# -- intersphinx: off by default (the build machines have no internet) --------------------------
if os.environ.get("SKACTIVE_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "torch": ("https://pytorch.org/docs/stable", None),
        "skorch": ("https://skorch.readthedocs.io/en/stable", None),
    }

# -- sphinx-gallery ---------------------------------------------------------------------------
def _run_gallery():
    value = os.environ.get("SKACTIVE_DOCS_GALLERY", "1").strip().lower()
    return value not in ("0", "false", "no", "off")


sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": "/plot_",
    "ignore_pattern": r"__init__\.py",
    "plot_gallery": "True" if _run_gallery() else "False",
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib", "skactive_docs.reset_example_state"),
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,  # a failing example fails the build
    "doc_module": ("skactive",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skactive": None},  # link names in examples to this site, nothing else
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    # The execution-time tables load DataTables from a CDN: leave them out (no network assets).
    "write_computation_times": False,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "show_signature": False,
}

# -- HTML -------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skactive {release}"
html_static_path = ["_static"]
html_css_files = ["skactive.css"]
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    # No icon links, analytics, version switcher or announcement: nothing fetched at view time.
    "icon_links": [],
    "analytics": {},
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_prev_next": True,
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "install": [], "**": ["sidebar-nav-bs"]}
html_context = {"default_mode": "light"}

# Math renders in the reader's browser with MathJax (sphinx.ext.mathjax's default script).
