package conclab.grader.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.Map;

/**
 * Runs pieces of a learner's code on their own platform threads and requires them all to finish in time.
 * When they do not, the failure says why: the deadlock cycle ({@link Hang#deadlock}, checked every 50 ms;
 * the same cycle seen for {@link #CONFIRM} fails at once, not at the time limit), or what each thread was doing
 * at the limit.
 *
 * <p>Threads that never finish are daemons and are left behind: the test JVM ends after the tests.
 */
public final class Liveness {
    private Liveness() {}

    /** How long the same deadlock cycle must last before a probe fails on it (a real one lasts for ever). */
    static final Duration CONFIRM = Duration.ofSeconds(1);

    /** Code run by a probe; may throw anything. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** A named piece of work: the name is the thread's name in the feedback. */
    public record Task(String name, Body body) {}

    public static Task task(String name, Body body) {
        return new Task(name, body);
    }

    /**
     * Runs {@code tasks} at once, each on a new platform thread released by one gate when all have started
     * (so that short tasks really overlap), and waits up to {@code limit} for all.
     *
     * @param what what the tasks do together, for the failure message ("two opposite transfers")
     * @throws AssertionError when a task throws, when the threads deadlock, or when they are not done in time
     */
    public static void finish(String what, Duration limit, Task... tasks) {
        Map<Thread, Throwable> failures = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(tasks.length), gate = new CountDownLatch(1);
        for (Task task : tasks) {
            Thread t = Thread.ofPlatform().name(task.name()).daemon().unstarted(() -> {
                try {
                    ready.countDown();
                    gate.await();
                    task.body().run();
                } catch (Throwable e) {
                    failures.put(Thread.currentThread(), e);
                }
            });
            threads.add(t);
        }
        threads.forEach(Thread::start);
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("the check was interrupted while starting " + what);
        }
        gate.countDown();
        await(what, limit, threads);
        for (Thread t : threads) {
            Throwable e = failures.get(t);
            if (e != null) {
                if (Evidence.notDone(e)) throw new UnsupportedOperationException(Evidence.NOT_DONE, e);
                throw new AssertionError("In " + what + ", thread \"" + t.getName() + "\": " + Evidence.describe(e), e);
            }
        }
    }

    /**
     * Waits for {@code threads} to end, failing early on a deadlock among them (the same cycle of untimed waits
     * for {@link #CONFIRM}) and at {@code limit}.
     */
    public static void await(String what, Duration limit, List<Thread> threads) {
        long deadline = System.nanoTime() + limit.toNanos();
        String seen = null;   // the cycle seen at the last check, and since when
        long since = 0;
        for (Thread t : threads) {
            while (t.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(what + " did not finish within " + seconds(limit) + ".\n"
                            + Hang.diagnose(threads));
                }
                try {
                    t.join(Duration.ofNanos(Math.min(left, 50_000_000L)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("the check was interrupted while waiting for " + what);
                }
                String cycle = Hang.deadlock(threads);
                if (cycle == null || !cycle.equals(seen)) {
                    seen = cycle;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since >= CONFIRM.toNanos()) {
                    throw new AssertionError(what + " did not finish: a deadlock.\n" + cycle);
                }
            }
        }
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format("%.1f s", ms / 1000.0);
    }
}
