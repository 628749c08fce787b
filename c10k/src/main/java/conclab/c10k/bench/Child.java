package conclab.c10k.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A process the benchmark starts: a server or generator JVM, {@code wrk}, {@code jcmd}. Every wait on it is
 * bounded, and no child outlives the benchmark.
 *
 * <p>Two daemon threads drain the child's pipes as they fill, so that a chatty child never stalls on a full
 * pipe: stdout line by line into a queue that {@link #awaitLine} and {@link #output} take from, stderr into
 * a tail of its last lines ({@link #errors}), which say why a child failed. The driver's thread calls every
 * method; the reader threads touch only {@link #lines} and {@link #tail}.
 *
 * <p>Every child started is in {@link #LIVE} until {@link #end} has seen it exit; a shutdown hook kills those
 * still alive when this JVM exits, Ctrl-C included. The servers and the generator also end by themselves when
 * their stdin reaches end of file, which a dying parent causes too.
 */
final class Child implements AutoCloseable {
    /** Children started and not yet seen to exit; the shutdown hook kills them. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(
                new Thread(() -> LIVE.forEach(Process::destroyForcibly), "c10k-bench-kill-children"));
    }

    /** How many stderr lines {@link #tail} keeps. */
    private static final int TAIL = 8;

    /** Put into {@link #lines} after the last line: compared by identity. */
    private static final String END = new String("end of stdout");

    private final String name;
    private final Process process;
    /** Stdout's lines not yet taken, then {@link #END}; filled by the stdout reader. */
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** The last {@link #TAIL} lines of stderr; guarded by itself. */
    private final Deque<String> tail = new ArrayDeque<>();
    /** Whether {@link #END} was taken: stdout has no more lines. Driver's thread only. */
    private boolean ended;

    private Child(String name, Process process) {
        this.name = name;
        this.process = process;
        read(process.getInputStream(), "stdout", lines::add, () -> lines.add(END));
        read(process.getErrorStream(), "stderr", this::keep, () -> {});
    }

    /**
     * Starts {@code command}. Throws {@link UncheckedIOException} if it cannot be started (no such program);
     * its message names the program.
     */
    static Child start(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).start();
            LIVE.add(p);
            return new Child(Path.of(command.getFirst()).getFileName() + " " + p.pid(), p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.getFirst() + ": " + e.getMessage(), e);
        }
    }

    /** Starts {@code main} in a JVM of the JDK this JVM runs on, with {@code flags} and {@code classpath}. */
    static Child jvm(List<String> flags, String classpath, String main, List<String> args) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(flags);
        command.addAll(List.of("-cp", classpath, main));
        command.addAll(args);
        return start(command);
    }

    /** The {@code java} launcher of this JVM. */
    static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A tool of the JDK this JVM runs on ({@code jcmd}). */
    static String jdkTool(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * The first stdout line that {@code wanted} accepts, waiting at most {@code within}; null if none came by
     * then or stdout ended first. Lines it passes over are kept in the stderr tail, as evidence.
     */
    String awaitLine(Predicate<String> wanted, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try {
            while (!ended) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) return null; // the deadline passed
                if (line == END) ended = true;
                else if (wanted.test(line)) return line;
                else keep("stdout: " + line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /**
     * Runs a tool ({@code ps}, {@code sysctl}, ...) to its end, waiting at most {@code within}: the lines it printed if it
     * exited with 0, else null (not there, failed, or killed at the limit).
     */
    static List<String> linesOf(List<String> command, Duration within) {
        try {
            Child c = start(command);
            List<String> out = c.output(within);
            return Integer.valueOf(0).equals(c.exitCode()) ? out : null;
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    /**
     * Waits at most {@code within} for the child to exit and its stdout to end, killing it if it does not;
     * returns the stdout lines not taken before.
     */
    List<String> output(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> out = new ArrayList<>();
        for (String line; (line = awaitLine(_ -> true, Duration.ofNanos(deadline - System.nanoTime()))) != null; )
            out.add(line);
        end(Duration.ofSeconds(1));
        return out;
    }

    /** Waits at most {@code within} for the child to exit; whether it did. */
    boolean waitFor(Duration within) {
        try {
            return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Writes a line to the child's stdin; false if the child no longer reads it. */
    boolean send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Ends the child, each step bounded: closes its stdin (the servers' and the generator's signal to end),
     * waits {@code grace}, then asks it to terminate (SIGTERM) and waits 5 s, then kills it and waits up to
     * 10 s. Returns whether it exited by itself within {@code grace}. When interrupted it kills at once.
     */
    boolean end(Duration grace) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the child is gone, or its stdin was closed: either way it has none now
        }
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) return true;
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            if (!process.isAlive()) LIVE.remove(process);
        }
        return false;
    }

    /** {@link #end} with a grace of 10 s. */
    @Override
    public void close() {
        end(Duration.ofSeconds(10));
    }

    /** The exit code, or null while it runs. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** The last lines of stderr (and stdout lines passed over), joined by {@code " | "}; "" if none. */
    String errors() {
        synchronized (tail) {
            return String.join(" | ", tail);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private void keep(String line) {
        synchronized (tail) {
            if (tail.size() == TAIL) tail.removeFirst();
            tail.addLast(line.strip());
        }
    }

    /** Reads {@code stream}'s lines into {@code sink} on a daemon thread, then runs {@code atEnd}. */
    private void read(InputStream stream, String which, Consumer<String> sink, Runnable atEnd) {
        Thread.ofPlatform().daemon().name("c10k-bench-" + process.pid() + "-" + which).start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) sink.accept(line);
            } catch (IOException e) {
                // the pipe was closed: nothing more to read
            } finally {
                atEnd.run();
            }
        });
    }
}
