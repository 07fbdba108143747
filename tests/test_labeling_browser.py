"""End-to-end: a person labels in headless Chromium with the keyboard alone.

Needs Playwright's Python package and a Chromium (Debian: ``apt-get install chromium``, found
at /usr/bin/chromium or $SKACTIVE_CHROMIUM); skipped with the reason otherwise.
"""

import io
import os
import shutil

import pandas as pd

import pytest

pytest.importorskip("starlette", reason="the 'label' extra (starlette) is not installed")
pytest.importorskip("uvicorn", reason="the 'label' extra (uvicorn) is not installed")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from _labeling_server import (NASTY, Server, write_sentences,  # noqa: E402
                              write_table)

CHROMIUM = os.environ.get("SKACTIVE_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed "
                                 "(apt-get install chromium, or set SKACTIVE_CHROMIUM)")]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _open(browser, server, width=1100):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append("dialog: " + dialog.message))
    page.goto(server.url)
    page.wait_for_selector("#classes button:not([disabled])", timeout=120_000)
    return page, errors


def _current(page):
    return page.evaluate("() => batch.rows[0]")


def _label_by_key(page, truth_of, classes):
    """Answer the row shown with its true label, keyboard only; wait for 'Saved'."""
    row = _current(page)
    label = truth_of(row)
    before = page.text_content("#saved")
    page.keyboard.press(str(classes.index(label) + 1))
    page.wait_for_function("(b) => document.querySelector('#saved').textContent !== b && "
                           "document.querySelector('#saved').textContent.startsWith('Saved')",
                           arg=before, timeout=60_000)
    return row["key"], label


def _label_batches(page, n_batches, truth_of, classes):
    saved = {}
    for _ in range(n_batches):
        page.wait_for_selector("#classes button:not([disabled])", timeout=120_000)
        version = _current(page)["version"]
        while True:
            page.wait_for_selector("#classes button:not([disabled])", timeout=120_000)
            if _current(page)["version"] != version:
                break
            key, label = _label_by_key(page, truth_of, classes)
            saved[key] = label
            page.wait_for_function("() => batch && (batch.rows.length === 0 || "
                                   "batch.rows[0].key !== '%s')" % key, timeout=60_000)
            if page.evaluate("() => batch.rows.length") == 0:
                break
    return saved


def _run_session(browser, tmp_path, args, truth_of, export_name):
    out = tmp_path / "session"
    server = Server([*args, "--out", out], tmp_path)
    try:
        page, errors = _open(browser, server)
        classes = page.evaluate("() => batch.classes")
        accuracy_before = page.text_content("#accuracy")
        saved = _label_batches(page, 3, truth_of, classes)
        page.wait_for_function("() => !document.querySelector('#accuracy').textContent"
                               ".startsWith('not yet')", timeout=60_000)
        assert page.text_content("#accuracy") != accuracy_before
        assert "interval" in page.text_content("#accuracy")
        assert page.locator("#curve circle").count() >= 2
        # undo: the last answer is taken back and its row is shown again
        last_key = list(saved)[-1]
        page.keyboard.press("u")
        page.wait_for_function("(k) => batch && batch.rows.length && batch.rows[0].key === k",
                               arg=last_key, timeout=60_000)
        assert page.text_content("#saved").startswith("Saved: undid")
        del saved[last_key]
        assert errors == []
        page.close()
    finally:
        server.kill9()
        server.proc.stdout.close()
    server = Server([*args, "--out", out], tmp_path)
    try:
        page, errors = _open(browser, server)
        assert _current(page)["key"] == last_key  # resumed where it stopped
        labels_text = page.text_content("#labels")
        assert labels_text.startswith(f"{len(saved)} ")
        page.keyboard.press("e")
        page.wait_for_function("() => document.querySelector('#saved').textContent"
                               ".startsWith('Exported')", timeout=120_000)
        assert errors == []
        page.close()
    finally:
        server.stop()
    exported = (out / "export" / export_name).read_text()
    return saved, exported


def test_label_a_table_with_the_keyboard(browser, tmp_path):
    path = tmp_path / "rows.csv"
    truth = write_table(path, nasty=True)
    saved, exported = _run_session(
        browser, tmp_path, [path, "--target", "y", "--id", "id", "--batch-size", "4",
                            "--max-epochs", "5"],
        lambda row: truth[row["cells"]["id"]], "rows.csv")
    assert len(saved) >= 11
    table = pd.read_csv(io.StringIO(exported), dtype=str, keep_default_na=False)
    assert table.columns.tolist() == ["id", "x", "z", "y", "note"]
    labels = dict(zip(table["id"], table["y"]))
    assert all(labels[key] == label for key, label in saved.items())
    assert set(table["note"]) == set(NASTY)


def test_label_sentences_with_the_keyboard(browser, tmp_path):
    path = tmp_path / "reviews.txt"
    truth = write_sentences(path)
    saved, exported = _run_session(
        browser, tmp_path, [path, "--text", "--batch-size", "4", "--max-epochs", "2"],
        lambda row: truth[row["text"]], "reviews.txt")
    lines = exported.splitlines()
    for line in lines:
        if "\t" in line:
            label, sentence = line.split("\t", 1)
            assert truth[sentence] == label
    assert sum("\t" in line for line in lines) == 8 + len(saved)


def test_cells_and_labels_are_shown_as_text(browser, tmp_path):
    path = tmp_path / "rows.csv"
    write_table(path, nasty=True)
    evil = ["<b>bold</b>", "<img src=x onerror=\"window.__pwned = 3\">"]
    server = Server([path, "--target", "y", "--id", "id", "--batch-size", "4", "--max-epochs",
                     "5", "--classes", ",".join(evil), "--out", tmp_path / "s"], tmp_path)
    try:
        page, errors = _open(browser, server, width=380)  # a narrow screen
        assert page.evaluate("() => window.__pwned") is None
        note = page.locator("#row td").nth(4).text_content()
        assert note in NASTY
        assert page.locator("#row img, #row script, #classes img, #classes b").count() == 0
        buttons = [b.text_content().strip() for b in page.locator("#classes button").all()]
        assert any(b.endswith(evil[0]) for b in buttons)
        assert any(b.endswith(evil[1]) for b in buttons)
        # a label with markup, given from the keyboard, is saved and shown literally
        index = page.evaluate("() => batch.classes").index(evil[1])
        page.keyboard.press(str(index + 1))
        page.wait_for_function("() => document.querySelector('#saved').textContent"
                               ".startsWith('Saved')", timeout=60_000)
        assert evil[1] in page.text_content("#saved")
        assert evil[1] in page.text_content("#balance")
        assert page.evaluate("() => window.__pwned") is None
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 380
        assert errors == []
    finally:
        server.stop()
