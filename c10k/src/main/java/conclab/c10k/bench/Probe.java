package conclab.c10k.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measurements of a running server JVM taken from outside it, by its pid: {@code jcmd} for memory, {@code /proc}
 * for CPU time, threads and descriptors (where there is no {@code /proc}, macOS, {@code ps} for CPU time and
 * threads; descriptors are then unknown). The server runs no code of ours for them, so every server is measured alike.
 *
 * <p>Each method returns null when its figure cannot be read (the process is gone, {@code jcmd} timed out,
 * Native Memory Tracking is off): a figure is measured or absent, never guessed. Each {@code jcmd} is bounded
 * by {@link #JCMD_WITHIN}. The parsers are separate methods so that tests can feed them captured output.
 */
final class Probe {
    private Probe() {}

    /** How long one {@code jcmd} may take (it attaches to the JVM, which a loaded machine slows). */
    static final Duration JCMD_WITHIN = Duration.ofSeconds(30);

    /** The kernel's clock ticks per second, the unit of {@code /proc/PID/stat}'s CPU times. */
    private static final long CLOCK_TICKS = clockTicks();

    /** What a JVM holds outside what it uses for the connections' code: heap used after a GC, native memory. */
    record Memory(Long heapUsedBytes, Long nativeBytes) {
        /** The growth from {@code before} to this, per connection, in bytes; nulls where either is absent. */
        Memory perConnection(Memory before, long connections) {
            return new Memory(per(heapUsedBytes, before.heapUsedBytes, connections),
                    per(nativeBytes, before.nativeBytes, connections));
        }

        private static Long per(Long after, Long before, long connections) {
            return after == null || before == null || connections <= 0 ? null : Math.round((after - before) / (double) connections);
        }
    }

    /**
     * The JVM's memory now: heap used right after a full GC ({@code jcmd PID GC.run}, then {@code GC.heap_info}),
     * and native memory, which is Native Memory Tracking's total committed less the Java heap's committed and
     * the JIT's scratch memory ({@code VM.native_memory summary}, see {@link #nativeOutsideHeap}; the JVM must
     * run with {@code -XX:NativeMemoryTracking=summary}).
     */
    static Memory memory(long pid) {
        jcmd(pid, "GC.run");
        return new Memory(heapUsed(jcmd(pid, "GC.heap_info")), nativeOutsideHeap(jcmd(pid, "VM.native_memory", "summary")));
    }

    /**
     * The process's CPU time so far, user plus system, in microseconds; null if it is gone. Where there is no
     * {@code /proc} (macOS), {@code ps -o time= -p PID} (user plus system, to the hundredth of a second): the
     * JDK's {@code ProcessHandle.Info.totalCpuDuration()} gives it there only for the JVM's own process.
     */
    static Long cpuMicros(long pid) {
        if (noProc()) return psTime(ps("-o", "time=", "-p", Long.toString(pid)));
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        Long ticks = stat == null ? null : cpuTicks(stat);
        return ticks == null ? null : ticks * 1_000_000 / CLOCK_TICKS;
    }

    /**
     * The process's threads now ({@code Threads:} in {@code /proc/PID/status}; where there is no {@code /proc},
     * the lines of {@code ps -M -p PID}, one per thread); null if it is gone.
     */
    static Integer threads(long pid) {
        if (noProc()) return psThreads(ps("-M", "-p", Long.toString(pid)));
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        Matcher m = status == null ? null : Pattern.compile("(?m)^Threads:\\s+(\\d+)").matcher(status);
        return m != null && m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** Whether this system lacks {@code /proc} (macOS). */
    static boolean noProc() {
        return !Files.isDirectory(Path.of("/proc", "self"));
    }

    /**
     * {@code ps}'s {@code time} column ({@code [[DD-]HH:]MM:SS[.ss]}, as macOS prints {@code 0:01.23}) in
     * microseconds; null if {@code out} holds none (the process is gone).
     */
    static Long psTime(List<String> out) {
        if (out == null || out.isEmpty() || out.getFirst().isBlank()) return null;
        Matcher m = Pattern.compile("(?:(\\d+)-)?(?:(\\d+):)?(\\d+):(\\d+(?:\\.\\d+)?)").matcher(out.getFirst().strip());
        if (!m.matches()) return null;
        long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long hours = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        long minutes = Long.parseLong(m.group(3));
        double seconds = Double.parseDouble(m.group(4));
        return ((days * 24 + hours) * 60 + minutes) * 60_000_000 + Math.round(seconds * 1e6);
    }

    /** The threads in {@code ps -M -p PID}'s output: its lines less the header; null if it lists none. */
    static Integer psThreads(List<String> out) {
        if (out == null) return null;
        long lines = out.stream().filter(l -> !l.isBlank()).count();
        return lines > 1 ? (int) (lines - 1) : null;
    }

    /** The process's open descriptors now (entries of {@code /proc/PID/fd}); null if it is gone. */
    static Long descriptors(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    /** The heap used in {@code GC.heap_info}'s output: its first {@code used NK} (the heap's line), in bytes. */
    static Long heapUsed(String heapInfo) {
        Matcher m = Pattern.compile("used (\\d+)K").matcher(heapInfo == null ? "" : heapInfo);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : null;
    }

    /**
     * Total committed less the Java heap's and the arena chunk pool's, in {@code VM.native_memory summary}'s
     * output, in bytes. The arena chunks are the JIT compilers' scratch memory, kept in a pool that is emptied
     * every few seconds: it swings by megabytes between two summaries whatever the connections do (measured:
     * +6 MB, then -4.7 MB, with 1,000 idle connections either way), more than 1,000 selector-loop connections
     * cost.
     */
    static Long nativeOutsideHeap(String summary) {
        if (summary == null) return null;
        Long total = committed(summary, "Total: reserved=\\d+KB, committed=(\\d+)KB");
        Long heap = committed(summary, "Java Heap \\(reserved=\\d+KB, committed=(\\d+)KB");
        Long chunks = committed(summary, "Arena Chunk \\(reserved=\\d+KB, committed=(\\d+)KB");
        return total == null || heap == null ? null : (total - heap - (chunks == null ? 0 : chunks)) * 1024;
    }

    private static Long committed(String summary, String regex) {
        Matcher m = Pattern.compile(regex).matcher(summary);
        return m.find() ? Long.valueOf(m.group(1)) : null;
    }

    /**
     * utime plus stime, fields 14 and 15 of {@code /proc/PID/stat}, in clock ticks. The fields are counted
     * after the command's closing parenthesis, since the command may hold spaces.
     */
    static Long cpuTicks(String stat) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return after.length > 12 ? Long.parseLong(after[11]) + Long.parseLong(after[12]) : null; // field 3 is after[0]
    }

    /** {@code jcmd PID COMMAND...}'s output, or null if it failed or timed out. */
    private static String jcmd(long pid, String... command) {
        List<String> args = new ArrayList<>(List.of(Child.jdkTool("jcmd"), Long.toString(pid)));
        args.addAll(List.of(command));
        Child jcmd = Child.start(args);
        String out = String.join("\n", jcmd.output(JCMD_WITHIN));
        return Integer.valueOf(0).equals(jcmd.exitCode()) ? out : null;
    }

    private static String read(Path file) {
        try {
            return String.join("\n", Files.readAllLines(file)); // not readString: /proc files have no size
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code ps ARGS...}'s output, or null if it failed (ps exits 1 when no process matches). */
    private static List<String> ps(String... args) {
        List<String> command = new ArrayList<>(List.of("ps"));
        command.addAll(List.of(args));
        return Child.linesOf(command, Duration.ofSeconds(10));
    }

    /** {@code getconf CLK_TCK}; 100 (Linux's USER_HZ) if getconf cannot say. */
    private static long clockTicks() {
        try {
            List<String> out = Child.start(List.of("getconf", "CLK_TCK")).output(Duration.ofSeconds(10));
            return Long.parseLong(out.getFirst().strip());
        } catch (RuntimeException e) {
            return 100;
        }
    }
}
