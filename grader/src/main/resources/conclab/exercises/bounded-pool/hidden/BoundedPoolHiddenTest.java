import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Hidden tests of the bounded-pool exercise: the waiting caller's CPU, shutdown, and an interrupt. */
class BoundedPoolHiddenTest {
    static final Duration LIMIT = BoundedPoolTest.LIMIT;
    static final Duration LONG_WAIT = BoundedPoolTest.LONG_WAIT;

    /** Starts execute(task) on a caller of its own; its value is "returned", or "threw" and the interrupt flag. */
    static Waiting caller(ThreadPoolExecutor pool, Runnable task, String name) {
        return Waiting.start("caller of " + name, () -> {
            try {
                pool.execute(task);
                return "returned";
            } catch (RejectedExecutionException e) {
                return Thread.currentThread().isInterrupted() ? "threw, interrupt flag set" : "threw, interrupt flag clear";
            }
        });
    }

    /** Waits until the caller parks (or 1 s passes, for a caller that loops); fails if execute returned or threw. */
    static void waitsFor(Waiting w) {
        try {
            w.parks(Duration.ofSeconds(1));
        } catch (AssertionError e) {
            throw new AssertionError("On a full pool, execute(task 5) should wait for a place, but it did not: it "
                    + e.getMessage().replaceFirst("^.*should have waited, but it (returned )?", "") + ".");
        }
        if (w.done()) throw new AssertionError("On a full pool, execute(task 5) returned instead of waiting for a place.");
    }

    @Test
    @Property("no-spin")
    void noSpin() throws Exception {
        try (var f = new BoundedPoolTest.Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            Waiting w = caller(f.pool, new BoundedPoolTest.Probe(), "task 5");
            Thread.sleep(100);
            Waiting.Watch watch = w.watch(Duration.ofMillis(600));
            if (w.done()) throw new AssertionError("execute(task 5) returned on a full pool instead of waiting for a place.");
            if (watch.spins()) {
                throw new AssertionError("While execute(task 5) waited for a place, " + watch.describe() + ": it should park"
                        + " (a timed offer on the queue, or a Condition), not loop.");
            }
        }
    }

