package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The small probes of {@link Waiting} that hidden tests share: {@link Waiting#waitedCount}, {@link Waiting#sleeps}
 * and {@link Waiting#kind}. Every step is ordered by latches; a thread's wait is seen by its state, looked at
 * in a bounded loop, never by sleeping the test.
 */
class WaitingTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** Waits (bounded) until {@code t} is WAITING or TIMED_WAITING: parked, asleep or in Object.wait. */
    private static void untilWaiting(Thread t) {
        long end = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < end) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) return;
            Thread.onSpinWait();
        }
        throw new AssertionError(t.getName() + " never waited; it is " + t.getState());
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(LIMIT.toSeconds(), TimeUnit.SECONDS), "a latch was never counted down");
    }

    @Test
    void aThreadNotAliveHasNoWaitedCount() throws InterruptedException {
        Thread t = Thread.ofPlatform().unstarted(() -> {});
        assertEquals(-1, Waiting.waitedCount(t), "not started yet");
        t.start();
        t.join();
        assertEquals(-1, Waiting.waitedCount(t), "ended");
    }

    /** Three waits, each begun after the test saw the last one: the count grows by at least one each time. */
    @Test
    void eachWaitAddsToTheCount() throws InterruptedException {
        int n = 3;
        CountDownLatch[] arrived = new CountDownLatch[n], go = new CountDownLatch[n];
        for (int i = 0; i < n; i++) {
            arrived[i] = new CountDownLatch(1);
            go[i] = new CountDownLatch(1);
        }
        Thread t = Thread.ofPlatform().daemon().name("waits 3 times").start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    arrived[i].countDown(); // never parks: the next wait the test sees is go[i]'s
                    go[i].await();
                }
            } catch (InterruptedException e) {
                // ends the thread
            }
        });
        try {
            long last = -1;
            for (int i = 0; i < n; i++) {
                await(arrived[i]);
                untilWaiting(t);
                long count = Waiting.waitedCount(t);
                assertTrue(count >= 1 && count > last, "wait " + (i + 1) + ": count " + count + " after " + last);
                last = count;
                go[i].countDown();
            }
        } finally {
            for (CountDownLatch g : go) g.countDown();
            t.join(LIMIT);
        }
    }

    /** A thread that sleeps through {@code how}, until interrupted; returns once it is asleep. */
    private static Thread sleeper(String name, Sleep how, CountDownLatch arrived) throws InterruptedException {
        Thread t = Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                arrived.countDown();
                how.sleep();
            } catch (InterruptedException e) {
                // ends the thread
            }
        });
        await(arrived);
        untilWaiting(t);
        return t;
    }

    @FunctionalInterface
    private interface Sleep {
        void sleep() throws InterruptedException;
    }

    @Test
    void aThreadInThreadSleepSleeps() throws InterruptedException {
        Thread t = sleeper("Thread.sleep", () -> Thread.sleep(Duration.ofMinutes(1)), new CountDownLatch(1));
        try {
            assertTrue(Waiting.sleeps(t));
        } finally {
            t.interrupt();
            t.join(LIMIT);
        }
        assertFalse(t.isAlive());
        assertFalse(Waiting.sleeps(t), "a thread that ended is not asleep");
    }

    @Test
    void aThreadInTimeUnitSleepSleeps() throws InterruptedException {
        Thread t = sleeper("TimeUnit.sleep", () -> TimeUnit.MINUTES.sleep(1), new CountDownLatch(1));
        try {
            assertTrue(Waiting.sleeps(t));
        } finally {
            t.interrupt();
            t.join(LIMIT);
        }
    }

    @Test
    void aThreadParkedOrInObjectWaitDoesNotSleep() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Object monitor = new Object();
        Thread parked = sleeper("latch", never::await, new CountDownLatch(1));
        Thread timed = sleeper("parkNanos", () -> {
            while (!Thread.currentThread().isInterrupted()) LockSupport.parkNanos(Duration.ofMinutes(1).toNanos());
            throw new InterruptedException();
        }, new CountDownLatch(1));
        Thread waits = sleeper("Object.wait", () -> {
            synchronized (monitor) {
                monitor.wait();
            }
        }, new CountDownLatch(1));
        try {
            assertFalse(Waiting.sleeps(parked), "parked in CountDownLatch.await");
            assertFalse(Waiting.sleeps(timed), "parked in LockSupport.parkNanos");
            assertFalse(Waiting.sleeps(waits), "in Object.wait");
        } finally {
            for (Thread t : new Thread[] {parked, timed, waits}) t.interrupt();
            for (Thread t : new Thread[] {parked, timed, waits}) t.join(LIMIT);
        }
    }

    @Test
    void kindNamesTheSynchronizer() throws InterruptedException {
        assertEquals("Condition", Waiting.kind(new ReentrantLock().newCondition()));
        assertEquals("Semaphore", Waiting.kind(new Semaphore(1)));
        assertEquals("CountDownLatch", Waiting.kind(new CountDownLatch(1)));
        // the blocker of a thread parked in acquire() is the Semaphore's inner Sync: still "Semaphore"
        Semaphore none = new Semaphore(0);
        Thread t = sleeper("acquire", none::acquire, new CountDownLatch(1));
        try {
            Object blocker = LockSupport.getBlocker(t);
            assertTrue(blocker != null && blocker.getClass().getName().startsWith("java.util.concurrent.Semaphore$"),
                    "blocker " + blocker);
            assertEquals("Semaphore", Waiting.kind(blocker));
        } finally {
            t.interrupt();
            t.join(LIMIT);
        }
    }
    @Test
    void onlyATimedParkOnNoSynchronizerParksBare() throws InterruptedException {
        Thread bare = sleeper("parkNanos", () -> {
            while (!Thread.currentThread().isInterrupted()) LockSupport.parkNanos(Duration.ofMinutes(1).toNanos());
            throw new InterruptedException();
        }, new CountDownLatch(1));
        Thread timedAcquire = sleeper("tryAcquire", () -> new Semaphore(0).tryAcquire(1, TimeUnit.MINUTES), new CountDownLatch(1));
        Thread untimed = sleeper("latch", new CountDownLatch(1)::await, new CountDownLatch(1));
        try {
            assertTrue(Waiting.parksBare(bare), "in LockSupport.parkNanos, no blocker");
            assertFalse(Waiting.parksBare(timedAcquire), "in a Semaphore's timed tryAcquire");
            assertFalse(Waiting.parksBare(untimed), "untimed, in CountDownLatch.await");
        } finally {
            for (Thread t : new Thread[] {bare, timedAcquire, untimed}) t.interrupt();
            for (Thread t : new Thread[] {bare, timedAcquire, untimed}) t.join(LIMIT);
        }
    }

    @Test
    void onlyAProgramsOwnTimedObjectWaitWaitsOnAMonitorTimed() throws InterruptedException {
        Object monitor = new Object();
        Thread timed = sleeper("wait(ms)", () -> {
            synchronized (monitor) {
                while (true) monitor.wait(60_000);
            }
        }, new CountDownLatch(1));
        Thread untimed = sleeper("wait()", () -> {
            Object own = new Object();
            synchronized (own) {
                own.wait();
            }
        }, new CountDownLatch(1));
        Thread timeUnit = sleeper("timedWait", () -> {
            synchronized (monitor) {
                while (true) TimeUnit.SECONDS.timedWait(monitor, 60);
            }
        }, new CountDownLatch(1));
        Thread target = Thread.ofPlatform().daemon().start(() -> LockSupport.park());
        Thread join = sleeper("join(ms)", () -> target.join(60_000), new CountDownLatch(1));
        try {
            assertTrue(Waiting.waitsOnMonitorTimed(timed), "in its own Object.wait(60 s)");
            assertTrue(Waiting.waitsOnMonitorTimed(timeUnit), "in TimeUnit.timedWait, which is Object.wait");
            assertFalse(Waiting.waitsOnMonitorTimed(untimed), "Object.wait() has no time limit");
            assertFalse(Waiting.waitsOnMonitorTimed(join), "Thread.join(ms) waits in Object.wait inside the JDK");
        } finally {
            for (Thread t : new Thread[] {timed, timeUnit, untimed, join, target}) t.interrupt();
            LockSupport.unpark(target);
            for (Thread t : new Thread[] {timed, timeUnit, untimed, join, target}) t.join(LIMIT);
        }
    }

    /** The wait {@link Waiting#waitsWithTimeLimit} finds in a call that waits for a task the test holds. */
    private static String timedWaitOf(Waiting.Call waitFor, CountDownLatch release) throws Exception {
        Waiting run = Waiting.start("caller", waitFor);
        try {
            return run.waitsWithTimeLimit(LIMIT);
        } finally {
            release.countDown();
            run.thread().join(LIMIT);
        }
    }

    @Test
    void timedWaitsForOtherThreadsAreFoundAndWaitsWithNoLimitAreNot() throws Exception {
        for (String kind : java.util.List.of("join(ms)", "join()", "awaitTermination", "close", "get(timeout)", "get()",
                "wait(ms)", "tryAcquire(timeout)", "sleep", "virtual join(ms)")) {
            CountDownLatch release = new CountDownLatch(1);
            Runnable held = () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            String found = timedWaitOf(() -> {
                switch (kind) {
                    case "join(ms)" -> Thread.ofPlatform().start(held).join(60_000);
                    case "virtual join(ms)" -> Thread.ofVirtual().start(held).join(60_000); // a CountDownLatch inside
                    case "join()" -> Thread.ofPlatform().start(held).join();
                    case "awaitTermination", "close" -> {
                        var pool = java.util.concurrent.Executors.newFixedThreadPool(1);
                        pool.execute(held);
                        if (kind.equals("close")) pool.close();
                        else {
                            pool.shutdown();
                            pool.awaitTermination(1, TimeUnit.MINUTES);
                        }
                    }
                    case "wait(ms)" -> {
                        Thread t = Thread.ofPlatform().start(held);
                        synchronized (t) {
                            while (t.isAlive()) t.wait(60_000);
                        }
                    }
                    case "tryAcquire(timeout)" -> {
                        var ended = new java.util.concurrent.Semaphore(0);
                        Thread.ofPlatform().start(() -> { held.run(); ended.release(); });
                        ended.tryAcquire(1, TimeUnit.MINUTES);
                    }
                    case "sleep" -> {
                        Thread t = Thread.ofPlatform().start(held);
                        while (t.isAlive()) Thread.sleep(10);
                    }
                    default -> {
                        var task = new java.util.concurrent.FutureTask<Void>(held, null);
                        Thread.ofPlatform().start(task);
                        if (kind.equals("get()")) task.get();
                        else task.get(1, TimeUnit.MINUTES);
                    }
                }
                return null;
            }, release);
            String want = switch (kind) {
                case "join(ms)", "virtual join(ms)" -> "Thread.join";
                case "awaitTermination" -> "ExecutorService.awaitTermination";
                case "get(timeout)" -> "Future.get";
                case "wait(ms)" -> "Object.wait";
                case "tryAcquire(timeout)" -> "Semaphore.tryAcquire";
                // no time limit: join(), get(), close() (which waits until the pool has terminated); or a sleep, a
                // poll that pollsOrSpins judges
                default -> null;
            };
            if (want == null) assertEquals(null, found, kind);
            else assertTrue(found != null && found.startsWith(want), kind + ": " + found);
        }
    }

    @Test
    void pollsOrSpinsPassesOneUntimedWaitAndNamesSpinningSleepingAndTimedPolls() throws Exception {
        for (String kind : java.util.List.of("join()", "spin", "sleep(10)", "wait(20)")) {
            CountDownLatch release = new CountDownLatch(1);
            Thread held = Thread.ofPlatform().start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Waiting run = Waiting.start("caller", () -> {
                switch (kind) {
                    case "join()" -> held.join();
                    case "spin" -> { while (held.isAlive()) Thread.onSpinWait(); }
                    case "sleep(10)" -> { while (held.isAlive()) Thread.sleep(10); }
                    default -> {
                        Object lock = new Object();
                        synchronized (lock) {
                            while (held.isAlive()) lock.wait(20);
                        }
                    }
                }
                return null;
            });
            String busy;
            try {
                if (kind.equals("join()")) untilWaiting(run.thread());
                busy = Waiting.pollsOrSpins(run.thread());
            } finally {
                release.countDown();
                run.returns(LIMIT);
            }
            String want = switch (kind) {
                case "join()" -> null;
                case "spin" -> "it kept running";
                case "sleep(10)" -> "it was in Thread.sleep";
                default -> "it began ";
            };
            if (want == null) assertEquals(null, busy, kind);
            else assertTrue(busy != null && busy.startsWith(want), kind + ": " + busy);
        }
    }
    @Test
    void aCallThatThrowsWhenInterruptedPasses() throws InterruptedException {
        Semaphore never = new Semaphore(0);
        Waiting.start("acquire", () -> { never.acquire(); return null; }).endsWhenInterrupted("stop", got -> "returned");
    }

    @Test
    void aCallThatReturnsWhenInterruptedFailsSayingWhatItReturned() {
        Semaphore never = new Semaphore(0);
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> Waiting.start(
                "acquire", () -> {
                    try {
                        never.acquire();
                    } catch (InterruptedException swallowed) {
                        return 42;
                    }
                    return 0;
                }).endsWhenInterrupted("stop", got -> got + ", the wrong thing"));
        assertEquals("acquire was interrupted and returned 42, the wrong thing", e.getMessage());
    }

    @Test
    void aCallThatIgnoresTheInterruptFailsSayingWhereItIs() throws InterruptedException {
        Semaphore never = new Semaphore(0);
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> Waiting.start(
                "acquire", () -> {
                    never.acquireUninterruptibly();
                    return null;
                }).endsWhenInterrupted("Let it end.", got -> "returned"));
        assertTrue(e.getMessage().startsWith("acquire was interrupted and did not stop: 2 s later it "), e.getMessage());
        assertTrue(e.getMessage().endsWith(". Let it end."), e.getMessage());
        never.release(); // the call's daemon thread ends
    }

    /**
     * A thread that spins and then ends while it is watched: the watch ends with it, well before the watcher's work is
     * done, and counts the CPU time it used while alive, so that it is seen to spin. One that ended before the watch
     * gives an empty watch.
     */
    @Test
    void aWatchEndsWithTheThreadAndKeepsTheCpuItUsed() throws InterruptedException {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        CountDownLatch go = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().daemon().name("waiting-test spinner").start(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            long start = mx.getCurrentThreadCpuTime();
            while (mx.getCurrentThreadCpuTime() - start < 200_000_000L) Thread.onSpinWait(); // 200 ms of CPU, then ends
        });
        untilWaiting(spinner);
        go.countDown();
        Waiting.Watch seen = Waiting.watchWhileWorking(spinner, Duration.ofSeconds(60));
        // TERMINATED, as the watch saw it (isAlive() may still say true for a moment after that)
        assertEquals(Thread.State.TERMINATED, spinner.getState(), "the watch ended before the thread did: " + seen);
        assertTrue(seen.work().compareTo(Duration.ofSeconds(60)) < 0, "the watch went on after the thread ended: " + seen);
        assertTrue(seen.cpu().toMillis() >= 100, "the CPU time the thread used while watched was lost: " + seen);
        assertTrue(seen.spins(), seen.describe());

        Waiting.Watch none = Waiting.watchWhileWorking(spinner, Duration.ofSeconds(60));
        assertEquals(0, none.samples(), none.toString());
        assertEquals(Duration.ZERO, none.cpu(), none.toString());
        assertTrue(none.work().compareTo(Duration.ofSeconds(1)) < 0, none.toString());
        assertFalse(none.spins(), "too short a watch to judge: " + none);
    }
}
