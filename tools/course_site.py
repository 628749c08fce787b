"""The course as a static site to read without running anything: every notebook with its outputs as an HTML
page, and an index in the course's order naming the original lecture each notebook covers.

    python tools/course_site.py --from DIR [--out DIR]    from notebooks already executed (./conclab test
                                                          leaves them in tests/.reports/executed)
    python tools/course_site.py [--out DIR]               runs every notebook first, one at a time

(`./conclab html` is the same, with the kernel installed first.) The site goes to site/ by default.

The order, the chapters and the original lectures come from the tables of notebooks/README.md, the one list of
the notebooks; each page's title is its notebook's first heading. Pages mirror notebooks/ (site/index.html,
site/11-threads-and-processes/11.1-no-gil.html, ...) and need nothing but a browser, even opened as files:
nbconvert's lab template with its CSS inlined and without the scripts it would load from the internet
(require.js, MathJax, mermaid), so TeX in markdown stays as written; pictures inlined as data: URIs (an SVG's
bytes unchanged, so its <title> and <desc> stay, and the markdown's alt text too); links to notebooks, and
notebook names in `code`, turned into links to their pages; previous, index and next on every page.
The site is built in a temporary folder beside the target and moved into place when complete.
"""
import argparse
import base64
import html
import mimetypes
import pathlib
import posixpath
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

import jinja2
import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COURSE_TABLES = NOTEBOOKS / "README.md"
TABLE_HEADER = ["Notebook", "What it covers", "Original lecture(s)"]
MARKER = ".conclab-site"   # in a folder this module wrote: the next build may replace that folder

# nbconvert's lab template without its scripts from the internet, with navigation above and below each page.
PAGE_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style type="text/css">
  main { max-width: 72rem; margin: 0 auto; }
  nav.site { display: flex; justify-content: space-between; gap: 1rem; margin: 0.5rem 0;
             padding: 0.5rem var(--jp-notebook-padding, 10px); font-family: var(--jp-ui-font-family); }
  nav.site a { text-decoration: none; }
</style>
{%- endblock extra_css -%}
{%- macro nav(site) -%}
<nav class="site">
  <span>{% if site.previous -%}
    <a rel="prev" href="{{ site.previous.href }}">&larr; {{ site.previous.title | e }}</a>
  {%- endif %}</span>
  <span>{% if site.index %}<a href="{{ site.index }}">Index</a>{% endif %}</span>
  <span>{% if site.next -%}
    <a rel="next" href="{{ site.next.href }}">{{ site.next.title | e }} &rarr;</a>
  {%- endif %}</span>
