import conclab.grader.probe.ContextSwitches;
import conclab.grader.probe.Hang;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Public tests of the run-command exercise: the learner may read them. */
class RunCommandTest {
    @AfterEach
    void killWhatIsLeft() {
        Procs.killAll();
    }

    @Test
    @Property("exit-and-output")
    void exitAndOutput() {
        var call = Procs.call(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10), Duration.ofSeconds(15));
        Result r = call.result("sh -c 'echo out; echo err >&2; exit 3'");
        if (r.exitCode() != 3) throw new AssertionError("The command exits with code 3, but run returned exit code " + r.exitCode() + ".");
        if (r.output() == null || !r.output().contains("out\n") || !r.output().contains("err\n")) {
            throw new AssertionError("The command prints \"out\" on stdout and \"err\" on stderr; run returned the output "
                    + Procs.quote(r.output()) + ". Merge stderr into stdout (redirectErrorStream(true)) and read it all.");
        }
        // the bytes as they came: a \r\n stays, and no line break is added after a last line that has none
        var exact = Procs.call(List.of("printf", "a\r\nb"), Duration.ofSeconds(10), Duration.ofSeconds(15));
        Result e = exact.result("printf 'a\\r\\nb'");
        if (!"a\r\nb".equals(e.output())) {
            throw new AssertionError("printf 'a\\r\\nb' prints the 4 characters a, \\r, \\n and b; run returned "
                    + Procs.quote(e.output() == null ? null : e.output().replace("\r", "\\r")) + ". Return the output as it"
                    + " came: reading it line by line (readLine) drops each \\r and adds a line break where there was none.");
        }
    }

    /**
     * The files in the temporary folder (java.io.tmpdir: a check gives its test JVM a folder of its own) and in the
     * working directory, by name; the runner's results file aside.
     */
    static Set<String> files() throws IOException {
        Set<String> names = new java.util.TreeSet<>();
        for (String dir : List.of(System.getProperty("java.io.tmpdir"), System.getProperty("user.dir"))) {
            try (var list = Files.list(Path.of(dir))) {
                list.filter(f -> !f.getFileName().toString().startsWith("results")).forEach(f -> names.add(f.toString()));
            }
        }
        return names;
    }

    @Test
    @Property("no-files-left")
    void leavesNoFileBehind() throws IOException {
        Set<String> before = files();
        Procs.call(List.of("sh", "-c", "echo out; echo err >&2"), Duration.ofSeconds(10), Duration.ofSeconds(15)).result("sh -c 'echo out; echo err >&2'");
        Procs.call(List.of("sh", "-c", "yes 0123456789 | head -n 200000"), Duration.ofSeconds(10), Duration.ofSeconds(15)).result("a command printing 2.2 MB");
        Procs.call(List.of("sh", "-c", "sleep 60 & echo hi"), Duration.ofSeconds(10), Duration.ofSeconds(15)).result("sh -c 'sleep 60 & echo hi'");
        Set<String> left = files();
        left.removeAll(before);
        if (!left.isEmpty()) {
            throw new AssertionError("After three calls of run (echo, 2.2 MB of output, and sh -c 'sleep 60 & echo hi'), "
                    + left.size() + " new file(s) remained: " + left + ". A file that run writes (the command's output"
                    + " sent to a file) is run's to delete before it returns, in a finally: else every call leaves one"
                    + " behind, and a process left behind can go on filling it.");
        }
        // the calls that throw: whether they throw the right exception is times-out's and kills-tree's to say
        endsAnyway(List.of("sleep", "60"), Duration.ofSeconds(1), false);
        endsAnyway(List.of("sleep", "60"), Duration.ofSeconds(30), true);
        left = files();
        left.removeAll(before);
        if (!left.isEmpty()) {
            throw new AssertionError("After a call of run that timed out (sleep 60, timeout 1 s) and one whose caller was"
                    + " interrupted (sleep 60), " + left.size() + " new file(s) remained: " + left + ". A file that run"
                    + " writes is run's to delete before it returns or throws: delete it in a finally, not only after"
                    + " reading it.");
        }
    }

    /**
     * Calls run(command, timeout) on a thread of its own, interrupts that thread once the command runs if
     * {@code interrupt}, and waits for run to end, whatever it returns or throws. A run that has not ended 5 s
     * after its timeout or the interrupt has its processes killed (that it goes on waiting is times-out's or
     * kills-tree's to fail, not this property's), and fails only if it has still not ended 15 s after that.
     */
    private static void endsAnyway(List<String> command, Duration timeout, boolean interrupt) {
        Procs.killAll(); // no sleep of an earlier call is taken for this one's
        FutureTask<Result> task = new FutureTask<>(() -> Commands.run(command, timeout));
        Thread caller = Thread.ofPlatform().name("caller").daemon().start(task);
        String what = "run(" + String.join(" ", command) + ", timeout " + timeout.toSeconds() + " s)";
        try {
            if (interrupt) {
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (Procs.children(command.get(0)).isEmpty() && System.nanoTime() < until && !task.isDone()) {
                    Procs.pause(20); // polling the operating system: there is no event to wait for
                }
                caller.interrupt();
                what += ", its caller interrupted,";
            }
            if (!caller.join(interrupt ? Duration.ofSeconds(5) : timeout.plusSeconds(5))) {
                Procs.killAll();
                if (!caller.join(Duration.ofSeconds(15))) {
                    throw new AssertionError(what + " had not ended 15 s after its command was killed: it "
                            + Hang.doing(caller) + ".");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    @Test
    @Property("own-output")
    void ownOutput() throws InterruptedException {
        // A prints a line and waits in a sleep; B runs to its end meanwhile; then the test ends A's sleep and A goes on
        String scriptA = "echo first-A; sleep 59; echo second-A";
        String whatA = "sh -c '" + scriptA + "'";
        FutureTask<Result> a = new FutureTask<>(() -> Commands.run(List.of("sh", "-c", scriptA), Duration.ofSeconds(30)));
        Thread callerA = Thread.ofPlatform().name("caller-A").daemon().start(a);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<ProcessHandle> sleeps = Procs.descendants("sleep", "59");
        while (sleeps.isEmpty() && System.nanoTime() < until && !a.isDone()) {
            Procs.pause(20); // polling the operating system: there is no event to wait for
            sleeps = Procs.descendants("sleep", "59");
        }
        if (sleeps.isEmpty()) {
            throw new AssertionError("run(" + whatA + "), called on a thread of its own, " + (a.isDone()
                    ? "returned before its command's sleep ran" : "had not started its command's sleep within 10 s") + ".");
        }
        Procs.pause(1_000); // A looks at its command's descendants every LOOK (100 ms): by now it has seen the sleep
        Procs.Call b = Procs.call("sh -c 'echo only-B'", List.of("sh", "-c", "echo only-B"), Duration.ofSeconds(10), Duration.ofSeconds(15));
        // killed as the second call's last step: a process killed but not yet reaped still reads as alive for a moment
        boolean sleepKilled = Procs.endsWithin(sleeps.stream().map(ProcessHandle::pid).toList(), Duration.ofSeconds(2));
        sleeps.forEach(ProcessHandle::destroyForcibly); // A goes on: it prints its second line and ends
        Procs.Call callA;
        try {
            callA = new Procs.Call(a.get(15, TimeUnit.SECONDS), null);
        } catch (ExecutionException e) {
            callA = new Procs.Call(null, e.getCause());
        } catch (TimeoutException e) {
            String doing = Hang.doing(callerA);
            Procs.killAll();
            throw new AssertionError("run(" + whatA + ") had not returned 15 s after its sleep was killed: it " + doing + ".");
        }
        String shared = " Two calls of run at once share whatever run keeps outside the call: a file at a fixed path,"
                + " a static buffer. Give each call its own (a buffer made in run; Files.createTempFile, if you send the"
                + " output to a file).";
        if (callA.thrown() != null) {
            throw new AssertionError("While run(" + whatA + ") waited in its sleep, run(sh -c 'echo only-B') was called on"
                    + " another thread and returned; then run(" + whatA + ") threw " + callA.thrown() + "." + shared, callA.thrown());
        }
        if (sleepKilled) {
            throw new AssertionError("While run(" + whatA + ") waited in its sleep, run(sh -c 'echo only-B') was called on"
                    + " another thread; when it returned, the first call's sleep had been killed: one call killed processes"
                    + " of another's command." + shared);
        }
        Result ra = callA.result(whatA), rb = b.result("sh -c 'echo only-B'");
        boolean aOwn = ra.output() != null && ra.output().contains("first-A\n") && ra.output().contains("second-A\n")
                && !ra.output().contains("only-B");
        boolean bOwn = rb.output() != null && rb.output().contains("only-B\n") && !rb.output().contains("-A");
        if (!aOwn || !bOwn) {
            throw new AssertionError("While run(" + whatA + ") waited in its sleep, run(sh -c 'echo only-B') was called on"
                    + " another thread. The first returned exit code " + ra.exitCode() + " and the output " + Procs.quote(ra.output())
                    + " (its command printed \"first-A\" and \"second-A\", and exited with 0), the second exit code "
                    + rb.exitCode() + " and " + Procs.quote(rb.output()) + " (its command printed"
                    + " \"only-B\")." + shared);
        }
    }

    @Test
    @Property("big-output")
    void bigOutput() {
        // 51,220 lines of 41 bytes, 2.1 MB: more than a pipe holds with any page size (16 pages of 64 KiB are 1 MiB)
        String script = "yes 0123456789012345678901234567890123456789 | head -n 51220";
        var call = Procs.call(List.of("sh", "-c", script), Duration.ofSeconds(5), Duration.ofSeconds(15));
        if (call.thrown() instanceof TimeoutException) {
            throw new AssertionError("A command that prints 2.1 MB and ends at once was stopped by the 5 s timeout: it never"
                    + " ended, because it waited for someone to read its output. A pipe holds 16 pages (64 KB with 4 KB pages);"
                    + " read the output while the command runs (on another thread), not after waitFor.");
        }
        Result r = call.result("a command printing 51,220 lines (2.1 MB)");
        long lines = r.output() == null ? 0 : r.output().lines().count();
        if (r.exitCode() != 0 || lines != 51_220 || r.output().length() != 51_220 * 41) {
            throw new AssertionError("A command that prints 51,220 lines (2.1 MB) and exits with 0: run returned exit code "
                    + r.exitCode() + " and " + lines + " lines (" + (r.output() == null ? 0 : r.output().length()) + " characters).");
        }
        // 1.8 MB of 2- and 3-byte UTF-8 characters: reads of a pipe end anywhere, also inside a character
        String utf = "yes \"$(printf '\\303\\251\\342\\202\\254')\" | head -n 300000"; // é€ in octal: the command line stays ASCII
        var text = Procs.call(List.of("sh", "-c", utf), Duration.ofSeconds(10), Duration.ofSeconds(15));
        Result t = text.result("a command printing 300,000 lines of \"é€\" (1.8 MB of UTF-8)");
        String want = "é€\n".repeat(300_000);
        if (!want.equals(t.output())) {
            long broken = t.output() == null ? 0 : t.output().chars().filter(c -> c == '\uFFFD').count();
            throw new AssertionError("A command printing 300,000 lines of \"é€\" (1.8 MB of UTF-8) returned "
                    + (t.output() == null ? "no output" : t.output().length() + " characters, not 900,000"
                    + (broken > 0 ? ", " + broken + " of them replacement characters (\\uFFFD)" : "")) + ". A read of a pipe"
                    + " may end inside a character: decode all the bytes once they are in (a ByteArrayOutputStream, then"
                    + " toString(UTF_8)), not each chunk on its own.");
        }
        // the same on stderr, after a line on stdout: a reader of stdout alone waits for an end that never comes
        var err = Procs.call(List.of("sh", "-c", "echo first; (" + script + ") >&2"), Duration.ofSeconds(5), Duration.ofSeconds(15));
        if (err.thrown() instanceof TimeoutException) {
            throw new AssertionError("A command that prints a line on stdout, then 2.1 MB on stderr, and ends at once, was"
                    + " stopped by the 5 s timeout: it waited for someone to read its stderr. Merge stderr into stdout"
                    + " (redirectErrorStream(true)), or read both streams at once.");
        }
        Result e = err.result("a command printing 1 line on stdout, then 51,220 lines (2.1 MB) on stderr");
        long errLines = e.output() == null ? 0 : e.output().lines().count();
        if (e.exitCode() != 0 || errLines != 51_221) {
            throw new AssertionError("A command that prints 1 line on stdout, then 51,220 lines (2.1 MB) on stderr, and exits"
                    + " with 0: run returned exit code " + e.exitCode() + " and " + errLines + " lines.");
        }
    }

    @Test
    @Property("returns-on-exit")
    void returnsOnExit() throws IOException {
        // sh starts sleep in the background and ends; the sleep holds sh's stdout (the pipe) open for 60 s
        for (String rest : List.of("echo hi", "echo hi; sleep 1")) {
            Path pidFile = Files.writeString(Path.of("background.pid").toAbsolutePath(), "");
            String what = "sh -c 'sleep 60 & echo $! > background.pid; " + rest + "'";
            Procs.Call call;
            try {
                call = Procs.call(what, List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; " + rest),
                        Duration.ofSeconds(20), Duration.ofSeconds(8));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " The command itself had ended, but the sleep it started in the"
                        + " background holds its output pipe open for 60 s: reading to the end of the output waits for the"
                        + " sleep. Return once the command has ended, waiting at most GRACE for the rest of its output.", e);
            }
            String written = Files.readString(pidFile).strip();
            if (!written.isEmpty()) Procs.started.add(Long.parseLong(written));
            Result r = call.result(what);
            if (r.exitCode() != 0 || r.output() == null || !r.output().contains("hi\n")) {
                throw new AssertionError(what + " prints \"hi\" and exits with 0; run returned exit code " + r.exitCode()
                        + " and the output " + Procs.quote(r.output()) + ".");
            }
            // a cat that the output went through waits for the end of its input, which the sleep holds back for 60 s
            List<Long> cats = Procs.children("cat");
            if (!Procs.endsWithin(cats, Duration.ofSeconds(2))) {
                throw new AssertionError(what + ": run returned, but the cat its output went through (pid " + cats
                        + ") still runs 2 s later: the sleep holds cat's input open, so it would run for 60 s. Kill cat"
                        + " too when run returns (in the finally).");
            }
            Procs.killAll();
        }
    }

    @Test
    @Property("late-output")
    void lateOutput() {
        // sh ends at once; the subshell it started prints a line 0.2 s later (within GRACE), then ends and closes the pipe
        String what = "sh -c '(sleep 0.2; echo late) & echo early'";
        var call = Procs.call(what, List.of("sh", "-c", "(sleep 0.2; echo late) & echo early"), Duration.ofSeconds(20), Duration.ofSeconds(8));
        Result r = call.result(what);
        if (r.exitCode() != 0 || r.output() == null || !r.output().contains("early\n") || !r.output().contains("late\n")) {
            throw new AssertionError(what + ": sh ends at once, and the subshell it started prints \"late\" 0.2 s later, then"
                    + " ends; run returned exit code " + r.exitCode() + " and the output " + Procs.quote(r.output()) + ". " + Procs.LATE);
        }
        // sh prints 2.1 MB and ends; the subshell it started waits (no process started) until sh has ended and was
        // collected, then prints "late". A reader of the command's own pipe is often busy copying when sh ends, not
        // blocked in read(), and then the JDK's reaper thread closes that pipe: "late" is lost. Not on every run (about half of
        // the tries on a 2-core machine): ten tries, the first loss fails. After sh's end only "late" comes, so a correct run has it well within GRACE
        String script = "echo early; (while kill -0 $$ 2>/dev/null; do :; done; echo late) & yes filler | head -c 2100000";
        what = "sh -c '" + script + "'";
        int size = "early\n".length() + 2_100_000 + "late\n".length();
        for (int attempt = 1; attempt <= 10; attempt++) {
            call = Procs.call(what, List.of("sh", "-c", script), Duration.ofSeconds(20), Duration.ofSeconds(8));
            r = call.result(what);
            if (r.exitCode() != 0 || r.output() == null || !r.output().startsWith("early\n") || !r.output().endsWith("filler\nlate\n")
                    || r.output().length() != size) {
                throw new AssertionError(what + " (try " + attempt + " of 10): sh prints 2.1 MB of \"filler\" lines and ends; the"
                        + " subshell it started waits for sh to end, then prints \"late\" and ends; run returned exit"
                        + " code " + r.exitCode() + " and " + (r.output() == null ? "no output" : r.output().length() + " characters, ending with "
                        + Procs.quote(r.output().substring(Math.max(0, r.output().length() - 20)))) + " (expected " + size
                        + ", ending with \"filler\\nlate\\n\"). " + Procs.LATE);
            }
            Procs.killAll();
        }
    }

    @Test
    @Property("waits-idle")
    void waitsIdle() throws IOException {
        // run(sleep 60) waits while the test keeps sleep alive for 2 s: its thread should wait, not poll
        Waiting call = Waiting.start("run(sleep 60)", () -> Commands.run(List.of("sleep", "60"), Duration.ofSeconds(30)));
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Long> sleeps = Procs.children("sleep");
        while (sleeps.isEmpty() && System.nanoTime() < until && !call.done()) {
            Procs.pause(20); // polling the operating system: there is no event to wait for
            sleeps = Procs.children("sleep");
        }
        if (sleeps.isEmpty()) {
            if (call.done()) call.returns(Duration.ZERO);
            throw new AssertionError("run(sleep 60) had not started sleep within 5 s.");
        }
        Path task = ContextSwitches.task("run(sleep 60)");
        long before = ContextSwitches.of(task);
        Waiting.Watch w = call.watch(Duration.ofSeconds(2));
        long wakeups = ContextSwitches.of(task) - before;
        sleeps.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)); // run returns: the command ended
        call.returns(Duration.ofSeconds(10));
        if (w.spins()) {
            throw new AssertionError("While sleep 60 ran for 2 s, the thread calling run did not wait: " + w.describe()
                    + ". Wait in p.waitFor(LOOK, ...), not in a loop on isAlive().");
        }
        if (task != null && before >= 0 && wakeups > 60) {
            throw new AssertionError("While sleep 60 ran for 2 s, the thread calling run woke up " + wakeups + " times (waiting"
                    + " in waitFor(LOOK) it wakes up about 20 times): it polls. Wait in p.waitFor(LOOK, ...), which returns at"
                    + " once when the command ends, not in Thread.sleep between looks at isAlive().");
        }
    }

    @Test
    @Property("times-out")
    void timesOut() {
        var call = Procs.call(List.of("sleep", "60"), Duration.ofSeconds(1), Duration.ofSeconds(10));
        if (!(call.thrown() instanceof TimeoutException)) {
            call.result("sleep 60 with a timeout of 1 s"); // fails if it threw something else
            throw new AssertionError("sleep 60 with a timeout of 1 s returned instead of throwing TimeoutException.");
        }
        if (!Procs.endsWithin(Procs.children("sleep"), Duration.ofSeconds(5))) {
            throw new AssertionError("run threw TimeoutException, but sleep 60 still runs 5 s later: kill the process on a timeout.");
        }
    }
}

