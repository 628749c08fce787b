import conclab.coro.Generator;
import conclab.grader.probe.Property;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Hidden tests of the grep-pipeline exercise: a pipeline left midway, and a source that fails. */
class GrepPipelineHiddenTest {
    /** The stages of a pipeline, named, to say which one was left open. */
    record Stage(String name, Generator<String, Object, Object> generator) {}

    static void expectClosed(List<Stage> stages, String when) {
        for (Stage s : stages) {
            if (s.generator().state() != Generator.State.CLOSED) {
                throw new AssertionError(when + ", the stage " + s.name() + " was left " + s.generator().state()
                        + ": a stage that is closed or thrown into must close the stage it pulls from (in a finally, or by"
                        + " delegating with yieldFrom, which forwards close and throwIn).");
            }
        }
    }

    static void expectSourcesClosed(List<GrepPipelineTest.Source> sources, String when) {
        for (GrepPipelineTest.Source s : sources) {
            if (s.opened.get() > 0 && !s.closed()) {
                throw new AssertionError(when + ", the source " + s.name + " was opened and never closed: a leaked"
                        + " file or socket. Close it in a finally (or try-with-resources), which runs when the generator is"
                        + " closed or thrown into, and forward close to the generator you delegate to.");
            }
            if (s.opened.get() > 0 && s.closes.get() != 1) {
                throw new AssertionError(when + ", the source " + s.name + " was closed " + s.closes.get() + " times:"
                        + " close a source once, in one place (a finally, or try-with-resources), not also in a catch.");
            }
        }
    }

