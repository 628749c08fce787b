import conclab.coro.Generator;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the cobroadcast exercise: the learner may read them. The sinks at the ends of the pipelines are
 * coroutines made by the test that record what reaches them (each line, each exception thrown in, their close, the
 * thread); the test is the caller, sending lines to the head of the pipeline on its own thread. Every run is the same.
 */
class CobroadcastTest {
    /** A sink: a started coroutine that records in a shared log what reaches it. */
    static final class Sink {
        final String name;
        final List<String> log;
        /** Whether it catches a RuntimeException thrown in (and goes on), or lets it through (and ends). */
        final boolean catches;
        /** A line on which it fails: sent it, the sink throws an IllegalStateException (and ends); null for none. */
        final String poison;
        final AtomicInteger closes = new AtomicInteger();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final Generator<Object, String, Object> gen;

        /** Throws {@code t}, checked or not, where the compiler allows only unchecked exceptions. */
        @SuppressWarnings("unchecked")
        static <E extends Throwable> E sneaky(Throwable t) throws E {
            throw (E) t;
        }

        Sink(String name, List<String> log, boolean catches, String poison) {
            this.name = name;
            this.log = log;
            this.catches = catches;
            this.poison = poison;
            this.gen = Generator.of(y -> {
                try {
                    while (true) {
                        String line;
                        try {
                            line = y.yield(null);
                        } catch (RuntimeException e) {
                            threads.add(Thread.currentThread());
                            if (!catches) throw e;
                            log.add(name + " caught " + e.getMessage());
                            continue;
                        } catch (Exception e) { // a checked one: yield declares none, but throwIn can throw one in
                            threads.add(Thread.currentThread());
                            if (!catches) throw Sink.<RuntimeException>sneaky(e);
                            log.add(name + " caught " + e.getMessage());
                            continue;
                        }
                        threads.add(Thread.currentThread());
                        if (poison != null && poison.equals(line)) {
                            log.add(name + " failed on " + line);
                            throw new IllegalStateException("the sink " + name + " failed on \"" + line + "\"");
                        }
                        log.add(name + " got " + line);
                    }
                } finally {
                    threads.add(Thread.currentThread());
                    closes.incrementAndGet();
                    log.add(name + " closed");
                }
            });
            gen.next();
        }

        Sink(String name, List<String> log, boolean catches) {
            this(name, log, catches, null);
        }

        Sink(String name, List<String> log) {
            this(name, log, true, null);
        }

        /** What this sink recorded, in order, without its name. */
        List<String> seen() {
            List<String> mine = new ArrayList<>();
            for (String entry : log) if (entry.startsWith(name + " ")) mine.add(entry.substring(name.length() + 1));
            return mine;
        }
    }

