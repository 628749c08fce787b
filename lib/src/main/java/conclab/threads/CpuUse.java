package conclab.threads;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who used the processors while some work ran: the machine's busy time beside this JVM's own CPU time, from a
 * {@link #start} to {@link Start#since}, each in processors' worth (1.0: one processor busy the whole time). What
 * the machine used beyond this JVM is other work (other processes, and on a shared host other containers) that
 * competed with this JVM for the processors; a benchmark that wants every processor wants it near 0.
 *
 * <pre>{@code
 * var start = CpuUse.start();        // or CpuUse.start(0): processor 0 only
 * runTheBenchmark();
 * CpuUse used = start.since();
 * System.out.printf("other work used %.2f processors%n", used.others());
 * }</pre>
 *
 * <p>The machine's busy time is Linux's {@code /proc/stat}: the {@code cpu} line (every processor) or one
 * {@code cpuN} line, busy being every column but idle and iowait. In a container that file is the host's, so
 * "the machine" is the host. Where there is no {@code /proc/stat} (macOS, Windows), {@link #busy} and
 * {@link #others} are NaN. This JVM's CPU time counts all its threads (the JIT compiler and the collector's
 * too), on every processor: with {@code start(n)}, {@code busy - thisJvm} is not the others' share of processor n,
 * and a caller that knows what ran on n (a pinned child's CPU time) subtracts that instead.
 *
 * <p>Immutable, as is {@link Start}; either may be used from any thread.
 *
 * @param seconds the wall time from start to since
 * @param busy    the processors' worth of time the machine (or the one processor) was busy, NaN if not readable
 * @param thisJvm the processors' worth of CPU time this JVM used
 */
public record CpuUse(double seconds, double busy, double thisJvm) {

    /** A reading to measure from; immutable. */
    public static final class Start {
        private final int cpu;
        private final long nanos, jvmNanos;
        private final long[] ticks; // {total, busy} of cpu's line, or null; never changed after construction

        private Start(int cpu) {
            this.cpu = cpu;
            this.nanos = System.nanoTime();
            this.ticks = ticks(cpu);
            this.jvmNanos = jvmCpuNanos();
        }

        /** What was used from this start until now. */
        public CpuUse since() {
            long wall = System.nanoTime() - nanos;
            long[] now = ticks(cpu);
            double busy = Double.NaN;
            if (ticks != null && now != null && now[0] > ticks[0]) {
                double share = (double) (now[1] - ticks[1]) / (now[0] - ticks[0]);   // of the line's time
                busy = share * processorsIn(cpu);
            }
            return new CpuUse(wall / 1e9, busy, (jvmCpuNanos() - jvmNanos) / (double) wall);
        }
    }

    /** Other work's processors' worth: the machine's busy time less this JVM's; NaN where the first is unknown. */
    public double others() {
        return Math.max(0, busy - thisJvm);
    }

    /** A reading of every processor and of this JVM. */
    public static Start start() {
        return start(-1);
    }

    /** A reading of processor {@code cpu} (numbered as in {@code /proc/stat}) and of this JVM; -1: every processor. */
    public static Start start(int cpu) {
        return new Start(cpu);
    }

    /** {total, busy} ticks of the line of {@code cpu} in /proc/stat, or null if it cannot be read. */
    static long[] ticks(int cpu) {
        try {
            return ticks(Files.readString(Path.of("/proc/stat")), cpu);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {total, busy} ticks of the line of {@code cpu} ({@code cpu} for -1, else {@code cpuN}) in the text of a
     * {@code /proc/stat}; busy is every column but idle (the 4th) and iowait (the 5th); null if there is no such
     * line.
     */
    static long[] ticks(String stat, int cpu) {
        String name = cpu < 0 ? "cpu" : "cpu" + cpu;
        for (String line : stat.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].equals(name)) continue;
            long total = 0, idle = 0;
            // user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user and nice]
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) idle += v;
            }
            return new long[] {total, total - idle};
        }
        return null;
    }

    /** How many processors the line of {@code cpu} counts: one, or (for -1) the machine's cpuN lines. */
    private static int processorsIn(int cpu) {
        if (cpu >= 0) return 1;
        try {
            return (int) Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+\\s.*")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
