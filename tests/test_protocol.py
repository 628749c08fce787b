"""The kernel through the Jupyter protocol: what JupyterLab and nbclient see.

Every message read is checked against the protocol (conftest.Kernel + messages.py). Tests that may crash,
restart or stop the engine get a fresh kernel; the others share one per module.
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import time
import zipfile

import psutil_free as procs
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from conftest import KERNEL, Kernel


def java_bin(tool):
    """A tool of the JDK the installed kernel runs on (kernel.json names its java)."""
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    return str(pathlib.Path(spec.argv[0]).with_name(tool))


# ---------------------------------------------------------------- kernel_info

def test_kernel_info_names_java_and_the_runtime_version(shared):
    info = shared.shell_reply(shared.kc.kernel_info())
    assert info["status"] == "ok"
    assert info["implementation"] == "conclab"
    lang = info["language_info"]
    assert lang["name"] == "java" and lang["file_extension"] == ".java"
    version = subprocess.run([java_bin("java"), "-XshowSettings:properties", "-version"], capture_output=True,
                             text=True).stderr
    assert f"java.version = {lang['version']}" in version
    assert lang["version"].startswith("25")
    assert tuple(int(x) for x in info["protocol_version"].split(".")[:2]) >= (5, 3)
    pom = (pathlib.Path(__file__).resolve().parent.parent / "pom.xml").read_text(encoding="utf-8")
    project_version = re.search(r"<artifactId>conclab-parent</artifactId>\s*<version>([^<]+)</version>", pom)
    assert project_version and info["implementation_version"] == project_version.group(1), "the kernel's version is the pom's"
    assert info["implementation_version"] in info["banner"]


# ---------------------------------------------------------------- execute

def test_value_state_and_execution_count(shared):
    r1 = shared.execute("int answer = 41;")
    assert r1.status == "ok" and r1.value is None
    r2 = shared.execute("answer + 1")
    assert r2.value == "42"
    assert r2.reply["execution_count"] == r1.reply["execution_count"] + 1
    inputs = [m for m in shared.seen if m["msg_type"] == "execute_input" and m["parent_header"]["msg_id"] == r2.msg_id]
    assert inputs and inputs[0]["content"]["code"] == "answer + 1"


def test_a_closing_semicolon_hides_the_value(shared):
    assert shared.execute("6 * 7;").value is None
    assert shared.execute("6 * 7 // the answer").value == "42"
    assert shared.execute('"text"').value == '"text"'


def test_value_of_the_last_snippet_only(shared):
    r = shared.execute("int a = 1;\nint b = 2;\na + b")
    assert r.value == "3"


def test_silent_and_store_history(shared):
    before = shared.execute("1").reply["execution_count"]
    silent = shared.execute('System.out.println("quiet"); 5', silent=True)
    assert silent.status == "ok" and silent.outputs == []
    unstored = shared.execute("2", store_history=False)
    assert unstored.value == "2"
    assert shared.execute("3").reply["execution_count"] == before + 1


# ---------------------------------------------------------------- streams

def test_stdout_and_stderr(shared):
    r = shared.execute('System.out.println("hello"); System.err.println("oops"); System.out.print("no newline");')
    assert r.stdout == "hello\nno newline"
    assert r.stderr == "oops\n"


def test_output_is_streamed_while_the_cell_runs(shared, tmp_path):
    # The cell cannot end before the test has seen its first line: it waits for a file the test writes then.
    go = tmp_path / "go"
    msg_id = shared.kc.execute(f'System.out.println("first");\nwhile (!Files.exists(Path.of("{go}"))) Thread.sleep(10);\n'
                               'System.out.println("second");')
    assert shared.wait_for_stream(msg_id, "first", timeout=30), "the first line did not come while the cell ran"
    go.touch()
    r = shared.collect(msg_id)
    assert r.stdout == "first\nsecond\n"


def test_many_lines_arrive_in_order_in_few_messages(shared):
    r = shared.execute("for (int i = 0; i < 5000; i++) System.out.println(i);")
    lines = r.stdout.splitlines()
    assert lines == [str(i) for i in range(5000)]
    messages = [m for m in r.outputs if m["msg_type"] == "stream"]
    assert len(messages) < 200, f"{len(messages)} stream messages for 5000 lines: output is not batched"


# ---------------------------------------------------------------- errors

def test_compile_error_marks_the_line(shared):
    before = shared.execute("1").reply["execution_count"]
    r = shared.execute('int ok = 1;\nint bad = "not a number";\n')
    assert r.status == "error" and r.reply["ename"] == "CompileError"
    text = r.error_text()
    assert "line 2" in text
    assert 'int bad = "not a number";' in text
    assert "^" in text
    assert "incompatible types" in text
    assert r.reply["execution_count"] == before + 1  # an error reply carries the count, and the count moved on


def test_runtime_exception_shows_class_message_and_cell_lines(shared):
    shared.execute("void fail(String why) {\n    // the second line\n    throw new IllegalStateException(why);\n}")
    r = shared.execute('int x = 1;\nfail("boom");')
    assert r.status == "error"
    assert r.reply["ename"] == "IllegalStateException" and r.reply["evalue"] == "boom"
    text = r.error_text()
    assert "java.lang.IllegalStateException: boom" in text
    assert re.search(r"fail \(.*cell \[\d+\], line 3", text), text
    assert re.search(r"cell \[\d+\], line 2", text), text
    assert "conclab.kernel" not in text and "jdk.internal.reflect" not in text and "Method.invoke" not in text


def test_jdk_frames_are_cut_down(shared):
    r = shared.execute('Integer.parseInt("twelve")')
    text = r.error_text()
    assert r.reply["ename"] == "NumberFormatException"
    assert "java.lang.Integer.parseInt" in text
    assert re.search(r"cell \[\d+\], line 1", text)


def test_an_error_stops_the_queue_unless_asked_not_to(shared, tmp_path):
    # The failing cell waits until the test has sent the next one (as Run All does), then fails.
    sent = tmp_path / "sent"
    failing = shared.kc.execute(f'while (!Files.exists(Path.of("{sent}"))) Thread.sleep(5);\n'
                                'throw new RuntimeException("first fails");')
    queued = shared.kc.execute('System.out.println("must not run");')
    sent.touch()
    assert shared.collect(failing).status == "error"
    r = shared.collect(queued)
    assert r.status == "aborted" and "must not run" not in r.stdout
    failing = shared.kc.execute('throw new RuntimeException("again");', stop_on_error=False)
    queued = shared.kc.execute('System.out.println("runs anyway");')
    shared.collect(failing)
    assert shared.collect(queued).stdout == "runs anyway\n"


def test_clear_output_clears_what_the_cell_showed_in_order(shared):
    r = shared.execute('System.out.print("old");\nclearOutput(true);\nSystem.out.println("new");\n'
                       'var t = Thread.ofPlatform().start(() -> clearOutput());\nt.join();')
    assert r.status == "ok"
    kinds = [(m["msg_type"], m["content"].get("text", m["content"].get("wait"))) for m in r.outputs
             if m["msg_type"] != "execute_input"]
    assert kinds == [("stream", "old"), ("clear_output", True), ("stream", "new\n"), ("clear_output", False)], kinds


# ---------------------------------------------------------------- history

def test_history_tail_range_and_search(kernel):
    first = kernel.execute("int a = 1;").reply["execution_count"]
    kernel.execute("a + 41")
    kernel.execute("String s = \"x\";")
    kernel.execute("a + 41")
    kernel.execute("99", store_history=False)
    tail = kernel.shell_reply(kernel.kc.history(hist_access_type="tail", n=2, output=True))["history"]
    assert [tuple(h[1:2]) + (tuple(h[2]),) for h in tail] == \
        [(first + 2, ('String s = "x";', '')), (first + 3, ("a + 41", "42"))]
    rng = kernel.shell_reply(kernel.kc.history(hist_access_type="range", session=0, start=first + 1,
                                               stop=first + 3))["history"]
    assert [h[1:] for h in rng] == [[first + 1, "a + 41"], [first + 2, 'String s = "x";']]
    assert all(h[0] == rng[0][0] for h in rng), "one session"
    found = kernel.shell_reply(kernel.kc.history(hist_access_type="search", pattern="a + ?1", n=10))["history"]
    assert [h[1] for h in found] == [first + 1, first + 3]
    unique = kernel.shell_reply(kernel.kc.history(hist_access_type="search", pattern="*", unique=True,
                                                  n=10))["history"]
    assert [h[2] for h in unique] == ["int a = 1;", 'String s = "x";', "a + 41"], "each input once, at its latest line"
    other = kernel.shell_reply(kernel.kc.history(hist_access_type="range", session=7, start=1, stop=0))["history"]
    assert other == []


# ---------------------------------------------------------------- completion, inspection, is_complete

def test_completion_of_a_method(shared):
    code = '"abc".subs'
    c = shared.shell_reply(shared.kc.complete(code, len(code)))
    assert c["status"] == "ok"
    assert any(m.startswith("substring") for m in c["matches"]), c["matches"]
    assert code[c["cursor_start"]:c["cursor_end"]] == "subs"


def test_completion_in_a_later_snippet_and_of_variables(shared):
    shared.execute("int counterOfThings = 3;")
    code = 'int y = 2;\nSystem.out.println(counterOf'
    c = shared.shell_reply(shared.kc.complete(code, len(code)))
    assert "counterOfThings" in c["matches"]
    assert code[c["cursor_start"]:c["cursor_end"]] == "counterOf"


def test_completion_of_magics(shared):
    c = shared.shell_reply(shared.kc.complete("%cl", 3))
    assert c["matches"] == ["%classpath"] and c["cursor_start"] == 0


def test_inspection_shows_signature_and_javadoc(shared):
    code = "Thread.sleep(10)"
    c = shared.shell_reply(shared.kc.inspect(code, len("Thread.sle")))
    assert c["status"] == "ok" and c["found"]
    doc = c["data"]["text/plain"]
    assert "sleep(long millis)" in doc
    assert "currently executing thread" in doc


def test_inspection_of_a_method_named_without_its_call_shows_its_javadoc_as_text(shared):
    c = shared.shell_reply(shared.kc.inspect("Thread.sleep", len("Thread.sle")))
    assert c["status"] == "ok" and c["found"], c
    doc = c["data"]["text/plain"]
    assert "sleep(long millis)" in doc
    assert "{@" not in doc and "<p>" not in doc, doc


def test_inspection_of_nothing(shared):
    c = shared.shell_reply(shared.kc.inspect("   ", 1))
    assert c["status"] == "ok" and not c["found"]


def test_is_complete(shared):
    def verdict(code):
        return shared.shell_reply(shared.kc.is_complete(code))

    assert verdict("1 + 1")["status"] == "complete"
    r = verdict("for (int i = 0; i < 3; i++) {")
    assert r["status"] == "incomplete" and isinstance(r["indent"], str)
    assert verdict('%help')["status"] == "complete"
    assert verdict('int x = 1;\nvoid f() {')["status"] == "incomplete"


# ---------------------------------------------------------------- stdin

def test_input_request(shared):
    r = shared.execute('var in = new Scanner(System.in);\nString a = in.nextLine(), b = in.nextLine();\n'
                       'System.out.println(a + " and " + b);', stdin=["first", "second"])
    assert r.status == "ok"
    assert r.stdout == "first and second\n"


def test_what_one_cell_left_unread_is_not_the_next_cells_input(shared):
    r = shared.execute("(char) System.in.read()", stdin=["abc"])
    assert r.value == "'a'"
    r = shared.execute("(char) System.in.read()", stdin=["xyz"])
    assert r.value == "'x'", "the second cell read what the first one left"


def test_reading_stdin_without_a_frontend_gets_end_of_input(shared):
    r = shared.execute("new Scanner(System.in).nextLine()", timeout=30)
    assert r.status == "error" and r.reply["ename"] == "NoSuchElementException"
    assert "input" in r.stderr


# ---------------------------------------------------------------- rich output

def test_display_html_svg_and_update(shared):
    r = shared.execute('String id = display("<b>bold</b>", "text/html");\n'
                       'display("<svg xmlns=\'http://www.w3.org/2000/svg\' width=\'4\' height=\'4\'/>", "image/svg+xml");\n'
                       'updateDisplay(id, "<i>changed</i>", "text/html");')
    assert r.status == "ok" and r.value is None
    kinds = [(m["msg_type"], list(m["content"]["data"])) for m in r.displays]
    assert kinds == [("display_data", ["text/html"]), ("display_data", ["image/svg+xml"]),
                     ("update_display_data", ["text/html"])]
    first, _, update = r.displays
    assert first["content"]["transient"]["display_id"] == update["content"]["transient"]["display_id"]
    assert update["content"]["data"]["text/html"] == "<i>changed</i>"


def test_objects_with_a_mime_bundle_render_as_value_and_display(shared):
    shared.execute('record Chart(String name) {\n'
                   '    public Map<String, String> mimeBundle() {\n'
                   '        return Map.of("text/plain", "Chart " + name, "text/html", "<p>chart " + name + "</p>",\n'
                   '                      "image/svg+xml", "<svg xmlns=\'http://www.w3.org/2000/svg\'/>");\n'
                   '    }\n}')
    r = shared.execute('new Chart("speedup")')
    assert r.data["text/html"] == "<p>chart speedup</p>" and r.data["text/plain"] == "Chart speedup"
    assert "image/svg+xml" in r.data
    r = shared.execute('display(new Chart("inline"));')
    assert r.displays[0]["content"]["data"]["text/html"] == "<p>chart inline</p>"
    r = shared.execute('display(new Chart("svg only"), "image/svg+xml");')
    assert list(r.displays[0]["content"]["data"]) == ["image/svg+xml"]


def test_display_of_a_picture_file(shared, tmp_path):
    svg = tmp_path / "dot.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'><circle r='4'/></svg>")
    r = shared.execute(f'display(Path.of("{svg}"));')
    data = r.displays[0]["content"]["data"]
    assert "<circle" in data["image/svg+xml"] and "text/html" not in data


def test_plain_values_display_as_text(shared):
    r = shared.execute('display(List.of(1, 2, 3));')
    assert r.displays[0]["content"]["data"] == {"text/plain": "[1, 2, 3]"}


# ---------------------------------------------------------------- magics

def test_help_comes_in_the_pager_and_lists_magics(shared):
    r = shared.execute("%help")
    assert r.stdout == ""
    [page] = r.reply["payload"]
    assert page["source"] == "page" and page["start"] == 0
    for magic in ("%classpath", "%load", "%%time", "%help", "display(", "clearOutput("):
        assert magic in page["data"]["text/plain"], magic


def test_help_lists_the_plugins_magics_too(shared):
    """The exercise cells are the grader's plug-in (plugins/grader beside the kernel jar), not the kernel's."""
    r = shared.execute("%help")
    text = r.reply["payload"][0]["data"]["text/plain"]
    for magic in ("%%solution", "%check", "%%answer", "%%check"):
        assert magic in text, magic


def test_code_can_ask_for_a_line_magic_and_gets_its_value_or_a_clear_error(shared):
    r = shared.execute('String points = magic("check no-such-exercise");\npoints')
    assert r.status == "ok" and r.value == '"0"'
    assert any("There is no exercise no-such-exercise" in d["content"]["data"]["text/plain"] for d in r.displays)
    r = shared.execute('magic("threads")')   # it needs the engine's control channel, busy running this very call
    assert r.status == "error" and "cannot be asked for by running code" in r.error_text()
    assert "Write %threads in a cell of its own" in r.error_text()
    r = shared.execute('magic("frobnicate now")')
    assert r.status == "error" and r.reply["ename"] == "IllegalArgumentException"
    assert "Unknown magic %frobnicate" in r.error_text() and "%help explains them" in r.error_text()
    r = shared.execute('magic("load setup.jsh")')   # it would run code in the engine, which runs this call
    assert r.status == "error" and "cannot be asked for by running code" in r.error_text()
    r = shared.execute('magic("two\\nlines")')
    assert r.status == "error" and "write one line magic" in r.error_text()
    r = shared.execute("1 + 1")
    assert r.value == "2", "the kernel goes on after refusing"


def test_notebook_code_sees_the_check_method_but_not_the_grader(shared):
    """The plug-in puts one small jar on the engine's class path: the grader jar, with the hidden tests, stays off it."""
    r = shared.execute('Class.forName("conclab.grader.cells.NotebookChecks").getSimpleName()')
    assert r.value == '"NotebookChecks"', r.error_text()
    r = shared.execute('Class.forName("conclab.grader.Catalog")')
    assert r.status == "error" and "ClassNotFoundException" in r.error_text()


