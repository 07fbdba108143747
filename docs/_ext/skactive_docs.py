"""A small Sphinx extension for skactive's docs: include result files that may not exist yet.

``.. result-file:: results/benchmark_cpu.txt`` includes a file written by a benchmark or a
reproduction run when it is there, and otherwise renders the directive's content (a sentence
saying which command makes the file). Plain text becomes a literal block; Markdown (``.md``,
as written by ``skactive report`` and the reproduction run) is converted to reStructuredText:
headings become rubrics, pipe tables become tables, ``![alt](file.png)`` becomes an image.
Nothing is invented: a file that is absent renders only the fallback content.
"""

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList

__all__ = ["escape_plain_math", "filter_lines", "markdown_to_rst", "reset_example_state",
           "skip_sklearn_plumbing", "setup"]

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
_TRAILING_UNDERSCORE = re.compile(r"(\w)_(?=\W|$)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _inline(text):
    """Markdown inline markup to reStructuredText (code, links, escapes)."""
    out, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_inline_plain(text[last:match.start()]))
        out.append("``" + match.group(2).strip() + "``")
        last = match.end()
    out.append(_inline_plain(text[last:]))
    return "".join(out)


def _inline_plain(text):
    text = text.replace("\\|", "|").replace("|", "\\|")
    text = _TRAILING_UNDERSCORE.sub(r"\1\\_", text)
    return _LINK.sub(lambda m: f"`{m.group(1)} <{m.group(2)}>`__", text)


def _table(lines):
    rows = []
    for line in lines:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            continue  # the header separator
        rows.append(cells)
    width = max(len(r) for r in rows)
    out = [".. list-table::", "   :header-rows: 1", "   :class: skactive-results", ""]
    for row in rows:
        row = row + [""] * (width - len(row))
        for j, cell in enumerate(row):
            prefix = "   * - " if j == 0 else "     - "
            out.append(prefix + (_inline(cell) if cell else ""))
    return out + [""]


def markdown_to_rst(text, image_dir=None, image_uri=None):
    """Convert the Markdown subset of skactive's reports to reStructuredText lines.

    Parameters
    ----------
    text : str
        Markdown: headings, paragraphs, bullet lists, pipe tables, fenced code, images.
    image_dir : pathlib.Path or None
        Where images are looked up; an image whose file is absent is left out.
    image_uri : callable or None
        Maps an image's file path to the URI written in the ``image`` directive.

    Returns
    -------
    lines : list of str

    Examples
    --------
    >>> markdown_to_rst("# Title\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |")[:2]
    ['.. rubric:: Title', '']
    """
    lines = text.splitlines()
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            lang = stripped[3:].strip() or "text"
            out += [f".. code-block:: {lang}", ""]
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                out.append("   " + lines[i])
                i += 1
            out.append("")
            i += 1
            continue
        if stripped.startswith("|"):
            block = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                block.append(lines[i])
                i += 1
            out += [""] + _table(block)
            continue
        heading = _HEADING.match(stripped)
        image = _IMAGE.match(stripped)
        if heading:
            out += [f".. rubric:: {_inline(heading.group(2))}", ""]
        elif image:
            path = (image_dir / image.group(2)) if image_dir is not None else None
            if path is not None and path.is_file():
                uri = image_uri(path) if image_uri is not None else path.as_posix()
                out += [f".. image:: {uri}", f"   :alt: {image.group(1)}", ""]
        else:
            out.append(_inline(line))
        i += 1
    return out


# ---------------------------------------------------------------------------- docstrings
# skactive's docstrings write formulas in plain text (``||g||_2``, ``|S(x)|``, ``n_features_in_``)
# as scikit-learn's do. In reStructuredText a ``|`` opens a substitution and a word ending in
# ``_`` is a link, so escape both outside literals before numpydoc parses the docstring.
_LITERAL = re.compile(r"(:[\w:]+:`[^`]+`|``.+?``|`[^`]+`)")
_HEADER = re.compile(r"^(\s*)([\w*, ]+?)( : .*)$")


def _escape_text(text):
    parts = _LITERAL.split(text)
    for k in range(0, len(parts), 2):  # even parts lie outside literals
        piece = re.sub(r"(?<!\\)\|", r"\\|", parts[k])
        parts[k] = _TRAILING_UNDERSCORE.sub(r"\1\\_", piece)
    return "".join(parts)


