"""The kernel and the course in real JupyterLab, in Chromium (Debian's, driven by Playwright; never a downloaded browser).

What only a browser shows: output written after a cell finished appears under that cell, a display updated from a
worker changes in place, the stop button stops a busy loop, a flood of output hangs nothing, Tab completes Java and
Shift+Tab shows javadoc. And what a learner sees of every notebook under notebooks/: opened, Run All, the kernel idle,
no cell shows an error except those tagged raises-exception, every picture (diagram, chart, timeline) is drawn with a
size, the hover text of a timeline's bars is there, every check cell shows its exercise's table; the first screen and
the first timeline are saved to tests/.reports/screens/. The learner's copies in work/ run live for two notebooks.

Which runs execute each notebook: the Run All of test_every_notebook_runs_all_and_shows_everything (conftest.py's
notebook_run, tests/notebook_runs.py) is the only run of each notebook in JupyterLab; its saved copy is what
tests/test_notebooks.py checks and tests/test_site.py builds the site from (they do not run the notebooks again). The
second run is jshell's, of the exported script, for the notebooks tests/test_notebooks_export.py names. A learner's
copy in work/ of 11.7 and 11.8 runs once more, live (test_run_all_in_a_learners_copy_...).

Without Chromium the tests are skipped, except in CI (CI=true), where that is an error.
"""
import json
import os
import pathlib
import re
import subprocess
import urllib.request

import pytest

from notebook_runs import CHROMIUM, NOTEBOOKS, ROOT, TOKEN, browser_run, ids, open_path

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("Chromium is missing: CI installs Debian's chromium (see .ci/run)")
    pytest.skip("no Chromium here (install Debian's chromium, or set CONCLAB_CHROMIUM)", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from test_notebooks import public_table  # noqa: E402


def cell(source):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}


def open_notebook(browser, lab, name, cells):
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "conclab", "display_name": "Java 25 (conclab)", "language": "java"}},
          "nbformat": 4, "nbformat_minor": 5}
    (lab.root / name).write_text(json.dumps(nb))
    return open_path(browser, lab, name)


def run_cell(page, index):
    """Runs code cell `index` (0-based): selects it, presses the toolbar's run button, and waits until
    JupyterLab shows that it was sent to the kernel (its prompt is no longer empty)."""
    cell = page.locator(".jp-CodeCell").nth(index)
    cell.locator(".jp-InputPrompt").click()
    expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"), timeout=10000)
    page.locator("[data-command='notebook:run-cell-and-select-next']").first.click()
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[(\*|\d+)\]"), timeout=30000)


def output_of(page, index):
    return page.locator(".jp-CodeCell").nth(index).locator(".jp-OutputArea")


