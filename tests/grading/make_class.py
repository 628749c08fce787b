"""Writes tests/grading/class/: a made-up class whose submissions of exercises-demo.ipynb cover every way a
submission can go wrong. Run it from the project folder after ./conclab release; test_grading.py grades the
class and compares with tests/grading/expected-grades.csv.

Every outcome in it is deterministic: each bad case fails before a test can pass, or fails a calibrated
property (one whose calibration catches its wrong version 20 times out of 20).
"""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
NAME = "exercises-demo.ipynb"
CLASS = ROOT / "tests" / "grading" / "class"

released = json.loads((ROOT / "release" / NAME).read_text())
instructor = json.loads((ROOT / "notebooks" / NAME).read_text())


def src(cell):
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def reference(name):
    for c in instructor["cells"]:
        if src(c).startswith(f"%%solution {name}\n") or src(c).startswith(f"%%answer {name}\n"):
            body = src(c).split("\n", 1)[1]
            return "\n".join(l for l in body.split("\n") if "SOLUTION" not in l)
    raise KeyError(name)


def submission(student, answers=None, drop=(), raw=None):
    """The release with some answer cells replaced (name -> body) and some deleted."""
    out = CLASS / student / NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        out.write_text(raw)
        return
    nb = json.loads(json.dumps(released))
    cells = []
    for c in nb["cells"]:
        m = re.match(r"%%(solution|answer) (\S+)\n", src(c))
        if m and m.group(2) in drop:
            continue
        if m and answers and m.group(2) in answers:
            c["source"] = f"%%{m.group(1)} {m.group(2)}\n{answers[m.group(2)]}"
        cells.append(c)
    nb["cells"] = cells
    out.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def counter(increment, extra=""):
    return f"""class SafeCounter {{
    private long count;{extra}

    void increment() {{
{increment}
    }}

    synchronized long get() {{
        return count;
    }}
}}"""


ALL = ["safe-counter", "account", "transfer", "bounded-buffer", "quiz-count-race", "quiz-limit-threads"]

submission("ada", {n: reference(n) for n in ALL})                       # everything right
submission("ben")                                                          # the release, untouched
submission("cleo", raw=(ROOT / "release" / NAME).read_text()[:5000])     # a file cut short: not JSON
submission("dan", drop={"account"})                                        # the account solution cell deleted
submission("eve", {"safe-counter": counter("        synchronized (this) { count++ }")})      # does not compile
submission("finn", {"safe-counter": counter("        while (true) { }")})                      # never returns
submission("gus", {"transfer": reference("transfer").replace(
    "        BankAccount first", "        System.exit(1);\n        BankAccount first")})      # ends the JVM
submission("hana", {"bounded-buffer": reference("bounded-buffer").replace(
    "        lock.lock();\n        try {\n            while (count == items.length)",
    "        for (int i = 0; i < 100_000; i++) Thread.ofPlatform().start(() -> LockSupport.park());\n"
    "        lock.lock();\n        try {\n            while (count == items.length)", 1)
    .replace("import java.util.concurrent.locks.Condition;",
             "import java.util.concurrent.locks.Condition;\nimport java.util.concurrent.locks.LockSupport;")})
submission("ivo", {"safe-counter": counter(
    '        try { new ProcessBuilder("sleep", "600").start(); } catch (java.io.IOException e) { }\n'
    "        synchronized (this) { count++; }")})                                          # a bomb of processes
submission("jo", {"safe-counter": counter(
    '        System.out.println("x".repeat(100_000));\n        synchronized (this) { count++; }')})  # 100 MB and more
submission("kim", {"safe-counter": counter("        count++;"),                            # racy: loses updates
                   "account": (ROOT / "grader/calibration/account/NoValidation.java").read_text().split("\n", 2)[2],
                   "quiz-count-race": "B", "quiz-limit-threads": "Semaphore"})
print("wrote", sorted(p.name for p in CLASS.iterdir()))