def test_the_kernel_jar_carries_no_grader():
    """The kernel builds and installs without the grader: its jar has no grader class, its code imports none."""
    import zipfile
    jar = pathlib.Path(__file__).resolve().parent.parent / "kernel" / "target" / "dist" / "conclab-kernel.jar"
    names = zipfile.ZipFile(jar).namelist()
    assert not [n for n in names if n.startswith("conclab/grader/")]
    assert "conclab/kernel/api/KernelPlugin.class" in names
    src = pathlib.Path(__file__).resolve().parent.parent / "kernel" / "src" / "main" / "java"
    importing = [str(f) for f in src.rglob("*.java") if "conclab.grader" in f.read_text()]
    assert importing == []


def test_install_makes_start_up_caches_that_never_outlive_their_jars(tmp_path):
    """install trains the kernel and engine JVMs once and keeps their AOT caches (JEP 483) beside the jars, with a
    stamp of what they were made from. The JVM would run a cache's stale classes, so a changed jar means new caches,
    and a failed training run means none (AotCache)."""
    import shutil
    import zipfile
    dist = tmp_path / "dist"
    shutil.copytree(pathlib.Path(__file__).resolve().parent.parent / "kernel" / "target" / "dist", dist)
    k = tmp_path / "p" / "share" / "jupyter" / "kernels" / "k"

    def install(*extra):
        r = subprocess.run([java_bin("java"), "-jar", str(dist / "conclab-kernel.jar"), "install",
                            "--prefix", str(tmp_path / "p"), "--name", "k", *extra],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        return r

    def argv():
        return json.loads((k / "kernel.json").read_text())["argv"]

    assert install().stderr == ""
    assert (k / "conclab-kernel.aot").is_file() and (k / "conclab-engine.aot").is_file()
    assert f"-XX:AOTCache={k / 'conclab-kernel.aot'}" in argv()
    stamp, made = (k / "aot.stamp").read_text(), (k / "conclab-kernel.aot").stat().st_mtime_ns

    install()  # the same jars: the caches are kept
    assert (k / "conclab-kernel.aot").stat().st_mtime_ns == made

    with zipfile.ZipFile(dist / "lib" / "extra.jar", "w") as z:  # a jar more: new caches, for these jars
        z.writestr("extra.txt", "x")
    install()
    assert (k / "aot.stamp").read_text() != stamp and (k / "conclab-engine.aot").is_file()

    r = install("--env", "CONCLAB_JVM_OPTS=-XX:+NoSuchOption")  # the training's engine cannot start
    assert "no start-up caches" in r.stderr and "the kernel works" in r.stderr, r.stderr
    assert not list(k.glob("*.aot")) and not (k / "aot.stamp").exists()
    assert not [a for a in argv() if "AOTCache" in a]

    assert install("--no-cache").stderr == ""
    assert not list(k.glob("*.aot*"))


def test_unknown_magic_lists_the_known_ones(shared):
    r = shared.execute("%frobnicate now")
    assert r.status == "error" and r.reply["ename"] == "MagicError"
    text = r.error_text()
    assert "%frobnicate" in text and "%classpath" in text and "%%time" in text
    assert "Exception" not in text


def jar_with(tmp_path, name="demo"):
    """Builds tmp_path/NAME.jar with class demo.Hello { String greet() }."""
    src = tmp_path / "src" / "demo"
    src.mkdir(parents=True)
    (src / "Hello.java").write_text('package demo; public class Hello { public String greet() { return "hi from a jar"; } }')
    classes = tmp_path / "classes"
    subprocess.run([java_bin("javac"), "-d", str(classes), str(src / "Hello.java")], check=True)
    jar = tmp_path / f"{name}.jar"
    subprocess.run([java_bin("jar"), "cf", str(jar), "-C", str(classes), "."], check=True)
    return jar


def test_classpath_add_with_a_glob(shared, tmp_path):
    jar_with(tmp_path)
    r = shared.execute(f"%classpath add {tmp_path}/*.jar\nnew demo.Hello().greet()")
    assert r.status == "ok", r.error_text()
    assert "Added" in r.stdout and r.value == '"hi from a jar"'
    assert str(tmp_path / "demo.jar") in shared.execute("%classpath").stdout


def test_classpath_that_matches_nothing_says_so(shared, tmp_path):
    r = shared.execute(f"%classpath add {tmp_path}/nothing-here/*.jar")
    assert r.status == "error" and "nothing matches" in r.error_text()


def test_maven_resolves_through_a_settings_mirror_and_survives_an_engine_restart(tmp_path):
    """%maven (the IJava line's magic) with a settings.xml whose mirror leads to a file:// repository, the only place
    com.example:greeting-app:1.0 and its dependency greeting-lib (the class demo.Hello) are: the class is usable
    after %maven, and again after System.exit restarted the engine. A missing artifact adds nothing."""
    repo = tmp_path / "repo"
    for name, deps in (("greeting-lib", ""), ("greeting-app", "<dependencies><dependency><groupId>com.example</groupId>"
                                                               "<artifactId>greeting-lib</artifactId><version>1.0</version>"
                                                               "</dependency></dependencies>")):
        folder = repo / "com" / "example" / name / "1.0"
        folder.mkdir(parents=True)
        jar = folder / f"{name}-1.0.jar"
        if name == "greeting-lib":
            jar.write_bytes(jar_with(tmp_path / name).read_bytes())
        else:  # the app's own jar holds nothing: what it brings is its dependency
            with zipfile.ZipFile(jar, "w") as z:
                z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        (folder / f"{name}-1.0.pom").write_text(
            f"<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>{name}</artifactId>"
            f"<version>1.0</version>{deps}</project>")
    settings = tmp_path / "settings.xml"
    settings.write_text(f"<settings><localRepository>{tmp_path / 'local'}</localRepository><mirrors><mirror>"
                        f"<id>test-mirror</id><mirrorOf>*</mirrorOf><url>{repo.as_uri()}</url></mirror></mirrors></settings>")
    k = Kernel(env={"CONCLAB_MAVEN_SETTINGS": str(settings)})
    try:
        missing = k.execute("%maven com.example:nowhere:9")
        assert missing.status == "error" and "com.example:nowhere" in missing.error_text(), missing.error_text()
        assert "test-mirror" in missing.error_text() and "Nothing was added" in missing.error_text()
        r = k.execute("%maven com.example:greeting-app:1.0")
        assert r.status == "ok", r.error_text()
        assert "greeting-app-1.0.jar" in r.stdout and "greeting-lib-1.0.jar" in r.stdout, r.stdout
        assert k.execute("new demo.Hello().greet()").value == '"hi from a jar"'
        assert k.execute("System.exit(0);").reply["ename"] == "EngineRestarted"
        again = k.execute("new demo.Hello().greet()")
        assert again.value == '"hi from a jar"', again.error_text()
    finally:
        k.close()


def test_load_runs_a_file(shared, tmp_path):
    script = tmp_path / "setup.jsh"
    script.write_text('int loadedValue = 5;\nString shout(String s) { return s.toUpperCase(); }\n')
    r = shared.execute(f"%load {script}\nshout(\"x\") + loadedValue")
    assert r.value == '"X5"'
    r = shared.execute(f"%load {tmp_path}/missing.jsh")
    assert r.status == "error" and "cannot read" in r.error_text()


def test_time_counts_cpu_of_all_threads(shared):
    code = """%%time
var bothAlive = new CyclicBarrier(2);
Runnable spin = () -> {
    try { bothAlive.await(); } catch (Exception e) { throw new RuntimeException(e); }
    var bean = java.lang.management.ManagementFactory.getThreadMXBean();
    while (bean.getCurrentThreadCpuTime() < 400_000_000L) { }
};
var ts = List.of(new Thread(spin), new Thread(spin));
for (var t : ts) t.start();
for (var t : ts) t.join();
"done"
"""
    r = shared.execute(code)
    assert r.status == "ok" and r.value == '"done"'
    m = re.search(r"Wall time: ([\d.]+) s · CPU time, all threads: ([\d.]+) s .* peak live platform threads: (\d+) \((\d+) when", r.stdout)
    assert m, r.stdout
    wall, cpu, peak, before = float(m[1]), float(m[2]), int(m[3]), int(m[4])
    assert cpu >= 0.75, f"two threads burnt 0.8 s of CPU, %%time says {cpu}"
    assert peak >= before + 2


# ---------------------------------------------------------------- options

def test_options_from_the_environment(tmp_path):
    jar = jar_with(tmp_path)
    k = Kernel(env={"CONCLAB_JVM_OPTS": "-Xmx300m --enable-preview", "CONCLAB_CLASSPATH": str(jar),
                    "CONCLAB_STARTUP": "int preset = 7;", "CONCLAB_OUTPUT_LIMIT": "50"})
    try:
        assert k.execute("Runtime.getRuntime().maxMemory() / (1 << 20) <= 300").value == "true"
        assert k.execute("new demo.Hello().greet()").value == '"hi from a jar"'
        assert k.execute("preset").value == "7"
        r = k.execute("for (int i = 0; i < 200; i++) System.out.println(i);")
        assert len(r.stdout.splitlines()) == 50
        assert "150 more lines" in r.stderr
    finally:
        k.close()


def test_one_huge_print_without_newline_is_cut_at_the_character_limit(shared):
    r = shared.execute('System.out.print("x".repeat(20_000_000));', timeout=120)
    assert r.status == "ok"
    assert 0 < len(r.stdout) <= 1_000_000, len(r.stdout)
    assert "19,000,000 characters" in r.stderr and "at most 20,000 lines and 1,000,000 characters" in r.stderr, r.stderr


def test_preview_apis_and_internal_continuations_work_by_default(shared):
    r = shared.execute("try (var scope = java.util.concurrent.StructuredTaskScope.open()) {\n"
                       "    var task = scope.fork(() -> 6 * 7);\n    scope.join();\n    System.out.println(task.get());\n}")
    assert r.status == "ok", r.error_text()
    assert r.stdout == "42\n"
    r = shared.execute("var scope = new jdk.internal.vm.ContinuationScope(\"demo\");\n"
                       "var c = new jdk.internal.vm.Continuation(scope, () -> jdk.internal.vm.Continuation.yield(scope));\n"
                       "c.run();\nc.isDone()")
    assert r.value == "false", r.error_text()


def test_timeout_stops_a_cell():
    k = Kernel(env={"CONCLAB_TIMEOUT": "2s"})
    try:
        k.execute("int kept = 1;")
        t = time.monotonic()
        r = k.execute("Thread.sleep(60_000);")
        assert time.monotonic() - t < 15
        assert r.status == "error" and r.reply["ename"] == "Interrupted", (r.status, r.reply.get("ename"), r.error_text())
        assert "time limit of 2 s" in r.error_text()
        assert k.execute("kept + 1").value == "2"
    finally:
        k.close()


def test_a_cell_time_limit_stops_that_cell_and_keeps_the_state(kernel):
    kernel.execute("long warm = 0;\nwarm++;")  # the engine's first compilations can take longer than the limit
    t = time.monotonic()
    r = kernel.execute("%%timeout 1s\nlong turns = 0;\nwhile (true) turns++;")
    assert time.monotonic() - t < 15
    assert r.status == "error" and r.reply["ename"] == "Interrupted", (r.status, r.error_text())
    assert "time limit of 1 s (%%timeout)" in r.error_text()
    assert int(kernel.execute("turns").value) > 0
    assert kernel.execute("%%timeout 1s\n1 + 1").value == "2", "a cell that ends in time is not stopped"
    later = kernel.execute("Thread.sleep(2500);\n\"slept\"")
    assert later.value == '"slept"', "the limit of an earlier cell must not stop a later one"


def test_a_linux_only_cell_runs_on_linux_and_elsewhere_says_what_differs(kernel):
    """%%linux-only runs its cell on Linux; on another system (os.name set for the kernel's and the engine's JVMs, as
    a Mac would have it) it runs nothing and prints what differs there, which the magic's line says."""
    assert kernel.execute("%%linux-only macOS has no /proc\nString.valueOf(6 * 7)").value == '"42"'
    r = kernel.execute("%%linux-only\n1 + 1")
    assert r.status == "error" and r.reply["ename"] == "MagicError" and "what differs" in r.error_text()
    k = Kernel(env={"JDK_JAVA_OPTIONS": "-Dos.name=Darwin"})
    try:
        r = k.execute("%%linux-only macOS has no /proc: ps gives the resident size there\nint ran = 1;")
        assert r.status == "ok", r.error_text()
        assert "Linux only, not run here (Darwin): macOS has no /proc: ps gives the resident size there" in r.stdout
        assert k.execute("ran").status == "error", "the cell's body must not have run"
        assert k.execute("1 + 1").value == "2", "the other cells run"
    finally:
        k.close()


def test_a_bad_cell_time_limit_is_explained(kernel):
    r = kernel.execute("%%timeout soon\n1 + 1")
    assert r.status == "error" and r.reply["ename"] == "MagicError"
    assert "1s, 500ms or 2m" in r.error_text()


def test_a_bad_jvm_option_is_explained():
    k = Kernel(env={"CONCLAB_JVM_OPTS": "-Xmx2gg"})
    try:
        r = k.execute("1 + 1")
        assert r.status == "error" and r.reply["ename"] == "EngineError"
        assert "Invalid maximum heap size" in r.error_text()
        assert "CONCLAB_JVM_OPTS" in r.error_text()
        assert k.km.is_alive()
    finally:
        k.close()


def test_a_bad_timeout_is_reported_not_fatal():
    k = Kernel(env={"CONCLAB_TIMEOUT": "soon"})
    try:
        r = k.execute("1 + 1")
        assert r.value == "2" and "CONCLAB_TIMEOUT" in r.stderr
    finally:
        k.close()


# ---------------------------------------------------------------- engine crashes, shutdown, restart

def engine_pid(k):
    return int(k.execute("ProcessHandle.current().pid()").value)


def test_system_exit_restarts_the_engine_and_says_state_was_lost(kernel):
    kernel.execute("int lost = 1;")
    before = engine_pid(kernel)
    r = kernel.execute("System.exit(3);")
    assert r.status == "error" and r.reply["ename"] == "EngineRestarted"
    assert "System.exit(3) on thread main" in r.error_text() and "gone" in r.error_text()
    assert kernel.km.is_alive()
    after = kernel.execute("lost")
    assert after.status == "error" and "cannot find symbol" in after.error_text()
    assert engine_pid(kernel) != before


def test_interrupt_stops_a_busy_loop_and_keeps_the_state(kernel):
    kernel.execute("int kept = 5;")
    msg_id = kernel.kc.execute('System.out.println("looping");\nwhile (true) { }')
    assert kernel.wait_for_stream(msg_id, "looping")
    kernel.km.interrupt_kernel()
    r = kernel.collect(msg_id, timeout=15)
    assert r.status == "error" and r.reply["ename"] == "Interrupted"
    assert kernel.execute("kept + 1").value == "6"


def test_shutdown_ends_kernel_and_engine():
    k = Kernel()
    pid = engine_pid(k)
    k.kc.shutdown()
    deadline = time.monotonic() + 15
    while k.km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = k.km.is_alive()
    k.close()
    assert not alive
    assert procs.wait_gone(pid, 10)


def test_the_control_channel_answers_kernel_info_and_refuses_code(shared):
    """Only interrupt, shutdown and kernel_info go to control: code there would use JShell off the shell thread."""
    kc = shared.kc
    kc.control_channel.send(kc.session.msg("kernel_info_request", {}))
    reply = kc.get_control_msg(timeout=10)
    assert reply["msg_type"] == "kernel_info_reply" and reply["content"]["status"] == "ok"
    kc.control_channel.send(kc.session.msg("execute_request", {"code": "1+1", "silent": False}))
    reply = kc.get_control_msg(timeout=10)
    assert reply["msg_type"] == "execute_reply" and reply["content"]["status"] == "error"
    assert "shell channel" in reply["content"]["evalue"]
    shared.drain(0.5)  # the busy and idle statuses of the two control requests
    assert shared.execute("1+1").value == "2", "the shell channel still runs code"


def test_shutdown_reply_conforms():
    k = Kernel()
    try:
        msg = k.kc.session.msg("shutdown_request", {"restart": False})
        k.kc.control_channel.send(msg)
        reply = k.kc.get_control_msg(timeout=10)
        from messages import check
        check(reply)
        assert reply["content"] == {"status": "ok", "restart": False}
    finally:
        k.close()


def test_restart_by_request_and_by_kill_loses_state_and_engines():
    k = Kernel()
    try:
        k.execute("int before = 1;")
        first = engine_pid(k)
        k.km.restart_kernel(now=False)  # shutdown_request(restart=True), then a new process
        k.kc.wait_for_ready(timeout=60)
        k.pending.clear()
        assert "cannot find symbol" in k.execute("before").error_text()
        assert procs.wait_gone(first, 10)
        second = engine_pid(k)
        k.km.restart_kernel(now=True)  # kill
        k.kc.wait_for_ready(timeout=60)
        k.pending.clear()
        assert k.execute("2 + 3").value == "5"
        assert procs.wait_gone(second, 10), "the engine outlived its killed kernel"
    finally:
        k.close()


def test_the_kernel_and_its_engine_end_when_the_server_that_started_them_dies(tmp_path):
    """A Jupyter server killed without shutting its kernels down leaves no JVM behind: the kernel watches the process
    that started it, as ipykernel does, and the engine watches the kernel."""
    from jupyter_client.connect import write_connection_file
    connection, _ = write_connection_file(str(tmp_path / "kernel.json"))
    argv = [a.replace("{connection_file}", connection) for a in KernelSpecManager().get_kernel_spec(KERNEL).argv]
    # the "server": a process that starts the kernel, says its pid, and waits to be killed
    server = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
                               "p = subprocess.Popen(sys.argv[1:]); print(p.pid, flush=True); time.sleep(600)", *argv],
                              stdout=subprocess.PIPE, text=True)
    try:
        kernel = int(server.stdout.readline())
        deadline = time.monotonic() + 60
        engine = None
        while engine is None and time.monotonic() < deadline:   # the engine: the kernel's child java process
            for task in pathlib.Path(f"/proc/{kernel}/task").glob("*/children"):
                pids = task.read_text().split()
                if pids:
                    engine = int(pids[0])
            time.sleep(0.2)
        assert engine is not None, "the kernel started no engine within 60 s"
        server.kill()
        server.wait(10)
        assert procs.wait_gone(kernel, 30), "the kernel outlived the process that started it"
        assert procs.wait_gone(engine, 30), "the engine outlived its kernel"
    finally:
        server.kill()


