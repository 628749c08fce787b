"""Exercise cells in the kernel: %%solution keeps and runs the code, %check (or check("NAME") from Java)
checks it in JVMs of its own, shows the feedback and gives the points as the cell's value, and never
writes to stderr or fails the cell, which is what nbgrader's partial credit needs."""
RACY = """%%solution safe-counter
class SafeCounter {
    private long count;
    void increment() { count++; }
    long get() { return count; }
}"""

SAFE = """%%solution safe-counter
class SafeCounter {
    private long count;
    synchronized void increment() { count++; }
    synchronized long get() { return count; }
}"""


def feedback(result):
    """The last feedback shown (an update replaces the "checking" display)."""
    shown = [m["content"]["data"] for m in result.displays]
    assert shown, "no feedback was displayed"
    return shown[-1]


def test_a_check_before_its_solution_cell_ran_says_what_to_do(shared):
    r = shared.execute("%check transfer")
    assert r.status == "ok" and r.value == "0" and r.stderr == ""
    assert "Run the solution cell of transfer first" in feedback(r)["text/plain"]


def test_the_solution_cell_runs_its_code_and_the_class_is_usable(shared):
    r = shared.execute(SAFE)
    assert r.status == "ok", r.error_text()
    r = shared.execute("var c = new SafeCounter(); c.increment(); c.get()")
    assert r.value == "1"


def test_check_gives_the_points_and_a_feedback_table(shared):
    shared.execute(RACY)
    r = shared.execute("%check safe-counter", timeout=120)
    assert r.status == "ok" and r.stderr == "" and r.error is None
    assert r.value == "2"  # counts-alone passes, no-lost-updates fails, reads-under-lock has no lock to check
    shown = feedback(r)
    assert "<table>" in shown["text/html"] and "an increment was lost" in shown["text/html"]
    assert shown["text/plain"].startswith("safe-counter: 2 of 5 points (public tests; 1 more point is graded by hidden tests)")
    assert [m["msg_type"] for m in r.displays] == ["display_data", "update_display_data"]


def test_check_from_java_returns_the_points(shared):
    shared.execute(SAFE)
    r = shared.execute('int points = check("safe-counter");\npoints', timeout=120)
    assert r.status == "ok" and r.value == "5", r.error_text()
    assert "5 of 5 points" in feedback(r)["text/plain"]


def test_a_check_cell_checks_its_own_code_and_keeps_the_solution(shared):
    shared.execute(SAFE)
    r = shared.execute("%%check safe-counter\n" + RACY.split("\n", 1)[1], timeout=120)
    assert r.status == "ok" and r.stderr == "" and r.value == "2", r.error_text()
    assert "an increment was lost" in feedback(r)["text/html"]
    r = shared.execute("%check safe-counter", timeout=120)
    assert r.value == "5", "%%check must not replace the kept solution"
    r = shared.execute("%%check no-such-exercise\nclass A {}")
    assert r.status == "error" and "There is no exercise no-such-exercise" in r.error_text()


def test_a_quiz_answer_is_kept_and_checked(shared):
    r = shared.execute("%%answer quiz-count-race\nA")
    assert "kept" in r.stdout
    r = shared.execute("%check quiz-count-race")
    assert r.value == "0" and "Not this one." in feedback(r)["text/plain"]
    shared.execute("%%answer quiz-count-race\n// BEGIN SOLUTION\nC\n// END SOLUTION")
    assert shared.execute("%check quiz-count-race").value == "1"


def test_names_that_are_not_exercises_are_errors_with_the_list(shared):
    r = shared.execute("%%solution no-such\nclass A {}")
    assert r.status == "error" and "There is no exercise no-such" in r.error_text()
    assert "safe-counter" in r.error_text()
    r = shared.execute("%%answer safe-counter\nB")
    assert r.status == "error" and "is a code exercise" in r.error_text()
    r = shared.execute("%check no-such")
    assert r.status == "ok" and r.value == "0" and "There is no exercise no-such" in feedback(r)["text/plain"]


def test_a_solution_that_exits_or_hangs_does_not_touch_the_notebook(shared):
    shared.execute("%%solution safe-counter\nclass SafeCounter {\n    void increment() { System.exit(1); }\n"
                   "    long get() { return 0; }\n}")
    r = shared.execute("%check safe-counter", timeout=120)
    assert r.status == "ok" and r.value == "0"
    assert "your code called System.exit, at SafeCounter.increment (line 3 of your solution cell)" in feedback(r)["text/plain"]
    # the same code in a %%check cell: its lines are that cell's own
    r = shared.execute("%%check safe-counter\nclass SafeCounter {\n    void increment() { System.exit(1); }\n"
                       "    long get() { return 0; }\n}", timeout=120)
    assert r.status == "ok" and r.value == "0"
    assert "your code called System.exit, at SafeCounter.increment (line 3 of this cell)" in feedback(r)["text/plain"]
    assert shared.execute('"the engine is still here"').value == '"the engine is still here"'


def test_the_stop_button_stops_a_check(kernel):
    kernel.execute("%%solution safe-counter\nclass SafeCounter {\n    void increment() { while (true) { } }\n"
                   "    long get() { return 0; }\n}")
    msg_id = kernel.kc.execute("%check safe-counter")
    assert kernel.wait_for_display(msg_id, "Checking safe-counter", timeout=60)
    kernel.km.interrupt_kernel()
    r = kernel.collect(msg_id, timeout=30)
    assert r.status == "error" and "interrupted" in r.error_text()
    assert kernel.execute("1 + 1").value == "2"
