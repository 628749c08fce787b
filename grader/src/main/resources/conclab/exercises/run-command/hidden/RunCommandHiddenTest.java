import conclab.grader.probe.Property;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hidden tests of the run-command exercise: run when grading only. */
class RunCommandHiddenTest {
    @AfterEach
    void killWhatIsLeft() {
        Procs.killAll();
    }

    @Test
    @Property("kills-tree")
    void killsTree() throws IOException {
        Path pidFile = Files.writeString(Path.of("grandchild.pid").toAbsolutePath(), "");
        // sh starts sleep in the background (a grandchild of this JVM), writes its pid, and waits for it
        String script = "sleep 60 & echo $! > " + pidFile + "; wait", what = "sh -c 'sleep 60 & echo $! > grandchild.pid; wait'";
        var call = Procs.call(what, List.of("sh", "-c", script), Duration.ofSeconds(2), Duration.ofSeconds(12));
        String written = Files.readString(pidFile).strip();
        if (written.isEmpty()) throw new AssertionError(what + " did not start its background sleep within 2 s.");
        long grandchild = Long.parseLong(written);
        Procs.started.add(grandchild);
        if (!(call.thrown() instanceof TimeoutException)) {
            call.result(what + " with a timeout of 2 s");
            throw new AssertionError("A command that waits 60 s for its own child, with a timeout of 2 s: run returned instead of throwing TimeoutException.");
        }
        if (!Procs.endsWithin(List.of(grandchild), Duration.ofSeconds(5))) {
            throw new AssertionError("On the timeout, run killed sh, but not the sleep that sh had started (pid " + grandchild
                    + "): it still runs 5 s later, an orphan. Kill the command's descendants too (Process.descendants(),"
                    + " listed before the command dies: an orphan is nobody's descendant).");
        }
    }

    @Test
    @Property("kills-leftovers")
    void killsLeftovers() throws IOException {
        Path pidFile = Files.writeString(Path.of("left.pid").toAbsolutePath(), "");
        // for 1 s the background sleep is a descendant of sh; then sh ends, and the sleep is an orphan
        String script = "sleep 60 & echo $! > " + pidFile + "; echo hi; sleep 1", what = "sh -c 'sleep 60 & echo $! > left.pid; echo hi; sleep 1'";
        var call = Procs.call(what, List.of("sh", "-c", script), Duration.ofSeconds(20), Duration.ofSeconds(8));
        String written = Files.readString(pidFile).strip();
        if (written.isEmpty()) throw new AssertionError(what + " did not start its background sleep.");
        long left = Long.parseLong(written);
        Procs.started.add(left);
        call.result(what);
        if (!Procs.endsWithin(List.of(left), Duration.ofSeconds(3))) {
            throw new AssertionError(what + ": run returned, but the sleep that sh started (pid " + left + ") still runs 3 s"
                    + " later, a leaked process. For 1 s it was a descendant of sh; once sh ended it was an orphan, nobody's"
                    + " descendant. Note the command's descendants while it runs (every LOOK), and kill those still running"
                    + " when run returns.");
        }
    }
}
