import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the bounded-pool exercise: the learner may read them. Each fills a pool made by
 * BoundedPool.create with tasks that wait at latches (every thread busy, every queue place taken), then
 * gives it one more task and watches what execute does with it.
 */
class BoundedPoolTest {
    /** Generous: the machine may be slow and busy. */
    static final Duration LIMIT = Duration.ofSeconds(5);
    /** The wait given to create when the test does not want it to run out. */
    static final Duration LONG_WAIT = Duration.ofSeconds(30);

    /** A pool from create(threads, queue, wait), and the tasks that fill it, each held at its own latch. */
    static final class Full implements AutoCloseable {
        final int threads, queue;
        final ThreadPoolExecutor pool;
        final CountDownLatch[] gates;
        final Set<Thread> workers = ConcurrentHashMap.newKeySet();  // the threads that ran the held tasks
        final AtomicInteger started = new AtomicInteger(), ran = new AtomicInteger();

        Full(int threads, int queue, Duration wait) {
            this.threads = threads;
            this.queue = queue;
            this.pool = BoundedPool.create(threads, queue, wait);
            this.gates = new CountDownLatch[threads + queue + 1];
            for (int k = 1; k < gates.length; k++) gates[k] = new CountDownLatch(1);
        }

        Runnable held(int k) {
            return () -> {
                workers.add(Thread.currentThread());
                started.incrementAndGet();
                try {
                    gates[k].await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ran.incrementAndGet();
            };
        }

        /** Executes held tasks 1 to threads + queue; null if it went as it should, else what went wrong. */
        String fill() {
            for (int k = 1; k <= threads + queue; k++) {
                String stuck = exec(pool, held(k), "task " + k);
                if (stuck != null) return stuck + (k <= threads ? " (the pool had a free thread)" : " (the queue had a free place)");
                if (k == threads) {
                    long deadline = System.nanoTime() + LIMIT.toNanos();
                    while (started.get() < threads && System.nanoTime() < deadline) sleep(5);
                    if (started.get() < threads) {
                        return "After execute of " + threads + " tasks on a pool of " + threads + " threads, " + started.get()
                                + " had started within " + LIMIT.toSeconds() + " s: the others waited in the queue. Make every"
                                + " thread a core thread (corePoolSize = threads), which start as tasks come.";
                    }
                }
            }
            return null;
        }

        /** Opens every latch, shuts the pool down and waits (bounded) for it to end. */
        @Override
        public void close() throws InterruptedException {
            for (int k = 1; k < gates.length; k++) gates[k].countDown();
            pool.shutdown();
            if (!pool.awaitTermination(LIMIT.toSeconds(), TimeUnit.SECONDS)) pool.shutdownNow();
        }
    }

