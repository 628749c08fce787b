"""The kernel in real JupyterLab, in Chromium (Debian's, driven by Playwright; never a downloaded browser).

What only a browser shows: output written after a cell finished appears under that cell, a display updated
from a worker changes in place, and the stop button stops a busy loop. Without Chromium the tests are
skipped, except in CI (CI=true), where that is an error.
"""
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

CHROMIUM = os.environ.get("CONCLAB_CHROMIUM") or next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or "") if p and os.path.exists(p)), None)

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("Chromium is missing: CI installs Debian's chromium (see .ci/run)")
    pytest.skip("no Chromium here (install Debian's chromium, or set CONCLAB_CHROMIUM)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

TOKEN = "conclab-test"
ROOT = pathlib.Path(__file__).resolve().parent.parent
LAB_CONFIG = ROOT / "tools" / "jupyter-config"  # ./conclab lab puts it on JUPYTER_CONFIG_PATH
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cell(source):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    port = free_port()
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(root / "lab.log", "w")
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(LAB_CONFIG))  # as ./conclab lab sets it
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("JupyterLab did not start: " + (root / "lab.log").read_text()[-2000:])
            time.sleep(0.2)
    yield url, root
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_notebook(browser, lab, name, cells):
    url, root = lab
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "conclab", "display_name": "Java 25 (conclab)", "language": "java"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / name).write_text(json.dumps(nb))
    return open_path(browser, lab, name)


def open_path(browser, lab, name):
    """Opens the notebook at `name` (relative to the lab's root) and waits until its kernel is idle."""
    url, root = lab
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    # A workspace of its own, reset: only this notebook is open.
    workspace = re.sub(r"[^A-Za-z0-9-]", "-", name.replace(".ipynb", ""))
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{name}?token={TOKEN}&reset")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60000)
    # The status bar names the kernel and says Idle once the kernel is connected and has answered.
    expect(page.get_by_text(re.compile(r"Java 25 \(conclab\) \| Idle"))).to_be_visible(timeout=60000)
    expect(page.locator("[data-command='notebook:run-cell-and-select-next']").first).to_be_visible(timeout=30000)
    return page


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
    url, _ = lab
    with urllib.request.urlopen(f"{url}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={TOKEN}",
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


def test_late_output_and_live_displays_appear_under_their_cells(browser, lab):
    _, root = lab
    late, update = root / "late", root / "update"
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


def test_run_all_in_a_learners_copy_goes_past_the_exercises_not_done(browser, lab):
    """In a learner's copy an exercise not done yet throws "exercise not done yet" in the cells that try it, and Run
    All would stop at the first. Those cells are tagged raises-exception in the copy, so Run All goes on to the end
    of the lecture: every code cell runs, and only tagged cells show an error. 11.7 and 11.8 call their exercise
    after its check cell. The copies are made as ./conclab lab makes work/ (the grader's workspace command)."""
    url, root = lab
    java = pathlib.Path(os.environ.get("JAVA_HOME") or subprocess.run([str(ROOT / "conclab"), "jdk"], capture_output=True,
                                                                   text=True, check=True).stdout.strip()) / "bin" / "java"
    dist = ROOT / "grader" / "target" / "dist"
    made = subprocess.run([str(java), f"-Dconclab.project={ROOT}", "-cp", f"{dist / 'conclab-grader.jar'}:{dist / 'lib'}/*",
                           "conclab.grader.Main", "workspace", str(root / "work")], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    for name in ("11.7-thread-pools.ipynb", "11.8-pool-internals.ipynb"):
        path = f"work/11-threads-and-processes/{name}"
        page = open_path(browser, lab, path)
        try:
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
            last = page.locator(".jp-CodeCell").last.locator(".jp-InputPrompt")
            expect(last).to_have_text(re.compile(r"\[\d+\]"), timeout=300000)
            expect(page.get_by_text(re.compile(r"Java 25 \(conclab\) \| Idle"))).to_be_visible(timeout=60000)
            page.keyboard.press("Control+s")
            # Saved: the file on disk has the outputs of the run.
            deadline = time.monotonic() + 30
            while True:
                nb = json.loads((root / path).read_text())
                code = [c for c in nb["cells"] if c["cell_type"] == "code"]
                if code[-1].get("execution_count") or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert all(c.get("execution_count") for c in code), [c["source"][:60] for c in code if not c.get("execution_count")]
            failed = [c for c in code if any(o["output_type"] == "error" for o in c["outputs"])]
            assert failed, f"{name}: no cell tried the exercise"
            for c in failed:
                assert "raises-exception" in c["metadata"].get("tags", []), "".join(c["source"])[:200]
            assert any("exercise not done yet" in json.dumps(c["outputs"]) for c in failed), failed
        finally:
            page.close()
