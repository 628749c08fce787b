"""The kernel under concurrency: which cell owns a thread or a task, output and errors from every thread,
interrupts that really stop, crashes survived, and the learner's tools (%threads, %deadlocks).

Waits are on events (a line printed, a file written), never on time; limits are generous and only catch
hangs. Every message read is checked against the protocol (conftest.Kernel).
"""
import re
import time

import psutil_free as procs
import pytest

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text):
    return ANSI.sub("", text)


def late_text(k, msg_id, text, timeout=30):
    """Waits until a stream of msg_id contains text (it may come after the cell ended); returns all of it."""
    seen = k.wait_for_stream(msg_id, text, timeout)
    assert seen, f"{text!r} never came for {msg_id}"
    return "".join(m["content"]["text"] for m in k.pending
                   if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id)


def engine_cpu_over_a_second(k):
    r = k.execute("var h = ProcessHandle.current().info();\nlong c0 = h.totalCpuDuration().orElseThrow().toMillis();\n"
                  "Thread.sleep(1000);\n"
                  "long c1 = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis();\n(c1 - c0) / 1000.0")
    return float(r.value)


# ---------------------------------------------------------------- which cell owns a task

def test_a_task_belongs_to_the_cell_that_submitted_it_not_to_the_pools(shared):
    shared.execute("var pool = Executors.newFixedThreadPool(2);\npool.submit(() -> 1).get();")
    r = shared.execute('pool.submit(() -> System.out.println("task of the second cell on " + '
                       'Thread.currentThread().getName())).get();')
    assert re.fullmatch(r"task of the second cell on pool-\d+-thread-\d\n", r.stdout), r.stdout


def test_tasks_of_an_earlier_cell_print_there_while_a_later_cell_runs(shared, tmp_path):
    go = tmp_path / "go"
    first = shared.execute(f'var later = Executors.newSingleThreadExecutor();\n'
                           f'later.execute(() -> {{\n'
                           f'    while (!Files.exists(Path.of("{go}"))) Thread.onSpinWait();\n'
                           f'    System.out.println("from the first cell\'s task");\n}});')
    assert first.status == "ok"
    second = shared.kc.execute(f'Files.createFile(Path.of("{go}"));\nlater.close();\nSystem.out.println("second cell");')
    r = shared.collect(second)
    assert r.stdout == "second cell\n"
    assert "from the first cell's task" in late_text(shared, first.msg_id, "first cell's task") + first.stdout


def test_common_pool_and_completable_futures_belong_to_their_cell(shared, tmp_path):
    go = tmp_path / "go"
    first = shared.execute(f'CompletableFuture.runAsync(() -> {{\n'
                           f'    while (!Files.exists(Path.of("{go}"))) Thread.onSpinWait();\n'
                           f'    System.out.println("async done");\n}});')
    shared.execute(f'Files.createFile(Path.of("{go}"));')
    assert "async done" in late_text(shared, first.msg_id, "async done") + first.stdout


def test_scheduled_tasks_and_timers_belong_to_the_cell_that_scheduled_them(shared):
    shared.execute("var scheduler = Executors.newScheduledThreadPool(1);\nvar timer = new java.util.Timer(true);")
    r = shared.execute('scheduler.schedule(() -> System.out.println("scheduled"), 10, TimeUnit.MILLISECONDS).get();\n'
                       'var ran = new CountDownLatch(1);\n'
                       'timer.schedule(new TimerTask() { public void run() { System.out.println("timer"); ran.countDown(); } }, 10);\n'
                       'ran.await();\nscheduler.close();')
    assert r.stdout == "scheduled\ntimer\n"


def test_threads_started_by_threads_of_a_cell_belong_to_it(shared):
    r = shared.execute('Thread.ofPlatform().start(() -> {\n'
                       '    Thread inner = Thread.ofVirtual().start(() -> System.out.println("grandchild"));\n'
                       '    try { inner.join(); } catch (InterruptedException e) { }\n}).join();')
    assert r.stdout == "grandchild\n"


# ---------------------------------------------------------------- errors of threads and tasks

def test_a_failing_pool_task_is_reported_under_the_submitting_cell(shared):
    shared.execute("var failing = Executors.newFixedThreadPool(1);\nfailing.submit(() -> 1).get();")
    r = shared.execute('failing.execute(() -> { throw new IllegalStateException("task failed"); });\n'
                       'failing.close();')
    err = plain(r.stderr or late_text(shared, r.msg_id, "task failed"))
    assert re.search(r'Exception in thread "pool-\d+-thread-1" java.lang.IllegalStateException: task failed', err), err
    assert re.search(r"at lambda \(cell \[\d+\], line 1\)", err), err


