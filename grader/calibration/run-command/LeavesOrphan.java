// fails: kills-leftovers
// Returns once the command ends, but kills nothing then: what the command left running goes on, a leaked process.
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What a command did: its exit code, and what it printed on stdout and stderr, together. */
record Result(int exitCode, String output) {}

/** Runs commands as child processes, with a time limit. */
class Commands {
    /** How often run looks at the command's descendants while it runs. */
    static final Duration LOOK = Duration.ofMillis(100);
    /** How long run waits for the rest of the output once the command has ended. */
    static final Duration GRACE = Duration.ofMillis(500);

    /**
     * Runs command, its stderr merged into its stdout, and returns its exit code and output. Never blocks on a
     * full pipe, however much the command prints. Returns once the command has ended, with what it printed up to
     * then and within GRACE after: a process it left behind may hold the pipe open for ever. Looks at the command's
     * descendants at least every LOOK while it runs; when run returns or throws, none of them runs any more. If the
     * command has not ended after timeout, kills it and its descendants, then throws TimeoutException.
     */
    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close(); // no input: the command reads end of file at once
        ByteArrayOutputStream output = new ByteArrayOutputStream(); // its methods are synchronized
        Thread reader = Thread.ofVirtual().start(() -> { // empties the pipe while the command runs
            try (InputStream in = p.getInputStream()) {
                in.transferTo(output);
            } catch (IOException e) {
                // the pipe was closed
            }
        });
        Set<ProcessHandle> seen = new HashSet<>(); // once the command ends, its children are orphans: no longer its descendants
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!p.waitFor(Math.min(LOOK.toNanos(), Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                p.descendants().forEach(seen::add);
                if (System.nanoTime() - deadline >= 0) {
                    p.destroyForcibly();
                    throw new TimeoutException(String.join(" ", command) + " did not end within " + timeout.toMillis() + " ms");
                }
            }
            reader.join(GRACE); // the rest of the output, unless a process left behind holds the pipe
            return new Result(p.exitValue(), output.toString(StandardCharsets.UTF_8));
        } finally {
            if (p.isAlive()) seen.forEach(ProcessHandle::destroyForcibly); // only on a timeout
        }
    }
}
