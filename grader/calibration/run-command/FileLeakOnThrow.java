// fails: no-files-left
// Sends the output to a temporary file and deletes it after reading it, on the normal path only, not in the finally: a call that times out or is interrupted leaves its file behind.
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        File out = Files.createTempFile("run-", ".out").toFile(); // deleted on the normal path only
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
            String text = Files.readString(out.toPath(), StandardCharsets.UTF_8);
            Files.delete(out.toPath());     // not in the finally: a timeout or an interrupt leaves the file
            return new Result(p.exitValue(), text);
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
        }
    }
}
