// fails: own-output
// Sends the output to a file at a fixed path in the temporary folder (no pipe to fill, no reader thread) and deletes it before returning: nothing is left behind, but two calls at once write, read and delete the same file.
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What a command did: its exit code, and what it printed on stdout and stderr, together. */
record Result(int exitCode, String output) {}

/** Runs commands as child processes, with a time limit. */
class Commands {
    static final Duration LOOK = Duration.ofMillis(100);
    static final Duration GRACE = Duration.ofMillis(500);

    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        File out = Path.of(System.getProperty("java.io.tmpdir"), "run-command.out").toFile(); // the same file for every call
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
        p.getOutputStream().close();
        Set<ProcessHandle> seen = new HashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!p.waitFor(Math.min(LOOK.toNanos(), Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                p.descendants().forEach(seen::add);
                if (System.nanoTime() - deadline >= 0) {
                    throw new TimeoutException(String.join(" ", command) + " did not end within " + timeout.toMillis() + " ms");
                }
            }
            Thread.sleep(GRACE); // late output from a process left behind
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
        } finally {
            Deque<ProcessHandle> doomed = new ArrayDeque<>(List.of(p.toHandle()));
            doomed.addAll(seen);
            Set<ProcessHandle> killed = new HashSet<>();
            while (!doomed.isEmpty()) {
                ProcessHandle h = doomed.poll();
                if (!killed.add(h) || !h.isAlive()) continue;
                h.children().forEach(doomed::add);
                h.destroyForcibly();
            }
            Files.deleteIfExists(out.toPath());
        }
    }
}