/** What the tests share: run with a bound, and the processes they start, killed after each test. */
final class Procs {
    /** Processes the tests learned of that may no longer be children of this JVM (orphans). */
    static final Set<Long> started = ConcurrentHashMap.newKeySet();

    /** What run returned or threw. */
    record Call(Result returned, Throwable thrown) {
        /** The result; fails if run threw. */
        Result result(String what) {
            if (thrown != null) throw new AssertionError("run(" + what + ") threw " + thrown, thrown);
            if (returned == null) throw new AssertionError("run(" + what + ") returned null.");
            return returned;
        }
    }

    /** Calls run on a thread of its own and waits for it at most {@code limit}; fails if it has not returned by then. */
    static Call call(List<String> command, Duration timeout, Duration limit) {
        return call(String.join(" ", command), command, timeout, limit);
    }

    /** The same, with {@code what} naming the command in messages. */
    static Call call(String what, List<String> command, Duration timeout, Duration limit) {
        FutureTask<Result> task = new FutureTask<>(() -> Commands.run(command, timeout));
        Thread caller = Thread.ofPlatform().name("caller").daemon().start(task);
        try {
            return new Call(task.get(limit.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException e) {
            return new Call(null, e.getCause());
        } catch (TimeoutException e) {
            String doing = Hang.doing(caller);
            killAll(); // what it waits for ends, so its thread does not outlive the test
            throw new AssertionError("run(" + what + ", timeout " + timeout.toSeconds() + " s) had not returned after "
                    + limit.toSeconds() + " s: it " + doing + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** The pids of this JVM's children whose command ends with {@code name}. */
    static List<Long> children(String name) {
        return ProcessHandle.current().children().filter(h -> runs(h, name)).map(ProcessHandle::pid).toList();
    }

    /** Whether the command of {@code h} is {@code name} (or a path ending with it). */
    static boolean runs(ProcessHandle h, String name) {
        return h.info().command().map(c -> c.endsWith("/" + name) || c.equals(name)).orElse(false);
    }

    /**
     * The descendants of this JVM whose command ends with {@code name} and, where the system tells a process's
     * arguments, whose first argument is {@code arg}.
     */
    static List<ProcessHandle> descendants(String name, String arg) {
        return ProcessHandle.current().descendants()
                .filter(h -> runs(h, name))
                .filter(h -> h.info().arguments().map(args -> args.length > 0 && args[0].equals(arg)).orElse(true))
                .toList();
    }

    /** Whether every process of {@code pids} has ended (or is a zombie: dead, not yet reaped) within {@code limit}. */
    static boolean endsWithin(List<Long> pids, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (pids.stream().anyMatch(Procs::running)) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(20); // polling the operating system: there is no event to wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Whether {@code pid} runs: alive, and on Linux not a zombie (a process that died and was not yet reaped). */
    static boolean running(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) return false;
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.isDirectory(Path.of("/proc"))) return true;
        try {
            String s = Files.readString(stat);
            return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return h.get().isAlive();
        }
    }

    /** Kills every process this JVM started, and the ones the tests noted, and waits a little for them. */
    static void killAll() {
        List<ProcessHandle> all = new java.util.ArrayList<>(ProcessHandle.current().descendants().toList());
        for (long pid : started) ProcessHandle.of(pid).ifPresent(all::add);
        all.forEach(ProcessHandle::destroyForcibly);
        endsWithin(all.stream().map(ProcessHandle::pid).toList(), Duration.ofSeconds(5));
        started.clear();
    }

    /** Sleeps {@code ms}, keeping an interrupt. */
    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\n", "\\n") + "\"";
    }

    /** What to do about output lost after the command ended. */
    static final String LATE = "Once the command has ended, wait up to GRACE (0.5 s) for the rest of its output, and read"
            + " it from a pipe that stays open when the command ends: when the command ends, the JDK's reaper thread closes the"
            + " pipe of p.getInputStream() (keeping only what is in it at that moment; a read() under way only delays that until it returns), so"
            + " waiting longer (reader.join(GRACE)) cannot bring the rest back. Send the command's output to a cat and read"
            + " cat's (ProcessBuilder.startPipeline, and kill cat too when run returns), or send it to a file.";
}