    @Test
    @Property("shutdown")
    void shutdown() throws Exception {
        // 1. A pool shut down and terminated, its queue empty.
        ThreadPoolExecutor idle = BoundedPool.create(2, 2, LONG_WAIT);
        idle.shutdown();
        idle.awaitTermination(LIMIT.toSeconds(), TimeUnit.SECONDS);
        var late = new BoundedPoolTest.Probe();
        Waiting w1 = caller(idle, late, "a task after shutdown");
        Object v1 = w1.returns(LIMIT);
        if (!String.valueOf(v1).startsWith("threw")) {
            throw new AssertionError("On a pool shut down, execute returned normally"
                    + (idle.getQueue().contains(late) ? ", and left the task in the queue of a pool that has no thread and takes no task:"
                            + " it is lost, and nobody was told" : (late.ranOn.get() != null ? ", and the task ran on " + late.ranOn.get().getName() : ", and the task was dropped without a word"))
                    + ". It should throw RejectedExecutionException.");
        }
        // 2. A full pool, shut down: execute refuses at once, without waiting 30 s for a place.
        try (var f = new BoundedPoolTest.Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            f.pool.shutdown();
            Waiting w2 = caller(f.pool, new BoundedPoolTest.Probe(), "task 5 after shutdown");
            try {
                Object v2 = w2.returns(Duration.ofSeconds(2));
                if (!String.valueOf(v2).startsWith("threw")) throw new AssertionError("On a full pool shut down, execute(task 5) returned normally: it should throw RejectedExecutionException.");
            } catch (AssertionError e) {
                if (e.getMessage().startsWith("On a full")) throw e;
                throw new AssertionError("On a full pool shut down, execute(task 5) did not return within 2 s (its wait was 30 s):"
                        + " a shut-down pool takes no new task, so it should throw RejectedExecutionException at once.");
            }
        }
        // 3. shutdownNow while the caller waits: the queue is emptied, so a place frees, but the pool runs nothing more.
        var task5 = new BoundedPoolTest.Probe();
        try (var f = new BoundedPoolTest.Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            Waiting w3 = caller(f.pool, task5, "task 5");
            waitsFor(w3);
            List<Runnable> drained = f.pool.shutdownNow(); // may hold task 5, if it was queued while shutdownNow emptied the queue
            Object v3;
            try {
                v3 = w3.returns(LIMIT);
            } catch (AssertionError e) {
                if (e.getCause() != null) {
                    throw new AssertionError("shutdownNow() while execute(task 5) waited: execute threw " + e.getCause()
                            + ", not RejectedExecutionException, the exception execute throws for a task it does not take.", e.getCause());
                }
                throw new AssertionError("shutdownNow() while execute(task 5) waited: execute did not return within "
                        + LIMIT.toSeconds() + " s.");
            }
            boolean terminated = f.pool.awaitTermination(LIMIT.toSeconds(), TimeUnit.SECONDS);
            if (!String.valueOf(v3).startsWith("threw") && !drained.contains(task5)) {
                throw new AssertionError("shutdownNow() while execute(task 5) waited: shutdownNow emptied the queue, execute put"
                        + " task 5 in it and returned normally, but the pool " + (terminated ? "has ended" : "is stopping") + " and runs"
                        + " nothing more" + (f.pool.getQueue().contains(task5) ? ": task 5 sits in its queue, lost, and nobody was told" : "")
                        + ". Check the pool again after the wait, as execute itself does: if it is shut down and the task can still"
                        + " be removed from the queue (pool.remove), throw RejectedExecutionException.");
            }
            boolean threw = String.valueOf(v3).startsWith("threw");
            if (threw && (f.pool.getQueue().contains(task5) || drained.contains(task5))) {
                throw new AssertionError("shutdownNow() while execute(task 5) waited: execute threw RejectedExecutionException,"
                        + " but left task 5 " + (drained.contains(task5) ? "among the tasks shutdownNow handed back as never run"
                                : "in the queue of a pool that runs nothing more") + ": refused, yet kept. Take it back"
                        + " (pool.remove(task)) before you throw, and throw only if you did.");
            }
            if (task5.ranOn.get() != null) throw new AssertionError("execute(task 5) threw, yet task 5 ran.");
        }
        // 4. shutdown while the caller waits, then a place frees. The caller is past any look it took before its
        // wait; when task 1 ends, a thread takes task 3 (held at its latch), and the place that frees is the only
        // way on. Task 5 then sits behind task 4 and nothing takes it: execute must look again, take it back
        // (pool.remove) and throw. No race: the place frees only after shutdown() has returned.
        var task5b = new BoundedPoolTest.Probe();
        try (var f = new BoundedPoolTest.Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            Waiting w4 = caller(f.pool, task5b, "task 5");
            waitsFor(w4);
            f.pool.shutdown(); // tasks 1 to 4 still run; only new tasks are refused
            f.gates[1].countDown();
            Object v4;
            try {
                v4 = w4.returns(LIMIT);
            } catch (AssertionError e) {
                if (e.getCause() != null) {
                    throw new AssertionError("shutdown() while execute(task 5) waited, then task 1 ended and a place freed:"
                            + " execute threw " + e.getCause() + ", not RejectedExecutionException, the exception execute"
                            + " throws for a task it does not take.", e.getCause());
                }
                throw new AssertionError("shutdown() while execute(task 5) waited, then task 1 ended and a place freed:"
                        + " execute did not return within " + LIMIT.toSeconds() + " s.");
            }
            boolean queued = f.pool.getQueue().contains(task5b);
            if (!String.valueOf(v4).startsWith("threw")) {
                throw new AssertionError("shutdown() while execute(task 5) waited, then task 1 ended and a place freed:"
                        + " execute put task 5 in the queue and returned normally, but a pool shut down takes no new task"
                        + (queued ? " (task 5 sits in its queue and would run after the shutdown)" : "")
                        + ". Check the pool again after the wait, as execute itself does: if it is shut down and the task"
                        + " can still be removed from the queue (pool.remove), throw RejectedExecutionException.");
            }
            if (queued) {
                throw new AssertionError("shutdown() while execute(task 5) waited, then a place freed: execute threw"
                        + " RejectedExecutionException, but left task 5 in the queue, where it would run: refused, yet kept."
                        + " Take it back (pool.remove(task)) before you throw, and throw only if you did.");
            }
        }
        if (task5b.ranOn.get() != null) throw new AssertionError("execute(task 5) threw after shutdown(), yet task 5 ran.");
        shutdownAsTheTaskIsQueued();
    }