</nav>
{%- endmacro -%}
{#- The code as pygments highlights it (escaped), without the lab template's sanitizer: half the build's time -#}
{%- block input -%}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
  <div class="cm-editor cm-s-jupyter">{{ cell.source | highlight_code(metadata=cell.metadata) }}</div>
</div>
{%- endblock input -%}
{%- block body_header -%}{{ super() }}{{ nav(resources.site) }}{%- endblock body_header -%}
{%- block body_footer -%}{{ nav(resources.site) }}{{ super() }}{%- endblock body_footer -%}
"""


class SiteError(Exception):
    """Bad input: the message says what is wrong and what to do."""


@dataclass
class Notebook:
    """One notebook of the course, as a row of notebooks/README.md lists it."""
    source: pathlib.Path   # the notebook in notebooks/
    chapter: str           # the heading of its table ("" for the notebooks before the chapters)
    covers: str            # markdown
    lecture: str           # markdown: the original lecture(s) it covers

    @property
    def name(self):
        return self.source.name

    @property
    def page(self):
        """Its page's path in the site, e.g. 11-threads-and-processes/11.1-no-gil.html."""
        return self.source.relative_to(NOTEBOOKS).with_suffix(".html").as_posix()


def course():
    """The notebooks of the course in its order, from the tables of notebooks/README.md. Fails if a notebook
    under notebooks/ is not in them, or a row names a notebook that is not there."""
    sources = {p.name: p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
    notebooks, chapter = [], ""
    for line in COURSE_TABLES.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            chapter = re.sub(r"\s*\(`[^`]*`\)$", "", line[3:].strip())   # "Chapter 11: threads ... (`11-.../`)"
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        name = re.fullmatch(r"`([^`]+\.ipynb)`", cells[0])
        if not name:
            if cells[0] == TABLE_HEADER[0] and cells != TABLE_HEADER:
                raise SiteError(f"{COURSE_TABLES.relative_to(ROOT)}: a table's header is not "
                                f"| {' | '.join(TABLE_HEADER)} |: this module reads its columns in that order")
            continue
        if name.group(1) not in sources:
            raise SiteError(f"{COURSE_TABLES.relative_to(ROOT)} lists {name.group(1)}, which is not under "
                            f"notebooks/: fix the row")
        notebooks.append(Notebook(sources.pop(name.group(1)), chapter, cells[1], cells[2]))
    if sources:
        raise SiteError(f"{', '.join(sorted(sources))} not in the tables of {COURSE_TABLES.relative_to(ROOT)}: "
                        f"add a row for each (the site's order and lectures come from there)")
    return notebooks


def title(nb, fallback):
    """The notebook's first markdown heading (markdown: it may have `code`)."""
    for cell in nb.cells:
        heading = re.search(r"^#+\s+(.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if heading:
            return heading.group(1).strip()
    return fallback


def read_executed(folder, notebooks):
    """{name: executed notebook} for every notebook of the course, from folder (any layout: found by name)."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise SiteError(f"no folder {folder}: give --from the folder of executed notebooks (./conclab test writes "
                        f"them to tests/.reports/executed), or leave --from out to run every notebook")
    found = {p.name: p for p in sorted(folder.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts}
    if not found:
        raise SiteError(f"{folder} has no notebooks (*.ipynb): give --from the folder of executed notebooks "
                        f"(./conclab test writes them to tests/.reports/executed)")
    missing = [n.name for n in notebooks if n.name not in found]
    if missing:
        raise SiteError(f"{folder} has no executed copy of {', '.join(missing)}: run them (./conclab test), "
                        f"or leave --from out to run every notebook")
    executed = {}
    for n in notebooks:
        try:
            executed[n.name] = nbformat.read(found[n.name], as_version=4)
        except (ValueError, nbformat.ValidationError) as e:
            raise SiteError(f"{found[n.name]} is not a notebook: {str(e).splitlines()[0]}") from e
    return executed


def execute(notebooks):
    """{name: notebook} for every notebook of the course, each run top to bottom on the conclab kernel in its own
    folder, one at a time (the prose computes from the core count). A failing cell stays on its page."""
    executed = {}
    for n in notebooks:
        nb = nbformat.read(n.source, as_version=4)
        started = time.monotonic()
        NotebookClient(nb, timeout=600, interrupt_on_timeout=True, allow_errors=True, startup_timeout=120,
                       resources={"metadata": {"path": str(n.source.parent)}}).execute()
        failed = sum(1 for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)
                     and "raises-exception" not in c.metadata.get("tags", []))
        print(f"    {n.name:45} {time.monotonic() - started:6.1f} s"
              + (f"   {failed} cell(s) failed: the page shows the errors" if failed else ""), flush=True)
        executed[n.name] = nb
    return executed


def data_uri(path):
    """The file at path as a data: URI (base64 of its bytes)."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_pictures(page_html, notebook):
    """Every <img> whose src is a file, relative to the notebook in notebooks/, with the file as a data: URI."""
    def inline(img):
        src = re.search(r'\ssrc="([^"]*)"', img.group(0))
        if not src or src.group(1).startswith("data:"):
            return img.group(0)
        url = html.unescape(src.group(1))
        if re.match(r"([a-z]+:)?//", url):
            raise SiteError(f"{notebook.name} shows a picture from the web, {url}: the site fetches nothing; "
                            f"put the picture in pic/ and show that file")
        path = (notebook.source.parent / url).resolve()
        if not path.is_file():
            raise SiteError(f"{notebook.name} shows {url}, which is not a file ({path})")
        return img.group(0).replace(src.group(0), f' src="{data_uri(path)}"')
    return re.sub(r"<img\b[^>]*>", inline, page_html)


def link_notebooks(page_html, notebook, pages):
    """Links to notebooks of the course (<a href="../11-.../11.5-conditions.ipynb#Anchor">), and notebook names in
    code outside a link (<code>11.5-conditions.ipynb</code>), as links to their pages. pages: {source: page}."""
    here = posixpath.dirname(notebook.page) or "."
    by_name = {source.name: source for source in pages}

    def href(source):
        return html.escape(posixpath.relpath(pages[source], here))

    def link(a):
        url = html.unescape(a.group(1))
        source = None if re.match(r"([a-z]+:)?//", url) else (notebook.source.parent / url).resolve()
        return f'href="{href(source)}{a.group(2) or ""}"' if source in pages else a.group(0)

    def name(code):
        source = by_name.get(code.group(2))
        if code.group(1) or source is None or source == notebook.source:
            return code.group(0)
        return f'<a href="{href(source)}">{code.group(0)}</a>'

    page_html = re.sub(r'href="([^"#]*\.ipynb)(#[^"]*)?"', link, page_html)
    return re.sub(r"(<a\b[^>]*>\s*)?<code>([\w.-]+\.ipynb)</code>", name, page_html)


def plain(markdown):
    """A title without its `code` marks, for text that is not markdown."""
    return markdown.replace("`", "")


def exporter():
    """nbconvert's HTML exporter with PAGE_TEMPLATE."""
    return HTMLExporter(template_name="lab", template_file="site.html.j2",
                        extra_loaders=[jinja2.DictLoader({"site.html.j2": PAGE_TEMPLATE})])


def render(export, nb, page_title, folder, nav):
    """nb as a page titled page_title (plain text); folder: where its relative paths start; nav: the links to the
    previous page, the index and the next page ({"href", "title"} dicts, and the index's href)."""
    nb.metadata["title"] = page_title
    page, _ = export.from_notebook_node(nb, resources={"metadata": {"name": page_title, "path": str(folder)},
                                                       "site": nav})
    return page


def index_notebook(notebooks, titles):
    """The index as a notebook of one markdown cell: the course's title, then a table per chapter."""
    course_title = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    lines = [f"# {course_title}", "",
             "Every notebook of the course with the outputs of one run, in the course's order, to read without "
             "running anything. To run them yourself: `./conclab lab` (see the project's README)."]
    chapter = None
    for n in notebooks:
        if n.chapter != chapter:
            chapter = n.chapter
            lines += ["", f"## {chapter}" if chapter else "", "", "| Notebook | Original lecture(s) | What it covers |",
                      "|---|---|---|"]
        link_text = re.sub(r"([|\[\]])", r"\\\1", titles[n.name])
        lines.append(f"| [{link_text}]({n.page}) | {n.lecture} | {n.covers} |")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("\n".join(lines))])
    return nb, course_title


def site_pages(notebooks, executed):
    """{path in the site: HTML} for the index and every notebook."""
    export = exporter()
    titles = {n.name: title(executed[n.name], n.source.stem) for n in notebooks}
    pages = {n.source: n.page for n in notebooks}

    def link(target, here):
        return {"href": posixpath.relpath(target.page, here), "title": plain(titles[target.name])}

    site = {}
    for i, n in enumerate(notebooks):
        here = posixpath.dirname(n.page) or "."
        nav = {"previous": link(notebooks[i - 1], here) if i > 0 else None,
               "index": posixpath.relpath("index.html", here),
               "next": link(notebooks[i + 1], here) if i + 1 < len(notebooks) else None}
        page = render(export, executed[n.name], plain(titles[n.name]), n.source.parent, nav)
        site[n.page] = link_notebooks(inline_pictures(page, n), n, pages)
    index, course_title = index_notebook(notebooks, titles)
    site["index.html"] = render(export, index, plain(course_title), NOTEBOOKS, {"next": link(notebooks[0], ".")})
    return site


def check_replaceable(out):
    """Fails unless out is missing, empty, or a site this module wrote (it has MARKER)."""
    if out.exists() and not (out.is_dir() and (not any(out.iterdir()) or (out / MARKER).is_file())):
        raise SiteError(f"{out} exists and is not a site this command wrote: give --out another folder, or remove it")


def write_site(notebooks, executed, out):
    """Writes the site into out, replacing the site there: built in a temporary folder beside it, then moved into
    place, so out is never half-written."""
    out = pathlib.Path(out).resolve()
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    building = pathlib.Path(tempfile.mkdtemp(prefix=f".{out.name}-building-", dir=out.parent))
    old = pathlib.Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    try:
        for path, page in site_pages(notebooks, executed).items():
            (building / path).parent.mkdir(parents=True, exist_ok=True)
            (building / path).write_text(page, encoding="utf-8")
        (building / MARKER).write_text("Written by ./conclab html (tools/course_site.py); its next run replaces "
                                       "this folder.\n", encoding="utf-8")
        building.chmod(0o755)
        if out.exists():
            out.rename(old / out.name)
        building.rename(out)
    finally:
        shutil.rmtree(building, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="conclab html", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="executed", metavar="DIR",
                        help="build from these executed notebooks instead of running every notebook")
    parser.add_argument("--out", metavar="DIR", default=ROOT / "site", help="where the site goes (default: site/)")
    args = parser.parse_args(argv)
    try:
        notebooks = course()
        out = pathlib.Path(args.out).resolve()
        check_replaceable(out)   # before running the notebooks, not after
        executed = read_executed(args.executed, notebooks) if args.executed else execute(notebooks)
        started = time.monotonic()
        write_site(notebooks, executed, out)
    except SiteError as e:
        sys.exit(f"conclab html: {e}")
    print(f"    {len(notebooks)} pages and an index written in {time.monotonic() - started:.1f} s: "
          f"open {out / 'index.html'}")


if __name__ == "__main__":
    main()
