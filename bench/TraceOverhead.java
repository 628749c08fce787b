import conclab.trace.Trace;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What recording costs: one span opened and closed (with a trace running, and with none), and the CPU the
 * sampler uses per second while N threads run.
 *
 *     java -cp lib/target/conclab-lib.jar bench/TraceOverhead.java      (or: ./conclab bench trace)
 *
 * Each figure is the median of 5 rounds, measured in this one run; the machine is shared, so read the
 * ratios more than the absolute numbers.
 */
public class TraceOverhead {
    static final int SPANS = 200_000, ROUNDS = 5;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < 3; i++) spanNanos(true); // warm up both paths
        for (int i = 0; i < 3; i++) spanNanos(false);
        double idle = median(() -> spanNanos(false)), recording = median(() -> spanNanos(true));
        System.out.printf("Trace overhead, %s, %d cores, Java %s; median of %d rounds%n%n",
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), ROUNDS);
        System.out.println("| measure | cost |");
        System.out.println("|---|---|");
        System.out.printf("| span open + close, no trace running | %.0f ns |%n", idle);
        System.out.printf("| span open + close, trace recording (sampler off) | %.0f ns |%n", recording);
        for (int threads : new int[] {10, 50}) {
            for (Duration every : List.of(Duration.ofMillis(2), Duration.ofMillis(10))) {
                int n = threads;
                double cpu = median(() -> samplerCpuPerSecond(n, every));
                System.out.printf("| sampler every %d ms, %d waiting threads: CPU per second of recording | %.1f ms (%.1f%% of a core) |%n",
                        every.toMillis(), threads, cpu, cpu / 10);
            }
        }
    }

    interface Measure { double run() throws Exception; }

    static double median(Measure m) throws Exception {
        double[] r = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) r[i] = m.run();
        Arrays.sort(r);
        return r[ROUNDS / 2];
    }

    /** Nanoseconds per span open and close on this thread. */
    static double spanNanos(boolean recording) {
        Trace trace = recording ? Trace.start(Duration.ZERO) : null;
        long start = System.nanoTime();
        for (int i = 0; i < SPANS; i++) {
            try (var s = Trace.span("work")) { }
        }
        double per = (System.nanoTime() - start) / (double) SPANS;
        if (trace != null) trace.stop();
        return per;
    }

    /** Milliseconds of CPU the sampler thread uses per second, while {@code threads} threads wait. */
    static double samplerCpuPerSecond(int threads, Duration every) throws Exception {
        var release = new CountDownLatch(1);
        Trace trace = Trace.start(every); // first: threads started during a trace are sampled
        List<Thread> waiting = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            waiting.add(Thread.ofPlatform().start(() -> {
                try { release.await(); } catch (InterruptedException e) { }
            }));
        }
        var mx = ManagementFactory.getThreadMXBean();
        Thread.sleep(200); // let the sampler start
        Thread sampler = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("conclab-trace-sampler")).findFirst().orElseThrow();
        long cpu0 = mx.getThreadCpuTime(sampler.threadId()), t0 = System.nanoTime();
        Thread.sleep(1000);
        long cpu1 = mx.getThreadCpuTime(sampler.threadId()), t1 = System.nanoTime();
        int lanes = trace.stop().lanes().size();
        if (lanes < threads) throw new IllegalStateException("only " + lanes + " lanes for " + threads + " threads");
        release.countDown();
        for (Thread t : waiting) t.join();
        return (cpu1 - cpu0) / 1e6 / ((t1 - t0) / 1e9);
    }
}
