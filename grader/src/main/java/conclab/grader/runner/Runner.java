package conclab.grader.runner;

import conclab.grader.probe.Evidence;
import conclab.grader.probe.Property;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * The main class of a check's test JVM: runs an exercise's test classes with JUnit's launcher and writes,
 * as it goes, what happened to each graded property into a results file read by the grader's
 * {@code Checker}.
 *
 * <p>The results file has one record per line, fields separated by tabs, free text in Base64:
 * <pre>
 * PLAN  id            a test checks property id
 * START id            its test began
 * DONE  id STATUS b64 its test ended: PASSED, FAILED or NOT_DONE, with the evidence
 * EXIT  b64           the JVM began to shut down before the end: where System.exit was called, if it was
 * ABORT b64           the tests stopped with an error JUnit does not report as a test's (an OutOfMemoryError)
 * END                 every test ran
 * </pre>
 * Each line is written and flushed at once, so that a JVM killed by the watchdog leaves what it knew.
 * After the tests the JVM halts: threads the learner left running cannot keep it alive.
 *
 * <p>Usage: {@code Runner RESULTS_FILE TEST_CLASS...}; {@code -Dconclab.grader.testTimeout=SECONDS}.
 */
public final class Runner {
    private final OutputStream results;
    private volatile boolean ended;

    Runner(OutputStream results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Runner RESULTS_FILE TEST_CLASS...");
            Runtime.getRuntime().halt(2);
        }
        Runner runner = new Runner(new FileOutputStream(args[0], true));
        Runtime.getRuntime().addShutdownHook(new Thread(runner::exiting, "conclab-exit-watch"));
        try {
            runner.run(Arrays.copyOfRange(args, 1, args.length));
        } catch (Throwable t) {
            // JUnit rethrows what it deems unrecoverable, an OutOfMemoryError above all, instead of failing the
            // test. Without this the main thread would die, the JVM would shut down and the hook would report a
            // System.exit that nobody called.
            runner.aborted(t);
            Runtime.getRuntime().halt(3);
        }
        runner.ended = true;
        runner.write("END");
        Runtime.getRuntime().halt(0);
    }

    private void run(String[] classes) {
        Launcher launcher = LauncherFactory.create();
        TestPlan plan = launcher.discover(request(classes, Integer.getInteger("conclab.grader.testTimeout", 10)));
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier t : plan.getDescendants(root)) property(t).ifPresent(id -> write("PLAN", id));
        }
        launcher.execute(plan, new Listener(plan));
    }

    /** The classes' tests, one at a time, in the order given, each stopped after {@code timeout} seconds. */
    static LauncherDiscoveryRequest request(String[] classes, int timeout) {
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(classes).map(DiscoverySelectors::selectClass).toList())
                .configurationParameter("junit.jupiter.execution.timeout.default", timeout + " s")
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .configurationParameter("junit.jupiter.testclass.order.default", GivenOrder.class.getName())
                .configurationParameter(GivenOrder.PARAMETER, String.join(",", classes))
                .build();
    }

    /** Records the property of each test as it starts and ends; a failing class fails all its tests. */
    private final class Listener implements TestExecutionListener {
        private final TestPlan plan;

        Listener(TestPlan plan) {
            this.plan = plan;
        }

        @Override
        public void executionStarted(TestIdentifier test) {
            property(test).ifPresent(id -> write("START", id));
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            Optional<String> id = property(test);
            if (id.isPresent()) {
                done(id.get(), result);
            } else if (test.isContainer() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                // The class itself failed (a field initialiser threw, say): its tests never ran.
                for (TestIdentifier child : plan.getDescendants(test)) {
                    property(child).ifPresent(cid -> done(cid, result));
                }
            }
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            property(test).ifPresent(id -> write("DONE", id, "FAILED", b64("skipped: " + reason)));
        }
    }

    /**
     * Records a test's end. It never throws: JUnit logs and drops what a listener throws, and the property would
     * then read "its test gave no result". Describing the learner's throwable runs the learner's code (its
     * {@code getMessage}, say), which may throw; the test then fails with what can still be said.
     */
    void done(String id, TestExecutionResult result) {
        Throwable t = result.getThrowable().orElse(null);
        if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
            write("DONE", id, "PASSED", b64(""));
            return;
        }
        String status, evidence;
        try {
            status = t != null && Evidence.notDone(t) ? "NOT_DONE" : "FAILED";
            evidence = status.equals("NOT_DONE") ? "" : t == null ? "failed" : evidence(t);
        } catch (Throwable again) {
            status = "FAILED";
            evidence = "your code threw " + t.getClass().getName() + ", and describing it threw "
                    + again.getClass().getName();
        }
        write("DONE", id, status, b64(evidence));
    }

    /** A failure in words; a JUnit timeout also says where the learner's code was at the time. */
    static String evidence(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        if (message.contains("timed out after")) {
            String at = Evidence.where(t);
            return "Did not finish in time (" + message.replaceFirst("^.*timed out after", "after").strip() + ")"
                    + (at == null ? "" : "; it was at " + at);
        }
        return Evidence.describe(t);
    }

    private static Optional<String> property(TestIdentifier test) {
        if (!test.isTest()) return Optional.empty();
        return test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                .flatMap(Runner::property);
    }

    private static Optional<String> property(MethodSource source) {
        try {
            Method m = source.getJavaMethod();
            Property p = m.getAnnotation(Property.class);
            return p == null ? Optional.empty() : Optional.of(p.value());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The record for a full heap, made in advance: when the heap is full of what the learner's code still holds,
     * not even this line could be built then.
     */
    private static final byte[] OUT_OF_MEMORY = ("ABORT\t"
            + b64("the test JVM ran out of memory (its heap was full) in the test that was running") + "\n")
            .getBytes(StandardCharsets.UTF_8);

    /** Records why the tests stopped when the launcher threw. */
    private void aborted(Throwable t) {
        ended = true; // the halt that follows runs no hook, but say so all the same
        try {
            if (t instanceof OutOfMemoryError) {
                synchronized (this) {
                    results.write(OUT_OF_MEMORY);
                    results.flush();
                }
            } else {
                String at = Evidence.where(t.getStackTrace());
                write("ABORT", b64("the tests stopped with " + t + (at == null ? "" : " (at " + at + ")")));
            }
        } catch (Throwable again) {
            // nothing more can be said; the grader reports a JVM that ended before its tests
        }
    }

    /**
     * The shutdown hook: a shutdown before the end is the learner's System.exit, found on some thread's stack
     * with where it came from; otherwise a signal, or the last thread ended.
     */
    private void exiting() {
        if (ended) return;
        String where = "the test JVM was shut down before its tests ended (no System.exit call was seen)";
        for (var entry : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] stack = entry.getValue();
            for (int i = 0; i < stack.length; i++) {
                if (stack[i].getClassName().equals("java.lang.Runtime") && stack[i].getMethodName().equals("exit")) {
                    String at = Evidence.where(Arrays.copyOfRange(stack, i + 1, stack.length));
                    if (at != null) where = "your code called System.exit, at " + at;
                }
            }
        }
        write("EXIT", b64(where));
    }

    private synchronized void write(String... fields) {
        try {
            results.write((String.join("\t", fields) + "\n").getBytes(StandardCharsets.UTF_8));
            results.flush();
        } catch (IOException e) {
            // The grader reads what arrived; a missing line shows there as "did not run".
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