def test_an_exception_in_a_common_pool_task_is_reported(shared):
    r = shared.execute('ForkJoinPool.commonPool().execute(() -> { throw new ArithmeticException("async boom"); });\n'
                       'ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS);')
    err = plain(r.stderr or late_text(shared, r.msg_id, "async boom"))
    assert "java.lang.ArithmeticException: async boom" in err and "ForkJoinPool.commonPool-worker" in err, err


# ---------------------------------------------------------------- end of a cell with live threads

def test_a_cell_that_leaves_threads_running_says_so_unless_told_not_to(kernel):
    r = kernel.execute('var gate = new CountDownLatch(1);\n'
                       'Thread.ofPlatform().name("left-behind").start(() -> { try { gate.await(); } catch (InterruptedException e) { } });')
    assert "[conclab] 1 thread of this cell is still running: left-behind (waiting)" in r.stderr, r.stderr
    r = kernel.execute("gate.countDown();")
    assert "still running" not in r.stderr
    kernel.execute("%threads notice off")
    r = kernel.execute('Thread.ofPlatform().name("quiet").start(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } });')
    assert "still running" not in r.stderr
    kernel.execute("%threads notice on")


def test_the_threads_jfr_starts_for_itself_are_not_the_cells(kernel):
    # the first recording in a JVM starts "JFR Periodic Tasks", which runs for the JVM's life
    r = kernel.execute("try (var recording = new jdk.jfr.Recording()) { recording.start(); recording.stop(); }")
    assert r.status == "ok", r.error_text()
    assert "still running" not in r.stderr, r.stderr
    r = kernel.execute('Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("JFR")).sorted().toList()')
    assert "JFR Periodic Tasks" in (r.value or ""), r.value  # it is there, and not the cell's


def test_a_pool_closed_in_its_cell_leaves_nothing_behind(shared):
    r = shared.execute("try (var p = Executors.newFixedThreadPool(3)) {\n"
                       "    for (int i = 0; i < 10; i++) p.submit(() -> Math.sqrt(2));\n}")
    assert "still running" not in r.stderr, r.stderr


# ---------------------------------------------------------------- stopping code

def test_interrupt_stops_every_thread_of_the_cell_and_no_core_stays_busy(kernel):
    kernel.execute("int kept = 1;")
    msg_id = kernel.kc.execute('var spinners = new ArrayList<Thread>();\n{\n'
                               '    for (int i = 0; i < 2; i++) spinners.add(Thread.ofPlatform().start(() -> { long n = 0; while (true) n++; }));\n'
                               '    System.out.println("spinning");\n    for (var t : spinners) t.join();\n}')
    assert kernel.wait_for_stream(msg_id, "spinning")
    kernel.km.interrupt_kernel()
    r = kernel.collect(msg_id, timeout=20)
    assert r.status == "error" and r.reply["ename"] == "Interrupted"
    assert kernel.execute("kept + 1").value == "2", "the engine should have survived"
    assert engine_cpu_over_a_second(kernel) < 0.5


def test_interrupt_reaches_virtual_threads_blocked_in_sleep(kernel):
    msg_id = kernel.kc.execute('var sleepers = new ArrayList<Thread>();\n{\n'
                               '    for (int i = 0; i < 100; i++) sleepers.add(Thread.ofVirtual().start(() -> {\n'
                               '        try { Thread.sleep(Duration.ofMinutes(10)); } catch (InterruptedException e) { }\n    }));\n'
                               '    System.out.println("sleeping");\n    for (var t : sleepers) t.join();\n}')
    assert kernel.wait_for_stream(msg_id, "sleeping")
    kernel.km.interrupt_kernel()
    r = kernel.collect(msg_id, timeout=20)
    assert r.reply["ename"] == "Interrupted"
    assert kernel.execute("sleepers.stream().filter(Thread::isAlive).count()").value == "0"


def test_interrupt_of_a_semaphore_acquire(kernel):
    kernel.execute("var none = new Semaphore(0);")
    # one snippet (a block): the interrupt must find the cell in acquire, not between two snippets
    msg_id = kernel.kc.execute('{\n    System.out.println("acquiring");\n    none.acquire();\n}')
    assert kernel.wait_for_stream(msg_id, "acquiring")
    t = time.monotonic()
    kernel.km.interrupt_kernel()
    r = kernel.collect(msg_id, timeout=20)
    assert r.reply["ename"] == "Interrupted" and "InterruptedException" in plain(r.error_text())
    assert time.monotonic() - t < 10
    assert kernel.execute("none.availablePermits()").value == "0", "the engine should have survived"