    @Test
    @Property("closes-midway")
    void closesMidway() {
        List<String> log = new CopyOnWriteArrayList<>();
        GrepPipelineTest.Source abc = GrepPipelineTest.Source.of("abc", log, "a", "b", "c", "d");
        Generator<String, Object, Object> lines = GrepPipelineTest.notNull(Pipeline.lines(abc.opener()), "lines");
        GrepPipelineTest.next(lines);
        GrepPipelineTest.next(lines);
        lines.close();
        expectSourcesClosed(List.of(abc), "When lines(abc) was closed after 2 of its 4 lines");
        GrepPipelineTest.expect(2, abc.reads.get(), "lines(abc) closed after 2 lines: lines read");

        GrepPipelineTest.Source logs = GrepPipelineTest.Source.of("log", log, GrepPipelineTest.LOG_LINES.toArray(String[]::new));
        Generator<String, Object, Object> l2 = Pipeline.lines(logs.opener());
        Generator<String, Object, Object> grep = GrepPipelineTest.notNull(Pipeline.grep("ERROR", l2), "grep");
        GrepPipelineTest.next(grep);
        grep.close();
        expectClosed(List.of(new Stage("grep", grep), new Stage("lines", l2)), "When grep was closed after its first line");
        expectSourcesClosed(List.of(logs), "When grep was closed after its first line");

        GrepPipelineTest.Source s1 = GrepPipelineTest.Source.of("s1", log, "ERROR 1", "INFO 1");
        GrepPipelineTest.Source s2 = GrepPipelineTest.Source.of("s2", log, "ERROR 2", "ERROR 3", "ERROR 4");
        GrepPipelineTest.Source s3 = GrepPipelineTest.Source.of("s3", log, "ERROR 5");
        Generator<String, Object, Object> cat = GrepPipelineTest.notNull(Pipeline.cat(List.of(s1.opener(), s2.opener(), s3.opener())), "cat");
        Generator<String, Object, Object> grep2 = Pipeline.grep("ERROR", cat);
        Generator<String, Object, Object> head = GrepPipelineTest.notNull(Pipeline.head(10, grep2), "head");
        GrepPipelineTest.expect("ERROR 1", GrepPipelineTest.next(head), "head(10, grep(\"ERROR\", cat(s1, s2, s3))): line 1");
        GrepPipelineTest.expect("ERROR 2", GrepPipelineTest.next(head), "head(10, grep(\"ERROR\", cat(s1, s2, s3))): line 2");
        head.close();
        String when = "When head(10, grep(\"ERROR\", cat(s1, s2, s3))) was closed in the middle of s2";
        expectClosed(List.of(new Stage("head", head), new Stage("grep", grep2), new Stage("cat", cat)), when);
        expectSourcesClosed(List.of(s1, s2, s3), when);
        GrepPipelineTest.expect(0, s3.opened.get(), when + ": times s3 was opened");

        GrepPipelineTest.Source w1 = GrepPipelineTest.Source.of("w1", log, "x", "y");
        GrepPipelineTest.Source w2 = GrepPipelineTest.Source.of("w2", log, "z");
        Generator<String, Object, Object> catW = Pipeline.cat(List.of(w1.opener(), w2.opener()));
        GrepPipelineTest.next(catW);
        catW.close();
        when = "When cat(w1, w2) was closed after its first line";
        expectClosed(List.of(new Stage("cat", catW)), when);
        expectSourcesClosed(List.of(w1, w2), when);
        GrepPipelineTest.expect(0, w2.opened.get(), when + ": times w2 was opened");

        GrepPipelineTest.Source t1 = GrepPipelineTest.Source.of("t1", log, "x", "y");
        GrepPipelineTest.Source t2 = GrepPipelineTest.Source.of("t2", log, "z");
        Generator<String, Object, Object> cat2 = Pipeline.cat(List.of(t1.opener(), t2.opener()));
        GrepPipelineTest.next(cat2);
        IllegalStateException cancel = new IllegalStateException("cancelled by the consumer");
        throwInto(cat2, cancel, "cat(t1, t2) after its first line");
        expectClosed(List.of(new Stage("cat", cat2)), "When cat(t1, t2) was thrown into after its first line");
        expectSourcesClosed(List.of(t1, t2), "When cat(t1, t2) was thrown into after its first line");

        GrepPipelineTest.Source v = GrepPipelineTest.Source.of("log", log, GrepPipelineTest.LOG_LINES.toArray(String[]::new));
        Generator<String, Object, Object> l3 = Pipeline.lines(v.opener());
        Generator<String, Object, Object> grep4 = Pipeline.grep("ERROR", l3);
        GrepPipelineTest.next(grep4);
        throwInto(grep4, cancel, "grep(\"ERROR\", lines(log)) after its first line");
        when = "When grep(\"ERROR\", lines(log)) was thrown into after its first line";
        expectClosed(List.of(new Stage("grep", grep4), new Stage("lines", l3)), when);
        expectSourcesClosed(List.of(v), when);

        GrepPipelineTest.Source abc2 = GrepPipelineTest.Source.of("abc", log, "a", "b", "c");
        Generator<String, Object, Object> lines2 = Pipeline.lines(abc2.opener());
        GrepPipelineTest.next(lines2);
        throwInto(lines2, cancel, "lines(abc) after its first line");
        expectSourcesClosed(List.of(abc2), "When lines(abc) was thrown into after its first line");

        GrepPipelineTest.Source u1 = GrepPipelineTest.Source.of("s1", log, "ERROR 1", "INFO 1");
        GrepPipelineTest.Source u2 = GrepPipelineTest.Source.of("s2", log, "ERROR 2", "ERROR 3", "ERROR 4");
        GrepPipelineTest.Source u3 = GrepPipelineTest.Source.of("s3", log, "ERROR 5");
        Generator<String, Object, Object> cat3 = Pipeline.cat(List.of(u1.opener(), u2.opener(), u3.opener()));
        Generator<String, Object, Object> grep3 = Pipeline.grep("ERROR", cat3);
        Generator<String, Object, Object> head3 = Pipeline.head(10, grep3);
        GrepPipelineTest.next(head3);
        GrepPipelineTest.next(head3);
        throwInto(head3, cancel, "head(10, grep(\"ERROR\", cat(s1, s2, s3))) after 2 lines");
        when = "When head(10, grep(\"ERROR\", cat(s1, s2, s3))) was thrown into in the middle of s2";
        expectClosed(List.of(new Stage("head", head3), new Stage("grep", grep3), new Stage("cat", cat3)), when);
        expectSourcesClosed(List.of(u1, u2, u3), when);
        GrepPipelineTest.expect(0, u3.opened.get(), when + ": times s3 was opened");
    }

