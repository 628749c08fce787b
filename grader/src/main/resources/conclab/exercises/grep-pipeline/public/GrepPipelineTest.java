import conclab.coro.Generator;
import conclab.coro.StopIteration;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Property;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the grep-pipeline exercise: the learner may read them. The sources are fakes that record what was
 * done to them (opened, each line read, closed, and by which thread), and the test is the consumer: it asks the
 * pipeline for lines with next(), one at a time, on its own thread. Every run is the same.
 */
class GrepPipelineTest {
    /** What a pipeline may read of an endless source before the test calls it reading ahead. */
    static final int ENDLESS_LIMIT = 10_000;

    /** A fake LineSource: a list of lines or an endless supply, that records what is done to it in a shared log. */
    static final class Source implements LineSource {
        final String name;
        /** The lines, or null for an endless source ("name:1", "name:2", ...). */
        private final List<String> lines;
        /** The read (1 = the first) that throws {@link #failure}; 0: none does. */
        private final int failAt;
        final IOException failure;
        /** Where every source of a test records "open NAME", "close NAME". */
        final List<String> log;
        final AtomicInteger opened = new AtomicInteger(), reads = new AtomicInteger(), closes = new AtomicInteger();
        /** The threads that opened, read or closed it. */
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        Source(String name, List<String> lines, int failAt, List<String> log) {
            this.name = name;
            this.lines = lines;
            this.failAt = failAt;
            this.failure = failAt > 0 ? new IOException(name + ": disk gone at line " + failAt) : null;
            this.log = log;
        }

        static Source of(String name, List<String> log, String... lines) {
            return new Source(name, List.of(lines), 0, log);
        }

        static Source endless(String name, List<String> log) {
            return new Source(name, null, 0, log);
        }

        /** What the pipeline gets to open this source. */
        Supplier<LineSource> opener() {
            return () -> {
                threads.add(Thread.currentThread());
                opened.incrementAndGet();
                log.add("open " + name);
                return this;
            };
        }

        @Override
        public String readLine() throws IOException {
            threads.add(Thread.currentThread());
            if (closes.get() > 0) throw new AssertionError("The pipeline read " + name + " after closing it.");
            int n = reads.incrementAndGet();
            if (n == failAt) throw failure;
            if (lines == null) {
                if (n > ENDLESS_LIMIT) {
                    throw new AssertionError("The pipeline read " + ENDLESS_LIMIT + " lines of the endless source " + name
                            + " while the consumer had asked for a few: it reads ahead (all the lines into a list?) instead"
                            + " of one line each time a line is asked for.");
                }
                return name + ":" + n;
            }
            return n <= lines.size() ? lines.get(n - 1) : null;
        }

        @Override
        public void close() {
            threads.add(Thread.currentThread());
            closes.incrementAndGet();
            log.add("close " + name);
        }

        boolean closed() {
            return closes.get() > 0;
        }
    }

    /** The next value of {@code g}, or null when it has ended (StopIteration). */
    static String next(Generator<String, ?, ?> g) {
        try {
            return g.next();
        } catch (StopIteration end) {
            return null;
        }
    }

    /** Every value of {@code g} until it ends; fails if it gives more than {@code max}. */
    static List<String> drain(Generator<String, ?, ?> g, int max, String what) {
        List<String> got = new ArrayList<>();
        for (String v = next(g); v != null; v = next(g)) {
            got.add(v);
            if (got.size() > max) throw new AssertionError(what + " gave more than " + max + " lines: " + got.subList(0, 5) + " ...");
        }
        return got;
    }

    static void expect(Object want, Object got, String what) {
        if (!want.equals(got)) throw new AssertionError(what + ": expected " + want + ", got " + got + ".");
    }

    static Generator<String, Object, Object> notNull(Generator<String, Object, Object> g, String call) {
        if (g == null) throw new AssertionError(call + " returned null instead of a generator.");
        return g;
    }

    static final List<String> LOG_LINES = List.of("INFO start", "ERROR disk", "INFO retry", "ERROR net", "INFO done", "ERROR again");

