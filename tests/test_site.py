"""The site `./conclab html` writes (tools/course_site.py), built from the notebooks' one run in the tests: Run All in
JupyterLab (conftest.py's notebook_run; tests/notebook_runs.py), whose saved copies are in tests/.reports/executed.
The site's fixture asks for every notebook's run: in `./conclab test` tests/test_jupyterlab.py has made them before,
so no notebook runs again; run alone, this file runs the notebooks it needs first.

Every notebook under notebooks/ has a page and an index entry, in the course's order, naming its original lecture;
every picture is inline; every link within the site resolves, anchors included; nothing is fetched from the
network (links to the web in the prose are not fetched, so they may stay). Bad input fails with one line that says
what to do, and leaves nothing half-written.
"""
import base64
import html.parser
import os
import pathlib
import posixpath
import re
import subprocess
import sys
import urllib.parse

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXECUTED = ROOT / "tests" / ".reports" / "executed"
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
sys.path.insert(0, str(ROOT / "tools"))
import course_site  # noqa: E402

REMOTE = re.compile(r"^\s*(https?:)?//", re.I)   # what a browser would fetch from the network
CSS_URLS = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)|url\(\s*['"]?([^'")]+)""", re.I)


class Page(html.parser.HTMLParser):
    """What a page refers to: links, pictures, what a browser would fetch, styles, scripts, the ids its anchors can
    point at, and its table rows (the index's entries)."""

    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.ids = set()
        self.links = []     # the attributes of each <a href>
        self.imgs = []      # the attributes of each <img>
        self.fetched = []   # (tag, URL) of each src, and of each href but an <a>'s: <link>, SVG's <image> and <use>
        self.css = []       # <style> elements and style attributes
        self.scripts = []   # inline scripts
        self.rows = []      # {"links": [href], "text": text} of each <tr>
        self._row, self._tag = None, None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._tag = tag
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a)
            if self._row is not None:
                self._row["links"].append(a["href"])
        if tag == "img":
            self.imgs.append(a)
        for name in ("src", "href", "xlink:href"):
            if name in a and not (tag == "a" and name != "src"):
                self.fetched.append((tag, a[name]))
        if "style" in a:
            self.css.append(a["style"])
        if tag == "tr":
            self._row = {"links": [], "text": ""}

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        self._tag = None

    def handle_data(self, data):
        if self._tag == "style":
            self.css.append(data)
        if self._tag == "script":
            self.scripts.append(data)
        if self._row is not None:
            self._row["text"] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory, notebook_run):
    """The site built from the notebooks' runs, as saved in tests/.reports/executed: (its folder, the course's
    notebooks, {path: Page})."""
    notebooks = course_site.course()
    failed = []
    for n in notebooks:
        try:
            notebook_run(n.source)
        except RuntimeError as e:
            failed.append(str(e))
    assert not failed, "the site is not built: " + "; ".join(failed)
    out = tmp_path_factory.mktemp("site") / "site"
    course_site.write_site(notebooks, course_site.read_executed(EXECUTED, notebooks), out)
    return out, notebooks, {p.relative_to(out).as_posix(): Page(p) for p in out.rglob("*.html")}


def course_position(page):
    """00-start-here first, then the other notebooks outside the chapters, then chapter 11 and 12 by number."""
    name = posixpath.basename(page)
    lecture = re.match(r"(1[12])\.(\d+)-", name)
    if lecture:
        return int(lecture.group(1)), int(lecture.group(2))
    return (0, 0) if name.startswith("00-") else (1, 0)


def test_every_notebook_has_a_page_and_an_index_entry_in_the_courses_order(site):
    out, notebooks, pages = site
    expected = {p.relative_to(ROOT / "notebooks").with_suffix(".html").as_posix() for p in NOTEBOOKS}
    assert expected <= set(pages), f"no page for {sorted(expected - set(pages))}"
    entries = [row["links"][0] for row in pages["index.html"].rows if row["links"]]
    assert sorted(entries) == sorted(expected), "the index's entries are not the notebooks under notebooks/"
    assert entries == sorted(entries, key=course_position), f"the index is not in the course's order: {entries}"
    assert entries[0] == "00-start-here.html"


