// fails: big-output
// Reads the output only after the command has ended: a command that fills the pipe (16 pages: 64 KB with 4 KB pages) never ends.
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What a command did: its exit code, and what it printed on stdout and stderr, together. */
record Result(int exitCode, String output) {}

/** Runs commands as child processes, with a time limit. */
class Commands {
    /**
     * Runs command, its stderr merged into its stdout, and returns its exit code and output. Never blocks on a
     * full pipe, however much the command prints. If the command has not ended after timeout, kills it and
     * every process it started, then throws TimeoutException.
     */
    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            List<ProcessHandle> tree = p.descendants().toList();
            p.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            throw new TimeoutException(String.join(" ", command) + " did not end within " + timeout.toMillis() + " ms");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), output);
    }
}