    /** Sends {@code line} to {@code head}, saying clearly what went wrong if it throws. */
    static void send(Generator<Object, String, Object> head, String line, String what) {
        try {
            head.send(line);
        } catch (Throwable t) {
            if (Evidence.notDone(t)) throw new UnsupportedOperationException(Evidence.NOT_DONE, t);
            if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("just-started")) {
                throw new AssertionError(what + ": sending \"" + line + "\" threw " + t + ". The stage was returned without"
                        + " being started: run it to its first yield (next()) before returning it, as Beazley's"
                        + " @coroutine decorator primes a coroutine.", t);
            }
            throw new AssertionError(what + ": sending \"" + line + "\" threw " + Evidence.thrown(t), t);
        }
    }

    static Generator<Object, String, Object> notNull(Generator<Object, String, Object> g, String call) {
        if (g == null) throw new AssertionError(call + " returned null instead of a coroutine.");
        return g;
    }

    static void expect(Object want, Object got, String what) {
        if (!want.equals(got)) throw new AssertionError(what + ": expected " + want + ", got " + got + ".");
    }

    @Test
    @Property("primed")
    void primed() {
        List<String> log = new CopyOnWriteArrayList<>();
        Sink a = new Sink("a", log), b = new Sink("b", log);
        Generator<Object, String, Object> grep = notNull(Sinks.grep("x", a.gen), "grep");
        send(grep, "x1", "grep(\"x\", a), just made");
        expect(List.of("got x1"), a.seen(), "grep(\"x\", a), just made, was sent \"x1\": what reached a");
        Generator<Object, String, Object> broadcast = notNull(Sinks.broadcast(List.of(b.gen)), "broadcast");
        send(broadcast, "y1", "broadcast(b), just made");
        expect(List.of("got y1"), b.seen(), "broadcast(b), just made, was sent \"y1\": what reached b");
    }

    @Test
    @Property("delivers")
    void delivers() {
        List<String> log = new CopyOnWriteArrayList<>();
        Sink a = new Sink("a", log), b = new Sink("b", log), c = new Sink("c", log);
        Generator<Object, String, Object> head = notNull(Sinks.broadcast(List.of(
                notNull(Sinks.grep("python", a.gen), "grep"), Sinks.grep("java", b.gen), c.gen)), "broadcast");
        String tree = "broadcast(grep(\"python\", a), grep(\"java\", b), c)";
        List<String> lines = List.of("python 3.13", "java 25", "go 1.22", "java and python");
        List<String> sent = new ArrayList<>();
        for (String line : lines) {
            int before = log.size();
            send(head, line, tree);
            if (line.equals("java and python")) {
                expect(List.of("a got java and python", "b got java and python", "c got java and python"),
                        log.subList(before, log.size()), tree + " was sent \"java and python\": the order in which the sinks"
                        + " got it (a broadcast sends a line to its targets in the order of the list)");
            }
            sent.add(line);
            String when = tree + " was sent " + sent + " (checked after each line)";
            expect(sent.stream().filter(l -> l.contains("python")).map(l -> "got " + l).toList(), a.seen(), when + ": what reached a");
            expect(sent.stream().filter(l -> l.contains("java")).map(l -> "got " + l).toList(), b.seen(), when + ": what reached b");
            expect(sent.stream().map(l -> "got " + l).toList(), c.seen(), when + ": what reached c");
        }

        Sink d = new Sink("d", log), e = new Sink("e", log);
        Generator<Object, String, Object> head2 = Sinks.grep("ERROR", Sinks.broadcast(List.of(d.gen, Sinks.grep("disk", e.gen))));
        for (String line : List.of("ERROR disk full", "INFO disk ok", "ERROR no route")) send(head2, line, "grep(\"ERROR\", broadcast(d, grep(\"disk\", e)))");
        expect(List.of("got ERROR disk full", "got ERROR no route"), d.seen(),
                "grep(\"ERROR\", broadcast(d, grep(\"disk\", e))) was sent [ERROR disk full, INFO disk ok, ERROR no route]: what reached d");
        expect(List.of("got ERROR disk full"), e.seen(), "... what reached e");
    }

    @Test
    @Property("closes")
    void closes() {
        List<String> log = new CopyOnWriteArrayList<>();
        Sink a = new Sink("a", log), b = new Sink("b", log), c = new Sink("c", log);
        Generator<Object, String, Object> ga = notNull(Sinks.grep("python", a.gen), "grep");
        Generator<Object, String, Object> gb = Sinks.grep("java", b.gen);
        Generator<Object, String, Object> head = notNull(Sinks.broadcast(List.of(ga, gb, c.gen)), "broadcast");
        send(head, "python 3.13", "broadcast(grep(\"python\", a), grep(\"java\", b), c)");
        head.close();
        String when = "When broadcast(grep(\"python\", a), grep(\"java\", b), c) was closed";
        for (Sink s : List.of(a, b, c)) {
            if (s.closes.get() != 1) {
                throw new AssertionError(when + ", the sink " + s.name + " was closed " + s.closes.get() + " times (its finally"
                        + " ran that often), not once: closing a stage must close its targets (a finally around the loop).");
            }
        }
        expectClosed("broadcast", head, when);
        expectClosed("grep(\"python\", a)", ga, when);
        expectClosed("grep(\"java\", b)", gb, when);
        Sink d = new Sink("d", log);
        Generator<Object, String, Object> gd = Sinks.grep("x", d.gen);
        gd.close();
        expect(1, d.closes.get(), "grep(\"x\", d) closed before any line: times d was closed");
    }

    static void expectClosed(String name, Generator<?, ?, ?> stage, String when) {
        if (stage.state() != Generator.State.CLOSED) throw new AssertionError(when + ", the stage " + name + " was left " + stage.state() + ".");
    }

    @Test
    @Property("one-thread")
    void oneThread() {
        List<String> log = new CopyOnWriteArrayList<>();
        Sink a = new Sink("a", log), b = new Sink("b", log);
        Generator<Object, String, Object> head = Sinks.broadcast(List.of(Sinks.grep("x", a.gen), b.gen));
        send(head, "x1", "broadcast(grep(\"x\", a), b)");
        send(head, "y1", "broadcast(grep(\"x\", a), b)");
        head.close();
        Set<Thread> others = ConcurrentHashMap.newKeySet();
        others.addAll(a.threads);
        others.addAll(b.threads);
        others.remove(Thread.currentThread());
        if (!others.isEmpty()) {
            throw new AssertionError("The sinks were sent lines or closed on " + others.stream().map(Thread::toString).toList()
                    + ", not only on the caller's thread " + Thread.currentThread() + ": a coroutine pipeline runs on the"
                    + " thread that sends to it (Generator.of, not Generator.onThread).");
        }
    }
}