def test_no_news_popup_greets_a_new_learner(browser, lab):
    """JupyterLab asks "Would you like to get notified about official Jupyter news?" in a popup over the notebook
    while its setting fetchNews is "none", its default. The course's labconfig, which ./conclab lab puts on
    JUPYTER_CONFIG_PATH, makes it "false": the frontend's question then never runs. Its jupyter_lab_config.json
    turns the server's news feed and update checks off (tests/test_install.py checks that the server reads it)."""
    launcher = (ROOT / "conclab").read_text()
    assert 'JUPYTER_CONFIG_PATH="$ROOT/tools/jupyter-config' in launcher, "./conclab lab no longer uses the labconfig"
    with urllib.request.urlopen(f"{lab.url}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={TOKEN}",
                                timeout=30) as r:
        plugin = json.load(r)
    # Overrides become the schema's defaults; the learner's own settings (none here) would still win.
    defaults = {key: spec.get("default") for key, spec in plugin["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False, defaults
    assert "fetchNews" not in plugin["settings"], plugin["settings"]
    page = open_notebook(browser, lab, "news.ipynb", [cell('"hello"')])
    try:
        expect(page.get_by_text("official Jupyter news")).to_have_count(0)
    finally:
        page.close()
        lab.shut_down_kernels("news.ipynb")


def test_late_output_and_live_displays_appear_under_their_cells(browser, lab):
    late, update = lab.root / "late", lab.root / "update"
    page = open_notebook(browser, lab, "late.ipynb", [
        cell(f'Thread.ofPlatform().start(() -> {{\n'
             f'    while (!Files.exists(Path.of("{late}"))) Thread.onSpinWait();\n'
             f'    System.out.println("late line of the first cell");\n}});\n"first cell done"'),
        cell(f'String id = display("waiting for the worker");\n'
             f'Thread.ofVirtual().start(() -> {{\n'
             f'    while (!Files.exists(Path.of("{update}"))) Thread.onSpinWait();\n'
             f'    updateDisplay(id, "<b>updated by the worker</b>", "text/html");\n}});'),
        cell('"third cell"'),
    ])
    try:
        run_cell(page, 0)
        expect(output_of(page, 0)).to_contain_text("first cell done", timeout=60000)
        run_cell(page, 1)
        expect(output_of(page, 1)).to_contain_text("waiting for the worker", timeout=60000)
        run_cell(page, 2)
        expect(output_of(page, 2)).to_contain_text("third cell", timeout=60000)
        # Both cells have finished; now their threads act.
        late.touch()
        expect(output_of(page, 0)).to_contain_text("late line of the first cell", timeout=30000)
        update.touch()
        expect(output_of(page, 1).locator("b")).to_have_text("updated by the worker", timeout=30000)
        expect(output_of(page, 1)).not_to_contain_text("waiting for the worker")
        expect(output_of(page, 2)).not_to_contain_text("late line")
    finally:
        page.close()
        lab.shut_down_kernels("late.ipynb")


def test_the_stop_button_stops_a_busy_loop(browser, lab):
    page = open_notebook(browser, lab, "stop.ipynb", [
        cell("int kept = 41;"),
        cell('{\n    System.out.println("looping");\n    while (true) { }\n}'),
        cell("kept + 1"),
    ])
    try:
        run_cell(page, 0)
        expect(page.locator(".jp-CodeCell").nth(0).locator(".jp-InputPrompt")).to_contain_text("[1]", timeout=60000)
        run_cell(page, 1)
        expect(output_of(page, 1)).to_contain_text("looping", timeout=60000)
        page.locator("jp-button[data-command='notebook:interrupt-kernel'], button[data-command='notebook:interrupt-kernel']").first.click()
        expect(output_of(page, 1)).to_contain_text("The cell was interrupted", timeout=15000)
        run_cell(page, 2)
        expect(output_of(page, 2)).to_contain_text("42", timeout=30000)
    finally:
        page.close()
        lab.shut_down_kernels("stop.ipynb")


def test_a_flood_of_output_neither_hangs_the_kernel_nor_the_browser(browser, lab):
    page = open_notebook(browser, lab, "flood.ipynb", [
        cell("for (int i = 0; i < 300_000; i++) System.out.println(\"line \" + i);"),
        cell('"after the flood"'),
    ])
    try:
        run_cell(page, 0)
        expect(output_of(page, 0)).to_contain_text("were not shown", timeout=120000)
        run_cell(page, 1)
        expect(output_of(page, 1)).to_contain_text("after the flood", timeout=60000)
    finally:
        page.close()
        lab.shut_down_kernels("flood.ipynb")


def test_tab_completes_java_and_shift_tab_shows_javadoc(browser, lab):
    """Tab after `greeting.to` lists String's methods; Shift+Tab in `greeting.toUpperCase()` shows its signatures and
    javadoc. (The kernel finds the javadoc of a call, from its parenthesis: inside the name it finds nothing.)"""
    page = open_notebook(browser, lab, "assist.ipynb", [
        cell('String greeting = "hello";'), cell("greeting.to"), cell("greeting.toUpperCase()")])
    try:
        run_cell(page, 0)
        expect(page.locator(".jp-CodeCell").nth(0).locator(".jp-InputPrompt")).to_contain_text("[1]", timeout=60000)
        page.locator(".jp-CodeCell").nth(1).locator(".cm-content").click()
        page.keyboard.press("Control+End")
        page.keyboard.press("Tab")
        completer = page.locator(".jp-Completer")
        expect(completer).to_be_visible(timeout=30000)
        expect(completer.locator(".jp-Completer-item", has_text="toUpperCase").first).to_be_visible()
        expect(completer.locator(".jp-Completer-item", has_text="toLowerCase").first).to_be_visible()
        page.keyboard.press("Escape")
        page.locator(".jp-CodeCell").nth(2).locator(".cm-content").click()
        page.keyboard.press("Control+End")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("Shift+Tab")
        tooltip = page.locator(".jp-Tooltip")
        expect(tooltip).to_be_visible(timeout=30000)
        expect(tooltip).to_contain_text("String.toUpperCase(")
        expect(tooltip).to_contain_text("Converts all of the characters in this")
    finally:
        page.close()
        lab.shut_down_kernels("assist.ipynb")


def shows_everything(run, where):
    """The assertions on what a Run All in the browser shows (run: notebook_runs.BrowserRun); returns nothing."""
    assert run.problem is None, f"{where}: {run.problem}"
    nb = run.nb
    assert len(run.cells) == len(nb.cells), f"{where}: the page shows {len(run.cells)} cells, the notebook has {len(nb.cells)}"
    not_run = [i for i, c in enumerate(run.cells) if c["code"] and not re.search(r"\d", c["prompt"])]
    assert not not_run, f"{where}: cells {not_run} did not run (a cell before them failed?)"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors and "raises-exception" not in cell.metadata.get("tags", []):
            e = errors[0]
            raise AssertionError(f"{where}: cell {i} shows an error, and is not tagged raises-exception: "
                                 f"{e.ename}: {e.evalue}\n{cell.source[:300]}")
        # Every picture the cell output is drawn: an inline <svg> (text/html) or an <img> of image/svg+xml.
        wanted, timelines = 0, 0
        for o in cell.outputs:
            data = o.get("data", {})
            html = data.get("text/html", "")
            if "<svg" in html:
                wanted += len(re.findall(r"<svg\b", html)) - len(re.findall(r"<svg\b[^<]*<svg\b", html))
                timelines += 'class="lane"' in html
            elif "image/svg+xml" in data:
                wanted += 1
        drawn = [p for out in run.cells[i]["outputs"] for p in out["pictures"] if p["tag"] == "svg" or p["svg"]]
        assert len(drawn) >= wanted, f"{where}: cell {i} output {wanted} pictures, the page shows {len(drawn)}: {drawn}"
        for p in drawn:
            assert p["width"] > 0 and p["height"] > 0, f"{where}: cell {i}: a picture is drawn with no size: {p}"
            if p["tag"] == "img":
                assert p["complete"] and p["natural"] > 0, f"{where}: cell {i}: an SVG image did not load: {p}"
        shown = sum(p["timeline"] for p in drawn)
        assert shown == timelines, f"{where}: cell {i} output {timelines} timelines, the page draws {shown} inline"
        # A check cell shows its exercise's table: the public properties, in order, with their points.
        m = re.match(r"\s*%%?check\s+([\w.-]+)", cell.source)
        if m and public_table(m.group(1)):
            public, hidden, expected = public_table(m.group(1))
            tables = [t for out in run.cells[i]["outputs"] for t in out["tables"]]
            assert tables, f"{where}: check cell {i} ({m.group(0).strip()}) shows no table"
            head, rows = tables[0]["head"], tables[0]["rows"]
            assert re.search(rf"\bof {public} points?\b", head), f"{where}: cell {i}: {head!r} does not say {public} points"
            if hidden:
                assert f"{hidden} more point" in head, f"{where}: cell {i}: {head!r} does not say {hidden} hidden points"
            shown_rows = [(int(r[2].split("/")[1]), r[0].strip()) for r in rows if len(r) >= 3 and "/" in r[2]]
            assert shown_rows == expected, f"{where}: cell {i}: the table shows {shown_rows}, exercise.properties says {expected}"
    timelines = sum(p["timeline"] for c in run.cells for out in c["outputs"] for p in out["pictures"])
    if timelines:
        h = run.hover
        assert h and h["target"], f"{where}: the first timeline has no bar with a hover text"
        assert h["target"]["title"], f"{where}: every bar of the first timeline is covered by another shape: {h}"
        under = h["under"]
        assert under and under["hovered"] and under["same"], f"{where}: the pointer over a bar is not over it: {h}"
        assert under["title"] == h["target"]["title"] and re.search(r"\d", under["title"]), \
            f"{where}: hovering over a bar would show {under['title']!r}, not its title {h['target']['title']!r}"
        assert any(p.name.endswith("-first-timeline.png") and p.stat().st_size > 0 for p in run.screens), run.screens
    assert any(p.name.endswith("-first-screen.png") and p.stat().st_size > 0 for p in run.screens), run.screens


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_notebook_runs_all_and_shows_everything(notebook_run, path):
    """Open, Run All, idle; the notebook's one run (notebook_runs.py): what the page shows (shows_everything)."""
    run = notebook_run(path)
    shows_everything(run, ids(path))
    print(f"{ids(path)}: Run All took {run.seconds:.1f} s; hover text {run.hover and run.hover['under']['title']!r}")


@pytest.mark.parametrize("name", ["11.7-thread-pools.ipynb", "11.8-pool-internals.ipynb"])
def test_run_all_in_a_learners_copy_goes_past_the_exercises_not_done(browser, lab, name):
    """In a learner's copy an exercise not done yet throws "exercise not done yet" in the cells that try it, and Run
    All would stop at the first. Those cells are tagged raises-exception in the copy, so Run All goes on to the end
    of the lecture: every code cell runs, and only tagged cells show an error; pictures are drawn and check cells
    show their tables, as in the lecture. 11.7 and 11.8 call their exercise after its check cell. The copies are made
    as ./conclab lab makes work/ (the grader's workspace command), once for the two."""
    work = lab.root / "work"
    if not work.is_dir():
        java = pathlib.Path(os.environ.get("JAVA_HOME") or subprocess.run(
            [str(ROOT / "conclab"), "jdk"], capture_output=True, text=True, check=True).stdout.strip()) / "bin" / "java"
        dist = ROOT / "grader" / "target" / "dist"
        made = subprocess.run([str(java), f"-Dconclab.project={ROOT}", "-cp", f"{dist / 'conclab-grader.jar'}:{dist / 'lib'}/*",
                               "conclab.grader.Main", "workspace", str(work)], capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stdout + made.stderr
    path = f"work/11-threads-and-processes/{name}"
    run = browser_run(browser, lab, path)
    shows_everything(run, path)
    code = [c for c in run.nb.cells if c.cell_type == "code"]
    failed = [c for c in code if any(o.output_type == "error" for o in c.outputs)]
    assert failed, f"{name}: no cell tried the exercise"
    assert any("exercise not done yet" in json.dumps(c.outputs) for c in failed), failed
