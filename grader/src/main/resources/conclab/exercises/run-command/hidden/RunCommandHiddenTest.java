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
    @Property("spares-others")
    void sparesOthers() throws IOException, InterruptedException {
        // a child of this JVM that run did not start (another caller's command, say)
        Process bystander = new ProcessBuilder("sleep", "60").start();
        try {
            String what = "sh -c 'sleep 0.5; echo hi'";
            Procs.call(what, List.of("sh", "-c", "sleep 0.5; echo hi"), Duration.ofSeconds(20), Duration.ofSeconds(8)).result(what);
            if (bystander.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("While this JVM ran another child (sleep 60, pid " + bystander.pid() + "), " + what
                        + " ran and returned, and that child had been killed: run killed a process that is not the"
                        + " command's. Look at the command's descendants (p.descendants()), not at this JVM's"
                        + " (ProcessHandle.current().descendants()): other threads run processes too.");
            }
            var call = Procs.call(List.of("sleep", "60"), Duration.ofSeconds(1), Duration.ofSeconds(10));
            if (!(call.thrown() instanceof java.util.concurrent.TimeoutException)) call.result("sleep 60 with a timeout of 1 s");
            if (bystander.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("While this JVM ran another child (sleep 60, pid " + bystander.pid() + "), run(sleep 60)"
                        + " timed out, and that child had been killed too: run killed a process that is not the command's."
                        + " Kill the command and its own descendants, not ProcessHandle.current().descendants().");
            }
        } finally {
            bystander.destroyForcibly();
        }
    }

    @Test
    @Property("kills-tree")
    void killsTree() throws IOException, InterruptedException {
        Path pidFile = Files.writeString(Path.of("grandchild.pid").toAbsolutePath(), "");
        // sh starts sleep in the background (a grandchild of this JVM), writes its pid, and waits for it
        // both ignore SIGTERM (an ignored signal stays ignored across exec): only SIGKILL ends them
        String script = "trap '' TERM; sleep 60 & echo $! > " + pidFile + "; wait", what = "sh -c 'trap \"\" TERM; sleep 60 & echo $! > grandchild.pid; wait'";
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
                    + " listed before the command dies: an orphan is no longer the dead command's descendant), with destroyForcibly(): both"
                    + " ignore SIGTERM.");
        }
        Procs.killAll();
        killsOnInterrupt();
    }

    @Test
    @Property("kills-leftovers")
    void killsLeftovers() throws IOException, InterruptedException {
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
                    + " later, a leaked process. For 1 s it was a descendant of sh; once sh ended it was an orphan, no longer sh's"
                    + " descendant. Note the command's descendants while it runs (every LOOK), and kill those still running"
                    + " when run returns.");
        }
        Procs.killAll();
        killsALeftGrandchild();
        Procs.killAll();
        killsWhatASeenProcessStarts();
    }

    /** Part of the property above: one test per property (the check keeps one result for each). */
    private void killsOnInterrupt() throws InterruptedException {
        // run(sleep 60) on a thread of its own; once sleep runs, that thread is interrupted
        var task = new java.util.concurrent.FutureTask<Result>(() -> Commands.run(List.of("sleep", "60"), Duration.ofSeconds(30)));
        Thread caller = Thread.ofPlatform().name("caller").daemon().start(task);
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Long> sleeps = Procs.children("sleep");
        while (sleeps.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20); // polling the operating system: there is no event to wait for
            sleeps = Procs.children("sleep");
        }
        if (sleeps.isEmpty()) throw new AssertionError("run(sleep 60) had not started sleep within 5 s.");
        caller.interrupt();
        caller.join(5_000);
        if (caller.isAlive()) {
            throw new AssertionError("run(sleep 60, timeout 30 s): its caller was interrupted, and run had not returned"
                    + " 5 s later: it " + conclab.grader.probe.Hang.doing(caller) + ".");
        }
        if (!Procs.endsWithin(sleeps, Duration.ofSeconds(5))) {
            throw new AssertionError("run(sleep 60, timeout 30 s): its caller was interrupted and run returned, but sleep"
                    + " still runs 5 s later. Kill the command (and its descendants) whenever run returns or throws: in a"
                    + " finally, if (p.isAlive()) p.destroyForcibly().");
        }
        Throwable thrown;
        try {
            Result r = task.get(); // done: its thread has ended
            throw new AssertionError("run(sleep 60, timeout 30 s): its caller was interrupted, and run killed sleep, but then"
                    + " returned " + r + " instead of throwing InterruptedException: its caller cannot tell an interrupted"
                    + " command from one that ended. Kill the processes in a finally, and let InterruptedException through.");
        } catch (java.util.concurrent.ExecutionException e) {
            thrown = e.getCause();
        }
        if (!(thrown instanceof InterruptedException)) {
            throw new AssertionError("run(sleep 60, timeout 30 s): its caller was interrupted, and run killed sleep, but then"
                    + " threw " + thrown + " instead of InterruptedException. Kill the processes in a finally, and let"
                    + " InterruptedException through (declare it: run throws InterruptedException).", thrown);
        }
    }

    /** Part of the property above: one test per property (the check keeps one result for each). */
    private void killsWhatASeenProcessStarts() throws IOException, InterruptedException {
        // a subshell, seen at the looks, waits for sh to end, then starts sleep 60 and lets go of the pipe. A run that
        // waits for the end of the output (up to GRACE) returns after that; one whose pipe the JDK closed when sh ended,
        // or that did not wait, may kill the subshell before it started sleep: nothing was tested then, so try again
        String what = "sh -c '(while kill -0 $$; do sleep 0.01; done; sleep 60 & echo $! > late.pid; wait) & sleep 0.5; echo hi'";
        int attempts = 5;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Path pidFile = Files.writeString(Path.of("late.pid").toAbsolutePath(), "");
            String script = "(while kill -0 $$ 2>/dev/null; do sleep 0.01; done; sleep 60 >/dev/null 2>&1 & echo $! > " + pidFile
                    + "; exec >/dev/null 2>&1; wait) & sleep 0.5; echo hi";
            var call = Procs.call(what, List.of("sh", "-c", script), Duration.ofSeconds(20), Duration.ofSeconds(8));
            call.result(what);
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            String written = Files.readString(pidFile).strip();
            while (written.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20); // the subshell may have been killed before it started sleep: then nothing is written
                written = Files.readString(pidFile).strip();
            }
            if (written.isEmpty()) {
                Procs.killAll();
                continue; // run returned before the subshell started sleep 60: not tested
            }
            long late = Long.parseLong(written);
            Procs.started.add(late);
            if (!Procs.endsWithin(List.of(late), Duration.ofSeconds(3))) {
                throw new AssertionError(what + ": run returned, but the sleep 60 (pid " + late + ") that the subshell started"
                        + " after sh ended still runs 3 s later. The subshell was a descendant you saw; when run returns it still"
                        + " ran: list its children (and theirs) before you kill it, parents first.");
            }
            return;
        }
        throw new AssertionError(what + ", " + attempts + " times: each time run returned before the subshell, which still held"
                + " the command's output pipe open, had started its sleep 60, so what run does with the children of a process"
                + " it saw could not be tested. Once the command has ended, wait up to GRACE for the end of its output, read"
                + " from a pipe that stays open when the command ends (the JDK closes the pipe of p.getInputStream() when the"
                + " command ends, or once a read() under way returns: send the output to a cat and read cat's, or to a file).");
    }

    /** Part of the property above: one test per property (the check keeps one result for each). */
    private void killsALeftGrandchild() throws IOException {
        Path pidFile = Files.writeString(Path.of("grand.pid").toAbsolutePath(), "");
        // a subshell starts sleep 60 (a grandchild of sh) and ends after 1 s; sh ends 0.5 s later
        String script = "(sleep 60 >/dev/null 2>&1 & echo $! > " + pidFile + "; sleep 1) & echo hi; sleep 1.5";
        String what = "sh -c '(sleep 60 & echo $! > grand.pid; sleep 1) & echo hi; sleep 1.5'";
        var call = Procs.call(what, List.of("sh", "-c", script), Duration.ofSeconds(20), Duration.ofSeconds(8));
        String written = Files.readString(pidFile).strip();
        if (written.isEmpty()) throw new AssertionError(what + " did not start its background sleep.");
        long grand = Long.parseLong(written);
        Procs.started.add(grand);
        call.result(what);
        if (!Procs.endsWithin(List.of(grand), Duration.ofSeconds(3))) {
            throw new AssertionError(what + ": run returned, but the sleep 60 (pid " + grand + "), a grandchild of sh for"
                    + " 1 s, still runs 3 s later. Look at all the command's descendants(), not only its children().");
        }
    }
}