    /** Throws {@code cancel} into {@code g}, which must let it out as it is, the same object. */
    static void throwInto(Generator<String, Object, Object> g, Throwable cancel, String what) {
        Throwable out = null;
        try {
            g.throwIn(cancel);
        } catch (Throwable t) {
            GrepPipelineTest.rethrowNotDone(t);
            out = t;
        }
        if (out != cancel) {
            throw new AssertionError(what + " was thrown into with " + cancel + ": expected that exception to come out of"
                    + " throwIn as it is, got " + (out == null ? "a line" : out) + ".", out);
        }
    }

    @Test
    @Property("errors")
    void errors() {
        List<String> log = new CopyOnWriteArrayList<>();
        GrepPipelineTest.Source bad = new GrepPipelineTest.Source("bad", List.of("a", "b", "c", "d"), 3, log);
        Generator<String, Object, Object> lines = GrepPipelineTest.notNull(Pipeline.lines(bad.opener()), "lines");
        GrepPipelineTest.expect("a", line(lines, bad.failure, "lines(bad), whose third read fails: line 1"), "lines(bad): line 1");
        GrepPipelineTest.expect("b", line(lines, bad.failure, "lines(bad), whose third read fails: line 2"), "lines(bad): line 2");
        expectFailure(lines, bad.failure, "lines(bad), whose third read fails, asked for line 3");
        expectSourcesClosed(List.of(bad), "When reading the source failed");

        GrepPipelineTest.Source ok = GrepPipelineTest.Source.of("ok", log, "ERROR 1", "INFO");
        GrepPipelineTest.Source bad2 = new GrepPipelineTest.Source("bad2", List.of("ERROR 2", "ERROR 3", "ERROR 4"), 2, log);
        GrepPipelineTest.Source s3 = GrepPipelineTest.Source.of("s3", log, "ERROR 5");
        Generator<String, Object, Object> head = GrepPipelineTest.notNull(Pipeline.head(10,
                Pipeline.grep("ERROR", Pipeline.cat(List.of(ok.opener(), bad2.opener(), s3.opener())))), "head");
        String what = "head(10, grep(\"ERROR\", cat(ok, bad2, s3))), where the second read of bad2 fails";
        GrepPipelineTest.expect("ERROR 1", line(head, bad2.failure, what + ": line 1"), what + ": line 1");
        GrepPipelineTest.expect("ERROR 2", line(head, bad2.failure, what + ": line 2"), what + ": line 2");
        expectFailure(head, bad2.failure, what + ", asked for line 3");
        expectSourcesClosed(List.of(ok, bad2, s3), "When reading bad2 failed under head, grep and cat");
        GrepPipelineTest.expect(0, s3.opened.get(), what + ": times s3 was opened");
    }

    /** The next line of g, which must come before the source's failure (null at the end). */
    static String line(Generator<String, Object, Object> g, IOException failure, String what) {
        try {
            return GrepPipelineTest.next(g);
        } catch (Throwable t) {
            GrepPipelineTest.rethrowNotDone(t);
            throw new AssertionError(what + ": next() threw " + t + (t == failure ? ", the failure of a later read: the"
                    + " pipeline reads ahead of what the consumer asks for" : "") + ".", t);
        }
    }

    /** Requires g.next() to throw exactly {@code failure}, the source's own IOException. */
    static void expectFailure(Generator<String, Object, Object> g, IOException failure, String what) {
        Throwable got = null;
        String line = null;
        try {
            line = g.next();
        } catch (Throwable t) {
            GrepPipelineTest.rethrowNotDone(t);
            got = t;
        }
        if (got == failure) return;
        if (got == null) {
            throw new AssertionError(what + ": expected the source's " + failure + " to reach the consumer, but next()"
                    + " returned " + (line == null ? "null" : "\"" + line + "\"") + ".");
        }
        throw new AssertionError(what + ": expected the source's own " + failure + " to reach the consumer unchanged, but"
                + " next() threw " + got + (got.getClass() == conclab.coro.StopIteration.class ? " (the failure was swallowed: the"
                + " pipeline ended as if the lines had run out)" : "") + ".", got);
    }
}