def test_every_index_entry_names_its_original_lecture(site):
    out, notebooks, pages = site
    rows = {row["links"][0]: " ".join(row["text"].split()) for row in pages["index.html"].rows if row["links"]}
    for n in notebooks:
        lecture = " ".join(n.lecture.replace("`", "").split())
        assert lecture in rows[n.page], f"the index's entry for {n.name} does not say {lecture!r}: {rows[n.page]!r}"
        if re.match(r"1[12]\.", n.name):
            assert re.search(r"\b1[12]-\d+", lecture), f"{n.name}: {lecture!r} names no lecture of the original"


def test_the_readme_lists_the_notebooks_in_the_order_of_the_site():
    """README.md's course table and notebooks/README.md, which the site reads, name the notebooks in one order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## The course"):].split("\n## ", 1)[0]
    named = [name for line in table.splitlines() if line.startswith("| `")
             for name in re.findall(r"`([^`]+)`", line.split("|")[1])]
    assert named == [n.source.stem for n in course_site.course()]


def test_every_picture_is_inline_with_its_text_alternative(site):
    out, notebooks, pages = site
    for path, page in pages.items():
        for img in page.imgs:
            assert img.get("src", "").startswith("data:image/"), f"{path}: <img> refers to {img.get('src', '')[:80]}"
    for n in notebooks:
        page = pages[n.page]
        shown = {img["src"]: img.get("alt") for img in page.imgs}
        for cell in nbformat.read(n.source, as_version=4).cells:
            source = re.sub(r"`[^`\n]*`", "", cell.source) if cell.cell_type == "markdown" else ""
            for alt, url in re.findall(r"!\[([^\]]*)\]\(([^)\s]+)\)", source):
                picture = (n.source.parent / url).read_bytes()
                uri = next((src for src in shown if src.endswith(base64.b64encode(picture).decode())), None)
                assert uri, f"{n.page} does not show {url} inline, byte for byte"
                assert shown[uri] == alt, f"{n.page}: {url} lost its alt text {alt!r}"


def test_every_link_within_the_site_resolves(site):
    out, notebooks, pages = site
    for path, page in pages.items():
        for a in page.links:
            url = urllib.parse.urlsplit(a["href"])
            if url.scheme or url.netloc:
                continue   # the web or mail, not fetched
            target = (page.path.parent / urllib.parse.unquote(url.path)).resolve() if url.path else page.path
            assert target.is_file() and target.is_relative_to(out), f"{path}: {a['href']} is not a page of the site"
            if url.fragment:   # as a browser looks for it: the fragment as written, then percent-decoded
                ids = pages[target.relative_to(out).as_posix()].ids
                assert {url.fragment, urllib.parse.unquote(url.fragment)} & ids, f"{path}: {a['href']}: no such anchor"


def test_notebook_names_link_to_their_pages_and_pages_link_in_order(site):
    out, notebooks, pages = site
    for n in notebooks:
        text = pages[n.page].path.read_text(encoding="utf-8")
        unlinked = [m.group(2) for m in re.finditer(r"(<a\b[^>]*>\s*)?<code>([\w.-]+\.ipynb)</code>", text)
                    if not m.group(1) and m.group(2) != n.name]
        assert not unlinked, f"{n.page} names {unlinked} without a link to their pages"
    def linked(page, rel):
        return {(page.path.parent / a["href"]).resolve().relative_to(out).as_posix()
                for a in page.links if a.get("rel") == rel}

    order = [n.page for n in notebooks]
    for before, after in zip(order, order[1:]):
        assert linked(pages[before], "next") == {after}, f"{before}: next is not {after}"
        assert linked(pages[after], "prev") == {before}, f"{after}: previous is not {before}"


def test_nothing_is_fetched_from_the_network(site):
    out, notebooks, pages = site
    for path, page in pages.items():
        remote = [f"<{tag}> {url}" for tag, url in page.fetched if REMOTE.match(url)]
        remote += [url for css in page.css for url in map("".join, CSS_URLS.findall(css)) if REMOTE.match(url)]
        remote += [script[:80] for script in page.scripts if re.search(r"""['"`](https?:)?//""", script)]
        assert not remote, f"{path} fetches from the network: {remote}"


def test_links_to_notebooks_become_links_to_pages():
    """A markdown link to a notebook (relative, with an anchor) and a notebook's name in code: links to pages."""
    notebooks = course_site.course()
    here = next(n for n in notebooks if n.name.startswith("12.4-"))
    pages = {n.source: n.page for n in notebooks}
    page = ('<a href="../11-threads-and-processes/11.5-conditions.ipynb#Why-while">x</a> '
            '<a href="12.5-callbacks.ipynb">y</a> <code>11.1-no-gil.ipynb</code> '
            '<a href="https://example.org/a.ipynb">z</a>')
    assert course_site.link_notebooks(page, here, pages) == (
        '<a href="../11-threads-and-processes/11.5-conditions.html#Why-while">x</a> '
        '<a href="12.5-callbacks.html">y</a> '
        '<a href="../11-threads-and-processes/11.1-no-gil.html"><code>11.1-no-gil.ipynb</code></a> '
        '<a href="https://example.org/a.ipynb">z</a>')


def refusal(*args):
    """What course_site's command line says when it refuses args (it exits with the message: one line)."""
    with pytest.raises(SystemExit) as exit:
        course_site.main([str(a) for a in args])
    message = str(exit.value.code)
    assert "\n" not in message, message
    return message


def test_bad_input_says_what_to_do_and_writes_nothing(tmp_path):
    out = tmp_path / "site"
    message = refusal("--from", tmp_path / "missing", "--out", out)
    assert "no folder" in message and "tests/.reports/executed" in message, message
    (tmp_path / "empty").mkdir()
    assert "has no notebooks" in refusal("--from", tmp_path / "empty", "--out", out)
    (tmp_path / "some").mkdir()
    (tmp_path / "some" / "00-start-here.ipynb").write_bytes((ROOT / "notebooks" / "00-start-here.ipynb").read_bytes())
    assert "has no executed copy of exercises-demo.ipynb" in refusal("--from", tmp_path / "some", "--out", out)
    for n in course_site.course()[1:]:
        (tmp_path / "some" / n.name).write_text("{}")
    assert "exercises-demo.ipynb is not a notebook" in refusal("--from", tmp_path / "some", "--out", out)
    assert not out.exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("not a site")
    assert "is not a site this command wrote" in refusal("--from", ROOT / "notebooks", "--out", mine)
    with pytest.raises(course_site.SiteError, match="is not a site this command wrote"):
        first = course_site.course()[0]
        course_site.write_site([first], {first.name: nbformat.read(first.source, as_version=4)}, mine)
    assert [p.name for p in mine.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "mine", "some"], "a temporary folder was left behind"


def test_a_build_that_fails_leaves_the_old_site_as_it_was(tmp_path):
    notebooks = course_site.course()[:2]
    executed = {n.name: nbformat.read(n.source, as_version=4) for n in notebooks}
    out = tmp_path / "site"
    course_site.write_site(notebooks, executed, out)
    before = {p: p.read_bytes() for p in out.rglob("*")}
    executed[notebooks[1].name].cells.append(nbformat.v4.new_markdown_cell("![gone](../pic/no-such-picture.svg)"))
    with pytest.raises(course_site.SiteError, match="no-such-picture.svg, which is not a file"):
        course_site.write_site(notebooks, executed, out)
    assert {p: p.read_bytes() for p in out.rglob("*")} == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "a temporary folder was left behind"


def test_the_launcher_passes_bad_input_on_as_one_line():
    r = subprocess.run([str(ROOT / "conclab"), "html", "--from", "/no/such/folder"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode != 0
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("conclab html: no folder /no/such/folder: give --from"), \
        r.stderr