def test_interrupt_of_a_reentrant_lock_deadlock_restarts_the_engine(kernel):
    code = """
var a = new ReentrantLock(); var b = new ReentrantLock();
var gate = new CountDownLatch(1);
{
    a.lock();
    Thread.ofPlatform().start(() -> { b.lock(); gate.countDown(); a.lock(); });
    gate.await();
    System.out.println("deadlocking");
    b.lock();
}
"""
    msg_id = kernel.kc.execute(code)
    assert kernel.wait_for_stream(msg_id, "deadlocking")
    t = time.monotonic()
    kernel.km.interrupt_kernel()
    r = kernel.collect(msg_id, timeout=30)
    assert time.monotonic() - t < 10
    assert r.reply["ename"] == "EngineRestarted"
    assert "did not stop within 3 s" in plain(r.error_text())
    assert kernel.execute('"alive"').value == '"alive"'


def test_queued_tasks_of_an_interrupted_cell_never_run(kernel, tmp_path):
    marker = tmp_path / "ran"
    msg_id = kernel.kc.execute(f'var single = Executors.newSingleThreadExecutor();\n'
                               f'var blocker = new CountDownLatch(1);\n'
                               f'single.execute(() -> {{ try {{ blocker.await(); }} catch (InterruptedException e) {{ }} }});\n'
                               f'for (int i = 0; i < 5; i++) single.execute(() -> {{\n'
                               f'    try {{ Files.writeString(Path.of("{marker}"), "ran"); }} catch (IOException e) {{ }}\n}});\n'
                               f'{{\n    System.out.println("queued");\n    blocker.await();\n}}')
    assert kernel.wait_for_stream(msg_id, "queued")
    kernel.km.interrupt_kernel()
    kernel.collect(msg_id, timeout=20)
    r = kernel.execute("single.close();\nsingle.isTerminated()")
    assert r.value == "true"
    assert not marker.exists(), "a queued task of the interrupted cell ran"


def test_threads_of_earlier_cells_are_left_alone_until_threads_stop(kernel):
    kernel.execute('var worker = Thread.ofPlatform().name("long-runner").start(() -> {\n'
                   '    try { Thread.sleep(Duration.ofMinutes(10)); } catch (InterruptedException e) { System.out.println("stopped"); }\n});')
    msg_id = kernel.kc.execute('{\n    System.out.println("busy");\n    while (true) Thread.sleep(10);\n}')
    assert kernel.wait_for_stream(msg_id, "busy")
    kernel.km.interrupt_kernel()
    kernel.collect(msg_id, timeout=20)
    assert kernel.execute("worker.isAlive()").value == "true"
    r = kernel.execute("%threads stop")
    assert "has ended" in r.stdout, r.stdout
    assert kernel.execute("worker.isAlive()").value == "false"


def test_an_interrupt_while_compiling_or_between_snippets_aborts_the_cell(kernel):
    msg_id = kernel.kc.execute('System.out.println("first snippet");\nThread.sleep(2000);\n'
                               'System.out.println("must not run");')
    assert kernel.wait_for_stream(msg_id, "first snippet")
    kernel.km.interrupt_kernel()
    r = kernel.collect(msg_id, timeout=20)
    assert r.reply["ename"] == "Interrupted" and "must not run" not in r.stdout


# ---------------------------------------------------------------- crashes

def test_exit_from_a_background_thread_names_the_thread(kernel):
    r = kernel.execute('Thread.ofPlatform().name("quitter").start(() -> System.exit(7)).join();', timeout=60)
    assert r.reply["ename"] == "EngineRestarted"
    text = plain(r.error_text())
    assert "System.exit(7)" in text and "quitter" in text, text
    assert kernel.execute("1 + 1").value == "2"


def test_an_engine_that_ends_between_cells_is_explained_in_the_next_cell(kernel, tmp_path):
    go = tmp_path / "go"
    pid = int(kernel.execute(f'Thread.ofPlatform().name("late-quitter").start(() -> {{\n'
                             f'    try {{ while (!Files.exists(Path.of("{go}"))) Thread.sleep(10); }}\n'
                             f'    catch (InterruptedException e) {{ return; }}\n'
                             f'    System.exit(9);\n}});\nProcessHandle.current().pid()').value)
    go.write_text("now")
    assert procs.wait_gone(pid, 30), "the engine did not end"
    r = kernel.execute("1 + 1")
    assert r.value == "2"
    assert "System.exit(9)" in r.stderr and "late-quitter" in r.stderr, r.stderr
    assert "after its cell had finished" in r.stderr and "run the cells you need again" in r.stderr, r.stderr
    assert "after its cell" not in kernel.execute("2 + 2").stderr, "said once"


