import conclab.coro.Generator;
import conclab.coro.Scheduler;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What a switch costs: one send round trip on a generator (caller -> body -> caller) on a continuation, on a
 * platform thread and on a virtual thread; a task switch on the Scheduler; a virtual thread's park and unpark.
 *
 *     java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp lib/target/conclab-lib.jar bench/Coro.java
 *     (or: ./conclab bench coro)
 *
 * Each figure is the median of 7 rounds, after warm-up rounds that let the JIT compile the paths; a round times
 * enough operations to last about 0.2 s. All figures come from one run in one JVM, so the ratios compare them on
 * the same machine at the same moment. The targets (issue "coroutines"): a continuation generator's round trip
 * under 1 microsecond, and at least 50 times cheaper than the platform-thread hand-off.
 *
 * <p>The hand-off between two platform threads costs a thread switch only when the two share a core, the case of
 * a thread per connection once threads outnumber cores. With a core each, SynchronousQueue spins (128 times, with
 * Thread.onSpinWait) before it parks, so on an idle machine the other thread is still running when the value
 * arrives and no switch happens. So {@code ./conclab bench coro} runs this twice: with every core available, then with the JVM
 * bound to one core ({@code taskset -c 0}, which availableProcessors reports as 1, so the queue does not spin);
 * the second run is passed {@code --one-core} and checks the 50x target, the first reports the ratio only.
 */
public class Coro {
    static final int ROUNDS = 7, WARM_UP_ROUNDS = 5;
    static final double ROUND_SECONDS = 0.2;

    /** One measured operation: runs it {@code n} times. */
    interface Op {
        void run(int n) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        boolean oneCore = Arrays.asList(args).contains("--one-core");
        if (oneCore && Runtime.getRuntime().availableProcessors() != 1) {
            System.err.println("--one-core: this JVM sees " + Runtime.getRuntime().availableProcessors()
                    + " cores; start it bound to one (taskset -c 0 java ...)");
            System.exit(2);
        }
        System.out.printf("%s: switch costs; %s, %d cores, Java %s; median of %d rounds of ~%.1f s after %d warm-up rounds%n",
                oneCore ? "One core (taskset -c 0)" : "Every core", System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ROUNDS, ROUND_SECONDS, WARM_UP_ROUNDS);
        System.out.printf("system load average at the start: %.1f (a load above the number of cores slows every figure)%n%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        double generator = measure(sendLoop(Generator.of(Coro::adder)));
        double platform = measure(sendLoop(Generator.onThread(Thread.ofPlatform().daemon(), Coro::adder)));
        double virtual = measure(sendLoop(Generator.onThread(Thread.ofVirtual(), Coro::adder)));
        double task = measure(Coro::taskSwitches);
        double park = measure(Coro::parkUnpark);

        System.out.println("| operation | time | vs the continuation generator |");
        System.out.println("|---|---:|---:|");
        row("send round trip, Generator.of (continuation)", generator, generator);
        row("send round trip, Generator.onThread, platform thread", platform, generator);
        row("send round trip, Generator.onThread, virtual thread", virtual, generator);
        row("task switch, Scheduler (one Pause to the next task)", task, generator);
        row("virtual thread park + unpark (one hand-off)", park, generator);
        System.out.println();
        target("continuation round trip under 1 us", generator < 1000, "%.0f ns", generator);
        if (oneCore) {
            target("platform-thread hand-off at least 50x the continuation round trip", platform / generator >= 50,
                    "%.0fx", platform / generator);
        } else {
            System.out.printf("platform-thread hand-off: %.0fx the continuation round trip here, where each thread has a core"
                    + " and the queue spins instead of switching threads; the 50x target is checked on one core%n",
                    platform / generator);
        }
    }

    /** A body that sends back what it is sent, plus one. */
    static Integer adder(conclab.coro.Yielder<Integer, Integer> y) {
        int x = 0;
        while (true) x = y.yield(x + 1);
    }

    static Op sendLoop(Generator<Integer, Integer, Object> g) {
        g.next();
        return n -> {
            int x = 0;
            for (int i = 0; i < n; i++) x = g.send(x);
            if (x < 0) throw new AssertionError(); // keeps the result alive for the JIT
        };
    }

    /** Two tasks, each pausing n/2 times: n switches from one task to the other. */
    static void taskSwitches(int n) throws Exception {
        try (Scheduler s = new Scheduler()) {
            for (int t = 0; t < 2; t++) {
                s.spawn("switcher", y -> {
                    for (int i = 0; i < n / 2; i++) y.yield(null);
                    return null;
                });
            }
            s.run();
        }
    }

    /** Two virtual threads handing a turn back and forth with park/unpark: n hand-offs. */
    static void parkUnpark(int n) throws Exception {
        Thread[] pair = new Thread[2];
        AtomicInteger turn = new AtomicInteger(); // whose turn it is: 0 or 1
        for (int me = 0; me < 2; me++) {
            int self = me;
            pair[me] = Thread.ofVirtual().unstarted(() -> {
                for (int i = self; i < n; i += 2) {
                    while (turn.get() != self) LockSupport.park(); // a wake-up may be spurious: check the turn
                    turn.set(1 - self);
                    LockSupport.unpark(pair[1 - self]);
                }
            });
        }
        for (Thread t : pair) t.start();
        for (Thread t : pair) t.join();
    }

    /** Nanoseconds per operation: the median of ROUNDS rounds, each sized to last about ROUND_SECONDS. */
    static double measure(Op op) throws Exception {
        int n = 1000;
        while (true) { // size a round
            long t0 = System.nanoTime();
            op.run(n);
            if (System.nanoTime() - t0 > ROUND_SECONDS * 1e9 / 4 || n > 50_000_000) break;
            n *= 2;
        }
        n *= 4;
        double[] perOp = new double[ROUNDS];
        for (int r = -WARM_UP_ROUNDS; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            op.run(n);
            if (r >= 0) perOp[r] = (System.nanoTime() - t0) / (double) n;
        }
        Arrays.sort(perOp);
        return perOp[ROUNDS / 2];
    }

    static void row(String what, double ns, double base) {
        System.out.printf("| %s | %s | %.1fx |%n", what, ns < 1000 ? String.format("%.0f ns", ns) : String.format("%.2f us", ns / 1000), ns / base);
    }

    static void target(String what, boolean met, String format, double value) {
        System.out.printf("target %s: %s (measured " + format + ")%n", what, met ? "met" : "MISSED", value);
    }
}