    /**
     * A queue that runs {@code hook} right after a task is put in it, whichever way: the test's way to make a pool shut
     * down (and a worker take the task) exactly between the handler's queueing and its look at the pool after it.
     */
    static final class HookQueue extends java.util.concurrent.ArrayBlockingQueue<Runnable> {
        volatile Runnable hook = () -> { };

        HookQueue() {
            super(1);
        }

        @Override
        public boolean offer(Runnable r, long timeout, TimeUnit unit) throws InterruptedException {
            boolean queued = super.offer(r, timeout, unit);
            if (queued) hook.run();
            return queued;
        }

        @Override
        public boolean offer(Runnable r) {
            boolean queued = super.offer(r);
            if (queued) hook.run();
            return queued;
        }

        @Override
        public void put(Runnable r) throws InterruptedException {
            super.put(r);
            hook.run();
        }
    }

    /**
     * 5 and 6. The handler of create(1, 1, 30 s), called on a pool of the test's own (one thread, a queue of one,
     * no worker started yet) whose queue shuts the pool down the moment the task is queued. 5: nothing else happens;
     * the pool has no worker, so the task must be taken back and the pool, its queue empty, terminates (only
     * pool.remove tells it to: getQueue().remove leaves it shut down but never terminated, and close() hangs). 6: a
     * worker takes the task from the queue and runs it before the handler looks again: the task was accepted, so
     * execute must not throw (remove then finds nothing to take back).
     */
    static void shutdownAsTheTaskIsQueued() throws InterruptedException {
        java.util.concurrent.RejectedExecutionHandler handler;
        ThreadPoolExecutor made = BoundedPool.create(1, 1, LONG_WAIT);
        try {
            handler = made.getRejectedExecutionHandler();
        } finally {
            made.shutdownNow();
        }
        HookQueue q5 = new HookQueue();
        ThreadPoolExecutor p5 = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, q5, handler);
        q5.hook = p5::shutdown;
        var task = new BoundedPoolTest.Probe();
        String how = "The handler, called for a task on a pool whose queue had room, queued the task, and the pool was shut down"
                + " at that moment, with no thread to run it";
        String outcome = call(handler, task, p5);
        if (!p5.isShutdown()) {
            // the hook never ran: this handler did not queue the task, and its other tests say what it did instead
            p5.shutdownNow();
            return;
        }
        boolean terminated = p5.awaitTermination(2, TimeUnit.SECONDS);
        if (!outcome.startsWith("threw")) {
            throw new AssertionError(how + "; the handler " + outcome + (q5.contains(task) ? ", leaving the task in the queue" : "")
                    + ": a pool shut down takes no new task. Look again after queueing: if the pool is shut down and"
                    + " pool.remove(task) takes the task back, throw RejectedExecutionException.");
        }
        if (q5.contains(task)) throw new AssertionError(how + "; the handler threw, but left the task in the queue.");
        if (!terminated) {
            throw new AssertionError(how + "; the handler took the task back and threw, but the pool, shut down and its queue"
                    + " empty, had not terminated 2 s later: awaitTermination and close() would wait for ever. Take the task"
                    + " back with pool.remove(task), which lets a pool shut down terminate, not with pool.getQueue().remove.");
        }
        HookQueue q6 = new HookQueue();
        ThreadPoolExecutor p6 = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, q6, handler);
        q6.hook = () -> {
            p6.shutdown();
            Runnable taken = q6.poll(); // a worker takes the task and runs it, before the handler looks again
            if (taken != null) taken.run();
        };
        var ran = new BoundedPoolTest.Probe();
        outcome = call(handler, ran, p6);
        boolean queued = p6.isShutdown(); // the hook ran: the handler queued the task
        p6.shutdownNow();
        if (queued && ran.ranOn.get() != null && !outcome.startsWith("returned")) {
            throw new AssertionError("The handler queued a task; at that moment the pool was shut down and a worker took the"
                    + " task from the queue and ran it. Then the handler " + outcome + ": it refused a task that was accepted and"
                    + " ran. Throw only if pool.remove(task) took the task back (it returns false here).");
        }
    }

    /** Calls the handler for {@code task} on {@code pool} on this thread: "returned", or "threw ..." with what. */
    static String call(java.util.concurrent.RejectedExecutionHandler handler, Runnable task, ThreadPoolExecutor pool) {
        try {
            handler.rejectedExecution(task, pool);
            return "returned normally";
        } catch (RejectedExecutionException e) {
            return "threw RejectedExecutionException";
        } catch (RuntimeException e) {
            return "threw " + e;
        }
    }

    @Test
    @Property("interrupt")
    void interrupt() throws Exception {
        var task5 = new BoundedPoolTest.Probe();
        try (var f = new BoundedPoolTest.Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            Waiting w = caller(f.pool, task5, "task 5");
            waitsFor(w);
            w.thread().interrupt();
            Object v;
            try {
                v = w.returns(LIMIT);
            } catch (AssertionError e) {
                throw new AssertionError("The caller of execute(task 5) was interrupted while it waited, and execute "
                        + (e.getCause() == null ? "went on waiting (" + LIMIT.toSeconds() + " s)" : "threw " + e.getCause())
                        + ": it should stop waiting and throw RejectedExecutionException.");
            }
            if (v.equals("returned")) {
                throw new AssertionError("The caller of execute(task 5) was interrupted while it waited, and execute returned normally"
                        + (f.pool.getQueue().contains(task5) ? " with the task queued" : "") + ": it should stop waiting and throw RejectedExecutionException.");
            }
            if (!v.equals("threw, interrupt flag set")) {
                throw new AssertionError("The caller of execute(task 5) was interrupted while it waited; execute threw"
                        + " RejectedExecutionException, but the caller's interrupt flag was clear afterwards: catching"
                        + " InterruptedException clears it, so set it again (Thread.currentThread().interrupt()) for the caller to see.");
            }
            if (f.pool.getQueue().contains(task5)) throw new AssertionError("execute(task 5) threw, yet task 5 was left in the queue.");
            f.close();
            if (task5.ranOn.get() != null) throw new AssertionError("execute(task 5) threw, yet task 5 ran.");
        }
    }
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /**
     * What a parked thread waits on, as {@link LockSupport#getBlocker} tells: a java.util.concurrent
     * synchronizer (a queue's or a lock's Condition, a Semaphore, a lock, a latch, a Future) whose release wakes
     * it; or null when it is not parked on one (a bare LockSupport.parkNanos, Object.wait, Thread.sleep), or is
     * not parked at all.
     */
    static Object synchronizer(Thread t) {
        Thread.State s = t.getState();
        if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) return null;
        Object b = LockSupport.getBlocker(t);
        if (b == null) return null;
        String c = b.getClass().getName();
        boolean juc = c.startsWith("java.util.concurrent.");
        if (!juc || b instanceof java.util.Collection<?> || b instanceof java.util.concurrent.Executor) return null;
        return b;
    }

    @Test
    @Property("no-poll")
    void noPoll() throws Exception {
        try (var f = new BoundedPoolTest.Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            Waiting w = caller(f.pool, new BoundedPoolTest.Probe(), "task 5");
            waitsFor(w);
            long before = Waiting.waitedCount(w.thread());
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // a slice of up to 1.5 s begins 2 more waits
            String sleeps = null, bareIn = null;
            int samples = 0, bare = 0;
            while (System.nanoTime() < end && !w.done()) {
                String in = w.waitsIn();
                if (in.equals("Thread.sleep")) sleeps = "it was in Thread.sleep";
                samples++;
                if (synchronizer(w.thread()) == null) {
                    bare++;
                    if (bareIn == null && w.thread().getState() != Thread.State.RUNNABLE) bareIn = in;
                }
                Thread.sleep(5);
            }
            long after = Waiting.waitedCount(w.thread());
            if (w.done() || after < 0) throw new AssertionError("execute(task 5) returned on a full pool instead of waiting for a place.");
            long wakes = after - before;
            if (sleeps != null || wakes > 2) {
                throw new AssertionError("For 3 s nothing freed a place, and the caller of execute(task 5) began to wait "
                        + wakes + " times" + (sleeps != null ? " (" + sleeps + ")" : "") + ": it polls, waking up again and again"
                        + " to look at the queue, and sees a place late. It should wait once, parked until a place frees or"
                        + " the wait runs out (the queue's offer(task, timeout) does).");
            }
            if (bare * 2 > samples) {
                throw new AssertionError("For 3 s nothing freed a place, and the caller of execute(task 5) was not parked on a"
                        + " java.util.concurrent synchronizer (a Condition, a Semaphore, a lock) in " + bare + " of " + samples
                        + " samples" + (bareIn != null ? " (it waited in " + bareIn + ")" : "") + ": nothing wakes it when a place"
                        + " frees, so it can only wake up by itself, look at the queue again, and see the place late. Wait where"
                        + " the freeing of a place wakes you: the queue's offer(task, timeout) parks on the queue's Condition,"
                        + " which a thread taking a task signals.");
            }
        }
    }

    @Test
    @Property("callers")
    void callers() throws Exception {
        var task5 = new BoundedPoolTest.Probe();
        var task6 = new BoundedPoolTest.Probe();
        try (var f = new BoundedPoolTest.Full(2, 2, LONG_WAIT)) {
            String stuck = f.fill();
            if (stuck != null) throw new AssertionError(stuck);
            Waiting first = caller(f.pool, task5, "task 5");
            waitsFor(first);
            Waiting second = caller(f.pool, task6, "task 6");
            // Settles: not running for 50 ms (parked, or blocked on a monitor), or 1 s passes.
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos(), stillSince = -1;
            while (System.nanoTime() < deadline && !second.done()) {
                Thread.State s = second.thread().getState();
                if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                    if (stillSince < 0) stillSince = System.nanoTime();
                    if (System.nanoTime() - stillSince >= 50_000_000L) break;
                } else {
                    stillSince = -1;
                }
                Thread.sleep(1);
            }
            if (second.done()) throw new AssertionError("On a full pool, with one caller waiting, execute(task 6) returned instead of waiting for a place.");
            int samples = 0, behind = 0, apart = 0;
            boolean blocked = false;
            String firstOn = null, secondOn = null;
            long end = System.nanoTime() + Duration.ofMillis(300).toNanos();
            while (System.nanoTime() < end) {
                ThreadInfo i = MX.getThreadInfo(second.thread().threadId());
                if (i == null) break;
                samples++;
                if (i.getLockOwnerId() == first.thread().threadId()) {
                    behind++;
                    blocked |= i.getThreadState() == Thread.State.BLOCKED;
                }
                // Both parked on synchronizers, but not the same one: the second does not wait for a place as the first does.
                Object b1 = synchronizer(first.thread()), b2 = synchronizer(second.thread());
                if (b1 != null && b2 != null && b1 != b2) {
                    apart++;
                    firstOn = Waiting.kind(b1);
                    secondOn = Waiting.kind(b2);
                }
                Thread.sleep(2);
            }
            if (behind * 2 > samples) {
                throw new AssertionError("Two callers on a full pool: while the first, execute(task 5), waited for a place, the"
                        + " second, execute(task 6), waited for " + (blocked ? "the monitor of a synchronized method or block"
                                : "a lock") + " that the first held, in " + behind + " of " + samples + " samples. The callers are"
                        + " then served one at a time: the second's wait only begins when the first's ends. Hold no lock while"
                        + " you wait; the queue's offer(task, timeout) lets any number of callers wait at once.");
            }
            if (apart * 2 > samples) {
                throw new AssertionError("Two callers on a full pool: while the first, execute(task 5), waited parked on a "
                        + firstOn + ", the second, execute(task 6), waited parked on " + (firstOn.equals(secondOn) ? "another " : "a ")
                        + secondOn + ", in " + apart + " of " + samples + " samples: it does not wait for a place, as the first"
                        + " does, but for something the first holds or has to give back (a Semaphore has no owner, but a permit"
                        + " the first took is still held). The callers are then served one at a time: the second's wait for a"
                        + " place only begins when the first's ends. Let every caller wait on the same thing, the freeing of a"
                        + " place: the queue's offer(task, timeout) lets any number of callers wait at once.");
            }
            f.gates[1].countDown(); // task 1 ends: task 3 leaves the queue, a place frees
            f.gates[2].countDown(); // task 2 ends: task 4 leaves the queue, another place frees
            for (Waiting w : new Waiting[] {first, second}) {
                Object v;
                try {
                    v = w.returns(LIMIT);
                } catch (AssertionError e) {
                    throw new AssertionError("Two callers waited on a full pool, then 2 places freed, and " + e.getMessage());
                }
                if (!"returned".equals(v)) {
                    throw new AssertionError("Two callers waited on a full pool, then 2 places freed, and " + w.thread().getName()
                            + " " + v + " instead of queuing its task.");
                }
            }
        }
    }
}
