package conclab.threads;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one increment of a shared counter costs under four guards ({@code synchronized}, {@link ReentrantLock},
 * {@link AtomicLong}, {@link LongAdder}), with one thread (uncontended) and with several platform threads
 * incrementing the same counter at once (contended): the plumbing of lecture 11.4's measurement.
 *
 * <pre>{@code
 * LockCost.Table t = LockCost.table(Math.max(2, Runtime.getRuntime().availableProcessors()), 1_000_000);
 * System.out.println(t);            // ns per increment (wall and CPU), each guard, 1 thread and n threads
 * }</pre>
 *
 * <p>As a main class ({@link #main}) it prints the same table in a child JVM, which can be confined to
 * fewer processors than the parent (with {@code taskset}, on Linux).
 *
 * <p>Every thread of a guard's runs does the same number of increments, with one thread as with n: at least the
 * number asked for, and more for a guard fast enough that its run with n threads would otherwise end within
 * {@link #MINIMUM_RUN} (sized from its warm-up runs), so that each such run lasts long compared with a time slice
 * and with the threads' staggered start. (Sizing by the run with one thread instead would make a slow guard's
 * contended runs last seconds.) The cost is wall time divided by
 * increments: with n threads, the time from their common start to the last one's end, over all n threads'
 * increments (the inverse of the counter's throughput). So n threads on n processors that never got in
 * each other's way would each cost 1/n of one thread's time, a speed-up of n ({@link Table#speedup});
 * contention is what keeps it lower. On a busy machine n threads also get a larger share of the CPUs than
 * one, so the wall-time speed-up measures CPU share as well as the guard: the workers' CPU time
 * ({@link Result#cpuNanosPerIncrement}, from {@code ThreadMXBean}) is measured beside it, and depends less
 * on the share. On a busy machine neither is a clean measure: the threads run at the same time less often and
 * so meet at the lock less (on one CPU they never run at once), which understates contention, and a holder
 * descheduled inside the locked section makes the others wait a whole time slice, which overstates it. Each increment is a call through {@link Counter}, a call site that sees four
 * classes, so the JIT should not inline any of them nor merge the lock operations of successive
 * increments, and the call should cost about the same for all four.
 * Every run checks the counter's sum, so a lost update fails it. A measurement is the median of a few
 * runs after warm-up runs of every guard. Numbers depend on the machine and its load: a demo, not a
 * benchmark (for that, JMH).
 */
public final class LockCost {
    private LockCost() {}

    /** A counter shared by the threads of a run. */
    public interface Counter {
        /** Adds one, safely from any thread. */
        void increment();

        /** The count so far; exact once the incrementing threads have ended. */
        long sum();
    }

    /** The four ways to guard the counter. */
    public enum Guard {
        SYNCHRONIZED("synchronized"), REENTRANT_LOCK("ReentrantLock"), ATOMIC_LONG("AtomicLong"), LONG_ADDER("LongAdder");

        private final String label;

        Guard(String label) {
            this.label = label;
        }

        /** The name the lecture uses: {@code synchronized}, {@code ReentrantLock}, ... */
        public String label() {
            return label;
        }

        /** A new counter at 0 guarded this way. */
        public Counter counter() {
            return switch (this) {
                case SYNCHRONIZED -> new SynchronizedCounter();
                case REENTRANT_LOCK -> new LockedCounter();
                case ATOMIC_LONG -> new AtomicCounter();
                case LONG_ADDER -> new AdderCounter();
            };
        }
    }

    /**
     * One measurement: {@code threads} threads did {@code increments} increments in all, in {@code nanos} of
     * wall time and {@code cpuNanos} of CPU time (the sum of the workers' own, -1 if the JVM cannot measure it).
     */
    public record Result(Guard guard, int threads, long increments, long nanos, long cpuNanos) {
        /** Wall time per increment, in nanoseconds. */
        public double nanosPerIncrement() {
            return (double) nanos / increments;
        }

        /** The workers' CPU time per increment, in nanoseconds (NaN if not measured). */
        public double cpuNanosPerIncrement() {
            return cpuNanos < 0 ? Double.NaN : (double) cpuNanos / increments;
        }
    }

    /** Each guard measured with 1 thread and with {@code threads} threads. */
    public record Table(int threads, List<Result> uncontended, List<Result> contended) {
        public Table {
            uncontended = List.copyOf(uncontended);
            contended = List.copyOf(contended);
        }

        /** The measurement of {@code guard} with 1 thread, or with {@link #threads} if {@code contended}. */
        public Result of(Guard guard, boolean contended) {
            return (contended ? this.contended : uncontended).get(guard.ordinal());
        }

        /**
         * How many times as fast {@link #threads} threads counted as one thread alone: ns per increment with
         * one over ns per increment with all. Threads that never got in each other's way would reach
         * min(threads, processors); below 1, together they counted slower than one alone.
         */
        public double speedup(Guard guard) {
            return of(guard, false).nanosPerIncrement() / of(guard, true).nanosPerIncrement();
        }

        /** The table as text: ns per increment with 1 and n threads, and the speed-up, one line per guard. */
        @Override
        public String toString() {
            var s = new StringBuilder(String.format(Locale.ROOT, "%-14s %10s %11s %9s   %s%n", "ns/increment", "1 thread",
                    threads + " threads", "speed-up", "CPU-ns/increment: 1 thread, " + threads + " threads"));
            for (Guard g : Guard.values()) {
                s.append(String.format(Locale.ROOT, "%-14s %10.1f %11.1f %8.2fx   %7.1f %7.1f%n", g.label(),
                        of(g, false).nanosPerIncrement(), of(g, true).nanosPerIncrement(), speedup(g),
                        of(g, false).cpuNanosPerIncrement(), of(g, true).cpuNanosPerIncrement()));
            }
            return s.toString();
        }
    }

    /**
     * Starts {@code threads} platform threads that each increment one new counter of {@code guard}
     * {@code perThread} times, all released at once, and measures the wall time until the last one ends.
     *
     * @throws IllegalStateException if the sum is not {@code threads * perThread}, or a thread has not
     *                               ended within 60 s (it is interrupted, then, and may go on running)
     * @throws Threads.Interrupted   if the calling thread is interrupted while it waits
     */
    public static Result run(Guard guard, int threads, long perThread) {
        if (threads < 1 || perThread < 1) throw new IllegalArgumentException("threads and perThread must be positive");
        Counter counter = guard.counter();
        var ready = new CountDownLatch(threads);
        var go = new CountDownLatch(1);
        var cpu = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name("lock-cost-" + i).daemon().start(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long cpu0 = CPU.getCurrentThreadCpuTime();
                for (long done = 0; done < perThread; done += CHUNK) increment(counter, Math.min(CHUNK, perThread - done));
                long cpu1 = CPU.getCurrentThreadCpuTime();
                cpu.addAndGet(cpu0 < 0 || cpu1 < 0 ? Long.MIN_VALUE / 4 : cpu1 - cpu0);
            }));
        }
        try {
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            long deadline = start + TimeUnit.SECONDS.toNanos(60);
            for (Thread w : workers) {
                if (!w.join(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    workers.forEach(Thread::interrupt);
                    throw new IllegalStateException(w.getName() + " did not end within 60 s");
                }
            }
            long nanos = System.nanoTime() - start;
            long expected = threads * perThread;
            if (counter.sum() != expected) {
                throw new IllegalStateException(guard.label() + " counted " + counter.sum() + ", not " + expected);
            }
            return new Result(guard, threads, expected, nanos, Math.max(-1, cpu.get()));
        } catch (InterruptedException e) {
            workers.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new Threads.Interrupted(e);
        }
    }

    /** Measures the workers' CPU time (-1 where the JVM does not support it). */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /** Increments per call of {@link #increment}: short enough calls that the JIT compiles the loop whole. */
    private static final long CHUNK = 1_000;

    /**
     * Increments {@code counter} {@code times} times. A method called over and over, rather than one long
     * loop per thread, so that the loop runs compiled from a run's start instead of being interpreted until
     * an on-stack replacement.
     */
    private static void increment(Counter counter, long times) {
        for (long n = 0; n < times; n++) counter.increment();
    }

    /** The run of median time among {@code rounds} runs of {@link #run}. */
    public static Result measure(Guard guard, int threads, long perThread, int rounds) {
        Result[] results = new Result[rounds];
        for (int i = 0; i < rounds; i++) results[i] = run(guard, threads, perThread);
        Arrays.sort(results, (a, b) -> Long.compare(a.nanos(), b.nanos()));
        return results[rounds / 2];
    }

    /**
     * The shortest contended run {@link #table} aims for: a guard whose contended warm-up run was shorter gets more
     * increments.
     */
    public static final java.time.Duration MINIMUM_RUN = java.time.Duration.ofMillis(100);

    /** The most increments per thread {@link #table} gives a guard, however fast its warm-up runs were. */
    static final long MOST_PER_THREAD = 200_000_000;

    /**
     * Measures every guard with 1 thread and with {@code threads} threads, as the median of 3 runs after three
     * warm-up runs of every guard. Each thread does at least {@code perThread} increments (so the contended runs
     * do {@code threads} times as many in all), more for a guard whose last contended warm-up run ended within
     * {@link #MINIMUM_RUN} ({@link #perThreadLasting}); {@link Result#increments} says how many.
     */
    public static Table table(int threads, long perThread) {
        return table(threads, perThread, MINIMUM_RUN);
    }

    /** {@link #table(int, long)} with another shortest run ({@link java.time.Duration#ZERO}: no increments added). */
    public static Table table(int threads, long perThread, java.time.Duration minimumRun) {
        if (threads < 2) throw new IllegalArgumentException("contended needs at least 2 threads");
        long[] counts = new long[Guard.values().length];
        Arrays.fill(counts, perThread);
        for (int warm = 0; warm < 3; warm++) {   // three rounds, so that the JIT's compiler threads are done
            for (Guard g : Guard.values()) {
                run(g, 1, counts[g.ordinal()]);
                counts[g.ordinal()] = perThreadLasting(minimumRun, counts[g.ordinal()], run(g, threads, counts[g.ordinal()]));
            }
        }
        List<Result> one = new ArrayList<>(), many = new ArrayList<>();
        for (Guard g : Guard.values()) {
            one.add(measure(g, 1, counts[g.ordinal()], 3));
            many.add(measure(g, threads, counts[g.ordinal()], 3));
        }
        return new Table(threads, one, many);
    }

    /**
     * Increments per thread for a guard's next runs: {@code perThread}, or more if its contended run {@code many}
     * (done with {@code perThread} per thread) lasted less than {@code minimumRun}, so that at that pace it would
     * last it; at most {@link #MOST_PER_THREAD} (or {@code perThread} if that is more).
     */
    static long perThreadLasting(java.time.Duration minimumRun, long perThread, Result many) {
        long took = Math.max(1, many.nanos());
        if (took >= minimumRun.toNanos()) return perThread;
        double scale = (double) minimumRun.toNanos() / took;
        return Math.max(perThread, (long) Math.min(MOST_PER_THREAD, Math.ceil(perThread * scale)));
    }

    /**
     * Prints {@link #table} for a child JVM: {@code LockCost [perThread]}, with as many threads as this JVM
     * has processors (at least 2), the number of processors first, and last the CPU time the whole JVM used
     * ({@code process CPU time: N ms}: all its threads, the JIT compiler's and the collector's too), which a
     * parent subtracts from a processor's busy time to see what else ran there ({@link CpuUse}).
     */
    public static void main(String[] args) {
        int processors = Runtime.getRuntime().availableProcessors();
        long perThread = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        System.out.print(processors + " processor" + (processors == 1 ? "" : "s") + "\n" + table(Math.max(2, processors), perThread));
        System.out.println("process CPU time: " + CpuUse.jvmCpuNanos() / 1_000_000 + " ms");
    }

    /** The monitor's lock. */
    private static final class SynchronizedCounter implements Counter {
        private long value; // guarded by this

        @Override
        public synchronized void increment() {
            value++;
        }

        @Override
        public synchronized long sum() {
            return value;
        }
    }

    private static final class LockedCounter implements Counter {
        /** Guards value. */
        private final ReentrantLock lock = new ReentrantLock();
        private long value; // guarded by lock

        @Override
        public void increment() {
            lock.lock();
            try {
                value++;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long sum() {
            lock.lock();
            try {
                return value;
            } finally {
                lock.unlock();
            }
        }
    }

    /** No lock: one compare-and-set loop (a single atomic add on x86) on one shared variable. */
    private static final class AtomicCounter implements Counter {
        private final AtomicLong value = new AtomicLong();

        @Override
        public void increment() {
            value.incrementAndGet();
        }

        @Override
        public long sum() {
            return value.get();
        }
    }

    /** No lock, and under contention no single shared variable: under contention more cells, which the threads spread over (cells are not one per thread). */
    private static final class AdderCounter implements Counter {
        private final LongAdder value = new LongAdder();

        @Override
        public void increment() {
            value.increment();
        }

        @Override
        public long sum() {
            return value.sum();
        }
    }
}
