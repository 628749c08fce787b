import conclab.coro.Generator;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Property;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Hidden tests of the cobroadcast exercise: exceptions thrown into a pipeline. */
class CobroadcastHiddenTest {
    @Test
    @Property("throws")
    void throwsReachTheSinks() {
        List<String> log = new CopyOnWriteArrayList<>();
        CobroadcastTest.Sink a = new CobroadcastTest.Sink("a", log), b = new CobroadcastTest.Sink("b", log);
        CobroadcastTest.Sink c = new CobroadcastTest.Sink("c", log);
        Generator<Object, String, Object> head = CobroadcastTest.notNull(Sinks.broadcast(List.of(
                CobroadcastTest.notNull(Sinks.grep("python", a.gen), "grep"), b.gen, c.gen)), "broadcast");
        String tree = "broadcast(grep(\"python\", a), b, c)";
        CobroadcastTest.send(head, "python 1", tree);
        IllegalArgumentException bad = new IllegalArgumentException("a bad line");
        try {
            head.throwIn(bad);
        } catch (Throwable t) {
            if (Evidence.notDone(t)) throw new UnsupportedOperationException(Evidence.NOT_DONE, t);
            throw new AssertionError(tree + " was thrown into with " + bad + ", which every sink catches: expected throwIn to"
                    + " return, but it threw " + t + ". What reached the sinks: " + log + ".", t);
        }
        for (CobroadcastTest.Sink s : List.of(a, b, c)) {
            if (!s.seen().contains("caught a bad line")) {
                throw new AssertionError(tree + " was thrown into with " + bad + ": the sink " + s.name + " never saw it"
                        + " (it saw " + s.seen() + "). An exception thrown into a stage must be thrown into each of its"
                        + " targets, down to the sinks, as yieldFrom throws it into its sub-generator.");
            }
        }
        CobroadcastTest.send(head, "python 2", tree + ", after the sinks caught the exception");
        CobroadcastTest.expect(List.of("got python 1", "caught a bad line", "got python 2"), a.seen(),
                tree + ": what reached a (it caught the exception, so the pipeline goes on)");
        CobroadcastTest.expect(List.of("got python 1", "caught a bad line", "got python 2"), b.seen(), tree + ": what reached b");
        // a checked exception, as the notebook's own example throws: it travels the same way
        Exception checked = new Exception("a download error");
        try {
            head.throwIn(checked);
        } catch (Throwable t) {
            throw new AssertionError(tree + " was thrown into with " + checked + " (a checked exception), which every sink"
                    + " catches: expected throwIn to return, but it threw " + t + ". Pass on whatever is thrown in, checked"
                    + " or not (catch Exception, not only RuntimeException), and let only GeneratorExit end the stage."
                    + " What reached the sinks: " + log + ".", t);
        }
        CobroadcastTest.expect(List.of("got python 1", "caught a bad line", "got python 2", "caught a download error"), a.seen(),
                tree + ": what reached a, after a checked exception was thrown in");
        CobroadcastTest.expect(List.of("got python 1", "caught a bad line", "got python 2", "caught a download error"), c.seen(),
                tree + ": what reached c, after a checked exception was thrown in");
    }

