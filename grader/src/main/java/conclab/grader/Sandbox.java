package conclab.grader;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs a command (a compiler, a test JVM) as a process tree of its own and kills the whole tree the moment
 * it goes past a limit: wall time, live threads, child processes, output. A watchdog samples the process
 * every {@value #SAMPLE_MS} ms; the operating system enforces what it can on top (file size and CPU time
 * through {@code ulimit}).
 *
 * <p>On Linux the process starts in a session of its own ({@code setsid}), so killing its process group
 * also kills descendants whose parent already died. Elsewhere, descendants are killed through
 * {@link ProcessHandle#descendants()}. Threads are counted from {@code /proc} (Linux only). As root,
 * {@code RLIMIT_NPROC} would not apply, and as a user it counts all the user's processes, so the number of
 * processes is only watched, not limited by the OS.
 *
 * <p>The command's environment is the grader's without the variables through which a JVM or javac takes options
 * from its environment ({@link #JVM_ENVIRONMENT}): a check runs as it does on every other machine, and a JVM that
 * says "Picked up JAVA_TOOL_OPTIONS" prints nothing a check could mistake for the learner's output.
 */
final class Sandbox {
    static final int SAMPLE_MS = 20;
    private static final int HEAD_BYTES = CompileServer.HEAD_BYTES;
    private static final boolean SETSID = onPath("setsid") && Files.isDirectory(Path.of("/proc"));
    private static final boolean SH = Files.isExecutable(Path.of("/bin/sh"));

    /**
     * How a run ended.
     *
     * @param exitCode    the process's exit code (-1 when killed)
     * @param killed      why the watchdog killed it, in a learner's words; null when it ended by itself
     * @param output      the first {@value #HEAD_BYTES} bytes of stdout and stderr together
     * @param outputBytes everything it printed
     * @param millis      wall time
     */
    record Run(int exitCode, String killed, String output, long outputBytes, long millis) {}

    /**
     * The variables a JVM or javac reads options from, dropped from every command's environment: the grader's own
     * settings (a debugging agent, a proxy, a heap size) must not reach a check.
     */
    static final List<String> JVM_ENVIRONMENT = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
            "JDK_JAVAC_OPTIONS", "CLASSPATH");

    private Sandbox() {}

    /** A process builder for {@code command} in {@code dir}, wrapped and with its environment cleaned. */
    private static ProcessBuilder builder(List<String> command, Path dir, Limits limits) {
        ProcessBuilder pb = new ProcessBuilder(wrap(command, limits)).directory(dir.toFile());
        clean(pb.environment());
        return pb;
    }

    /** Removes {@link #JVM_ENVIRONMENT} from {@code env}. */
    static void clean(java.util.Map<String, String> env) {
        JVM_ENVIRONMENT.forEach(env::remove);
    }

    /**
     * Runs {@code command} in {@code dir} with stdin empty, and waits for it within {@code limits}
     * (wall time {@code wallSeconds}, whatever the record says).
     */
    static Run run(List<String> command, Path dir, Limits limits, int wallSeconds) throws IOException {
        return run(command, dir, limits, wallSeconds, () -> false);
    }

    /**
     * Why a run was stopped when its caller had seen enough ({@link #run(List, Path, Limits, int, BooleanSupplier)}):
     * not a limit, and never a learner's business (only calibration stops runs so).
     */
    static final String ENOUGH = "the caller had seen enough";

    /**
     * As {@link #run(List, Path, Limits, int)}, and also kills the run, with {@link #ENOUGH} as the reason, once
     * {@code enough} says true (asked every {@link #SAMPLE_MS} ms, on this thread).
     */
    static Run run(List<String> command, Path dir, Limits limits, int wallSeconds, BooleanSupplier enough) throws IOException {
        ProcessBuilder pb = builder(command, dir, limits).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long start = System.nanoTime();
        Process p = pb.start();
        Pump pump = new Pump(p.getInputStream(), limits.outputBytes());
        pump.start();
        String killed = watch(p, pump, limits, start + wallSeconds * 1_000_000_000L, wallSeconds, enough);
        killTree(p); // on a normal end: whatever it left running
        int code = killed == null ? exitCode(p) : -1;
        pump.finish();
        return new Run(code, killed, pump.head(), pump.total(), (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Starts {@code command} in {@code dir} as {@link #run} does (a session of its own, the same {@code ulimit}s)
     * but does not wait for it: its standard input and output are pipes for the caller, its standard error is
     * dropped. The caller watches it ({@link #overLimit}) and kills it ({@link #killTree}).
     */
    static Process start(List<String> command, Path dir, Limits limits) throws IOException {
        return builder(command, dir, limits).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * Why {@code p} must be killed now for its threads or processes ({@link #run}'s words), or null. Its wall time
     * and output are the caller's to watch.
     */
    static String overLimit(Process p, Limits limits) {
        int threads = threads(p.pid());
        if (threads > limits.threads()) {
            return "it had more than " + limits.threads() + " threads alive at once (" + threads + ")";
        }
        if (p.descendants().count() > limits.processes()) {
            return "your code started more than " + limits.processes() + " processes at once";
        }
        return null;
    }

    /** The words of a run killed at its wall time. */
    static String tooLong(int wallSeconds) {
        return "it ran longer than " + wallSeconds + " s";
    }

    /** The words of a run killed for its output. */
    static String tooMuchOutput(Limits limits) {
        return "your code printed more than " + bytes(limits.outputBytes());
    }

    /** Samples {@code p} until it ends; returns why it had to be killed, or null. */
    private static String watch(Process p, Pump pump, Limits limits, long deadline, int wallSeconds, BooleanSupplier enough) {
        while (true) {
            try {
                if (p.waitFor(SAMPLE_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "the check was stopped";
            }
            if (System.nanoTime() > deadline) return tooLong(wallSeconds);
            if (pump.total() > limits.outputBytes()) return tooMuchOutput(limits);
            String over = overLimit(p, limits);
            if (over != null) return over;
            if (enough.getAsBoolean()) return ENOUGH; // after the limits: a limit passed by then is still reported
        }
    }

    /** Kills {@code p} and everything it started. */
    static void killTree(Process p) {
        if (SETSID && SH) {
            try {
                // The shell's own kill: /bin/kill is not installed everywhere.
                new ProcessBuilder("/bin/sh", "-c", "kill -KILL -- -" + p.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException | InterruptedException e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            }
        }
        for (int round = 0; round < 10; round++) {
            List<ProcessHandle> rest = new ArrayList<>(p.descendants().toList());
            if (rest.isEmpty()) break;
            rest.forEach(ProcessHandle::destroyForcibly);
        }
        // Only when still alive: destroying a Process also closes its streams, and output may be unread.
        if (p.isAlive()) p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int exitCode(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The command, in a session of its own where possible, under {@code ulimit}s where a shell exists. */
    private static List<String> wrap(List<String> command, Limits limits) {
        List<String> cmd = new ArrayList<>();
        if (SH) {
            // File size in 1 KiB blocks (no 100 MB files), CPU seconds (no endless spin after the watchdog).
            long fileBlocks = 64 * 1024;
            long cpu = 4L * limits.wallSeconds();
            cmd.addAll(List.of("/bin/sh", "-c",
                    "ulimit -f " + fileBlocks + " 2>/dev/null; ulimit -t " + cpu + " 2>/dev/null; exec \"$@\"", "sh"));
        }
        if (SETSID) cmd.add("setsid");
        cmd.addAll(command);
        return cmd;
    }

    /** Live threads of process {@code pid}, from /proc; 0 where that cannot be read. */
    static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) return Integer.parseInt(line.substring(8).strip());
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process just ended
        }
        return 0;
    }

    static String bytes(long n) {
        if (n >= 1 << 20) return (n >> 20) + " MB";
        if (n >= 1 << 10) return (n >> 10) + " KB";
        return n + " bytes";
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /** Reads a process's output, keeping its head and counting the rest. */
    private static final class Pump extends Thread {
        private final InputStream in;
        private final long limit;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private volatile long total;

        Pump(InputStream in, long limit) {
            super("sandbox-output");
            setDaemon(true);
            this.in = in;
            this.limit = limit;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (head) {
                        int keep = (int) Math.min(n, Math.max(0, HEAD_BYTES - head.size()));
                        head.write(buf, 0, keep);
                    }
                    total += n;
                    if (total > limit * 2) break; // the watchdog kills it; stop reading meanwhile
                }
            } catch (IOException e) {
                // the stream closed as the process died
            }
        }

        /** Waits briefly for the rest: a grandchild that escaped may hold the pipe open forever. */
        void finish() {
            try {
                join(2000);
                if (isAlive()) in.close();
            } catch (InterruptedException | IOException e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            }
        }

        long total() {
            return total;
        }

        String head() {
            synchronized (head) {
                return head.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