    @Test
    @Property("results")
    void results() {
        List<String> log = new CopyOnWriteArrayList<>();
        Source abc = Source.of("abc", log, "a", "b", "c");
        expect(List.of("a", "b", "c"), drain(notNull(Pipeline.lines(abc.opener()), "lines"), 10, "lines(abc)"),
                "the lines of a source [a, b, c]");
        Source blank = Source.of("blank", log, "a", "", "b"); // an empty line is a line: only null ends the source
        expect(List.of("a", "", "b"), drain(notNull(Pipeline.lines(blank.opener()), "lines"), 10, "lines(blank)"),
                "the lines of a source [a, \"\", b] (an empty line is a line; the source ends when readLine returns null)");

        Source s1 = Source.of("s1", log, "x1", "x2"), s2 = Source.of("s2", log), s3 = Source.of("s3", log, "y1");
        expect(List.of("x1", "x2", "y1"),
                drain(notNull(Pipeline.cat(List.of(s1.opener(), s2.opener(), s3.opener())), "cat"), 10, "cat"),
                "cat of [x1, x2], [] and [y1]");

        Source logs = Source.of("log", log, LOG_LINES.toArray(String[]::new));
        expect(List.of("ERROR disk", "ERROR net", "ERROR again"),
                drain(notNull(Pipeline.grep("ERROR", Pipeline.lines(logs.opener())), "grep"), 10, "grep"),
                "grep(\"ERROR\") over " + LOG_LINES);

        Source five = Source.of("five", log, "1", "2", "3", "4", "5");
        expect(List.of("1", "2"), drain(notNull(Pipeline.head(2, Pipeline.lines(five.opener())), "head"), 10, "head"),
                "head(2) of [1, 2, 3, 4, 5]");
        Source two = Source.of("two", log, "1", "2");
        expect(List.of("1", "2"), drain(Pipeline.head(5, Pipeline.lines(two.opener())), 10, "head"), "head(5) of [1, 2]");
        Source zero = Source.of("zero", log, "1", "2");
        expect(List.of(), drain(Pipeline.head(0, Pipeline.lines(zero.opener())), 10, "head"), "head(0) of [1, 2]");

        Source a = Source.of("a", log, "INFO a", "ERROR a1"), b = Source.of("b", log, "ERROR b1", "ERROR b2", "INFO b");
        expect(List.of("ERROR a1", "ERROR b1"),
                drain(Pipeline.head(2, Pipeline.grep("ERROR", Pipeline.cat(List.of(a.opener(), b.opener())))), 10, "head"),
                "head(2, grep(\"ERROR\", cat(a, b))) with a = [INFO a, ERROR a1], b = [ERROR b1, ERROR b2, INFO b]");
    }

    @Test
    @Property("lazy")
    void lazy() {
        List<String> log = new CopyOnWriteArrayList<>();
        Source abc = Source.of("abc", log, "a", "b", "c");
        Generator<String, Object, Object> lines = notNull(Pipeline.lines(abc.opener()), "lines");
        expect(0, abc.opened.get(), "lines(...) made but not asked for a line yet: times the source was opened");
        for (int k = 1; k <= 3; k++) {
            next(lines);
            expect(k, abc.reads.get(), "lines(abc) asked for " + k + " line(s): lines read from the source");
        }

        Source logs = Source.of("log", log, LOG_LINES.toArray(String[]::new));
        Generator<String, Object, Object> grep = notNull(Pipeline.grep("ERROR", Pipeline.lines(logs.opener())), "grep");
        next(grep);
        expect(2, logs.reads.get(), "grep(\"ERROR\") over " + LOG_LINES + " asked for its first line: lines read");
        next(grep);
        expect(4, logs.reads.get(), "... asked for its second line: lines read");

        Source s1 = Source.of("s1", log, "x1", "x2"), s2 = Source.of("s2", log, "y1", "y2");
        Generator<String, Object, Object> cat = notNull(Pipeline.cat(List.of(s1.opener(), s2.opener())), "cat");
        next(cat);
        next(cat);
        expect(0, s2.opened.get(), "cat(s1, s2) asked for the 2 lines of s1: times s2 was opened");
        expect(2, s1.reads.get(), "cat(s1, s2) asked for the 2 lines of s1: lines read from s1");
        expect("y1", next(cat), "cat(s1, s2): the third line");
        expect(1, s2.reads.get(), "cat(s1, s2) asked for the first line of s2: lines read from s2");

        Source endless = Source.endless("e", log);
        expect(List.of("e:1", "e:2", "e:3"), drain(notNull(Pipeline.head(3, Pipeline.lines(endless.opener())), "head"), 10, "head"),
                "head(3) of an endless source");
        expect(3, endless.reads.get(), "head(3) of an endless source, to its end: lines read (no line more than it needs)");

        Source endless2 = Source.endless("f", log);
        expect(List.of("f:7", "f:17"), drain(Pipeline.head(2, Pipeline.grep("7", Pipeline.cat(List.of(endless2.opener())))), 10, "head"),
                "head(2, grep(\"7\", cat(an endless source)))");
        expect(17, endless2.reads.get(), "head(2, grep(\"7\", cat(an endless source))), to its end: lines read");
    }

