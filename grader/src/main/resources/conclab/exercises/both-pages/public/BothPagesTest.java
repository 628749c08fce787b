import conclab.grader.probe.Hang;
import conclab.grader.probe.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Public tests of the both-pages exercise: the learner may read them. */
class BothPagesTest {
    /** Generous bounds: the machine that grades may be slow and busy. */
    static final long LIMIT_SECONDS = 5;

    /** The threads of {@link #pool}, each named "test pool thread N". */
    final Set<Thread> poolThreads = ConcurrentHashMap.newKeySet();
    final AtomicInteger poolThreadNumber = new AtomicInteger();
    final ExecutorService pool = Executors.newFixedThreadPool(4, task -> {
        Thread t = new Thread(task, "test pool thread " + poolThreadNumber.incrementAndGet());
        poolThreads.add(t);
        return t;
    });

    @AfterEach
    void closePool() {
        pool.shutdownNow();
    }

    @Test
    @Property("returns-at-once")
    void returnsAtOnce() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Call call = new Call(download(gate, "page a"), download(gate, "page b"), pool);
        boolean returned = call.returnedWithin(LIMIT_SECONDS);
        gate.countDown();
        if (!returned) {
            throw new AssertionError("both() had not returned after " + LIMIT_SECONDS + " s while the two downloads "
                    + "were still running: it waited for them. Return the future at once; it completes when the "
                    + "pages are there.");
        }
        expect(List.of("page a", "page b"), call.future());
    }

    @Test
    @Property("runs-both-at-once")
    void runsBothAtOnce() throws Exception {
        CountDownLatch started = new CountDownLatch(2), gate = new CountDownLatch(1);
        Supplier<String> a = () -> { started.countDown(); return download(gate, "page a").get(); };
        Supplier<String> b = () -> { started.countDown(); return download(gate, "page b").get(); };
        Call call = new Call(a, b, pool);
        boolean both = started.await(LIMIT_SECONDS, TimeUnit.SECONDS);
        long count = 2 - started.getCount();
        gate.countDown();
        if (!both) {
            throw new AssertionError("While one download was still running, the other had not started (after "
                    + LIMIT_SECONDS + " s, " + count + " of 2 had started): they run one after the other. "
                    + "Start both on the pool before waiting for either.");
        }
        expect(List.of("page a", "page b"), call.future());
    }

    @Test
    @Property("keeps-order")
    void keepsOrder() throws Exception {
        // b finishes first: a waits until the pool has finished a task, which can only be b's (a's is
        // still running), including whatever the future runs when b's page arrives, and until both() has
        // returned (what both() attaches to an already finished future runs at once, in the call).
        CountDownLatch aTaskDone = new CountDownLatch(1), returned = new CountDownLatch(1);
        Executor counting = task -> pool.execute(() -> {
            try {
                task.run();
            } finally {
                aTaskDone.countDown();
            }
        });
        Supplier<String> a = () -> {
            try {
                aTaskDone.await(LIMIT_SECONDS, TimeUnit.SECONDS);
                returned.await(LIMIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "page a";
        };
        Call call = new Call(a, () -> "page b", counting, returned);
        expect(List.of("page a", "page b"), call.future());
    }

    @Test
    @Property("runs-on-the-pool")
    void runsOnThePool() throws Exception {
        Map<String, Thread> ranOn = new ConcurrentHashMap<>();
        Supplier<String> a = () -> { ranOn.put("a", Thread.currentThread()); return "page a"; };
        Supplier<String> b = () -> { ranOn.put("b", Thread.currentThread()); return "page b"; };
        expect(List.of("page a", "page b"), new Call(a, b, pool).future());
        for (String d : List.of("a", "b")) {
            Thread t = ranOn.get(d);
            if (!poolThreads.contains(t)) {
                throw new AssertionError("Download " + d + " ran on the thread \"" + t.getName() + "\", not on a thread "
                        + "of the pool passed to both() (named \"test pool thread N\"). Give both downloads to that pool.");
            }
        }
    }

    @Test
    @Property("waits-on-no-thread")
    void waitsOnNoThread() throws Exception {
        noThreadWaitsWhileOneIsHeld(true);    // a at once, b held
        noThreadWaitsWhileOneIsHeld(false);   // b at once, a held: a step of b's that waits for a shows only here
    }

    /**
     * One page comes at once, the other is held ({@code aFirst}: a comes, b is held; else the reverse). Every task
     * given to the pool is counted from when it is given until it has run; once the first page's task has run, only
     * the held page's may be left: a task that waits for a page holds a thread.
     */
    void noThreadWaitsWhileOneIsHeld(boolean aFirst) throws Exception {
        String first = aFirst ? "page a" : "page b", held = aFirst ? "page b" : "page a";
        AtomicInteger unfinished = new AtomicInteger();
        CountDownLatch firstTaskDone = new CountDownLatch(1), heldStarted = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1), returned = new CountDownLatch(1);
        Executor counting = task -> {
            unfinished.incrementAndGet();
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    unfinished.decrementAndGet();
                    firstTaskDone.countDown();
                }
            });
        };
        Supplier<String> now = () -> first;
        Supplier<String> late = () -> { heldStarted.countDown(); return download(gate, held).get(); };
        Call call = aFirst ? new Call(now, late, counting, returned) : new Call(late, now, counting, returned);
        AtomicReference<Thread> completer = new AtomicReference<>();
        AtomicReference<StackTraceElement[]> completerStack = new AtomicReference<>();
        CountDownLatch completed = new CountDownLatch(1);
        try {
            if (!returned.await(LIMIT_SECONDS, TimeUnit.SECONDS) || !heldStarted.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("both() had not returned, or the download of " + held + " had not started, after "
                        + LIMIT_SECONDS + " s.");
            }
            // attached while the held page is held, so that it runs on the thread that completes the future
            call.future().whenComplete((pages, e) -> {
                completer.set(Thread.currentThread());
                completerStack.set(Thread.currentThread().getStackTrace());
                completed.countDown();
            });
            if (!firstTaskDone.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(cap(first) + " was there at once, but " + LIMIT_SECONDS + " s later no task given "
                        + "to the pool had finished while " + held + " was still downloading: a pool thread waits for "
                        + held + " (a join() or get() in a task or callback). Combine the two futures instead.");
            }
            int left = unfinished.get();
            List<String> waiters = waitingOnAFutureWithin(WATCH_MILLIS);
            if (left > 1) {
                throw new AssertionError("After " + first + " arrived, " + left + " tasks given to the pool were unfinished "
                        + "while " + held + " was still downloading; only its download should be: the others wait for a "
                        + "page and hold a thread each. Combine the two futures instead.");
            }
            if (!waiters.isEmpty()) {
                throw new AssertionError("While " + held + " was still downloading, " + waiters + " held on for the"
                        + " pages: no thread should wait for them, nor run a loop until they come. Combine the two"
                        + " futures instead.");
            }
        } finally {
            gate.countDown();
        }
        // the thread first, then the pages: a thread waiting in get() may run the future's callbacks itself once woken
        completedByTheDownloads(completer, completerStack, completed, held);
        expect(List.of("page a", "page b"), call.future());
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * Requires the future of {@link #noThreadWaitsWhileOneIsHeld} to have been completed on a thread of the pool: by the
     * callback of the held page's download, the last to finish, on its thread (thenCombine, allOf), or by a step given to the pool (an
     * ...Async method with the pool). A solution that looks again and again whether the pages have come (a poll
     * run anew every few milliseconds on a timer: a loop too short to be found in a thread dump) completes it on the
     * timer's thread instead, or the common pool's: this shows every time. A future completed on the common pool with
     * no frame of the learner's code on the stack was completed by the JDK, in a step of an ...Async method given no
     * executor; one completed there by the learner's code is a poll (run by delayedExecutor, say).
     */
    void completedByTheDownloads(AtomicReference<Thread> completer, AtomicReference<StackTraceElement[]> completerStack,
                                 CountDownLatch completed, String held) throws InterruptedException {
        if (!completed.await(LIMIT_SECONDS, TimeUnit.SECONDS)) return; // not completed: expect() says why
        Thread t = completer.get();
        // the test's own thread: the future was complete before page b came (waits-for-both reports it)
        if (t == Thread.currentThread() || poolThreads.contains(t)) return;
        if (t instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == java.util.concurrent.ForkJoinPool.commonPool()
                && conclab.grader.probe.Evidence.where(completerStack.get()) == null) {
            throw new AssertionError(cap(held) + " was held, then its download finished on a thread of the pool, and the"
                    + " future was completed on the thread \"" + t.getName() + "\", a thread of the common pool, not of the"
                    + " pool passed to both(): a step given to an ...Async method without an executor runs on"
                    + " ForkJoinPool.commonPool(). Pass the pool (thenCombineAsync(other, fn, pool)), or use the method"
                    + " without Async, which runs the step on the thread of the download that finished last.");
        }
        throw new AssertionError(cap(held) + " was held, then its download finished on a thread of the pool, and the future"
                + " was completed on the thread \"" + t.getName() + "\", not on a thread of the pool: not by the"
                + " downloads' callbacks, but by code that looked whether the pages had come (a poll that runs itself"
                + " again a few milliseconds later, on a timer, is a loop until they come that wakes a thread for"
                + " nothing). Combine the two futures (thenCombine, allOf): the download that finishes last then"
                + " completes the future.");
    }

    @Test
    @Property("waits-for-both")
    void waitsForBoth() throws Exception {
        // a finishes first: b waits until the pool has finished a task, which can only be a's (b's is still
        // running), including whatever the future runs when a's page arrives, and until both() has returned.
        CountDownLatch aTaskDone = new CountDownLatch(1), returned = new CountDownLatch(1);
        Executor counting = task -> pool.execute(() -> {
            try {
                task.run();
            } finally {
                aTaskDone.countDown();
            }
        });
        Supplier<String> b = () -> {
            try {
                aTaskDone.await(LIMIT_SECONDS, TimeUnit.SECONDS);
                returned.await(LIMIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "page b";
        };
        Call call = new Call(() -> "page a", b, counting, returned);
        expect(List.of("page a", "page b"), call.future());
    }

    /** How long {@link #waitingOnAFutureWithin} keeps looking: a thread the solution started may be slow to run. */
    static final long WATCH_MILLIS = 2000;

    /**
     * The threads found holding on for the pages ({@link #inAFuture}, {@link #inSolution}) in thread dumps taken about every 20 ms: those
     * in a future's join() or get() at once, those in code of the solution only when two dumps in a row find them
     * there (a callback passing through is in one dump at most). Empty if none is found within {@code millis}. One
     * dump is not enough: a thread the solution started (a virtual thread that will join the futures) may not have
     * run yet when it is taken, on a busy machine or with few processors; and a correct solution has no such thread
     * to find however long one looks, since while page b is held none of its code has anything to do.
     */
    static List<String> waitingOnAFutureWithin(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        java.util.Set<String> inSolutionBefore = java.util.Set.of();
        while (true) {
            List<String> found = new ArrayList<>();
            java.util.Set<String> inSolution = new java.util.HashSet<>();
            for (Hang.DumpedThread t : Hang.dump()) {
                String id = t.stack().strip().split("\\s", 2)[0]; // '#42 "name" virtual WAITING <time>': "#42", its id
                String who = t.name().isEmpty() ? "a virtual thread" : "\"" + t.name() + "\"";
                if (inAFuture(t)) found.add(who + " (in a future's join or get)");
                else if (inSolution(t)) {
                    inSolution.add(id);
                    if (inSolutionBefore.contains(id)) found.add(who + " (" + (t.waits() ? "waiting" : "running") + " in your code)");
                }
            }
            if (!found.isEmpty() || System.nanoTime() >= end) return found;
            inSolutionBefore = inSolution;
            Thread.sleep(20); // a look about every 20 ms; nothing is ordered by this pause, it only spaces the dumps
        }
    }

    /** Whether {@code t} waits inside CompletableFuture's join() or get(). */
    static boolean inAFuture(Hang.DumpedThread t) {
        return t.hasFrame("CompletableFuture.waitingGet") || t.hasFrame("CompletableFuture.timedGet");
    }

    /**
     * Whether {@code t} runs or waits in code of the solution (a frame of its file, whatever class: Pages, a nested
     * or anonymous class, a helper), other than download b's own thread, which waits at its gate inside the test's
     * code, possibly called from the solution's.
     */
    static boolean inSolution(Hang.DumpedThread t) {
        return t.stack().contains("(" + conclab.grader.probe.Evidence.SOLUTION_FILE + ":")
                && !t.stack().contains("BothPagesTest.lambda$download$");
    }

    /** A download that waits until {@code gate} opens (at most a minute) and returns {@code page}. */
    static Supplier<String> download(CountDownLatch gate, String page) {
        return () -> {
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return page;
        };
    }

    /**
     * A call of {@code Pages.both} on a thread of its own, so that a call that waits for the downloads
     * cannot hang the test.
     */
    static final class Call {
        private final Thread caller;
        private final AtomicReference<Object> result = new AtomicReference<>();

        Call(Supplier<String> a, Supplier<String> b, Executor pool) {
            this(a, b, pool, new CountDownLatch(1));
        }

        /** Counts {@code returned} down when both() has returned (or thrown). */
        Call(Supplier<String> a, Supplier<String> b, Executor pool, CountDownLatch returned) {
            caller = Thread.ofPlatform().daemon().name("caller").start(() -> {
                try {
                    result.set(Pages.both(a, b, pool));
                } catch (Throwable t) {
                    result.set(t);
                } finally {
                    returned.countDown();
                }
            });
        }

        boolean returnedWithin(long seconds) throws InterruptedException {
            return caller.join(java.time.Duration.ofSeconds(seconds));
        }

        /** What both() returned, waiting for it at most the limit. */
        CompletableFuture<List<String>> future() throws InterruptedException {
            if (!returnedWithin(LIMIT_SECONDS)) {
                throw new AssertionError("both() had not returned " + LIMIT_SECONDS
                        + " s after both downloads could finish.");
            }
            Object got = result.get();
            if (got instanceof Throwable t) throw new AssertionError("both() threw " + t, t);
            if (got == null) throw new AssertionError("both() returned null instead of a CompletableFuture.");
            @SuppressWarnings("unchecked")
            CompletableFuture<List<String>> future = (CompletableFuture<List<String>>) got;
            return future;
        }
    }

    /** Requires {@code future} to complete within the limit with {@code pages}. */
    static void expect(List<String> pages, CompletableFuture<List<String>> future) throws Exception {
        List<String> got;
        try {
            got = future.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("The future had not completed " + LIMIT_SECONDS + " s after both downloads could finish.");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("The future failed with " + e.getCause(), e.getCause());
        }
        if (!pages.equals(got)) throw new AssertionError("The future completed with " + got + ", expected " + pages + ".");
    }
}
