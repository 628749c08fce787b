package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import conclab.kernel.engine.EngineWire;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real session: JShell in this JVM, an engine JVM started from the reactor's class folders. Events the
 * engine reports are recorded as "CELL KIND TEXT" strings.
 */
class SessionTest {
    static final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    static final AtomicLong cells = new AtomicLong(100);
    static Session session;

    static final EngineProcess.Listener LISTENER = new EngineProcess.Listener() {
        public void output(long cell, byte stream, String text) {
            events.add(cell + (stream == EngineWire.STDERR ? " err " : " out ") + text);
        }

        public void display(long cell, String id, boolean update, Map<String, String> bundle) {
            events.add(cell + (update ? " update " : " display ") + bundle);
        }

        public void clearOutput(long cell, boolean wait) {
            events.add(cell + " clear " + wait);
        }

        public void inputRequest(long cell, int request) {
            events.add(cell + " input " + request);
        }

        @Override
        public void magicRequest(long cell, int request, String line) {
            events.add(cell + " magic " + line);
        }

        public void threadError(long cell, String thread, List<EngineWire.Failure> chain) {
            events.add(cell + " died " + thread + " " + chain.getFirst().className() + ": " + chain.getFirst().message());
        }

        public void processOutput(byte stream, String text) {
            events.add("process " + text);
        }
    };

    @BeforeAll
    static void start() throws Exception {
        session = Session.start(Options.from(Map.of()), LISTENER, () -> true);
    }

    @AfterAll
    static void stop() {
        if (session != null) session.close();
    }

    @BeforeEach
    void clear() {
        events.clear();
    }

    static long cell() {
        return cells.incrementAndGet();
    }

    static Session.Result eval(long cell, String code) {
        return session.eval(code, cell, (int) cell, 1, () -> false);
    }