    @Test
    @Property("lets-through")
    void anUncaughtExceptionComesOutAndEverySinkIsClosed() {
        List<String> log = new CopyOnWriteArrayList<>();
        CobroadcastTest.Sink a = new CobroadcastTest.Sink("a", log, false), b = new CobroadcastTest.Sink("b", log, false);
        Generator<Object, String, Object> ga = Sinks.grep("x", a.gen);
        Generator<Object, String, Object> head = CobroadcastTest.notNull(Sinks.broadcast(List.of(ga, b.gen)), "broadcast");
        String tree = "broadcast(grep(\"x\", a), b) (sinks that let exceptions through)";
        CobroadcastTest.send(head, "x1", tree);
        IllegalStateException fatal = new IllegalStateException("fatal");
        Throwable out = null;
        try {
            head.throwIn(fatal);
        } catch (Throwable t) {
            if (Evidence.notDone(t)) throw new UnsupportedOperationException(Evidence.NOT_DONE, t);
            out = t;
        }
        if (out != fatal) {
            throw new AssertionError(tree + " was thrown into with " + fatal + ": expected that exception to come out of"
                    + " throwIn unchanged, got " + (out == null ? "a normal return (the exception was swallowed)" : out) + ".");
        }
        for (CobroadcastTest.Sink s : List.of(a, b)) {
            if (s.closes.get() != 1) {
                throw new AssertionError("After " + fatal + " came out of " + tree + " the sink " + s.name + " was closed "
                        + s.closes.get() + " times, not once: a stage that ends must close its targets (a finally).");
            }
        }
        if (head.state() != Generator.State.CLOSED || ga.state() != Generator.State.CLOSED) {
            throw new AssertionError("After " + fatal + " came out of " + tree + " the stages were left broadcast "
                    + head.state() + ", grep " + ga.state() + ".");
        }

        // A sink that fails on a line sent: the exception comes out of send, and every stage and sink is closed.
        CobroadcastTest.Sink a3 = new CobroadcastTest.Sink("a3", log), p3 = new CobroadcastTest.Sink("p3", log, true, "x boom");
        CobroadcastTest.Sink b3 = new CobroadcastTest.Sink("b3", log);
        Generator<Object, String, Object> ga3 = Sinks.grep("x", a3.gen);
        Generator<Object, String, Object> head3 = Sinks.broadcast(List.of(ga3, p3.gen, b3.gen));
        String tree3 = "broadcast(grep(\"x\", a), p, b), where the sink p throws an IllegalStateException on \"x boom\",";
        CobroadcastTest.send(head3, "x1", tree3);
        Throwable out3 = null;
        try {
            head3.send("x boom");
        } catch (Throwable t) {
            if (Evidence.notDone(t)) throw new UnsupportedOperationException(Evidence.NOT_DONE, t);
            out3 = t;
        }
        if (!(out3 instanceof IllegalStateException) || !String.valueOf(out3.getMessage()).contains("the sink p3 failed")) {
            throw new AssertionError(tree3 + " was sent \"x boom\": expected p's IllegalStateException to come out of send"
                    + " unchanged, got " + (out3 == null ? "a normal return (the exception was swallowed)" : out3) + ".", out3);
        }
        for (CobroadcastTest.Sink s : List.of(a3, b3)) {
            if (s.closes.get() != 1) {
                throw new AssertionError("After p's exception came out of " + tree3 + " the sink " + s.name.substring(0, 1)
                        + " was closed " + s.closes.get() + " times, not once: a stage that ends by an exception (here one"
                        + " that came out of a send to a target) must close its targets too (a finally).");
            }
        }
        CobroadcastTest.expect(List.of("got x1", "closed"), b3.seen(), "After p's exception came out of " + tree3
                + " what reached b (a line that a target failed on goes to no later target: broadcast stops there)");
        if (head3.state() != Generator.State.CLOSED || ga3.state() != Generator.State.CLOSED) {
            throw new AssertionError("After p's exception came out of " + tree3 + " the stages were left broadcast "
                    + head3.state() + ", grep " + ga3.state() + ".");
        }

        // The order: in turn, stopping at the first target that lets the exception through; the later ones are closed.
        CobroadcastTest.Sink p = new CobroadcastTest.Sink("p", log, false), q = new CobroadcastTest.Sink("q", log);
        Generator<Object, String, Object> head2 = Sinks.broadcast(List.of(p.gen, q.gen));
        String tree2 = "broadcast(p, q), where p lets exceptions through and q catches them,";
        CobroadcastTest.send(head2, "y1", tree2);
        IllegalStateException fatal2 = new IllegalStateException("fatal 2");
        Throwable out2 = null;
        try {
            head2.throwIn(fatal2);
        } catch (Throwable t) {
            if (Evidence.notDone(t)) throw new UnsupportedOperationException(Evidence.NOT_DONE, t);
            out2 = t;
        }
        if (out2 != fatal2) {
            throw new AssertionError(tree2 + " was thrown into with " + fatal2 + ": expected that exception to come out of"
                    + " throwIn unchanged, got " + (out2 == null ? "a normal return (the exception was swallowed)" : out2) + ".");
        }
        CobroadcastTest.expect(List.of("got y1", "closed"), p.seen(), tree2 + " thrown into: what reached p (the first"
                + " target: the exception, which ended it)");
        CobroadcastTest.expect(List.of("got y1", "closed"), q.seen(), tree2 + " thrown into: what reached q (the targets"
                + " are thrown into in turn; p let the exception through, which ends the stage, so q is closed, not thrown"
                + " into)");

        // A target before the one that lets it through caught the exception and went on: the stage ends all the same,
        // so it is closed too (a finally closes every target, not only those after).
        List<String> log4 = new CopyOnWriteArrayList<>(); // names reused: a log of their own
        CobroadcastTest.Sink q4 = new CobroadcastTest.Sink("q", log4), p4 = new CobroadcastTest.Sink("p", log4, false);
        Generator<Object, String, Object> head4 = Sinks.broadcast(List.of(q4.gen, p4.gen));
        String tree4 = "broadcast(q, p), where q catches exceptions and p lets them through,";
        CobroadcastTest.send(head4, "y1", tree4);
        IllegalStateException fatal4 = new IllegalStateException("fatal 4");
        Throwable out4 = null;
        try {
            head4.throwIn(fatal4);
        } catch (Throwable t) {
            if (Evidence.notDone(t)) throw new UnsupportedOperationException(Evidence.NOT_DONE, t);
            out4 = t;
        }
        if (out4 != fatal4) {
            throw new AssertionError(tree4 + " was thrown into with " + fatal4 + ": expected that exception to come out of"
                    + " throwIn unchanged, got " + (out4 == null ? "a normal return (the exception was swallowed)" : out4) + ".");
        }
        CobroadcastTest.expect(List.of("got y1", "caught fatal 4", "closed"), q4.seen(), tree4 + " thrown into: what"
                + " reached q (thrown into first, it caught the exception and went on; then p let it through, which ends"
                + " the stage, and a stage that ends closes all its targets, q too, or q's own clean-up never runs)");
        CobroadcastTest.expect(List.of("got y1", "closed"), p4.seen(), tree4 + " thrown into: what reached p");
        if (head4.state() != Generator.State.CLOSED) {
            throw new AssertionError("After " + fatal4 + " came out of " + tree4 + " the stage was left " + head4.state() + ".");
        }
    }
}