def test_halt_is_explained_too(kernel):
    r = kernel.execute("Runtime.getRuntime().halt(5);", timeout=60)
    assert r.reply["ename"] == "EngineRestarted" and "5" in r.reply["evalue"]
    assert kernel.execute("2 + 2").value == "4"


def test_out_of_memory_restarts_the_engine_and_says_why(kernel):
    kernel.execute("int lostToMemory = 1;")
    r = kernel.execute("var hog = new ArrayList<long[]>();\nwhile (true) hog.add(new long[1 << 24]);", timeout=120)
    assert r.reply["ename"] == "EngineRestarted"
    text = plain(r.error_text())
    assert "ran out of memory" in text and "-Xmx" in text, text
    assert "cannot find symbol" in kernel.execute("lostToMemory").error_text()


def test_out_of_memory_in_a_thread_between_cells_restarts_the_engine(kernel, tmp_path):
    """The kernel learns of it on conclab-events while no cell runs: it kills the engine and starts the next
    one there, and leaves the old session's JShell for the shell thread to close (Sessions.retired)."""
    go = tmp_path / "go"
    kernel.execute("int lostToMemory = 1;")
    pid = int(kernel.execute(f'Thread.ofPlatform().name("late-hog").start(() -> {{\n'
                             f'    try {{ while (!Files.exists(Path.of("{go}"))) Thread.sleep(10); }}\n'
                             f'    catch (InterruptedException e) {{ return; }}\n'
                             f'    var hog = new ArrayList<long[]>();\n'
                             f'    while (true) hog.add(new long[1 << 24]);\n}});\n'
                             f'ProcessHandle.current().pid()').value)
    go.write_text("now")
    assert procs.wait_gone(pid, 120), "the engine was not restarted"
    assert kernel.execute("1 + 1").value == "2"
    assert "cannot find symbol" in kernel.execute("lostToMemory").error_text()
    assert kernel.execute("2 + 2").value == "4"


def test_stack_overflow_is_an_exception_and_the_state_survives(kernel):
    kernel.execute("int survivor = 3;\nint depth(int n) { return depth(n + 1) + 1; }")
    r = kernel.execute("depth(0)")
    assert r.reply["ename"] == "StackOverflowError"
    assert kernel.execute("survivor").value == "3"


def test_a_flood_from_many_threads_is_cut_and_the_cell_finishes(kernel):
    r = kernel.execute("var ts = new ArrayList<Thread>();\n"
                       "for (int t = 0; t < 4; t++) ts.add(Thread.ofPlatform().start(() -> { for (int i = 0; i < 50_000; i++) System.out.println(i); }));\n"
                       "for (var t : ts) t.join();", timeout=120)
    assert r.status == "ok"
    assert len(r.stdout.splitlines()) <= 20_000
    assert "more lines" in r.stderr and "were not shown" in r.stderr


# ---------------------------------------------------------------- tools

def test_threads_lists_the_learners_threads_only(kernel):
    kernel.execute("List.of(1, 2, 3, 4).parallelStream().map(x -> x * 2).toList();\n"
                   "Thread.ofVirtual().start(() -> { }).join();")
    kernel.execute('var napper = Thread.ofPlatform().name("napper").start(() -> {\n'
                   '    try { Thread.sleep(Duration.ofMinutes(10)); } catch (InterruptedException e) { }\n});\n'
                   'var parked = Thread.ofVirtual().name("parked").start(() -> new Semaphore(0).acquireUninterruptibly());')
    r = kernel.execute("%threads")
    table = r.displays[0]["content"]["data"]["text/plain"]
    assert "napper" in table and "platform" in table and "sleep" in table, table
    assert "parked" in table and "virtual" in table and "Semaphore" in table, table
    assert re.search(r"napper.*cell \[\d+\], line 2", table), table
    for internal in ("commonPool", "CarrierThread", "ForkJoinPool-1-worker", "Reference Handler", "conclab-"):
        assert internal not in table, table
    assert "<table>" in r.displays[0]["content"]["data"]["text/html"]