    @Test
    @Property("closes-at-end")
    void closesAtEnd() {
        List<String> log = new CopyOnWriteArrayList<>();
        Source abc = Source.of("abc", log, "a", "b");
        Generator<String, Object, Object> lines = notNull(Pipeline.lines(abc.opener()), "lines");
        drain(lines, 10, "lines");
        expect(1, abc.closes.get(), "lines(abc) read to its end: times the source was closed");

        log.clear();
        Source s1 = Source.of("s1", log, "x"), s2 = Source.of("s2", log), s3 = Source.of("s3", log, "y");
        drain(notNull(Pipeline.cat(List.of(s1.opener(), s2.opener(), s3.opener())), "cat"), 10, "cat");
        expect(List.of("open s1", "close s1", "open s2", "close s2", "open s3", "close s3"), log,
                "cat(s1, s2, s3) read to its end: what happened to the sources, in order");

        Source endless = Source.endless("e", log);
        drain(notNull(Pipeline.head(2, Pipeline.lines(endless.opener())), "head"), 10, "head");
        expect(1, endless.closes.get(), "head(2) of an endless source, asked for lines until it ended: times the source"
                + " was closed (asked for a line after its 2nd, head must close upstream, which closes the source)");

        Source logs = Source.of("log", log, LOG_LINES.toArray(String[]::new));
        drain(notNull(Pipeline.grep("ERROR", Pipeline.lines(logs.opener())), "grep"), 10, "grep");
        expect(1, logs.closes.get(), "grep over a source, read to its end: times the source was closed");
    }

    @Test
    @Property("one-thread")
    void oneThread() {
        List<String> log = new CopyOnWriteArrayList<>();
        Source a = Source.of("a", log, "INFO a", "ERROR a1"), b = Source.of("b", log, "ERROR b1", "ERROR b2");
        Source c = Source.of("c", log, "c1", "c2");
        drain(Pipeline.head(2, Pipeline.grep("ERROR", Pipeline.cat(List.of(a.opener(), b.opener())))), 10, "head");
        Generator<String, Object, Object> lines = Pipeline.lines(c.opener());
        next(lines);
        lines.close();
        Set<Thread> others = ConcurrentHashMap.newKeySet();
        for (Source s : List.of(a, b, c)) others.addAll(s.threads);
        others.remove(Thread.currentThread());
        if (!others.isEmpty()) {
            throw new AssertionError("The sources were opened, read or closed on " + others.stream().map(Thread::toString).toList()
                    + ", not only on the consumer's thread " + Thread.currentThread() + ": a generator pipeline runs on the"
                    + " thread that asks it for lines (Generator.of, not Generator.onThread).");
        }
    }

    /** Rethrows the release stub's "not done" as it is, so the runner reports it as such. */
    static void rethrowNotDone(Throwable t) {
        if (Evidence.notDone(t)) throw new UnsupportedOperationException(Evidence.NOT_DONE, t);
    }
}