def test_user_expressions_are_evaluated(shared):
    shared.execute("int width = 6;")
    msg_id = shared.kc.execute("int height = 7;", user_expressions={"area": "width * height", "bad": "nope()"})
    r = shared.collect(msg_id)
    ue = r.reply["user_expressions"]
    assert ue["area"]["status"] == "ok" and ue["area"]["data"]["text/plain"] == "42"
    assert ue["bad"]["status"] == "error" and ue["bad"]["ename"] == "CompileError"


def test_a_thread_that_dies_is_traced_to_the_cells_of_its_code(shared):
    define = shared.execute("void work(int n) {\n    if (n == 0)\n        throw new IllegalArgumentException(\"worker failed\");\n"
                            "    work(n - 1);\n}")
    r = shared.execute("try (var pool = Executors.newFixedThreadPool(1)) {\n    pool.execute(() -> work(1));\n}")
    assert r.status == "ok"
    # The pool ends before the dying worker's exception is reported, so the trace may come after the cell:
    # it still belongs to the cell.
    if "worker failed" not in r.stderr:
        assert shared.wait_for_stream(r.msg_id, "worker failed", timeout=30)
    late = "".join(m["content"]["text"] for m in shared.pending
                   if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == r.msg_id)
    err = re.sub(r"\x1b\[[0-9;]*m", "", r.stderr + late)
    first, second = define.reply["execution_count"], r.reply["execution_count"]
    assert re.search(r'Exception in thread "pool-\d+-thread-1" java.lang.IllegalArgumentException: worker failed', err), err
    assert f"at work (cell [{first}], line 3)" in err, err
    assert f"at work (cell [{first}], line 4)" in err, err
    assert f"at lambda (cell [{second}], line 2)" in err, err
    assert "REPL." not in err and "$JShell$" not in err


