"""The one execution of each notebook under notebooks/ that the tests read: Run All in JupyterLab, in Chromium.

A learner opens a notebook, chooses Run > Run All Cells and reads what it shows. `Runs` does the same, one notebook at
a time (the prose computes numbers from the core count: two notebooks at once on 2 cores would make it false), waits
until every cell has run and the kernel is idle, notes what the page shows (which cells ran, which show an error,
every picture's drawn size, the hover text of a timeline, the check tables), saves two screenshots to
tests/.reports/screens/ (the first screen, and the first timeline), saves the notebook (the toolbar's save button, as a learner does) and
writes the saved copy to tests/.reports/executed/ with the layout of notebooks/. That saved copy is what
tests/test_notebooks.py checks, tests/test_site.py builds the site from, and tests/test_notebooks_export.py compares
jshell's run with: no notebook runs twice for them. Each notebook runs once per pytest session, when the first test
that needs it asks (conftest.py's `notebook_run` fixture): whatever the order of the files, and with -k.

The lab serves a copy of notebooks/ and pic/ in a folder of its own, beside links to the rest of the project (lib/, ...),
so the paths the notebooks use (../pic, ../../lib) resolve and the committed notebooks are never written.

Without Chromium (a developer's machine; never CI, where that is an error) the notebooks run with nbclient instead,
and the browser's observations are missing (the browser's tests are skipped).
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

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPORTS = ROOT / "tests" / ".reports"
EXECUTED = REPORTS / "executed"   # each run's saved notebooks, with their outputs, for reading
SCREENS = REPORTS / "screens"     # NAME-first-screen.png and NAME-first-timeline.png per notebook
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
LAB_CONFIG = ROOT / "tools" / "jupyter-config"   # ./conclab lab puts it on JUPYTER_CONFIG_PATH
TOKEN = "conclab-test"
RUN_ALL_TIMEOUT = 900   # s for a whole notebook (nbclient allowed 180 s a cell; 12.11 takes about two minutes alone)
IDLE = re.compile(r"Java 25 \(conclab\) \| Idle")

CHROMIUM = os.environ.get("CONCLAB_CHROMIUM") or next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or "")
     if p and os.path.exists(p)), None)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def ids(path):
    return str(path.relative_to(ROOT / "notebooks"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_root(root):
    """Lays out the lab's folder: a copy of notebooks/ and of pic/ (the server serves the markdown's pictures only
    from inside its folder, not through a link), and links to the rest of the project."""
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "pic", root / "pic")
    for entry in ROOT.iterdir():
        if entry.name not in ("notebooks", "work", "tests", ".git", ".venv", ".jk", "site") and not (root / entry.name).exists():
            (root / entry.name).symlink_to(entry)
    return root


class Lab:
    """JupyterLab serving `root`, started as ./conclab lab starts it (the course's labconfig)."""

    def __init__(self, root):
        self.root = root
        port = free_port()
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = root / "lab.log"
        env = dict(os.environ, JUPYTER_CONFIG_PATH=str(LAB_CONFIG))
        self.server = subprocess.Popen(cmd, stdout=open(self.log, "w"), stderr=subprocess.STDOUT, cwd=root, env=env)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                self.api("status")
                break
            except OSError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    self.server.kill()
                    raise RuntimeError("JupyterLab did not start: " + self.log.read_text()[-2000:])
                time.sleep(0.2)

    def api(self, path, method="GET"):
        req = urllib.request.Request(f"{self.url}/api/{path}?token={TOKEN}", method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self, path):
        """Ends the kernel of every session on notebook `path` (relative to the root): one JVM at a time."""
        for s in self.api("sessions"):
            if s.get("path") == path:
                self.api(f"sessions/{s['id']}", method="DELETE")

    def close(self):
        self.server.terminate()
        try:
            self.server.wait(20)
        except subprocess.TimeoutExpired:
            self.server.kill()


def open_path(browser, lab, name):
    """Opens the notebook at `name` (relative to the lab's root) in a page of its own and waits until its kernel
    is idle."""
    from playwright.sync_api import expect
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    # A workspace of its own, reset: only this notebook is open.
    workspace = re.sub(r"[^A-Za-z0-9-]", "-", name.replace(".ipynb", ""))
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?token={TOKEN}&reset")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60000)
    # The status bar names the kernel and says Idle once the kernel is connected and has answered.
    expect(page.get_by_text(IDLE)).to_be_visible(timeout=60000)
    expect(page.locator("[data-command='notebook:run-cell-and-select-next']").first).to_be_visible(timeout=30000)
    return page


# The prompt of each code cell, in the order of the cells: "[*]" queued or running, "[7]" ran, "[ ]" not run.
PROMPTS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell')]
    .map(c => (c.querySelector('.jp-InputArea .jp-InputPrompt') || {}).textContent || '')"""

# What the page shows of each cell once the run is over, each output scrolled into view first (cells out of view
# are not laid out): for each cell, its kind, prompt, and each output's pictures (inline <svg>, or <img> of an SVG)
# with their drawn size, whether one is a timeline (lanes of threads), and the text of its conclab feedback tables.
OBSERVE = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const seen = [];
  for (const [index, cell] of cells.entries()) {
    const code = cell.classList.contains('jp-CodeCell');
    const item = {index, code, prompt: '', outputs: []};
    if (code) {
      item.prompt = (cell.querySelector('.jp-InputArea .jp-InputPrompt') || {}).textContent || '';
      const outputs = [...cell.querySelectorAll('.jp-OutputArea-child')];
      if (outputs.some(o => o.querySelector('svg, img'))) { cell.scrollIntoView({block: 'start'}); await frame(); }
      for (const child of outputs) {
        const o = child.querySelector('.jp-OutputArea-output') || child;
        const rendered = o.querySelector('[data-mime-type]') || (o.dataset.mimeType ? o : null);
        const pictures = [];
        for (const svg of o.querySelectorAll('svg')) {
          if (svg.parentElement.closest('svg')) continue;   // a part of a picture, not one
          const r = svg.getBoundingClientRect();
          pictures.push({tag: 'svg', width: r.width, height: r.height, timeline: !!svg.querySelector('g.lane'),
                         title: (svg.querySelector(':scope > title') || {}).textContent || ''});
        }
        for (const img of o.querySelectorAll('img')) {
          const r = img.getBoundingClientRect();
          const svg = /^data:image\\/svg\\+xml|^blob:/.test(img.src) || (rendered && /svg/.test(rendered.dataset.mimeType));
          pictures.push({tag: 'img', svg, width: r.width, height: r.height, natural: img.naturalWidth,
                         complete: img.complete, timeline: false, title: img.alt || ''});
        }
        const tables = [...o.querySelectorAll('.conclab-feedback')].map(f => ({
          head: f.querySelector('p') ? f.querySelector('p').textContent : '',
          rows: [...f.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent))}));
        item.outputs.push({mime: rendered ? rendered.dataset.mimeType : '', pictures, tables,
                           text: o.textContent.slice(0, 2000)});
      }
    }
    seen.push(item);
  }
  return seen;
}"""

# Picks a bar of the first timeline to hover over: the widest span (a state band if there is none) with a point that
# no other shape covers (spans that overlap in a lane are drawn one over the other; a nested span or an event may lie
# over a span), tried at nine points across it, each bar first scrolled to the middle of the window; returns that
# point and the bar's own <title>.
HOVER_TARGET = """(svg) => {
  const titled = s => s.querySelector(':scope > title');
  const spans = [...svg.querySelectorAll('rect.span')].filter(titled);
  const shapes = spans.length ? spans : [...svg.querySelectorAll('rect.state')].filter(titled);
  if (!shapes.length) return null;
  shapes.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width);
  for (const s of shapes) {
    // a timeline taller than the window, or under the notebook's toolbar: bring this bar to the window's middle
    s.scrollIntoView({block: 'center', inline: 'nearest'});
    const r = s.getBoundingClientRect();
    for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9]) {
      const x = r.x + r.width * f, y = r.y + r.height / 2;
      if (document.elementFromPoint(x, y) === s) {
        s.setAttribute('data-conclab-hovered', '1');
        return {x, y, width: r.width, height: r.height, title: titled(s).textContent, kind: s.getAttribute('class'),
                covered: shapes.indexOf(s)};
      }
    }
  }
  return {x: 0, y: 0, title: null, kind: null, covered: shapes.length};
}"""
UNDER_POINTER = """([x, y]) => {
  const el = document.elementFromPoint(x, y);
  if (!el) return null;
  let t = el;
  while (t && !(t.querySelector && t.querySelector(':scope > title'))) t = t.parentElement;
  const target = document.querySelector('[data-conclab-hovered]');
  return {tag: el.tagName, cls: el.getAttribute('class') || '', title: t ? t.querySelector(':scope > title').textContent : null,
          hovered: !!target && target.matches(':hover'), same: el === target};
}"""


class BrowserRun:
    """What one Run All in the browser showed and saved."""

    def __init__(self, path, nb, seconds, cells, hover, screens, problem=None):
        self.path, self.nb, self.seconds, self.cells, self.hover, self.screens = path, nb, seconds, cells, hover, screens
        self.problem = problem   # why the run did not end (a timeout), or None
        self.browser = True


class NbclientRun:
    def __init__(self, path, nb, seconds, problem=None):
        self.path, self.nb, self.seconds, self.problem = path, nb, seconds, problem
        self.cells, self.hover, self.screens, self.browser = None, None, [], False


def run_all(page, timeout=RUN_ALL_TIMEOUT):
    """Run > Run All Cells; returns (seconds, None) once, for half a second on end, no cell is queued or running, some
    cell ran and the kernel is idle (looked at every quarter of a second), or (seconds, why) at the timeout. Run All
    queues every cell at once, so no "[*]" is left only when the last has run."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    started = time.monotonic()
    quiet_since = None
    while True:
        prompts = page.evaluate(PROMPTS)
        idle = page.get_by_text(IDLE).count() > 0
        busy = [i for i, p in enumerate(prompts) if "*" in p]
        now = time.monotonic()
        if idle and not busy and any(re.search(r"\d", p) for p in prompts):
            quiet_since = quiet_since or now
            if now - quiet_since >= 0.5:
                return now - started, None
        else:
            quiet_since = None
        if now - started > timeout:
            return now - started, f"still running after {timeout} s: code cells {busy} show [*]"
        time.sleep(0.25)


def save(page, file, timeout=60):
    """The toolbar's save button, as a learner saves; returns once the file on disk was written again (JupyterLab writes it whole)."""
    before = file.stat().st_mtime_ns
    page.locator("jp-button[data-command='docmanager:save'], button[data-command='docmanager:save']").first.click()
    deadline = time.monotonic() + timeout
    while file.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{file} was not saved within {timeout} s of Ctrl+S")
        time.sleep(0.2)
    time.sleep(0.3)


def hover_first_timeline(page):
    """Hovers over a bar of the first timeline; returns {title, under} or None when the page has no timeline."""
    timelines = page.locator(".jp-OutputArea-output svg:has(g.lane)")
    if timelines.count() == 0:
        return None
    svg = timelines.first
    svg.scroll_into_view_if_needed()
    target = svg.evaluate(HOVER_TARGET)
    if target is None:
        return {"target": None, "under": None}
    page.mouse.move(target["x"], target["y"])
    page.wait_for_timeout(200)
    under = page.evaluate(UNDER_POINTER, [target["x"], target["y"]])
    return {"target": target, "under": under}


def screenshots(page, name):
    """NAME-first-screen.png (the notebook's top, with its outputs) and NAME-first-timeline.png; returns the paths."""
    shots = []
    base = SCREENS / name.replace(".ipynb", "")
    base.parent.mkdir(parents=True, exist_ok=True)
    first = page.locator(".jp-Notebook .jp-Cell").first
    first.scroll_into_view_if_needed()
    page.evaluate("() => document.querySelector('.jp-Notebook .jp-Cell').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=f"{base}-first-screen.png")
    shots.append(pathlib.Path(f"{base}-first-screen.png"))
    timelines = page.locator(".jp-OutputArea-output svg:has(g.lane)")
    if timelines.count():
        timelines.first.screenshot(path=f"{base}-first-timeline.png")
        shots.append(pathlib.Path(f"{base}-first-timeline.png"))
    return shots


def browser_run(browser, lab, name, screens_as=None):
    """Opens `name` (relative to the lab's root), runs it all, observes, screenshots, saves; ends its kernel."""
    page = open_path(browser, lab, name)
    try:
        seconds, problem = run_all(page)
        cells = page.evaluate(OBSERVE)
        hover = hover_first_timeline(page)
        shots = screenshots(page, screens_as or name)
        if problem is None:
            save(page, lab.root / name)
        nb = nbformat.read(lab.root / name, as_version=4)
        return BrowserRun(name, nb, seconds, cells, hover, shots, problem)
    finally:
        page.close()
        lab.shut_down_kernels(name)


def nbclient_run(path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="conclab", timeout=180, startup_timeout=60, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.monotonic()
    problem = None
    try:
        client.execute()
    except CellExecutionError as e:
        problem = str(e)[:3000]
    return NbclientRun(path, nb, time.monotonic() - started, problem)


class Runs:
    """Each notebook's one run this session, made when first asked for, kept, and written to tests/.reports/executed."""

    def __init__(self, browser_and_lab):
        self.browser_and_lab = browser_and_lab   # () -> (browser, lab), or None: nbclient
        self.done = {}

    def __call__(self, path):
        if path not in self.done:
            self.done[path] = self._run(path)
        result = self.done[path]
        if isinstance(result, BaseException):
            raise result
        return result

    def _run(self, path):
        try:
            if self.browser_and_lab is None:
                run = nbclient_run(path)
            else:
                browser, lab = self.browser_and_lab()
                run = browser_run(browser, lab, "notebooks/" + ids(path), screens_as=ids(path))
        except Exception as e:   # kept: the other tests of this notebook report it rather than run it again
            return RuntimeError(f"{ids(path)} did not run: {e!r}")
        run.nb.metadata.setdefault("conclab", {})["executed_seconds"] = round(run.seconds, 1)
        out = EXECUTED / ids(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(run.nb, out)
        print(f"{ids(path)} ran in {run.seconds:.1f} s ({'browser' if run.browser else 'nbclient'})")
        return run