def escape_plain_math(app, what, name, obj, options, lines):
    """``autodoc-process-docstring`` hook: escape ``|`` and trailing ``_`` outside literals.

    Doctest blocks, literal blocks (after a line ending in ``::``) and directives are left
    alone, and so are the names of numpydoc ``name : type`` lines.
    """
    block_indent = None  # inside a literal block or directive indented deeper than this
    in_doctest = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if in_doctest:
            in_doctest = bool(stripped)
            continue
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if stripped.startswith(">>>"):
            in_doctest = True
            continue
        header = _HEADER.match(line)
        if header:
            lines[i] = header.group(1) + header.group(2) + _escape_text(header.group(3))
        else:
            lines[i] = _escape_text(line)
        if stripped.endswith("::") or stripped.startswith(".. "):
            block_indent = indent


_SKLEARN_PLUMBING = re.compile(r"^(set_\w+_request|get_metadata_routing)$")


def skip_sklearn_plumbing(app, what, name, obj, skip, options):
    """``autodoc-skip-member`` hook: leave out scikit-learn's metadata-routing methods.

    ``set_fit_request`` and friends are generated on every estimator class; their docstrings
    refer to scikit-learn's own user guide and say nothing about skactive.
    """
    if _SKLEARN_PLUMBING.match(name):
        return True
    return None


def reset_example_state(gallery_conf, fname):
    """sphinx-gallery ``reset_modules`` hook: same matplotlib backend and torch seed per example."""
    import matplotlib

    matplotlib.use("Agg")
    import torch

    torch.manual_seed(0)


def _strategy_names():
    try:
        from skactive.strategies import strategy_names

        return strategy_names()
    except ImportError:  # pragma: no cover - the docs build imports skactive anyway
        return []


def filter_lines(text, pattern):
    """Keep the lines about one strategy, and the lines about no strategy (headers, notes).

    A line is kept when it matches ``pattern`` (case-insensitive) or names none of
    :func:`skactive.strategies.strategy_names`. When no line matches ``pattern`` the whole text
    is kept, so a change in the benchmark's format never hides its figures.

    Examples
    --------
    >>> filter_lines("strategy  s\nrandom  0.1\ndami  2.0\n", r"\bdami\b")
    'strategy  s\ndami  2.0\n'
    """
    wanted = re.compile(pattern, re.IGNORECASE)
    names = [re.compile(rf"(?<![\w-]){re.escape(n)}(?![\w-])", re.IGNORECASE)
             for n in _strategy_names()]
    lines = text.splitlines(keepends=True)
    if not any(wanted.search(line) for line in lines):
        return text
    return "".join(line for line in lines
                   if wanted.search(line) or not any(n.search(line) for n in names))


class ResultFile(Directive):
    """Include a result file if it exists, else render the directive's content."""

    required_arguments = 1
    has_content = True
    option_spec = {"language": directives.unchanged, "filter": directives.unchanged}

    def run(self):
        env = self.state.document.settings.env
        rel, path = env.relfn2path(self.arguments[0])
        env.note_dependency(rel)
        container = nodes.container(classes=["skactive-result-file"])
        if not Path(path).is_file():
            self.state.nested_parse(self.content, self.content_offset, container)
            return [container]
        text = Path(path).read_text(encoding="utf-8")
        if path.endswith(".md"):
            srcdir = Path(env.srcdir)
            rst = markdown_to_rst(
                text, image_dir=Path(path).parent,
                # a leading "/" makes Sphinx read the path from the source directory
                image_uri=lambda p: "/" + p.resolve().relative_to(srcdir.resolve()).as_posix(),
            )
            self.state.nested_parse(StringList(rst, source=path), 0, container)
            return [container]
        if "filter" in self.options:
            text = filter_lines(text, self.options["filter"])
        block = nodes.literal_block(text, text)
        block["language"] = self.options.get("language", "text")
        return [block]


def setup(app):
    app.add_directive("result-file", ResultFile)
    app.connect("autodoc-process-docstring", escape_plain_math, priority=400)  # before numpydoc
    app.connect("autodoc-skip-member", skip_sklearn_plumbing)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
