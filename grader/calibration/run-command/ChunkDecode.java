// fails: big-output
// Decodes each chunk read (up to 8192 bytes) into a String on its own and appends it to a StringBuffer: a UTF-8 character whose bytes are split between two reads becomes two U+FFFD replacement characters.
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

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
     * descendants at least every LOOK while it runs; when run returns or throws, the command if it still runs and each
     * descendant seen, with the children each has then, has been sent SIGKILL. If the command has not ended after
     * timeout, or the caller is interrupted, kills it and its descendants, then throws TimeoutException (or
     * InterruptedException).
     */
    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        // BEGIN SOLUTION
        // the command's output goes to a cat, and run reads cat's: when the command ends, the JDK closes the pipe of
        // p.getInputStream() (once a read under way returns), and what a process it left behind prints later would be lost
        List<Process> both = ProcessBuilder.startPipeline(List.of(new ProcessBuilder(command).redirectErrorStream(true),
                new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD)));
        Process p = both.get(0), cat = both.get(1);
        p.getOutputStream().close(); // no input: the command reads end of file at once
        StringBuffer output = new StringBuffer(); // its methods are synchronized
        AtomicBoolean returned = new AtomicBoolean(); // once set, the reader drops what it reads
        Thread reader = Thread.ofVirtual().start(() -> { // empties the pipe while anything holds it open
            byte[] buf = new byte[8192];
            try (InputStream in = cat.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) if (!returned.get()) output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
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
                    throw new TimeoutException(String.join(" ", command) + " did not end within " + timeout.toMillis() + " ms");
                }
            }
            reader.join(GRACE); // the rest of the output, unless a process left behind holds the pipe
            return new Result(p.exitValue(), output.toString());
        } finally { // also on a timeout, an exception, an interrupt
            returned.set(true);
            // the command if it still runs, cat, and every process seen: each lists its children before it is killed,
            // so one that starts a process after a look is killed with it (a handle checks its start time too)
            Deque<ProcessHandle> doomed = new ArrayDeque<>(List.of(p.toHandle(), cat.toHandle()));
            doomed.addAll(seen);
            Set<ProcessHandle> killed = new HashSet<>();
            while (!doomed.isEmpty()) {
                ProcessHandle h = doomed.poll();
                if (!killed.add(h) || !h.isAlive()) continue;
                h.children().forEach(doomed::add);
                h.destroyForcibly();
            }
        }
        // END SOLUTION
    }
}