def test_install_user_adds_the_kernel_to_the_jupyter_a_learner_already_has(tmp_path, monkeypatch):
    """README: `java -jar kernel/target/dist/conclab-kernel.jar install --user` adds the kernel to a Jupyter
    installed elsewhere. Here that Jupyter is this environment's, with a home of its own: its kernelspec list
    then names the kernel, found in the user's data folder, and the kernel starts from there and runs a cell."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_DATA_DIR", "XDG_DATA_HOME")}
    env["HOME"] = str(home)
    dist = pathlib.Path(__file__).resolve().parent.parent / "kernel" / "target" / "dist"
    r = subprocess.run([java_bin("java"), "-jar", str(dist / "conclab-kernel.jar"), "install", "--user", "--no-cache",
                        "--name", "conclab-user-test"], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    listed = subprocess.run([str(pathlib.Path(os.sys.executable).parent / "jupyter"), "kernelspec", "list", "--json"],
                            capture_output=True, text=True, timeout=60, env=env)
    specs = json.loads(listed.stdout)["kernelspecs"]
    assert "conclab-user-test" in specs, sorted(specs)
    where = pathlib.Path(specs["conclab-user-test"]["resource_dir"])
    assert where == home / ".local" / "share" / "jupyter" / "kernels" / "conclab-user-test", where
    for k in ("JUPYTER_DATA_DIR", "XDG_DATA_HOME"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("HOME", str(home))
    k = Kernel(name="conclab-user-test")
    try:
        assert k.execute("6 * 7").value == "42"
    finally:
        k.close()


def test_every_fresh_kernel_compiles_against_the_whole_class_path():
    """A regression probe for a race at a session's start: JShell's indexer, started when its source analysis is
    made, reads the compiler's class path on a thread of its own; made before the class path was added (in three
    calls), it left the compiler with a stale one in 3 of 30 fresh kernels ("package conclab.io does not exist").
    Session now adds the whole class path in one call before it makes the analysis: 0 of 60. Each of 12 fresh
    kernels must compile a cell that uses the library; at the old rate of 1 in 10, 12 starts catch the race about
    3 times in 4."""
    for _ in range(12):
        k = Kernel()
        try:
            r = k.execute("conclab.io.EventLoop.class.getSimpleName()")
            assert r.value == '"EventLoop"', r.error_text()
        finally:
            k.close()