    /** Waits (up to 30 s) for an event that matches; returns it. */
    static String await(Predicate<String> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e == null) continue;
            seen.add(e);
            if (match.test(e)) return e;
        }
        throw new AssertionError("no matching event; saw " + seen);
    }

    /**
     * A plug-in's startup code that is only imports is compiled before the engine is there (it needs none); one that
     * cannot be compiled is a startup problem, as before; other startup code runs once the engine is connected.
     */
    @Test
    void aPluginsImportsAreCompiledAndItsOtherStartupCodeRuns() throws Exception {
        Options options = Options.from(Map.of()).withPlugins(List.of(), List.of(
                "import java.util.concurrent.atomic.LongAdder;\nimport static java.lang.Math.floorMod;",
                "import no.such.Thing;",
                "int startedBy = floorMod(-1, 7);"));
        Session s = Session.start(options, LISTENER, () -> true);
        try {
            assertEquals("6", s.eval("new LongAdder().sum() + startedBy", 1, 1, 1, () -> false).value().get("text/plain"));
            assertEquals(1, s.startupProblems.size(), s.startupProblems.toString());
            assertTrue(s.startupProblems.getFirst().contains("import no.such.Thing"), s.startupProblems.toString());
        } finally {
            s.close();
        }
    }

    @Test
    void valuesAndState() {
        long c = cell();
        assertNull(eval(c, "int base = 40;").value());
        assertEquals(Map.of("text/plain", "42"), eval(c, "base + 2").value());
        assertNull(eval(c, "base + 2;").value());
        assertEquals(Map.of("text/plain", "\"s\""), eval(c, "int unused = 0;\n\"s\"").value());
    }

    @Test
    void outputCarriesItsCellAndArrivesBeforeEvalReturns() {
        long c = cell();
        eval(c, "System.out.println(\"one\"); System.err.print(\"two\");");
        List<String> got = new ArrayList<>(events);
        assertEquals(List.of(c + " out one\n", c + " err two"), got);
    }

    @Test
    void aThreadOfAnEarlierCellWritesToThatCellWhileAnotherRuns() throws Exception {
        long first = cell(), second = cell();
        eval(first, "var gate = new CountDownLatch(1);\n"
                + "Thread.ofPlatform().start(() -> { try { gate.await(); } catch (InterruptedException e) { }"
                + " System.out.println(\"late line\"); });");
        eval(second, "gate.countDown(); System.out.println(\"second cell\");");
        String late = await(e -> e.endsWith("late line\n"));
        assertEquals(first + " out late line\n", late);
    }

    @Test
    void virtualThreadsAndDisplaysOfWorkersAreRoutedToo() throws Exception {
        long c = cell();
        eval(c, "Thread.ofVirtual().start(() -> display(\"<i>v</i>\", \"text/html\")).join();");
        assertEquals(c + " display {text/html=<i>v</i>}", await(e -> e.contains("display")));
    }

    @Test
    void aWorkerThatDiesIsReportedWithItsNameAndCell() throws Exception {
        long c = cell();
        eval(c, "var t = new Thread(() -> { throw new IllegalArgumentException(\"worker failed\"); }, \"worker-7\");\n"
                + "t.start(); t.join();");
        assertEquals(c + " died worker-7 java.lang.IllegalArgumentException: worker failed",
                await(e -> e.contains(" died ")));
    }

    @Test
    void anInterruptStopsABusyLoopAndTheStateSurvives() throws Exception {
        long setup = cell(), loop = cell();
        eval(setup, "int kept = 5;");
        var result = new java.util.concurrent.atomic.AtomicReference<Session.Result>();
        Thread runner = Thread.ofPlatform().start(() ->
                result.set(session.eval("System.out.println(\"looping\");\nwhile (true) { }", loop, 1, 1, () -> false)));
        await(e -> e.equals(loop + " out looping\n"));
        session.interrupt(loop);
        runner.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(runner.isAlive(), "the busy loop was not stopped");
        assertNull(result.get().error(), "a stop is not an error of the code");
        assertEquals(Map.of("text/plain", "6"), eval(cell(), "kept + 1").value());
        assertTrue(session.isAlive());
    }

    @Test
    void statsCountTheWholeEngine() {
        var before = session.stats(true);
        // Spin until this thread has used 200 ms of CPU (not of wall time: the machine may be busy).
        eval(cell(), "var bean = java.lang.management.ManagementFactory.getThreadMXBean();\n"
                + "long start = bean.getCurrentThreadCpuTime();\n"
                + "while (bean.getCurrentThreadCpuTime() - start < 200_000_000L) { }");
        var after = session.stats(false);
        long cpu = after.processCpuNanos() - before.processCpuNanos();
        assertTrue(cpu >= 200_000_000L, "cpu " + cpu);
        assertTrue(after.liveThreads() > 3 && after.peakThreads() >= after.liveThreads());
    }

    @Test
    void aTaskBelongsToTheCellThatSubmittedItEvenOnAnEarlierCellsPool() throws Exception {
        long created = cell(), submitted = cell();
        eval(created, "var shared = Executors.newSingleThreadExecutor();\nshared.submit(() -> 0).get();");
        events.clear();
        eval(submitted, "shared.submit(() -> System.out.println(\"on the pool\")).get();");
        assertEquals(submitted + " out on the pool\n", await(e -> e.endsWith("on the pool\n")));
        eval(cell(), "shared.close();");
    }

    @Test
    void threadsAreListedWithTheirCellAndStopAllEndsThem() throws Exception {
        long c = cell();
        eval(c, "var sleeper = Thread.ofPlatform().name(\"listed-sleeper\").start(() -> {\n"
                + "    try { Thread.sleep(Duration.ofMinutes(5)); } catch (InterruptedException e) { }\n});");
        var row = session.threads().stream().filter(r -> r.name().equals("listed-sleeper")).findFirst().orElseThrow();
        assertEquals(c, row.cell());
        assertFalse(row.virtual());
        assertEquals("timed waiting", row.state());
        assertEquals("sleep", row.waitingFor());
        assertTrue(row.stack().length > 0, "the raw stack comes along");
        assertEquals(List.of(), session.stopAll(-1));
        assertTrue(session.threads().stream().noneMatch(r -> r.name().equals("listed-sleeper")));
    }
}
