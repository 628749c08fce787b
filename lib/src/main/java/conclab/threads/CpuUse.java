package conclab.threads;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who used the processors while some work ran: the busy time of the processors this JVM may run on, beside this
 * JVM's own CPU time, from a {@link #start} to {@link Start#since}, each in processors' worth (1.0: one processor
 * busy the whole time). What those processors did beyond this JVM is other work: other processes, kernel threads,
 * interrupts, on a shared host other containers, in a virtual machine other guests (their steal time, where the
 * hypervisor reports it). A benchmark that wants
 * every processor wants it near 0; above that, other work may have competed with it for the processors (an average
 * over the whole time: it does not say that a given thread ever waited).
 *
 * <pre>{@code
 * var start = CpuUse.start();        // or CpuUse.start(0): processor 0 only
 * runTheBenchmark();
 * CpuUse used = start.since();
 * System.out.printf("other work used %.2f processors%n", used.others());
 * }</pre>
 *
 * <p>Linux only: the processors are those of {@code Cpus_allowed_list} in {@code /proc/self/status} (what
 * {@code taskset} or a container's cpuset allows) that are online (have a {@code cpuN} line in {@code /proc/stat}),
 * their busy time the sum of their lines' columns but idle and iowait. Interrupt and softirq time count as busy: a
 * kernel without {@code CONFIG_IRQ_TIME_ACCOUNTING} also charges it to the process it interrupted, so the measured
 * work's own (loopback TCP is received in softirq) is subtracted with that process's CPU time; a kernel with it
 * charges no process, and the work's own interrupts then count as other work (erring towards "may have competed").
 * Under a CPU quota without a cpuset the processors are the whole host's, and throttled time is counted nowhere.
 * Where there is no {@code /proc/stat} (macOS, Windows), {@link #busy} and {@link #others} are NaN. This JVM's CPU
 * time counts all its threads (the JIT compiler's and the collector's too), on every processor; Linux reports both
 * in units of 1/100 s.
 *
 * <p>Immutable, as is {@link Start}; either may be used from any thread.
 *
 * @param seconds     the wall time from start to since
 * @param processors  how many processors were measured (online and allowed); 0 if none could be read
 * @param busy        the processors' worth of time the processors measured were busy, NaN if not readable
 * @param thisJvm     the processors' worth of CPU time this JVM used, on any processor
 * @param allOfTheJvm whether the processors measured are all those this JVM may run on: only then is
 *                    {@code busy - thisJvm} other work ({@code start(n)} measures one; subtract what ran there)
 */
public record CpuUse(double seconds, int processors, double busy, double thisJvm, boolean allOfTheJvm) {

    /** A reading to measure from; immutable. */
    public static final class Start {
        private final BitSet cpus;     // the processors measured; never changed after construction
        private final boolean allOfTheJvm;
        private final long nanos, jvmNanos;
        private final long[] ticks;    // {total, busy, lines} of their lines, or null; never changed after construction

        private Start(BitSet cpus, boolean allOfTheJvm) {
            this.cpus = cpus;
            this.allOfTheJvm = allOfTheJvm;
            this.nanos = System.nanoTime();
            this.ticks = ticks(cpus);
            this.jvmNanos = jvmCpuNanos();
        }

        /** What was used from this start until now. */
        public CpuUse since() {
            long wall = System.nanoTime() - nanos;
            long[] now = ticks(cpus);
            double busy = busy(ticks, now);
            return new CpuUse(wall / 1e9, now == null ? 0 : (int) now[2], busy, (jvmCpuNanos() - jvmNanos) / (double) wall, allOfTheJvm);
        }
    }

    /** Other work's processors' worth: the busy time less this JVM's; NaN where that is not other work or not known. */
    public double others() {
        return allOfTheJvm ? Math.max(0, busy - thisJvm) : Double.NaN;
    }

    /** A reading of the processors this JVM may run on, and of this JVM. */
    public static Start start() {
        BitSet allowed = allowed();
        return new Start(allowed, true);
    }

    /** A reading of processor {@code cpu} (numbered as in {@code /proc/stat}) and of this JVM. */
    public static Start start(int cpu) {
        if (cpu < 0) throw new IllegalArgumentException("no processor " + cpu);
        BitSet one = new BitSet();
        one.set(cpu);
        return new Start(one, one.equals(allowed()));
    }

    /**
     * Processors' worth of busy time between two readings of {total, busy, lines} ticks of the same processors; NaN
     * if either is missing, the processors differ, or no time passed.
     */
    static double busy(long[] before, long[] after) {
        if (before == null || after == null || after[2] != before[2] || after[0] <= before[0]) return Double.NaN;
        return (double) (after[1] - before[1]) / (after[0] - before[0]) * after[2];
    }

    /** {total, busy, lines} ticks of the online processors of {@code cpus} in /proc/stat, or null if none can be read. */
    private static long[] ticks(BitSet cpus) {
        try {
            return ticks(Files.readString(Path.of("/proc/stat")), cpus);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {total, busy, lines} summed over the {@code cpuN} lines of {@code cpus} in the text of a {@code /proc/stat}
     * (a processor offline has none, and is left out); busy is every column but idle and iowait (the 4th and 5th);
     * null if there is no such line.
     */
    static long[] ticks(String stat, BitSet cpus) {
        long total = 0, busy = 0, lines = 0;
        for (String line : stat.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].matches("cpu\\d+") || !cpus.get(Integer.parseInt(f[0].substring(3)))) continue;
            // user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user and nice]
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i != 4 && i != 5) busy += v;
            }
            lines++;
        }
        return lines > 0 ? new long[] {total, busy, lines} : null;
    }

    /** The processors this process may run on ({@code Cpus_allowed_list}); every one counted if unreadable. */
    static BitSet allowed() {
        try {
            Matcher m = Pattern.compile("(?m)^Cpus_allowed_list:\\s*(\\S+)").matcher(Files.readString(Path.of("/proc/self/status")));
            if (m.find()) return cpuList(m.group(1));
        } catch (IOException | RuntimeException e) {
            // not Linux: the busy time is not readable either
        }
        BitSet all = new BitSet();
        all.set(0, Runtime.getRuntime().availableProcessors());
        return all;
    }

    /** How many processors {@link #start()} measures: online ones this process may run on; 0 if none can be read. */
    public static int measured() {
        long[] t = ticks(allowed());
        return t == null ? 0 : (int) t[2];
    }

    /** The processors of a Linux CPU list such as {@code 0-3,8,10-11}. */
    static BitSet cpuList(String list) {
        BitSet cpus = new BitSet();
        for (String part : list.split(",")) {
            String[] range = part.split("-");
            cpus.set(Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1]) + 1);
        }
        return cpus;
    }

    /**
     * This JVM's CPU time so far, in nanoseconds: every thread's (the JIT compiler's and the collector's too), on
     * any processor, as the operating system counts it ({@code getProcessCpuTime()}); -1 where it cannot tell.
     */
    public static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
