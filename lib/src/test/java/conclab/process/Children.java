package conclab.process;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers: that processes have ended, and the output of this JVM. */
final class Children {
    /** Seconds: bounded waits against hangs, never a measure. */
    static final long LIMIT = 20;

    private Children() {}

    /** Asserts that the process {@code pid} has ended, waiting for that at most {@link #LIMIT}. */
    static void assertEnded(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(LIMIT, TimeUnit.SECONDS);
            } catch (Exception e) {
                fail("process " + pid + " has not ended: " + e);
            }
        });
    }

    /** Asserts that every child process of this JVM has ended (waiting at most {@link #LIMIT} for each). */
    static void assertNoneLeft() {
        List<ProcessHandle> left = ProcessHandle.current().children().toList();
        left.forEach(h -> assertEnded(h.pid()));
    }

    /**
     * What this JVM prints on System.out and System.err while it is open (still printed too); {@link #await}
     * waits until some text has appeared.
     */
    static final class Output implements AutoCloseable {
        private final PrintStream out = System.out, err = System.err;
        /** Everything printed since the start; guarded by this. */
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Output() {
            System.setOut(new PrintStream(tee(out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(tee(err), true, StandardCharsets.UTF_8));
        }

        private OutputStream tee(PrintStream to) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    to.write(b);
                    synchronized (Output.this) {
                        seen.write(b);
                        Output.this.notifyAll();
                    }
                }
            };
        }

        synchronized String text() {
            return seen.toString(StandardCharsets.UTF_8);
        }

        /** Waits until {@code text} has been printed, at most {@link #LIMIT}. */
        synchronized void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT);
            while (!text().contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) fail("not printed: " + text + "\nprinted:\n" + text());
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        @Override
        public void close() {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