    /** execute(task) on a thread of its own, bounded; null if it returned, else what happened. */
    static String exec(ThreadPoolExecutor pool, Runnable task, String name) {
        Waiting w = Waiting.start("caller of " + name, () -> { pool.execute(task); return null; });
        try {
            w.returns(LIMIT);
            return null;
        } catch (AssertionError e) {
            return e.getCause() == null ? "execute(" + name + ") did not return within " + LIMIT.toSeconds() + " s"
                    : "execute(" + name + ") threw " + e.getCause();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What happened to a task given to a full pool: on which thread it ran, if it did. */
    static final class Probe implements Runnable {
        final AtomicReference<Thread> ranOn = new AtomicReference<>();

        @Override
        public void run() {
            ranOn.set(Thread.currentThread());
        }
    }

    @Test
    @Property("bounds")
    void bounds() throws Exception {
        try (Full f = new Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            if (f.pool.getPoolSize() != 2 || f.pool.getQueue().size() != 2) {
                throw new AssertionError("After 4 tasks that wait, a pool of 2 threads and a queue of 2 places should have 2 threads"
                        + " and 2 queued tasks; it had " + f.pool.getPoolSize() + " threads and " + f.pool.getQueue().size()
                        + " queued (the queue must be new ArrayBlockingQueue<>(queue), and maximumPoolSize = threads).");
            }
            Waiting w = Waiting.start("caller of task 5", () -> { f.pool.execute(new Probe()); return null; });
            try {
                w.parks(Duration.ofMillis(500));
            } catch (AssertionError e) {
                // it returned or threw: the property "waits" says so; here only the sizes count
            }
            if (f.pool.getQueue().size() > 2 || f.pool.getLargestPoolSize() > 2) {
                throw new AssertionError("With 2 threads busy and 2 tasks queued, task 5 made the pool grow to "
                        + f.pool.getLargestPoolSize() + " threads and " + f.pool.getQueue().size() + " queued tasks: it must"
                        + " never exceed 2 and 2 (an unbounded queue grows until memory runs out).");
            }
        }
    }

    @Test
    @Property("waits")
    void waits() throws Exception {
        Probe task5 = new Probe();
        AtomicReference<Thread> caller = new AtomicReference<>();
        try (Full f = new Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            Waiting w = Waiting.start("caller of task 5", () -> { caller.set(Thread.currentThread()); f.pool.execute(task5); return null; });
            try {
                w.parks(Duration.ofSeconds(1));
            } catch (AssertionError e) {
                Thread on = task5.ranOn.get();
                throw new AssertionError("With every thread busy and the queue full, execute(task 5) should wait for a place;"
                        + " it " + (on == caller.get() ? "ran the task on the caller's thread"
                                : on != null ? "had the task run on " + on.getName() + ", a thread outside the pool"
                                : w.done() && f.pool.getQueue().contains(task5) ? "put it in the queue beyond its 2 places"
                                : "did not wait: " + e.getMessage().replaceFirst("^.*should have waited, but it ", "")) + ".");
            }
            if (w.done()) throw new AssertionError("execute(task 5) returned while the pool was still full: it should wait for a place.");
            f.gates[1].countDown();                              // task 1 ends: its thread takes task 3, a place frees
            try {
                w.returns(LIMIT);
            } catch (AssertionError e) {
                throw new AssertionError("Task 1 ended, so task 3 left the queue and a place was free, but execute(task 5) "
                        + (e.getCause() == null ? "did not return within " + LIMIT.toSeconds() + " s" : "threw " + e.getCause())
                        + ": it should put the task in the freed place and return.");
            }
            f.close();
            Thread on = task5.ranOn.get();
            if (on == null) throw new AssertionError("execute(task 5) returned, but task 5 never ran: it was lost.");
            if (!f.workers.contains(on)) {
                throw new AssertionError("Task 5 ran on " + (on == caller.get() ? "the caller's thread" : on.getName())
                        + ", not on one of the pool's 2 threads.");
            }
            if (f.ran.get() != 4) throw new AssertionError("Of the 4 tasks before it, " + f.ran.get() + " ran.");
        }
    }

    @Test
    @Property("timeout")
    void timeout() throws Exception {
        Probe task3 = new Probe();
        AtomicReference<Throwable> threw = new AtomicReference<>();
        AtomicReference<Long> took = new AtomicReference<>();
        try (Full f = new Full(1, 1, Duration.ofMillis(300))) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            Waiting w = Waiting.start("caller of task 3", () -> {
                long t0 = System.nanoTime();
                try {
                    f.pool.execute(task3);
                } catch (RejectedExecutionException e) {
                    threw.set(e);
                }
                took.set((System.nanoTime() - t0) / 1_000_000);
                return null;
            });
            try {
                w.returns(LIMIT);
            } catch (AssertionError e) {
                throw new AssertionError("create(1, 1, 300 ms), full, and nothing frees a place: execute(task 3) "
                        + (e.getCause() == null ? "did not return within " + LIMIT.toSeconds() + " s: its wait has no bound"
                                : "threw " + e.getCause()) + ".");
            }
            if (threw.get() == null) {
                throw new AssertionError("create(1, 1, 300 ms), full, and nothing frees a place: execute(task 3) returned normally"
                        + " after " + took.get() + " ms" + (task3.ranOn.get() != null ? ", and the task ran on " + task3.ranOn.get().getName()
                        : ", and the task was dropped without a word")
                        + ": after the wait it should throw RejectedExecutionException.");
            }
            if (took.get() < 290) {
                throw new AssertionError("execute(task 3) threw RejectedExecutionException after " + took.get() + " ms: it should"
                        + " wait up to 300 ms for a place first.");
            }
            f.close();
            if (task3.ranOn.get() != null) throw new AssertionError("execute(task 3) threw, yet task 3 ran: it was queued anyway.");
        }
    }
}
