package conclab.c10k;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A child process of the lab, with its stdout and stderr merged, read line by line by a daemon thread into a
 * queue so that every wait on it is bounded and interruptible; and the record of its family (every descendant
 * seen while it ran), so that {@link #stop} and {@link #killLeftovers} can end what it started.
 *
 * <p>The family is noted whenever a line is taken, before the line is returned: whatever the child started before
 * printing a line is known once the line is seen. A zombie (ended, not yet reaped by its new parent: here init
 * may take seconds) counts as ended ({@link #ended}).
 *
 * <p>One thread uses an instance (the lab's caller); the reader thread touches only the queue.
 */
final class ChildProcess {
    /** How long a child may take to end after SIGTERM, or its descendants after it, before they are killed. */
    static final Duration GRACE = Duration.ofMillis(1500);
    /** Taken from the queue after the last line. */
    private static final Optional<String> END = Optional.empty();
    /** How many of its last lines a child keeps, to say why it failed. */
    private static final int TAIL = 6;

    private final Process process;
    /** Its lines, then END; filled by the reader thread. */
    private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
    /** Every descendant seen, by pid. */
    private final Map<Long, ProcessHandle> family = new LinkedHashMap<>();
    /** Its last lines taken. */
    private final Deque<String> tail = new ArrayDeque<>();
    /** Whether END was taken. */
    private boolean ended;

    private ChildProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("c10k-lab-output-" + process.pid()).start(this::copyLines);
    }

    /** Starts {@code command} with its stderr merged into its stdout. */
    static ChildProcess start(ProcessBuilder command) {
        try {
            return new ChildProcess(command.redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.command().getFirst() + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /**
     * The next line, waiting until {@code deadline} ({@link System#nanoTime}) at most; null if none came by then
     * or the output has ended ({@link #outputEnded}).
     */
    String nextLine(long deadline) throws InterruptedException {
        if (ended) return null;
        Optional<String> line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        noteFamily(); // before the line is handed over
        if (line == null) return null;
        if (line.isEmpty()) {
            ended = true;
            return null;
        }
        if (tail.size() == TAIL) tail.removeFirst();
        tail.addLast(line.get());
        return line.get();
    }

    /**
     * The first line that {@code wanted} accepts, waiting until {@code deadline}; the lines before it go to
     * {@code others}. Throws {@link IllegalStateException}, with the child's last lines, if the output ends or the
     * deadline passes first.
     */
    String awaitLine(Predicate<String> wanted, long deadline, String what, Consumer<String> others) throws InterruptedException {
        for (String line; (line = nextLine(deadline)) != null; ) {
            if (wanted.test(line)) return line;
            others.accept(line);
        }
        throw new IllegalStateException("pid " + pid() + " printed no " + what + (ended ? " before its output ended" : " in time")
                + (tail.isEmpty() ? "" : "; its last lines: " + String.join(" | ", tail)));
    }

    /** Whether its output has ended. */
    boolean outputEnded() {
        return ended;
    }

    /** Notes the child's descendants now. */
    void noteFamily() {
        process.descendants().forEach(h -> family.putIfAbsent(h.pid(), h));
    }

    /** Writes a line to its stdin; false if it no longer reads it. */
    boolean send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes its stdin: the lab's servers and generators end at its end. */
    void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // it is gone, or its stdin was closed: either way it has none now
        }
    }

    /** Waits up to {@code limit} for it to exit; whether it did. */
    boolean awaitExit(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops it: SIGTERM, the kill after {@link #GRACE}, then kills what is left of its family, and says in a line
     * to {@code report} what it did. Waits even when interrupted, keeping the interrupt status. Does nothing but
     * {@link #killLeftovers} if it has exited.
     */
    void stop(Consumer<String> report) {
        noteFamily();
        if (!process.isAlive()) {
            int left = killLeftovers();
            if (left > 0) report.accept("[lab] pid " + pid() + " left " + left + " process(es) running: killed them");
            return;
        }
        process.destroy();
        boolean byItself = awaitEnd(process.toHandle(), GRACE);
        if (!byItself) {
            process.destroyForcibly();
            awaitEnd(process.toHandle(), Duration.ofSeconds(5));
        }
        int left = killLeftovers();
        report.accept("[lab] stopped pid " + pid() + (byItself ? " with SIGTERM" : ", killed after " + GRACE.toMillis() + " ms")
                + (left == 0 ? "; none of its " + family.size() + " descendant(s) was left" : "; killed " + left + " descendant(s) it left"));
    }

    /**
     * Gives its family {@link #GRACE} to end (a parent that ended them may not have waited for them), then kills
     * those still alive and waits for each (bounded); returns how many it killed.
     */
    int killLeftovers() {
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : family.values()) awaitEnd(h, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        int alive = 0;
        for (ProcessHandle h : family.values()) {
            if (!ended(h)) {
                alive++;
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : family.values()) awaitEnd(h, Duration.ofSeconds(5));
        return alive;
    }

    /** Copies the child's lines into the queue, then END. Runs on the reader thread. */
    private void copyLines() {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) lines.add(Optional.of(line));
        } catch (IOException e) {
            // the stream was closed: no more lines
        } finally {
            lines.add(END);
        }
    }

    /**
     * Waits up to {@code limit} for {@code h} to end; whether it did. Keeps waiting when interrupted, keeping
     * the status. Looks every few milliseconds: a zombie has ended but has no exit to wait for.
     */
    static boolean awaitEnd(ProcessHandle h, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean interrupted = false;
        try {
            while (!ended(h)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    h.onExit().get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | TimeoutException e) {
                    // looked at again by the loop
                }
            }
            return true;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether {@code h} has ended: gone, or a zombie (dead, not yet reaped by its new parent; an orphan's parent is
     * init, which here may take seconds to reap it, and Java counts a zombie as alive).
     */
    static boolean ended(ProcessHandle h) {
        if (!h.isAlive()) return true;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z"); // pid (comm) state ...
        } catch (IOException | RuntimeException e) {
            return !h.isAlive(); // no /proc (not Linux), or it has just gone
        }
    }

    /** Its last lines, joined by " | ". */
    String tail() {
        return String.join(" | ", tail);
    }

    /** Its descendants seen so far. */
    List<ProcessHandle> family() {
        return new ArrayList<>(family.values());
    }
}