def test_the_jdks_own_io_pollers_are_not_the_learners_threads(kernel):
    """A virtual thread's first socket wait makes the JDK start its I/O pollers (virtual threads named
    SubPoller-N, through a thread-per-task executor): they are the JDK's, not the cell's."""
    r = kernel.execute('var server = new java.net.ServerSocket(0);\n'
                       'var acceptor = Thread.ofVirtual().name("acceptor").start(() -> {\n'
                       '    try { server.accept(); } catch (java.io.IOException e) { }\n});\n'
                       'while (acceptor.getState() != Thread.State.WAITING) Thread.onSpinWait();')
    assert "acceptor" in r.stderr and "SubPoller" not in r.stderr, r.stderr
    table = kernel.execute("%threads").displays[0]["content"]["data"]["text/plain"]
    assert "acceptor" in table and "SubPoller" not in table and "Poller" not in table, table
    r = kernel.execute("%threads stop")
    assert r.status == "ok", r.error_text()
    assert kernel.execute('"the engine kept its variables: " + (server != null)').value.endswith('true"')


def test_an_asynchronous_channel_groups_threads_are_the_jdks(kernel):
    """The first AsynchronousSocketChannel makes the JDK start its default group's event loops, as tasks on
    the group's pool, while the cell runs: they are the JDK's. A completion handler's output, printed on
    one of them, shows under the running cell."""
    r = kernel.execute(
        'var server = java.nio.channels.AsynchronousServerSocketChannel.open().bind(null);\n'
        'var accepted = new CountDownLatch(1);\n'
        'server.accept(null, new java.nio.channels.CompletionHandler<java.nio.channels.AsynchronousSocketChannel, Void>() {\n'
        '    public void completed(java.nio.channels.AsynchronousSocketChannel c, Void a) {\n'
        '        System.out.println("accepted on a thread of the JDK");\n'
        '        accepted.countDown();\n'
        '    }\n'
        '    public void failed(Throwable e, Void a) { }\n'
        '});\n'
        'var client = java.nio.channels.AsynchronousSocketChannel.open();\n'
        'client.connect(server.getLocalAddress()).get(10, TimeUnit.SECONDS);\n'
        'accepted.await(10, TimeUnit.SECONDS);')
    assert r.status == "ok", r.error_text()
    assert "accepted on a thread of the JDK" in r.stdout, r.stdout
    assert "still running" not in r.stderr, r.stderr
    threads = kernel.execute("%threads")
    text = threads.stdout + "".join(d["content"]["data"]["text/plain"] for d in threads.displays)
    assert "Innocuous" not in text, text
    kernel.execute("client.close(); server.close();")


def test_the_process_reaper_is_the_jdks(kernel):
    """Starting a child process makes the JDK wait for its exit on a "process reaper" thread, as a task of
    its own pool: the JDK's, not the cell's, even while the child runs."""
    r = kernel.execute('var child = new ProcessBuilder("sleep", "30").start();\n'
                       'child.isAlive()')
    assert r.status == "ok", r.error_text()
    assert r.value == "true" and "still running" not in r.stderr, r.stderr
    threads = kernel.execute("%threads")
    text = threads.stdout + "".join(d["content"]["data"]["text/plain"] for d in threads.displays)
    assert "reaper" not in text, text
    kernel.execute("child.destroyForcibly();")


def test_deadlocks_shows_the_cycle(kernel):
    code = """
Object left = new Object(), right = new Object();
var both = new CyclicBarrier(2);
Runnable leftFirst = () -> { synchronized (left) { await(both); synchronized (right) { } } };
Runnable rightFirst = () -> { synchronized (right) { await(both); synchronized (left) { } } };
void await(CyclicBarrier b) { try { b.await(); } catch (Exception e) { throw new RuntimeException(e); } }
Thread.ofPlatform().name("alice").start(leftFirst);
Thread.ofPlatform().name("bob").start(rightFirst);
"""
    kernel.execute("void await(CyclicBarrier b) { try { b.await(); } catch (Exception e) { throw new RuntimeException(e); } }")
    kernel.execute(code.replace("void await(CyclicBarrier b) { try { b.await(); } catch (Exception e) { throw new RuntimeException(e); } }\n", ""))
    deadline = time.monotonic() + 30
    while True:
        r = kernel.execute("%deadlocks")
        if "Deadlock" in r.stdout or time.monotonic() > deadline:
            break
    text = r.stdout
    assert "Deadlock: 2 threads" in text, text
    assert re.search(r"alice \(cell \[\d+\]\) waits for Object@\w+, held by bob", text), text
    assert re.search(r"bob \(cell \[\d+\]\) waits for Object@\w+, held by alice", text), text
    assert "lambda (cell [" in text
    assert "blocked on synchronized cannot be interrupted" in text, text


def test_no_deadlock_says_so(shared):
    assert "No deadlock" in shared.execute("%deadlocks").stdout
